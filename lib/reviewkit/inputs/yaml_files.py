"""Turn pydantic and YAML errors into messages that name the file and key and say what to do."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from reviewkit.base.errors import ReviewError

M = TypeVar("M", bound=BaseModel)

# libyaml's parser where PyYAML has it (several times quicker), with the same safe constructor
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(path: Path, what: str) -> Any:
    """Read a YAML file safely (no Python objects), or raise a ReviewError naming it."""
    if not path.is_file():
        raise ReviewError(
            f"{path}: {what} file not found. Check the path, or create it from the "
            "templates with `reviewkit init`."
        )
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ReviewError(f"{path}: {what} file is not UTF-8 text. Save it as UTF-8.") from None
    nested = ReviewError(
        f"{path}: nested too deeply to be a {what} file (lists or mappings "
        "inside each other thousands of levels down). Check the file."
    )
    try:
        data = yaml.load(text, Loader=SAFE_LOADER)  # SAFE_LOADER: never constructs objects
    except RecursionError:
        raise nested from None
    except ValueError:  # YAML reads 2026-11-31 as a date, and no such day exists
        raise ReviewError(_bad_dates(path, text)) from None
    except yaml.YAMLError as exc:
        if "nesting depth" in str(getattr(exc, "problem", "")):  # libyaml's own limit
            raise nested from None
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ReviewError(
            f"{path}: not valid YAML{where}: {problem}. Check indentation and quotes there."
        ) from None
    if data is None:
        raise ReviewError(f"{path}: {what} file is empty.")
    if not isinstance(data, dict):
        raise ReviewError(
            f"{path}: {what} file must be a mapping of keys to values, not a {type(data).__name__}."
        )
    return data


def _bad_dates(path: Path, text: str) -> str:
    """Name every date in a YAML text that looks like a date but is not a real day."""
    found = []
    for n, line in enumerate(text.splitlines(), start=1):
        for m in re.finditer(r"(?<![\w-])(\d{4})-(\d{1,2})-(\d{1,2})(?![\w-])", line):
            try:
                dt.date(*(int(g) for g in m.groups()))
            except ValueError:
                key = line.split(":", 1)[0].strip(" -") if ":" in line else ""
                where = f", key '{key}'" if key else ""
                found.append(
                    f"{path}: line {n}{where}: {m.group(0)} is not a real date. "
                    "Write a day that exists (YYYY-MM-DD)."
                )
    return "\n".join(found) or (
        f"{path}: a value could not be read as a date or number. "
        "Check the dates (YYYY-MM-DD) in the file."
    )


def _allowed_keys(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The keys the model accepts at the parent of `loc` (best effort, for suggestions)."""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        fields = getattr(current, "model_fields", None)
        if not fields or part not in fields:
            return []
        annotation = fields[part].annotation
        current = _model_in(annotation)
        if current is None:
            return []
    fields = getattr(current, "model_fields", None)
    return sorted(fields) if fields else []


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def describe_errors(exc: ValidationError, model: type[BaseModel], path: Path) -> str:
    """One line per problem: `file: key 'a.b': what is wrong. What to do.`"""
    lines = []
    for err in exc.errors():
        loc = tuple(err.get("loc", ()))
        key = ".".join(str(p) for p in loc) or "(top level)"
        kind = err.get("type", "")
        msg = err.get("msg", "invalid")
        if kind == "extra_forbidden":
            allowed = _allowed_keys(model, loc)
            close = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
            hint = f" Did you mean '{close[0]}'?" if close else ""
            known = f" Allowed keys here: {', '.join(allowed)}." if allowed else ""
            lines.append(f"{path}: key '{key}' is not a known setting.{hint}{known}")
        elif kind == "missing":
            lines.append(f"{path}: key '{key}' is required but missing. Add it.")
        else:
            msg = msg.removeprefix("Value error, ")
            where = f"key '{key}': " if loc else ""
            for part in msg.split("\n"):
                lines.append(f"{path}: {where}{part}.".replace("..", "."))
    return "\n".join(lines)


def validate(model: type[M], data: Any, path: Path, context: dict[str, Any] | None = None) -> M:
    """Validate `data` against `model` or raise a ReviewError listing every problem."""
    try:
        return model.model_validate(data, context=context)
    except ValidationError as exc:
        raise ReviewError(describe_errors(exc, model, path)) from None
