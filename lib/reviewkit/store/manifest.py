"""The cycle's manifest: resolved params, every input file (size, rows, sha256), package
versions, git commit, step timings and warnings — what an auditor needs to trust a report."""

from __future__ import annotations

import json
import platform
import subprocess
from importlib import metadata
from pathlib import Path

from reviewkit.base.paths import relative, repo_root
from reviewkit.inputs.params import INPUT_FILES, CycleParams
from reviewkit.inputs.register import load_register, source_files
from reviewkit.store.identity import fingerprint, params_record
from reviewkit.store.layout import CycleLayout
from reviewkit.store.police_cache import content_hash
from reviewkit.store.tables import CycleStore

PACKAGES = (
    "reviewkit",
    "pandas",
    "pyarrow",
    "numpy",
    "scipy",
    "matplotlib",
    "papermill",
    "nbconvert",
    "nbclient",
    "ipykernel",
    "pydantic",
    "pandera",
    "openpyxl",
)


def input_files(params: CycleParams) -> list[tuple[str, Path]]:
    """(role, path) for every input the cycle reads."""
    files: list[tuple[str, Path]] = []
    for key in INPUT_FILES:
        p = params.path(key)
        if p is not None and p.is_file():
            files.append((key, p))
    register = load_register(params.path("data_requests"))
    for req in register.data_requests:
        for f in source_files(req):
            files.append((req.dataset, f))
    return files


def package_versions() -> dict[str, str]:
    """The versions of the packages a run's results depend on (name -> version)."""
    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def git_commit() -> str | None:
    """The repository's git commit, or None outside git."""
    try:
        res = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=repo_root(),
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return res.stdout.strip() or None if res.returncode == 0 else None


def build_manifest(
    params: CycleParams,
    params_file: Path,
    run_dir: Path,
    timings: dict[str, float],
    warnings: list[str],
) -> dict:
    """A finished run's manifest: params, inputs with their hashes, packages, commit, timings
    and warnings."""
    rows: dict[str, int] = {}
    store = CycleStore(run_dir)
    if store.has_table("reconciliation"):
        rec = store.read_table("reconciliation")
        for f, n in zip(rec["file"], rec["rows_read"], strict=True):
            rows[str(f).split("!")[0]] = rows.get(str(f).split("!")[0], 0) + int(n)
    inputs = []
    for role, path in [("params", params_file), *input_files(params)]:
        rel = relative(path)
        inputs.append(
            {
                "role": role,
                "path": rel,
                "bytes": path.stat().st_size,
                "rows": rows.get(rel),
                "sha256": content_hash(path),
            }
        )
    return {
        "cycle": params.cycle,
        "partnership": params.partnership,
        "params_file": relative(params_file),
        "params_sha256": fingerprint(params),
        "params": params_record(params),
        "inputs": inputs,
        "packages": package_versions(),
        "git_commit": git_commit(),
        "timings_seconds": {k: round(v, 2) for k, v in timings.items()},
        "warnings": warnings,
    }


def write_manifest(manifest: dict, run_dir: Path) -> None:
    """Write `manifest` into `run_dir`: its presence makes the cycle finished."""
    CycleLayout(run_dir).manifest.write_text(
        json.dumps(manifest, indent=2) + "\n", encoding="utf-8"
    )


def changed_inputs(old: dict, new: dict) -> list[str]:
    """Input files whose content differs between two manifests (or that came or went)."""
    a = {i["path"]: i["sha256"] for i in old.get("inputs", [])}
    b = {i["path"]: i["sha256"] for i in new.get("inputs", [])}
    out = [f"{p} changed" for p in sorted(a.keys() & b.keys()) if a[p] != b[p]]
    out += [f"{p} is new" for p in sorted(b.keys() - a.keys())]
    out += [f"{p} is gone" for p in sorted(a.keys() - b.keys())]
    return out
