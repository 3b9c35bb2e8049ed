"""Benchmarks (`make bench`, never part of the tests): speed and memory of intake against a
baseline measured in the same run on the same files.

Each measurement runs in a fresh Python process, so its peak memory (RSS) is its own.
Scales: partnership (about 30,000 records a year for 3 years), force (about 1 million records,
five partnerships), national (about 18 million; needs several GB of disk, opt-in).
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from reviewkit.base.paths import outputs_dir
from reviewkit.store.manifest import package_versions

SCALES = {"partnership": (90_000, 1), "force": (1_000_000, 5), "national": (18_000_000, 10)}

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


def _measure(kind: str, folder: Path, repeat: int = 3, cache: bool = False) -> dict:
    """Best of `repeat` runs, each in a fresh process: parsing for real (no cache), or with a
    cold cache (parsing, hashing the files and writing the cache, as a first run does)."""
    best = None
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            env = {**os.environ, "REVIEWKIT_CACHE": tmp if cache else "off"}
            out = subprocess.run([sys.executable, "-c", _CHILD, kind, str(folder)], check=True,
                                 capture_output=True, text=True, env=env)
        res = json.loads(out.stdout)
        if best is None or res["seconds"] < best["seconds"]:
            best = res
    return best


def machine() -> dict:
    mem = None
    try:
        with open("/proc/meminfo") as f:
            mem = int(f.readline().split()[1]) * 1024
    except OSError:
        pass
    return {"cores": os.cpu_count(), "memory_bytes": mem, "platform": platform.platform(),
            "load_average": [round(x, 2) for x in os.getloadavg()], **package_versions()}


_WRAP = r"""
import json, resource, subprocess, sys, time
t0 = time.perf_counter()
res = subprocess.run(sys.argv[1:], capture_output=True, text=True)
seconds = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
print(json.dumps({"seconds": seconds, "peak_rss_bytes": peak, "rc": res.returncode,
                  "err": res.stderr[-2000:]}))
