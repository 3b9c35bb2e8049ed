"""Benchmarks (`make bench`, never part of the tests): speed and memory against baselines timed
in the same run, on the same files.

    python tests/benchmarks/bench.py [--runs N] [partnership] [force] [national] [setup]

Each measure is taken `--runs` times (default 3); each repetition takes every measure of a scale
once, and its ratios are worked out within that repetition (a busy machine slows a measure and
its baseline alike). results.json keeps every repetition with the machine's load averages, and
the minimum, median and maximum of each measure. Each intake measurement runs in a fresh Python
process, so its peak memory (RSS) is its own. Scales: partnership (about 30,000 records a year
for 3 years, and the demo cycle against its floor), force (about 1 million records, five
partnerships), national (about 18 million; several GB of disk, opt-in), setup (a fresh clone to
the demo report, opt-in).
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from reviewkit.base.notebooks import notebook_cells
from reviewkit.base.paths import outputs_dir, relative, repo_root
from reviewkit.store.manifest import package_versions

SCALES = {"partnership": (90_000, 1), "force": (1_000_000, 5), "national": (18_000_000, 10)}
# Goals from issue 16: each a ratio (or a size) that must hold in every repetition.
GOALS = {
    "intake_vs_read_csv": 1.5,
    "intake_peak_rss_mb": 6144,
    "rerun_parse_share": 0.05,
    "all_vs_one": 2.0,
    "demo_vs_floor": 1.2,
    # the demo cycle against the route a user would otherwise take (issue 24's goals)
    "cycle_vs_papermill": 0.5,
    "portable_cycle_vs_papermill": 0.8,
    "fresh_clone_to_report_seconds": 60.0,
}
DEMO_PARAMS = "params/example.yaml"

_CHILD = r"""
import json, sys, time
from pathlib import Path
kind, folder = sys.argv[1], Path(sys.argv[2])
files = sorted(folder.glob("police_uk/*/*-street.csv"))
import pyarrow.csv as pacsv
if kind == "intake":
    from reviewkit.intake.area import AreaMatcher
    from reviewkit.intake.policeuk import read_police
t0 = time.perf_counter()  # imports are outside the timing: steady-state work is compared
if kind == "read_csv":
    rows = sum(pacsv.read_csv(f).num_rows for f in files)
else:
    res = read_police("police_street", "police_uk_street", files, AreaMatcher(["Brackwell"]))
    rows = res.totals()["rows_read"]
seconds = time.perf_counter() - t0
peak = 0
with open("/proc/self/status") as f:  # VmHWM: this process's own peak (ru_maxrss spans exec)
    for line in f:
        if line.startswith("VmHWM:"):
            peak = int(line.split()[1]) * 1024
print(json.dumps({"seconds": seconds, "rows": rows, "peak_rss_bytes": peak}))
"""

_WRAP = r"""
import json, resource, subprocess, sys, time
t0 = time.perf_counter()
res = subprocess.run(sys.argv[1:], capture_output=True, text=True)
seconds = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
print(json.dumps({"seconds": seconds, "peak_rss_bytes": peak, "rc": res.returncode,
                  "err": res.stderr[-2000:]}))
