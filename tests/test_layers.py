"""The library's layers and the arrows between them, read from the source with `ast`.

Each package under lib/reviewkit/ is a layer; a module may import its own layer and the layers
below it, never one above (not even inside a function), and never another module's private
(`_name`) helper, imported or reached as an attribute. docs/development.md draws the same
picture."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from conftest import ROOT

PACKAGE = ROOT / "lib" / "reviewkit"
# lowest first: a layer may import only itself and the layers before it
LAYERS = ("base", "methods", "inputs", "store", "intake", "analysis", "report", "demo", "run")
TOP = {"__init__", "__main__"}  # the package's front door may import any layer


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "templates" not in p.parts)


def _layer(path: Path) -> str | None:
    parts = path.relative_to(PACKAGE).parts
    return parts[0] if len(parts) > 1 else None


def _imports(path: Path) -> list[tuple[int, str, list[str]]]:
    """(line, module, names) of every reviewkit import, at the top or inside a function."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.ImportFrom)
            and node.module
            and node.level == 0
            and (node.module == "reviewkit" or node.module.startswith("reviewkit."))
        ):
            out.append((node.lineno, node.module, [a.name for a in node.names]))
        elif isinstance(node, ast.Import):
            out += [
                (node.lineno, a.name, []) for a in node.names if a.name.startswith("reviewkit.")
            ]
    return out


def _target_layer(module: str, names: list[str]) -> list[str]:
    parts = module.split(".")
    if len(parts) > 1:
        return [parts[1]]
    return [n for n in names if n in LAYERS]  # from reviewkit import intake


def test_every_module_is_in_a_layer():
    loose = [p.name for p in PACKAGE.glob("*.py") if p.stem not in TOP]
    assert loose == [], "put each module in a layer package (see docs/development.md)"
    assert sorted(
        p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()
    ) == sorted(LAYERS)


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_down(path: Path):
    own = _layer(path)
    if own is None:
        return
    for line, module, names in _imports(path):
        for target in _target_layer(module, names):
            assert target in LAYERS, f"{path.name}:{line} imports {module}"
            assert LAYERS.index(target) <= LAYERS.index(own), (
                f"{path.relative_to(PACKAGE)}:{line}: the {own} layer imports {module} from "
                f"the {target} layer above it"
            )


@pytest.mark.parametrize(
    "path", [*_modules(), *sorted((ROOT / "tests").glob("*.py"))], ids=lambda p: p.name
)
def test_no_private_helper_is_used_from_another_module(path: Path):
    for line, module, names in _imports(path):
        private = [n for n in names if n.startswith("_") and not n.startswith("__")]
        assert private == [], f"{path.name}:{line} imports {private} from {module}"


# Underscore names other packages define as their interface: IPython's display protocol
# (`_repr_png_`, ...) and the standard library's exit for a forked child (`os._exit`). IPython's
# `_showtraceback` is not one: it is InteractiveShell's private method (a ReviewError gives its
# one line through the documented `_render_traceback_` of its own class).
FOREIGN_INTERFACE = {"_exit"}


def _defined_here(tree: ast.AST) -> set[str]:
    """Every name a module defines: functions, classes, and names or attributes it assigns."""
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            out.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            out.add(node.id)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            out.add(node.attr)
    return out


def _imported(tree: ast.AST) -> set[str]:
    """The names a module binds by importing (a module, a class, a function)."""
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            out |= {(a.asname or a.name).split(".")[0] for a in node.names}
    return out


def private_attributes(source: str) -> list[tuple[int, str]]:
    """(line, expression) of each `x._name` (one underscore, not a dunder) that reaches
    another module's private helper or attribute: through a name the module imported
    (`Period._month`, `policeuk._read_cached`), whatever the module defines itself, or
    through an object, when the module does not define a name of that spelling (the rule
    reads names, not types)."""
    tree = ast.parse(source)
    here, imported = _defined_here(tree), _imported(tree)
    return [
        (node.lineno, ast.unparse(node))
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and node.attr.startswith("_")
        and not node.attr.startswith("__")
        and (
            node.attr not in here
            or (isinstance(node.value, ast.Name) and node.value.id in imported)
        )
        and node.attr not in FOREIGN_INTERFACE
        and not (node.attr.startswith("_repr_") and node.attr.endswith("_"))
    ]


@pytest.mark.parametrize(
    "path", [*_modules(), *sorted((ROOT / "tests").glob("*.py"))], ids=lambda p: p.name
)
def test_no_private_attribute_is_used_from_another_module(path: Path):
    found = private_attributes(path.read_text(encoding="utf-8"))
    assert found == [], f"{path.name}: private names of another module used: {found}"


def test_private_attributes_finds_another_modules_names_only():
    source = """
from reviewkit.intake import policeuk

class Cache:
    def __init__(self):
        self._rows = []

    def _fill(self):
        return self._rows, self.__class__

def use(period, cache):
    cache._fill()
    shell._showtraceback(None, None, [])
    return period._month, policeuk._read_cached, cache._rows, obj._repr_png_()
"""
    assert private_attributes(source) == [
        (13, "shell._showtraceback"),
        (14, "period._month"),
        (14, "policeuk._read_cached"),
    ]
    # a module defining a name of the same spelling still may not reach an import's
    same_name = """
from reviewkit.inputs.blocks import Period

class Target:
    def _month(self, value):
        return Period._month(value)
"""
    assert private_attributes(same_name) == [(6, "Period._month")]


def test_the_arrows_are_the_documented_ones():
    """Which layer imports which, as docs/development.md lists them."""
    arrows: set[tuple[str, str]] = set()
    for path in _modules():
        own = _layer(path)
        for _line, module, names in _imports(path):
            for target in _target_layer(module, names):
                if own and target != own:
                    arrows.add((own, target))
    doc = (ROOT / "docs" / "development.md").read_text(encoding="utf-8")
    rows = [
        line.split("`")[1::2]
        for line in doc.splitlines()
        if line.startswith("- `") and "` imports " in line
    ]
    documented = {(row[0], target) for row in rows for target in row[1:]}
    assert arrows == documented, (sorted(arrows - documented), sorted(documented - arrows))


def test_the_public_names_are_the_library_functions():
    import reviewkit
    from reviewkit.intake.step import run_intake
    from reviewkit.report.context import load_context

    assert reviewkit.run_intake is run_intake and reviewkit.load_context is load_context
    for name in reviewkit.__all__:
        assert callable(getattr(reviewkit, name)) or name == "__version__", name
    # the names imported on first use, read from the package's source
    init = ast.parse((PACKAGE / "__init__.py").read_text(encoding="utf-8"))
    public = next(
        ast.literal_eval(node.value)
        for node in init.body
        if isinstance(node, ast.Assign) and ast.unparse(node.targets[0]) == "_PUBLIC"
    )
    assert sorted(reviewkit.__all__) == sorted(["__version__", *public])