"""

FLOOR_CELL = ("import matplotlib.pyplot, numpy, pandas, pyarrow, pydantic, scipy.stats, yaml\n"
              "import reviewkit.intake.step, reviewkit.analysis.step, reviewkit.report.board")


def _timed(command: list[str], env: dict[str, str]) -> dict:
    """Run a command in a fresh process tree: wall seconds and the peak RSS of any process in
    it (the runner or one of its kernels)."""
    out = subprocess.run([sys.executable, "-c", _WRAP, *command], capture_output=True,
                         text=True, env={**os.environ, **env}, check=True)
    res = json.loads(out.stdout)
    if res["rc"] != 0:
        raise RuntimeError(f"benchmark command failed: {' '.join(command)}\n{res['err']}")
    return res


def _floor_project(work: Path) -> Path:
    """A copy of the project whose three notebooks only import what the real ones import."""
    import nbformat

    from reviewkit.base.paths import repo_root

    root = work / "floor"
    shutil.rmtree(root, ignore_errors=True)
    (root / "notebooks").mkdir(parents=True)
    shutil.copy(repo_root() / "pyproject.toml", root)
    for name in ("data", "params"):
        (root / name).symlink_to(repo_root() / name)
    for nb_name in ("01_intake", "02_progress", "03_report"):
        real = nbformat.read(repo_root() / "notebooks" / f"{nb_name}.ipynb", as_version=4)
        real.cells = [c for c in real.cells if "parameters" in c.metadata.get("tags", [])]
        body = nbformat.v4.new_code_cell(FLOOR_CELL)
        del body["id"]  # the notebooks are nbformat 4.4, without cell ids
        real.cells.append(body)
        nbformat.write(real, root / "notebooks" / f"{nb_name}.ipynb")
    return root


def _write_params(folder: Path, data: Path, partnerships: list[str]) -> list[Path]:
    from reviewkit.demo.sample import slug

    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for la in partnerships:
        s = slug(la)
        text = (f"cycle: bench-{s}\npartnership: {la} Community Safety Partnership\n"
                f"area: {{local_authorities: [{la}]}}\n"
                'review_period: {start: "2025-10", end: "2026-09"}\n'
                'baseline_period: {start: "2023-10", end: "2024-09"}\n'
                "review_date: 2026-11-20\ninputs:\n"
                f"  strategy: {data}/{s}/strategy.yaml\n"
                f"  data_requests: {data}/{s}/data_requests.yaml\n"
                f"  difficulties: {data}/{s}/difficulties_log.csv\n"
                f"  population: {data}/reference/population.csv\n"
                f"  peers: {data}/reference/peers.csv\n")
        path = folder / f"{s}.yaml"
        path.write_text(text, encoding="utf-8")
        files.append(path)
    return files


def _parse_seconds(run_dir: Path) -> float:
    intake = json.loads((run_dir / "intake.json").read_text(encoding="utf-8"))
    return float(sum(intake["parse_seconds"].values()))


def _setup_bench() -> tuple[dict[str, object], dict[str, float]]:
    """A fresh clone of the committed project to the demo report, as a first-time user waits:
    `make review` with empty package caches (so every package is downloaded), timed whole."""
    from reviewkit.base.paths import repo_root

    with tempfile.TemporaryDirectory() as tmp:
        clone = Path(tmp) / "clone"
        subprocess.run(["git", "clone", "--quiet", str(repo_root()), str(clone)], check=True)
        env = {**os.environ, "UV_CACHE_DIR": f"{tmp}/uv-cache", "PIP_NO_CACHE_DIR": "1"}
        for name in ("REVIEWKIT_ROOT", "REVIEWKIT_OUTPUTS", "REVIEWKIT_CACHE", "VIRTUAL_ENV"):
            env.pop(name, None)
        t0 = time.perf_counter()
        res = subprocess.run(["make", "review"], cwd=clone, env=env, capture_output=True,
                             text=True)
        seconds = time.perf_counter() - t0
        if res.returncode != 0 or not any((clone / "outputs").glob("**/review_report.html")):
            raise RuntimeError(f"make review failed in a fresh clone:\n{res.stderr[-2000:]}")
        installer = "uv" if (clone / ".venv" / "bin" / "uv").exists() else "pip"
    return ({"fresh_clone_to_report_seconds": seconds, "installer": installer},
            {"fresh_clone_to_report_seconds": 60.0})


def run_bench(scale: str, work: Path | None = None) -> dict:
    """Generate data at `scale` (once), measure, print a table, write results.json."""
    from reviewkit.demo.sample import AUTHORITIES, generate

    if scale == "setup":
        measured, goals = _setup_bench()
        return _record(scale, {"scale": scale, **measured}, goals, work or outputs_dir() / "bench")

    rows, partnerships = SCALES[scale]
    bench = work or outputs_dir() / "bench"
    folder = bench / "data" / scale
    if not (folder / "police_uk").exists():
        t0 = time.perf_counter()
        generate(folder, rows=rows, partnerships=partnerships)
        print(f"generated {scale} data in {time.perf_counter() - t0:.0f}s: {folder}")
    m: dict[str, object] = {"scale": scale}
    base = _measure("read_csv", folder)
    intake = _measure("intake", folder)
    cold = _measure("intake", folder, cache=True)
    m.update(rows=intake["rows"], read_csv_seconds=base["seconds"],
             intake_seconds=intake["seconds"],
             intake_vs_read_csv=intake["seconds"] / base["seconds"],
             intake_cold_cache_seconds=cold["seconds"],
             intake_cold_cache_vs_read_csv=cold["seconds"] / base["seconds"],
             read_csv_peak_rss_mb=base["peak_rss_bytes"] / 2**20,
             intake_peak_rss_mb=intake["peak_rss_bytes"] / 2**20)
    goals = {"intake_vs_read_csv": 1.5, "intake_peak_rss_mb": 6144}
    if scale != "national":
        runs, cache = bench / "runs" / scale, bench / "cache" / scale
        env = {"REVIEWKIT_OUTPUTS": str(runs), "REVIEWKIT_CACHE": str(cache)}
        params = _write_params(bench / "params" / scale, folder, AUTHORITIES[:partnerships])
        run = [sys.executable, "-m", "reviewkit", "run", "--force", "--quiet"]
        shutil.rmtree(cache, ignore_errors=True)
        one = _timed([*run, str(params[0])], env)
        first_parse = _parse_seconds(runs / f"bench-{params[0].stem}")
        again = _timed([*run, str(params[0])], env)
        rerun_parse = _parse_seconds(runs / f"bench-{params[0].stem}")
        m.update(cycle_seconds=one["seconds"], cycle_peak_rss_mb=one["peak_rss_bytes"] / 2**20,
                 rerun_seconds=again["seconds"], parse_first_seconds=first_parse,
                 parse_rerun_seconds=rerun_parse, rerun_parse_share=rerun_parse / first_parse)
        goals["rerun_parse_share"] = 0.05
        if partnerships > 1:
            shutil.rmtree(cache, ignore_errors=True)
            together = _timed([*run, *map(str, params)], env)
            m.update(partnerships=partnerships, all_partnerships_seconds=together["seconds"],
                     all_vs_one=together["seconds"] / one["seconds"],
                     all_partnerships_peak_rss_mb=together["peak_rss_bytes"] / 2**20)
            goals["all_vs_one"] = 2.5
    # The demo cycle against a floor of three import-only notebooks run and exported the same way
    demo = Path("data/raw/demo/police_uk")
    if scale == "partnership" and (outputs_dir().parent / demo).exists():
        env = {"REVIEWKIT_OUTPUTS": str(bench / "runs" / "demo"),
               "REVIEWKIT_CACHE": str(bench / "cache" / "demo")}
        cmd = [sys.executable, "-m", "reviewkit", "run", "params/example.yaml", "--force",
               "--quiet"]
        _timed(cmd, env)  # warm the parse cache: the floor does not parse either
        demo_run = min((_timed(cmd, env) for _ in range(2)), key=lambda r: r["seconds"])
        floor_env = {**env, "REVIEWKIT_ROOT": str(_floor_project(bench)),
                     "REVIEWKIT_OUTPUTS": str(bench / "runs" / "floor")}
        floor = min((_timed(cmd, floor_env) for _ in range(2)), key=lambda r: r["seconds"])
        m.update(demo_cycle_seconds=demo_run["seconds"], floor_seconds=floor["seconds"],
                 demo_vs_floor=demo_run["seconds"] / floor["seconds"])
        goals["demo_vs_floor"] = 1.5
    return _record(scale, m, goals, bench)


def _record(scale: str, m: dict[str, object], goals: dict[str, float], out: Path) -> dict:
    """Round, print the table with each goal, and add this scale's results to results.json."""
    m = {k: round(v, 3) if isinstance(v, float) else v for k, v in m.items()}
    result = {**m, "goals": goals, "machine": machine()}
    out.mkdir(parents=True, exist_ok=True)
    path = out / "results.json"
    previous = json.loads(path.read_text()) if path.exists() else {}
    previous[scale] = result
    path.write_text(json.dumps(previous, indent=2) + "\n", encoding="utf-8")
    print(f"\n{'measure':<34}{'value':>12}{'goal':>10}")
    for key, value in m.items():
        if key == "scale":
            continue
        goal = goals.get(key)
        mark = ""
        if goal is not None and isinstance(value, int | float):
            mark = "  met" if value <= goal else "  NOT MET"
        print(f"{key:<34}{value:>12}{'' if goal is None else goal:>10}{mark}")
    print(f"\nresults in {path}")
    return result
