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
import subprocess
import sys
import time
from pathlib import Path

from reviewkit.manifest import package_versions
from reviewkit.paths import outputs_dir

SCALES = {"partnership": (90_000, 1), "force": (1_000_000, 5), "national": (18_000_000, 10)}

_CHILD = r"""
import json, sys, time
from pathlib import Path
kind, folder = sys.argv[1], Path(sys.argv[2])
files = sorted(folder.glob("police_uk/*/*-street.csv"))
import pyarrow.csv as pacsv
if kind == "intake":
    from reviewkit.area import AreaMatcher
    from reviewkit.policeuk import read_police
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


def _measure(kind: str, folder: Path, repeat: int = 3) -> dict:
    """Best of `repeat` runs, each in a fresh process."""
    best = None
    for _ in range(repeat):
        out = subprocess.run([sys.executable, "-c", _CHILD, kind, str(folder)], check=True,
                             capture_output=True, text=True)
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
            **package_versions()}


def run_bench(scale: str, work: Path | None = None) -> dict:
    """Generate data at `scale` (once), measure, print a table, write results.json."""
    from reviewkit.sample import generate

    rows, partnerships = SCALES[scale]
    folder = (work or outputs_dir() / "bench" / "data") / scale
    if not (folder / "police_uk").exists():
        t0 = time.perf_counter()
        generate(folder, rows=rows, partnerships=partnerships)
        print(f"generated {scale} data in {time.perf_counter() - t0:.0f}s: {folder}")
    base = _measure("read_csv", folder)
    intake = _measure("intake", folder)
    result = {
        "scale": scale,
        "rows": intake["rows"],
        "read_csv_seconds": round(base["seconds"], 3),
        "intake_seconds": round(intake["seconds"], 3),
        "intake_vs_read_csv": round(intake["seconds"] / base["seconds"], 2),
        "goal_intake_vs_read_csv": 1.5,
        "read_csv_peak_rss_mb": round(base["peak_rss_bytes"] / 2**20),
        "intake_peak_rss_mb": round(intake["peak_rss_bytes"] / 2**20),
        "machine": machine(),
    }
    out = outputs_dir() / "bench"
    out.mkdir(parents=True, exist_ok=True)
    path = out / "results.json"
    previous = json.loads(path.read_text()) if path.exists() else {}
    previous[scale] = result
    path.write_text(json.dumps(previous, indent=2) + "\n", encoding="utf-8")
    print(f"\n{'measure':<38}{'value':>12}")
    for key in ("rows", "read_csv_seconds", "intake_seconds", "intake_vs_read_csv",
                "read_csv_peak_rss_mb", "intake_peak_rss_mb"):
        print(f"{key:<38}{result[key]:>12}")
    print(f"\nintake / pyarrow.csv.read_csv = {result['intake_vs_read_csv']} "
          f"(goal <= {result['goal_intake_vs_read_csv']}); results in {path}")
    return result
