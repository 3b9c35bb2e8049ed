"""The analyst's own notebooks in the params (`own_notebooks:`), and what stops one from
running: not a notebook, no proper parameters cell, or outside the folders allowed."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator

from reviewkit.inputs.strict import Strict

# The steps an own notebook may run after: every step but the last (the report, which links
# to the own notebooks' pages). Spelled out for pydantic and mypy, which cannot read them
# from reviewkit.base.steps; tests/test_steps.py holds it to `STEPS[:-1]`.
AfterStep = Literal["intake", "progress"]


class OwnNotebook(Strict):
    """An analyst's own notebook, run in the sequence with the cycle's parameters and exported
    to `analysis/<name>.html`, linked from the board report."""

    file: str = Field(
        description="the notebook, from the repository root, e.g. notebooks/own/hotspots.ipynb"
    )
    after: AfterStep = Field(
        "progress",
        description="the step it runs after (the report step comes last and links to it)",
    )
    title: str | None = Field(
        None, description="link text in the board report (default: the notebook's first heading)"
    )

    @field_validator("file")
    @classmethod
    def _ipynb(cls, value: str) -> str:
        if not value.lower().endswith(".ipynb"):
            raise ValueError(f"'{value}' is not a notebook; give an .ipynb file")
        return value

    @property
    def name(self) -> str:
        """The notebook's file name without `.ipynb`: it names its `analysis/<name>.html`."""
        return Path(self.file).stem


def outside_problem(path: Path, allowed: list[Path]) -> str | None:
    """Why a notebook may not run from where it is, or None: an own notebook is code run with
    the analyst's rights, so it runs only from the repository or a folder the params name
    (`own_notebook_folders`); a link is judged by where it leads."""
    real = path.resolve()
    if any(real.is_relative_to(root) for root in allowed):
        return None
    return (
        f"{path} is outside the repository ({allowed[0]}). Own notebooks run with your rights, "
        "so only notebooks in the repository run (e.g. notebooks/own/), or in a folder you "
        "name under the key own_notebook_folders. Move the notebook, or name its folder there."
    )


def own_notebook_problem(path: Path) -> str | None:
    """What stops `path` from running as an own notebook, or None: it must exist, be a
    notebook, and have one cell tagged `parameters` setting only params_file and run_dir."""
    import ast

    from reviewkit.base.notebooks import notebook_cells

    if not path.is_file():
        return (
            f"file {path} not found. Copy notebooks/own_template.ipynb to start one "
            "(paths start at the repository root)."
        )
    try:
        all_cells = notebook_cells(path)
    except Exception:  # noqa: BLE001 - any unreadable notebook gets the same message
        return f"{path} is not a readable Jupyter notebook."
    cells = [c for c in all_cells if "parameters" in (c["metadata"].get("tags") or [])]
    if len(cells) != 1:
        return (
            f"{path} needs exactly one cell tagged 'parameters' (it has {len(cells)}); "
            "start from notebooks/own_template.ipynb."
        )
    try:
        tree = ast.parse(cells[0]["source"])
    except SyntaxError:
        return f"{path}: the parameters cell is not valid Python."
    names = {
        t.id
        for n in tree.body
        if isinstance(n, ast.Assign)
        for t in n.targets
        if isinstance(t, ast.Name)
    }
    if names != {"params_file", "run_dir"}:
        return (
            f"{path}: the parameters cell must set params_file and run_dir only (it sets "
            f"{', '.join(sorted(names)) or 'nothing'})."
        )
    return None