"""


def load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def machine() -> dict:
    mem = None
    try:
        with open("/proc/meminfo") as f:
            mem = int(f.readline().split()[1]) * 1024
    except OSError:
        pass
    return {
        "cores": os.cpu_count(),
        "memory_bytes": mem,
        "platform": platform.platform(),
        "kernels": os.environ.get("REVIEWKIT_KERNELS", "default"),
        **package_versions(),
    }


def measure_intake(kind: str, folder: Path, repeat: int = 3, cache: bool = False) -> dict:
    """Best of `repeat` runs, each in a fresh process: parsing for real (no cache), or with a
    cold cache (parsing, hashing the files and writing the cache, as a first run does)."""
    best = None
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            env = {**os.environ, "REVIEWKIT_CACHE": tmp if cache else "off"}
            out = subprocess.run(
                [sys.executable, "-c", _CHILD, kind, str(folder)],
                check=True,
                capture_output=True,
                text=True,
                env=env,
            )
        res = json.loads(out.stdout)
        if best is None or res["seconds"] < best["seconds"]:
            best = res
    assert best is not None
    return best


def timed(command: list[str], env: dict[str, str]) -> dict:
    """Run a command in a fresh process tree: wall seconds and the peak RSS of any process in
    it (the runner or one of its kernels)."""
    out = subprocess.run(
        [sys.executable, "-c", _WRAP, *command],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        check=True,
    )
    res = json.loads(out.stdout)
    if res["rc"] != 0:
        raise RuntimeError(f"benchmark command failed: {' '.join(command)}\n{res['err']}")
    return res


def imports_of(source: Path) -> str:
    """The import statements of a notebook's code cells (top level), one per line."""
    lines = []
    for cell in notebook_cells(source):
        if cell["cell_type"] != "code" or "parameters" in cell["metadata"].get("tags", []):
            continue
        try:
            tree = ast.parse(cell["source"])
        except SyntaxError:
            continue
        lines += [
            ast.unparse(node) for node in tree.body if isinstance(node, ast.Import | ast.ImportFrom)
        ]
    return "\n".join(dict.fromkeys(lines))


_STOCK = r"""
import json, subprocess, sys
from pathlib import Path
bin_dir, root, params_file, run_dir, notebooks = (
    Path(sys.argv[1]), sys.argv[2], sys.argv[3], Path(sys.argv[4]), json.loads(sys.argv[5]))
executed = run_dir / "notebooks"
executed.mkdir(parents=True, exist_ok=True)
outs = []
for nb in notebooks:  # the papermill command line, one notebook after another
    out = executed / Path(nb).name
    subprocess.run([str(bin_dir / "papermill"), nb, str(out), "-k", "python3", "--cwd", root,
                    "-p", "params_file", params_file, "-p", "run_dir", str(run_dir),
                    "--no-progress-bar"], check=True, capture_output=True)
    outs.append(str(out))
# then nbconvert to HTML, every executed notebook in one command, code cells left out
subprocess.run([str(bin_dir / "jupyter-nbconvert"), "--to", "html", "--no-input", *outs],
               check=True, capture_output=True)
"""


def stock_notebooks(params_file: str = DEMO_PARAMS) -> list[str]:
    """The notebooks `reviewkit run` executes for the params, in its order."""
    from reviewkit.inputs.params import load_params
    from reviewkit.run.steps import sequence

    return [str(step.source) for step in sequence(load_params(params_file))]


def stock_command(run_dir: Path, params_file: str = DEMO_PARAMS) -> list[str]:
    """The stock route for the demo cycle: papermill's command line for each notebook the run
    executes (same notebooks, same parameters, same order), then nbconvert to HTML."""
    return [
        sys.executable,
        "-c",
        _STOCK,
        str(Path(sys.executable).parent),
        str(repo_root()),
        params_file,
        str(run_dir),
        json.dumps(stock_notebooks(params_file)),
    ]


