"""A notebook's parameters cell holds only what `reviewkit run` passes to it.

papermill replaces the parameters `reviewkit run` gives (`params_file`, `run_dir`) and only
warns about the rest; a name the analyst adds there (`significance_level = 0.01`) would be
silently ignored by the run, since a review cycle's settings come from its params file. So a
run, and `reviewkit check`, refuse such a name, naming the notebook and where the setting
belongs.
"""

from __future__ import annotations

from pathlib import Path

from reviewkit.base.errors import ReviewError
from reviewkit.base.notebooks import PASSED, assigned_names, notebook_cells
from reviewkit.base.paths import relative


def parameter_names(notebook: Path) -> list[str]:
    """The names the notebook's `parameters` cell assigns, in order ([] without one; a cell
    that is not Python gives [] too: papermill then says where)."""
    names: list[str] = []
    for cell in notebook_cells(notebook):
        if cell["cell_type"] == "code" and "parameters" in cell["metadata"].get("tags", []):
            names += assigned_names(cell["source"])
    return list(dict.fromkeys(names))


def unknown_parameters(notebook: Path) -> list[str]:
    """Names in the notebook's parameters cell that no run passes to it."""
    return [n for n in parameter_names(notebook) if n not in PASSED]


def check_parameters_cells(notebooks: list[Path], params_file: Path) -> None:
    """Refuse, before anything runs, a notebook whose parameters cell has a name the run
    would ignore; one line per notebook."""
    problems = []
    for notebook in notebooks:
        try:
            extra = unknown_parameters(notebook)
        except (OSError, ValueError):
            continue  # the run itself says what is wrong with the file
        if extra:
            names = ", ".join(f"`{n}`" for n in extra)
            problems.append(f"- {relative(notebook)}: {names}")
    if problems:
        raise ReviewError(
            "These notebooks' parameters cells set names that `reviewkit run` never passes, "
            "so the run would ignore them:\n"
            + "\n".join(problems)
            + f"\nA review cycle's settings are keys of its params file ({relative(params_file)}; "
            "docs/params.md lists them). Set the value there, or move the name to the cell "
            f"after the parameters cell; the parameters cell keeps only {' and '.join(PASSED)}."
        )
