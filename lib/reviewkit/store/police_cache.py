"""A cache of parsed raw files, keyed by their content, shared by cycles and partnerships.

Hashing a large file costs nearly as much as parsing it, so a file's content hash is itself
remembered against its path, size and modification time (as git does): an unchanged file is
neither hashed nor parsed again. Entries are written atomically, so concurrent runs (several
partnerships at once) can share the cache safely. The cache lives in `outputs/.cache/`
(or `REVIEWKIT_CACHE`) and can be deleted at any time.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

import pyarrow as pa
import pyarrow.ipc as ipc

from reviewkit.base.paths import outputs_dir

VERSION = "3"  # bump when what a parsed file holds changes


def cache_dir() -> Path:
    """The cache's folder: `REVIEWKIT_CACHE` when set (and not `off`), else `outputs/.cache`."""
    env = os.environ.get("REVIEWKIT_CACHE")
    return Path(env).resolve() if env and env != "off" else outputs_dir() / ".cache"


def enabled() -> bool:
    """`REVIEWKIT_CACHE=off` turns the cache off (every run parses every file)."""
    return os.environ.get("REVIEWKIT_CACHE") != "off"


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def sha256_file(path: Path) -> str:
    """sha256 of a file's bytes, read a megabyte at a time (large files in bounded memory)."""
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def content_hash(path: Path) -> str:
    """sha256 of a file's bytes, remembered against its path, size and modification time."""
    st = path.stat()
    stamp = f"{path.resolve()}\0{st.st_size}\0{st.st_mtime_ns}".encode()
    entry = cache_dir() / "hashes" / hashlib.sha1(stamp).hexdigest()
    try:
        return entry.read_text().strip()
    except OSError:
        pass
    digest = sha256_file(path)
    if not enabled():
        return digest
    try:
        _atomic_write(entry, digest.encode())
    except OSError:
        pass  # a read-only cache is not an error: the hash is just not remembered
    return digest


def bytes_hash(data: bytes) -> str:
    """sha256 of bytes in memory (a zip member), to key its parse by content."""
    return hashlib.sha256(data).hexdigest()


def _write_table(path: Path, table: pa.Table) -> None:
    """An Arrow IPC file, written atomically (one dictionary per column, as IPC requires)."""
    table = table.unify_dictionaries()
    sink = pa.BufferOutputStream()
    with ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)
    _atomic_write(path, sink.getvalue().to_pybytes())


def _read_table(path: Path) -> pa.Table:
    with pa.memory_map(str(path)) as source:
        return ipc.open_file(source).read_all()


def _entry(kind: str, key: str) -> Path:
    return cache_dir() / "parsed" / VERSION / kind / key


def load_parsed(kind: str, key: str) -> tuple[pa.Table | None, int, str, list[int]] | None:
    """A cached parse result: (table or None, rows, problem, malformed line numbers), or None
    when not cached."""
    if not enabled():
        return None
    base = _entry(kind, key)
    try:
        meta = json.loads(base.with_suffix(".json").read_text())
    except (OSError, ValueError):
        return None
    try:
        table = _read_table(base.with_suffix(".arrow")) if meta["has_table"] else None
        return table, int(meta["rows"]), str(meta["problem"]), list(meta["bad_lines"])
    except (OSError, KeyError, pa.ArrowInvalid):
        return None


def store_parsed(
    kind: str, key: str, table: pa.Table | None, rows: int, problem: str, bad_lines: list[int]
) -> None:
    """Keep a file's parse result under its content key; a cache that cannot be written is
    skipped (the next run parses the file again)."""
    if not enabled():
        return
    base = _entry(kind, key)
    try:
        if table is not None:
            _write_table(base.with_suffix(".arrow"), table)
        meta = {
            "has_table": table is not None,
            "rows": rows,
            "problem": problem,
            "bad_lines": bad_lines,
        }
        _atomic_write(base.with_suffix(".json"), json.dumps(meta).encode())
    except OSError:
        pass


def load_bundle(kind: str, key: str) -> tuple[pa.Table | None, list[dict]] | None:
    """A whole dataset's files, parsed and combined, when none of them has changed."""
    if not enabled():
        return None
    base = cache_dir() / "bundles" / VERSION / kind / key
    try:
        meta = json.loads(base.with_suffix(".json").read_text())
        table = _read_table(base.with_suffix(".arrow")) if meta["has_table"] else None
    except (OSError, ValueError, KeyError, pa.ArrowInvalid):
        return None
    return table, meta["files"]


def store_bundle(kind: str, key: str, table: pa.Table | None, files: list[dict]) -> None:
    """Keep a whole dataset's combined table and each file's parse and plan under the key of
    its files' stamps; a cache that cannot be written is skipped."""
    if not enabled():
        return
    base = cache_dir() / "bundles" / VERSION / kind / key
    try:
        if table is not None:
            _write_table(base.with_suffix(".arrow"), table)
        _atomic_write(
            base.with_suffix(".json"),
            json.dumps({"has_table": table is not None, "files": files}).encode(),
        )
    except OSError:
        pass