def floor_project(work: Path, params_file: str = DEMO_PARAMS) -> Path:
    """A copy of the project in which every notebook the demo cycle runs (the three steps and
    the analyst's own notebooks) only makes the real notebook's imports: the floor the same
    runner can reach with the same kernels, exports and PDFs, doing no work."""
    from reviewkit.inputs.params import load_params
    from reviewkit.run.steps import sequence

    root = work / "floor"
    shutil.rmtree(root, ignore_errors=True)
    (root / "notebooks").mkdir(parents=True)
    shutil.copy(repo_root() / "pyproject.toml", root)
    for name in ("data", "params"):
        (root / name).symlink_to(repo_root() / name)
    for step in sequence(load_params(params_file)):
        data = json.loads(step.source.read_text(encoding="utf-8"))
        data["cells"] = [
            c for c in data["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])
        ]
        data["cells"].append(
            {
                "cell_type": "code",
                "execution_count": None,
                "metadata": {},
                "outputs": [],
                "source": imports_of(step.source),
            }
        )
        target = root / relative(step.source)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    return root


def write_params(folder: Path, data: Path, partnerships: list[str]) -> list[Path]:
    from reviewkit.demo.sample import slug

    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for la in partnerships:
        s = slug(la)
        text = (
            f"cycle: bench-{s}\npartnership: {la} Community Safety Partnership\n"
            f"area: {{local_authorities: [{la}]}}\n"
            'review_period: {start: "2025-10", end: "2026-09"}\n'
            'baseline_period: {start: "2023-10", end: "2024-09"}\n'
            "review_date: 2026-11-20\ninputs:\n"
            f"  strategy: {data}/{s}/strategy.yaml\n"
            f"  data_requests: {data}/{s}/data_requests.yaml\n"
            f"  difficulties: {data}/{s}/difficulties_log.csv\n"
            f"  population: {data}/reference/population.csv\n"
            f"  peers: {data}/reference/peers.csv\n"
        )
        path = folder / f"{s}.yaml"
        path.write_text(text, encoding="utf-8")
        files.append(path)
    return files


@contextmanager
def outputs_at(folder: Path) -> Iterator[None]:
    """REVIEWKIT_OUTPUTS set to `folder` in this process while the store is asked a path."""
    old = os.environ.get("REVIEWKIT_OUTPUTS")
    os.environ["REVIEWKIT_OUTPUTS"] = str(folder)
    try:
        yield
    finally:
        if old is None:
            del os.environ["REVIEWKIT_OUTPUTS"]
        else:
            os.environ["REVIEWKIT_OUTPUTS"] = old


def parse_seconds(params_file: Path, runs: Path) -> float:
    """The police.uk parse time of the cycle `params_file` ran into `runs`, from its intake
    summary (the store says where the cycle's folder is)."""
    from reviewkit.inputs.params import load_params
    from reviewkit.store.layout import cycle_dir
    from reviewkit.store.tables import CycleStore

    with outputs_at(runs):
        intake = CycleStore(cycle_dir(load_params(params_file))).read_intake_summary()
    return float(sum(intake.get("parse_seconds", {}).values()))


def setup_once() -> dict[str, object]:
    """A fresh clone of the committed project to the demo report, as a first-time user waits:
    `make review` with empty package caches (so every package is downloaded), timed whole."""
    with tempfile.TemporaryDirectory() as tmp:
        clone = Path(tmp) / "clone"
        subprocess.run(["git", "clone", "--quiet", str(repo_root()), str(clone)], check=True)
        env = {**os.environ, "UV_CACHE_DIR": f"{tmp}/uv-cache", "PIP_NO_CACHE_DIR": "1"}
        for name in ("REVIEWKIT_ROOT", "REVIEWKIT_OUTPUTS", "REVIEWKIT_CACHE", "VIRTUAL_ENV"):
            env.pop(name, None)
        t0 = time.perf_counter()
        res = subprocess.run(["make", "review"], cwd=clone, env=env, capture_output=True, text=True)
        seconds = time.perf_counter() - t0
        if res.returncode != 0 or not any((clone / "outputs").glob("**/review_report.html")):
            raise RuntimeError(f"make review failed in a fresh clone:\n{res.stderr[-2000:]}")
        installer = "uv" if (clone / ".venv" / "bin" / "uv").exists() else "pip"
    return {"fresh_clone_to_report_seconds": seconds, "installer": installer}


class Scale:
    """One scale's data, params and folders; `once()` takes each of its measures once."""

    def __init__(self, name: str, bench: Path):
        from reviewkit.demo.sample import AUTHORITIES, generate

        self.name, self.bench = name, bench
        rows, self.partnerships = SCALES[name]
        self.folder = bench / "data" / name
        if not (self.folder / "police_uk").exists():
            t0 = time.perf_counter()
            generate(self.folder, rows=rows, partnerships=self.partnerships)
            print(f"generated {name} data in {time.perf_counter() - t0:.0f}s: {self.folder}")
        self.runs, self.cache = bench / "runs" / name, bench / "cache" / name
        self.params = write_params(
            bench / "params" / name, self.folder, AUTHORITIES[: self.partnerships]
        )
        self.run = [sys.executable, "-m", "reviewkit", "run", "--force", "--quiet"]
        self.demo_env: dict[str, str] = {}
        self.floor_env: dict[str, str] = {}
        if name == "partnership" and (repo_root() / "data/raw/demo/police_uk").exists():
            self.demo_env = {
                "REVIEWKIT_OUTPUTS": str(bench / "runs" / "demo"),
                "REVIEWKIT_CACHE": str(bench / "cache" / "demo"),
            }
            self.floor_env = {
                **self.demo_env,
                "REVIEWKIT_ROOT": str(floor_project(bench)),
                "REVIEWKIT_OUTPUTS": str(bench / "runs" / "floor"),
            }
            # the floor does not parse either: the demo's parse cache is warmed once
            timed([*self.run, DEMO_PARAMS], self.demo_env)

    def against_papermill(self) -> dict[str, float]:
        """The demo cycle on each route (forked kernels; the portable route Windows and macOS
        take) against the stock route, all three in this repetition. PDFs are off in the
        cycles (the stock route prints none); the cycles still write the workbook and charts
        the stock route does not."""
        no_pdf = {**self.demo_env, "REVIEWKIT_CHROMIUM": "off"}
        cycle = timed([*self.run, DEMO_PARAMS], no_pdf)
        portable = timed([*self.run, DEMO_PARAMS], {**no_pdf, "REVIEWKIT_PORTABLE": "1"})
        run_dir = Path(self.demo_env["REVIEWKIT_OUTPUTS"]).parent / "stock"
        shutil.rmtree(run_dir, ignore_errors=True)
        stock = timed(stock_command(run_dir), no_pdf)
        return {
            "cycle_no_pdf_seconds": cycle["seconds"],
            "portable_cycle_seconds": portable["seconds"],
            "papermill_route_seconds": stock["seconds"],
            "cycle_vs_papermill": cycle["seconds"] / stock["seconds"],
            "portable_cycle_vs_papermill": portable["seconds"] / stock["seconds"],
        }

    def once(self) -> dict[str, object]:
        m: dict[str, object] = {"load_average_before": load()}
        base = measure_intake("read_csv", self.folder)
        intake = measure_intake("intake", self.folder)
        cold = measure_intake("intake", self.folder, cache=True)
        m.update(
            rows=intake["rows"],
            read_csv_seconds=base["seconds"],
            intake_seconds=intake["seconds"],
            intake_vs_read_csv=intake["seconds"] / base["seconds"],
            intake_cold_cache_seconds=cold["seconds"],
            intake_cold_cache_vs_read_csv=cold["seconds"] / base["seconds"],
            read_csv_peak_rss_mb=base["peak_rss_bytes"] / 2**20,
            intake_peak_rss_mb=intake["peak_rss_bytes"] / 2**20,
        )
        if self.name != "national":
            env = {"REVIEWKIT_OUTPUTS": str(self.runs), "REVIEWKIT_CACHE": str(self.cache)}
            shutil.rmtree(self.cache, ignore_errors=True)
            one = timed([*self.run, str(self.params[0])], env)
            first_parse = parse_seconds(self.params[0], self.runs)
            again = timed([*self.run, str(self.params[0])], env)
            rerun_parse = parse_seconds(self.params[0], self.runs)
            m.update(
                cycle_seconds=one["seconds"],
                cycle_peak_rss_mb=one["peak_rss_bytes"] / 2**20,
                rerun_seconds=again["seconds"],
                parse_first_seconds=first_parse,
                parse_rerun_seconds=rerun_parse,
                rerun_parse_share=rerun_parse / first_parse,
            )
            if self.partnerships > 1:
                shutil.rmtree(self.cache, ignore_errors=True)
                together = timed([*self.run, *map(str, self.params)], env)
                m.update(
                    partnerships=self.partnerships,
                    all_partnerships_seconds=together["seconds"],
                    all_vs_one=together["seconds"] / one["seconds"],
                    all_partnerships_peak_rss_mb=together["peak_rss_bytes"] / 2**20,
                )
        if self.demo_env:
            demo = timed([*self.run, DEMO_PARAMS], self.demo_env)
            floor = timed([*self.run, DEMO_PARAMS], self.floor_env)
            m.update(
                demo_cycle_seconds=demo["seconds"],
                floor_seconds=floor["seconds"],
                demo_vs_floor=demo["seconds"] / floor["seconds"],
                demo_cycle_peak_rss_mb=demo["peak_rss_bytes"] / 2**20,
            )
            m.update(self.against_papermill())
        m["load_average_after"] = load()
        return m


def summarise(runs: list[dict[str, object]]) -> dict[str, dict[str, float]]:
    """min, median and max of each numeric measure over the repetitions."""
    out = {}
    for key in runs[0]:
        values = [r[key] for r in runs if isinstance(r.get(key), int | float)]
        if values and not key.startswith("load_average"):
            out[key] = {"min": min(values), "median": statistics.median(values), "max": max(values)}
    return out


def rounded(value: object) -> object:
    if isinstance(value, float):
        return round(value, 3)
    if isinstance(value, dict):
        return {k: rounded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [rounded(v) for v in value]
    return value


def run_scale(name: str, repeat: int, bench: Path) -> dict:
    """Take every measure of `name` `repeat` times; print the table; add it to results.json."""
    t0 = time.perf_counter()
    if name == "setup":
        runs: list[dict[str, object]] = []
        for _ in range(repeat):
            before = load()
            runs.append(
                {"load_average_before": before, **setup_once(), "load_average_after": load()}
            )
    elif name == "routes":  # the demo cycle on both routes against papermill's, alone
        scale = Scale("partnership", bench)
        if not scale.demo_env:
            raise RuntimeError("the demo data is missing: run `make review` first")
        runs = []
        for _ in range(repeat):
            before = load()
            routes = scale.against_papermill()
            runs.append({"load_average_before": before, **routes, "load_average_after": load()})
    else:
        scale = Scale(name, bench)
        runs = []
        for i in range(repeat):
            runs.append(scale.once())
            print(
                f"{name}: repetition {i + 1} of {repeat} done "
                f"({time.perf_counter() - t0:.0f}s, load {runs[-1]['load_average_after']})"
            )
    summary = summarise(runs)
    goals = {k: v for k, v in GOALS.items() if k in summary}
    met = {k: summary[k]["max"] <= goal for k, goal in goals.items()}
    result = rounded(
        {
            "scale": name,
            "repetitions": repeat,
            "summary": summary,
            "goals": goals,
            "met_in_every_repetition": met,
            "runs": runs,
            "machine": machine(),
            "seconds": time.perf_counter() - t0,
        }
    )
    bench.mkdir(parents=True, exist_ok=True)
    path = bench / "results.json"
    previous = json.loads(path.read_text()) if path.exists() else {}
    previous[name] = result
    path.write_text(json.dumps(previous, indent=2) + "\n", encoding="utf-8")
    print(
        f"\n{name}: {repeat} repetition(s), load averages (1, 5, 15 min) "
        f"{[r['load_average_before'] for r in runs]}"
    )
    print(f"{'measure':<34}{'min':>10}{'median':>10}{'max':>10}{'goal':>8}")
    for key, s in result["summary"].items():
        goal = goals.get(key)
        mark = "" if goal is None else ("  met" if met[key] else "  NOT MET")
        print(
            f"{key:<34}{s['min']:>10}{s['median']:>10}{s['max']:>10}"
            f"{'' if goal is None else goal:>8}{mark}"
        )
    print(f"results in {path}")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "scales",
        nargs="*",
        metavar="scale",
        help="partnership, force, national, setup or routes (the demo cycle on both routes "
        "against papermill only) (default: partnership force)",
    )
    parser.add_argument("--runs", type=int, default=3, help="repetitions of each measure")
    args = parser.parse_args(argv)
    args.scales = args.scales or ["partnership", "force"]
    unknown = set(args.scales) - {*SCALES, "setup", "routes"}
    if unknown:
        parser.error(f"unknown scale(s): {', '.join(sorted(unknown))}")
    bench = outputs_dir() / "bench"
    print(f"machine: {os.cpu_count()} cores, load averages {load()}")
    for name in args.scales:
        run_scale(name, max(1, args.runs), bench)
    return 0


if __name__ == "__main__":
    sys.exit(main())
