"""The command line: `reviewkit run|check|sample|init|new-cycle|setup|lab ...` (also
`python -m reviewkit ...`)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from reviewkit import __version__
from reviewkit.base.errors import ReviewError
from reviewkit.base.steps import STEPS


def _run(args: argparse.Namespace) -> int:
    from reviewkit.base.paths import kernels_log
    from reviewkit.run import kernels, lean

    lean.leave_unloaded()  # a run's process, before it imports the runner
    t0 = time.perf_counter()
    # the kernel server imports the libraries while this process imports the runner
    kernels.start_early(kernels_log())
    try:
        from reviewkit.run.batch import run_many
        from reviewkit.run.runner import run_cycle

        if len(args.params) > 1:
            return run_many(args.params, start=args.start, force=args.force, jobs=args.jobs)
        out = run_cycle(args.params[0], start=args.start, force=args.force, progress=not args.quiet)
    finally:
        kernels.stop_early()
    print(
        f"{args.params[0]}: review cycle finished in {time.perf_counter() - t0:.1f}s; "
        f"outputs in {out}"
    )
    return 0


def given_path(arg: str) -> str:
    """A params file named on the command line, as the user means it: from the folder they
    stand in when it is there; else from the repository root (as paths inside params files
    are). When both exist and are different files, the name is ambiguous: refused, naming
    both, rather than checking a file the user did not mean."""
    from reviewkit.base.paths import resolve

    path = Path(arg).expanduser()
    if path.is_absolute():
        return str(path)
    here, root = Path.cwd() / path, resolve(path)
    if here.is_file() and root.is_file() and here.resolve() != root.resolve():
        raise argparse.ArgumentTypeError(
            f"{arg} names two files: {here} (from where you stand) and {root} (from the "
            "repository root); give the path in full, or run from the repository root"
        )
    if here.is_file() and not root.is_file():
        return str(here.resolve())
    return arg


def _check(args: argparse.Namespace) -> int:
    from reviewkit.run.preflight import check_cycle, shared_folder_lines

    worst = 0
    shared = shared_folder_lines(args.params)
    for line in shared:
        print(f"error: {line}", file=sys.stderr)
        worst = 1
    for params_file in args.params:
        ok, lines = check_cycle(params_file)
        print(f"{params_file}:")
        for line in lines:
            if line.startswith("error: "):
                print(line, file=sys.stderr)
            else:
                print(f"  {line}")
        worst = max(worst, 0 if ok else 1)
    return worst


def _sample(args: argparse.Namespace) -> int:
    from reviewkit.demo.sample import generate

    folder = Path(args.dir)
    if folder.exists() and any(folder.iterdir()) and not args.force:
        raise ReviewError(f"{folder} is not empty; choose an empty folder or use --force.")
    summary = generate(folder, rows=args.rows, partnerships=args.partnerships, seed=args.seed)
    partnerships = summary["partnerships"]
    count = len(partnerships) if isinstance(partnerships, list) else 0
    print(
        f"wrote {summary['street_rows']:,} street records over {summary['months']} months "
        f"for {count} partnership(s) to {folder}"
    )
    return 0


def _init(args: argparse.Namespace) -> int:
    from reviewkit.base.paths import relative
    from reviewkit.run.scaffold import init_partnership

    written = init_partnership(args.name, authority=args.authority)
    print(f"Set up {args.name}:")
    for path in written:
        print(f"  {relative(path)}")
    print(
        f"Next: fill in the files above (each is commented), put the raw extracts under "
        f"{relative(written[-1].parent)}/, then run: reviewkit check {relative(written[0])}"
    )
    return 0


def _new_cycle(args: argparse.Namespace) -> int:
    from reviewkit.base.paths import relative
    from reviewkit.run.scaffold import new_cycle

    target, notes = new_cycle(args.new_id, args.previous)
    print(f"wrote {relative(target)}")
    for note in notes:
        print(f"  {note}")
    print(f"Next: add the new extracts, then run: reviewkit check {relative(target)}")
    return 0


def _setup(args: argparse.Namespace) -> int:
    from reviewkit.base.paths import repo_root
    from reviewkit.run.lab import setup

    for line in setup(repo_root()):
        print(line)
    return 0


def _lab(args: argparse.Namespace) -> int:
    from reviewkit.base.paths import repo_root
    from reviewkit.run.lab import run_lab

    return run_lab(repo_root(), args.port, args.lab_args)


def build_parser() -> argparse.ArgumentParser:
    """The `reviewkit` command line: its commands and their options."""
    parser = argparse.ArgumentParser(
        prog="reviewkit",
        description="Partnership Strategy Review: run a community safety "
        "partnership's strategy review cycle.",
    )
    parser.add_argument("--version", action="version", version=f"reviewkit {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="run one or more review cycles")
    run.add_argument("params", nargs="+", help="params file(s), one per cycle or partnership")
    run.add_argument(
        "--from",
        dest="start",
        default="intake",
        choices=STEPS,
        help="rerun from this step",
    )
    run.add_argument("--force", action="store_true", help="replace the outputs of a finished cycle")
    run.add_argument("--quiet", action="store_true", help="no progress bars")
    run.add_argument(
        "--jobs",
        type=int,
        default=None,
        help="cycles run at once when several params files are given "
        "(default: the number of cores plus one)",
    )
    run.set_defaults(func=_run)

    check = sub.add_parser("check", help="check params and data without running notebooks")
    check.add_argument(
        "params",
        nargs="+",
        type=given_path,
        help="params file(s): from where you stand, else from the repository root",
    )
    check.set_defaults(func=_check)

    sample = sub.add_parser("sample", help="write synthetic demo data")
    sample.add_argument("dir", help="folder to write into")
    sample.add_argument(
        "--rows",
        type=int,
        default=None,
        help="about how many street records in all (default ~2,000 a month per partnership)",
    )
    sample.add_argument("--partnerships", type=int, default=3)
    sample.add_argument("--seed", type=int, default=20261126)
    sample.add_argument("--force", action="store_true", help="write into a non-empty folder")
    sample.set_defaults(func=_sample)
    init = sub.add_parser("init", help="set a new partnership up from commented templates")
    init.add_argument(
        "name", help="the partnership's name, e.g. 'Newport Community Safety Partnership'"
    )
    init.add_argument(
        "--authority",
        help="local authority name (LSOA name prefix); default "
        "the partnership's name without 'Community Safety Partnership'",
    )
    init.set_defaults(func=_init)

    nc = sub.add_parser("new-cycle", help="write the next cycle's params from the last one")
    nc.add_argument("new_id", help="id of the new cycle, e.g. 2026-27")
    nc.add_argument(
        "--from", dest="previous", required=True, help="the previous cycle's params file"
    )
    nc.set_defaults(func=_new_cycle)

    setup = sub.add_parser(
        "setup",
        help="after installing: register the notebooks' kernel, set up nbstripout and "
        "JupyterLab's settings (what `make setup` does)",
    )
    setup.set_defaults(func=_setup)
    lab = sub.add_parser(
        "lab", help="open JupyterLab on this computer only, saving notebooks as git keeps them"
    )
    lab.add_argument("--port", type=int, default=8888)
    lab.set_defaults(func=_lab, lab_args=[])  # any other option is JupyterLab's (main)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the `reviewkit` command line with `argv`; its exit code (errors said in one line)."""
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra and args.command != "lab":
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    if extra:
        args.lab_args = extra  # `reviewkit lab --no-browser`: JupyterLab's own options
    try:
        return int(args.func(args) or 0)
    except ReviewError as exc:
        print(f"error: {_where(args, str(exc))}{exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # the disk, not the data: a full disk or a folder we cannot write
        print(f"error: {describe_os_error(exc)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def _where(args: argparse.Namespace, message: str) -> str:
    """`<params file>: ` before a run's message, unless the message already names a file."""
    params = getattr(args, "params", None)
    if args.command != "run" or not params or len(params) != 1:
        return ""
    from reviewkit.base.paths import resolve

    first = message.split("\n", 1)[0]
    names = (params[0], str(resolve(params[0])), Path(params[0]).name)
    return "" if any(n in first for n in names) else f"{params[0]}: "


def describe_os_error(exc: OSError) -> str:
    """What went wrong writing or reading a file, and what to do, without a traceback."""
    import errno

    where = f" ({exc.filename})" if exc.filename else ""
    if exc.errno == errno.ENOSPC:
        return (
            f"the disk is full{where}. Free some space (or set REVIEWKIT_OUTPUTS to a "
            "folder on another disk) and run again; finished outputs were not touched."
        )
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return (
            f"permission denied{where}: the folder cannot be written. Make it writable "
            "(or set REVIEWKIT_OUTPUTS to a folder you can write) and run again."
        )
    return f"{exc.strerror or exc}{where}. Check the file or folder and run again."
