"""Finding the files of a police.uk dataset: CSV files on disk and the matching members of
zips, each with when it arrived (so the newer of two files for one month wins)."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from reviewkit.base.paths import relative, repo_root
from reviewkit.intake.policeuk.columns import MONTH, MONTH_IN_NAME, SUFFIX
from reviewkit.store.police_cache import bytes_hash, content_hash

# When a file arrived, in an order that loses nothing: its file's modification time in whole
# nanoseconds (for a zip member, the zip's), then a zip member's own timestamp (year, month,
# day, hour, minute, second; all zero for a file on disk). Whole numbers compare exactly, so
# members of one zip eight hours (or two seconds) apart are never taken as arriving together.
Arrival = tuple[int, tuple[int, ...]]
NO_MEMBER_TIME: tuple[int, ...] = (0, 0, 0, 0, 0, 0)

ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    NotImplementedError,
    RuntimeError,
    EOFError,
    OSError,
    ValueError,
)


@dataclass
class RawFile:
    """One CSV to read: a file on disk or a member of a zip."""

    label: str  # how messages name it
    source: Path | bytes | tuple[Path, str]  # a file, bytes, or (zip, member) read when needed
    arrived: Arrival = (0, NO_MEMBER_TIME)  # the newer of two files for one month wins
    parsed: bool = False  # parsed this run (False: taken from the cache)
    stamp: str = ""  # path, size and modification time: unchanged files are not read again
    size: int = -1  # bytes (files of one size are compared for identical content)

    def data(self) -> bytes:
        """Its bytes (a zip member is read from its zip each time: see `read_cached`)."""
        if isinstance(self.source, bytes):
            return self.source
        if isinstance(self.source, tuple):
            with zipfile.ZipFile(self.source[0]) as zf:
                return zf.read(self.source[1])
        return self.source.read_bytes()

    def key(self) -> tuple[str, str] | None:
        """(month, force) from a data.police.uk file name, for spotting re-sent months."""
        m = MONTH_IN_NAME.search(self.label.replace("\\", "/").rsplit("/", 1)[-1])
        return (m.group(1), m.group(2)) if m else None

    def folder_month(self) -> str | None:
        """The month its folder names (`2026-03/...`), if the folder is a month folder."""
        parts = self.label.replace("\\", "/").replace("!", "/").split("/")
        return parts[-2] if len(parts) > 1 and MONTH.fullmatch(parts[-2]) else None

    def digest(self) -> str:
        """sha256 of its bytes (remembered against path, size and time for files on disk)."""
        if isinstance(self.source, Path):
            return content_hash(self.source)
        return bytes_hash(self.data())


def member_time(info: zipfile.ZipInfo) -> tuple[int, ...]:
    """A zip member's own timestamp as whole numbers (year, month, day, hour, minute, second),
    to order the members of one zip exactly."""
    return tuple(int(part) for part in info.date_time)


def iter_raw_files(paths: list[Path], kind: str, notes: list[str]) -> Iterator[RawFile]:
    """CSV files and the matching members of zips; other zip members are named in `notes`."""
    root = repo_root().resolve()  # once: each file's label is relative to it
    for path in paths:
        if path.suffix.lower() == ".zip":
            yield from _zip_members(path, kind, root, notes)
        else:
            st = path.stat()
            yield RawFile(
                relative(path, root),
                path,
                (st.st_mtime_ns, NO_MEMBER_TIME),
                stamp=f"{path}|{st.st_size}|{st.st_mtime_ns}",
                size=st.st_size,
            )


def _zip_members(path: Path, kind: str, root: Path, notes: list[str]) -> Iterator[RawFile]:
    """The members of one zip that are files of `kind`; an unreadable zip is one empty file
    named in `notes`."""
    try:
        with zipfile.ZipFile(path) as zf:
            members = sorted(n for n in zf.namelist() if not n.endswith("/"))
            ignored = [n for n in members if not n.endswith(SUFFIX[kind])]
            if ignored:
                shown = ", ".join(ignored[:5]) + (" ..." if len(ignored) > 5 else "")
                notes.append(
                    f"{path.name}: {len(ignored)} file(s) in the zip are not "
                    f"{SUFFIX[kind]} files and were not read: {shown}"
                )
            st = path.stat()
            found = [
                RawFile(
                    f"{relative(path, root)}!{name}",
                    (path, name),
                    (st.st_mtime_ns, member_time(zf.getinfo(name))),
                    stamp=f"{path}|{st.st_size}|{st.st_mtime_ns}|{name}",
                    size=zf.getinfo(name).file_size,
                )
                for name in members
                if name.endswith(SUFFIX[kind])
            ]
    except ZIP_ERRORS:
        # corrupt, cut short, encrypted or an unsupported compression: name the zip
        notes.append(
            f"{relative(path, root)}: not a readable zip file (damaged, cut short or "
            "password-protected); download it again"
        )
        found = [RawFile(relative(path, root), b"", size=0)]
    yield from found
