"""The analyst's desk set up the same on every system: `reviewkit setup` and `reviewkit lab`.

What `make setup` does after installing the packages, and what `make lab` starts, are these
commands of the package (the Makefile calls them), so the route without make (Windows:
`python -m reviewkit setup`, then `python -m reviewkit lab`) is the same route:

- the notebooks' kernel, `python3`, registered in this environment as "Python 3 (reviewkit)"
  (the name the committed notebooks carry, so saving one does not change it);
- git's nbstripout filter, keeping cell tags, ids and the kernel name, dropping outputs,
  papermill's run metadata and what JupyterLab adds on save (the same keys the save hook
  drops, `reviewkit.run.labhooks`);
- JupyterLab's settings for this environment: no news pop-up, no update check, nothing
  fetched from the internet;
- JupyterLab on 127.0.0.1 with the save hook.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from reviewkit.base import platforms
from reviewkit.base.notebooks import KERNEL
from reviewkit.run.stripping import NBSTRIP_KEYS

KERNEL_DISPLAY_NAME = "Python 3 (reviewkit)"
NOTIFICATION = "@jupyterlab/apputils-extension:notification"
LAB_SETTINGS = {NOTIFICATION: {"fetchNews": "false", "checkForUpdates": False}}
LAB_FLAGS = (
    # notebooks git tracks are saved as git keeps them (reviewkit.run.labhooks)
    "--ContentsManager.pre_save_hook=reviewkit.run.labhooks.strip_on_save",
    "--LabApp.news_url=None",  # no news fetched
    "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
)


def install_kernel(prefix: str | None = None) -> Path:
    """Register this Python's ipykernel as `python3`, "Python 3 (reviewkit)", in the
    environment (`prefix`, default this one); the kernel spec's folder."""
    from ipykernel.kernelspec import install

    return Path(
        install(
            kernel_name=KERNEL,
            display_name=KERNEL_DISPLAY_NAME,
            prefix=prefix or sys.prefix,
        )
    )


def lab_settings_file(prefix: str | None = None) -> Path:
    """JupyterLab's settings overrides for the environment (read at every start)."""
    return Path(prefix or sys.prefix) / "share" / "jupyter" / "lab" / "settings" / "overrides.json"


def write_lab_settings(prefix: str | None = None) -> Path:
    """JupyterLab without the news pop-up and update check: LAB_SETTINGS merged into the
    environment's overrides (other settings kept)."""
    path = lab_settings_file(prefix)
    current: dict = {}
    if path.is_file():
        try:
            current = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            current = {}
    for plugin, values in LAB_SETTINGS.items():
        current[plugin] = {**current.get(plugin, {}), **values}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(current, indent=2) + "\n", encoding="utf-8")
    return path


def configure_git(root: Path) -> str:
    """git's nbstripout filter in the repository at `root`; what was done, in one line."""
    git = shutil.which("git")
    if git is None:
        return "git not found: notebooks are not stripped on commit (install git, then run again)"
    inside = subprocess.run(
        [git, "rev-parse", "--git-dir"], cwd=root, capture_output=True, text=True
    )
    if inside.returncode != 0:
        return f"{root} is not a git repository: nbstripout not set up"
    try:
        subprocess.run(
            [sys.executable, "-m", "nbstripout", "--install"],
            cwd=root,
            check=True,
            capture_output=True,
        )
        subprocess.run(
            [git, "config", "filter.nbstripout.extrakeys", " ".join(NBSTRIP_KEYS)],
            cwd=root,
            check=True,
            capture_output=True,
        )
    except subprocess.CalledProcessError as exc:
        said = (exc.stderr or b"").decode(errors="replace").strip().splitlines()
        return f"nbstripout could not be set up ({said[-1] if said else exc}): run setup again"
    return "nbstripout set up: notebooks are committed without outputs"


def setup(root: Path) -> list[str]:
    """What `make setup` does once the packages are installed; a line for each step."""
    spec = install_kernel()
    return [
        f"kernel '{KERNEL}' ({KERNEL_DISPLAY_NAME}) registered in {spec}",
        configure_git(root),
        f"JupyterLab settings (no news pop-up, no update check): {write_lab_settings()}",
    ]


def lab_command(port: int, extra: list[str] | None = None) -> list[str]:
    """The command `reviewkit lab` starts: JupyterLab on 127.0.0.1, with the save hook and
    without news; as root only where the user is root (a container)."""
    cmd = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--ip=127.0.0.1",
        f"--port={port}",
        *LAB_FLAGS,
    ]
    if platforms.is_root():
        cmd.append("--allow-root")
    return cmd + list(extra or [])


def run_lab(root: Path, port: int, extra: list[str] | None = None) -> int:
    """Start JupyterLab in the repository `root` until it is stopped (Ctrl+C); its exit code."""
    write_lab_settings()
    try:
        return subprocess.call(lab_command(port, extra), cwd=root)
    except KeyboardInterrupt:
        return 0
