"""Installs are the same everywhere: every package the library imports is declared, and the
lock pins each for Linux, Windows and macOS (markers say which system needs which)."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions

from conftest import ROOT

LIB = ROOT / "lib" / "reviewkit"


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    specs = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        specs += extra
    return {_norm(re.split(r"[<>=!~ ;\[]", s, maxsplit=1)[0]) for s in specs}


def _imported_top_level() -> set[str]:
    names: set[str] = set()
    for path in LIB.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - {"reviewkit", "__future__"}


def test_every_package_the_library_imports_is_declared():
    dists = packages_distributions()
    missing = {}
    for module in sorted(_imported_top_level()):
        owners = {_norm(d) for d in dists.get(module, [module])}
        if not owners & _declared():
            missing[module] = sorted(owners)
    assert missing == {}, "declare these in pyproject.toml's dependencies"


def _lock() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith(("#", "-")):
            spec, _, marker = line.partition(";")
            name, _, _version = spec.strip().partition("==")
            pins[_norm(name)] = marker.strip()
    return pins


def test_the_lock_pins_every_declared_package_for_every_system():
    pins = _lock()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    for spec in [*project["dependencies"], *project["optional-dependencies"]["pdf"]]:
        name = _norm(re.split(r"[<>=!~ ;\[]", spec, maxsplit=1)[0])
        assert name in pins and pins[name] == "", f"{name} is not pinned for every system"
    # what only some systems need is pinned with its marker, not left for pip to choose
    assert "win32" in pins.get("colorama", "")  # Windows: the terminal's colours
    assert "darwin" in pins.get("appnope", "")  # macOS: kernels not put to sleep
    assert "win32" in pins.get("pexpect", "")  # POSIX only: not installed on Windows
    assert "nt" in pins.get("pywinpty", "")  # Windows: JupyterLab's terminals
