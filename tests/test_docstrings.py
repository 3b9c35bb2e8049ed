"""Every public function and class of the package says what it is for and why, in a docstring.

Public: a function or class at a module's top level, or a method or class inside a public
class, whose name does not start with an underscore (an `@overload` signature is not counted:
its implementation carries the docstring). The whole package is walked with `ast`.

`EXEMPT` is empty: no module is excused from the check, and none may be added to it (the
test fails on any module listed there).
"""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "lib" / "reviewkit"

# Modules (paths inside the package) excused from the check: none. It stays empty; no module
# is ever added to it.
EXEMPT: frozenset[str] = frozenset()


def _is_overload(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    for d in node.decorator_list:
        name = d.attr if isinstance(d, ast.Attribute) else getattr(d, "id", "")
        if name == "overload":
            return True
    return False


def undocumented(source: str) -> list[str]:
    """The public functions and classes of a module's source without a docstring, by their
    qualified names ('Class.method')."""
    out: list[str] = []

    def walk(body: list[ast.stmt], prefix: str) -> None:
        for node in body:
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                continue
            if node.name.startswith("_"):
                continue
            if isinstance(node, ast.ClassDef):
                if ast.get_docstring(node) is None:
                    out.append(prefix + node.name)
                walk(node.body, f"{prefix}{node.name}.")
            elif not _is_overload(node) and ast.get_docstring(node) is None:
                out.append(prefix + node.name)

    walk(ast.parse(source).body, "")
    return out


def _modules() -> dict[str, list[str]]:
    """Every module of the package (path inside it) and its public names without docstrings."""
    return {
        path.relative_to(PACKAGE).as_posix(): undocumented(path.read_text(encoding="utf-8"))
        for path in sorted(PACKAGE.rglob("*.py"))
    }


def test_the_walk_finds_what_lacks_a_docstring():
    """The check can fail: it names undocumented functions, classes and methods, and leaves
    out private names, nested functions, overload signatures and documented names."""
    source = textwrap.dedent(
        '''
        from typing import overload

        def bare(): pass
        def told():
            """Told."""
        def _private(): pass
        async def waits(): pass
        class Plain:
            def method(self): pass
            @property
            def value(self): return 1
            def _hidden(self): pass
            class Inner: pass
        class _Hidden:
            def method(self): pass
        @overload
        def typed(x: int) -> int: ...
        def typed(x):
            """Typed."""
            def helper(): pass
            return x
        '''
    )
    assert undocumented(source) == [
        "bare",
        "waits",
        "Plain",
        "Plain.method",
        "Plain.value",
        "Plain.Inner",
    ]


def test_every_public_function_and_class_has_a_docstring():
    modules = _modules()
    assert len(modules) > 90  # the whole package was walked
    missing = {module: names for module, names in modules.items() if names and module not in EXEMPT}
    assert not missing, f"public names without a docstring: {missing}"


def test_no_module_is_exempt():
    """Every module is checked: EXEMPT is empty and no module may be added to it, so a new
    public name without a docstring fails the check above wherever it is."""
    listed = sorted(EXEMPT)
    assert not listed, f"no module may be exempt from docstrings; remove from EXEMPT: {listed}"
