"""When each police.uk file arrived, exactly: the newest re-sent file for a month wins.

Members of one zip are ordered by their own timestamps (whole numbers, as the zip stores
them), files by their modification time in nanoseconds. Times near 1.7e9 seconds held in a
float lose anything under about a quarter of a microsecond, so members hours apart once
arrived "together" and the re-sent rule fell back to name order: each case below puts the
newer file first in name order, so that fallback would pick the wrong one.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest

from reviewkit.intake.area import AreaMatcher
from reviewkit.intake.policeuk import read_police
from reviewkit.intake.policeuk.cache import bundle_key
from reviewkit.intake.policeuk.discovery import NO_MEMBER_TIME, iter_raw_files

HEADER = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,"
    "LSOA code,LSOA name,Crime type,Last outcome category,Context"
)
NAME = "2026-02-northshire-street.csv"
ZIP_TIME = 1_772_000_000  # the zip's own modification time (seconds): February 2026


def _street(n: int) -> bytes:
    """A February street file of `n` rows in the area (n tells the files apart)."""
    rows = [
        f"r{k},2026-02,F,F,-1.0,52.0,On or near Street,E01000001,Brackwell 001A,Drugs,,"
        for k in range(n)
    ]
    return ("\n".join([HEADER, *rows]) + "\n").encode()


def _zip(path: Path, members: list[tuple[str, tuple[int, ...], bytes]]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, when, data in members:
            zf.writestr(zipfile.ZipInfo(name, date_time=when), data)  # type: ignore[arg-type]
    os.utime(path, ns=(ZIP_TIME * 10**9, ZIP_TIME * 10**9))
    return path


def _read(paths: list[Path], cache: Path | str = "off"):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("REVIEWKIT_CACHE", str(cache))
        return read_police("police_street", "police_uk_street", paths, AreaMatcher(["Brackwell"]))


def _used(res) -> list[str]:
    """The files whose rows were counted."""
    return [a.file for a in res.accounts if a.accepted]


# (older, newer) zip member timestamps; zips store seconds in steps of two
PAIRS = {
    "eight hours apart": ((2026, 3, 2, 9, 0, 0), (2026, 3, 2, 17, 0, 0)),
    "the same minute": ((2026, 3, 2, 10, 15, 0), (2026, 3, 2, 10, 15, 58)),
    "two seconds apart": ((2026, 3, 2, 10, 15, 2), (2026, 3, 2, 10, 15, 4)),
    "across midnight and the year": ((2025, 12, 31, 23, 59, 58), (2026, 1, 1, 0, 0, 0)),
    "across the month": ((2026, 2, 28, 23, 0, 0), (2026, 3, 1, 1, 0, 0)),
    # clocks go forward at 01:00 on 29 March 2026: local times, as zips keep them
    "across the clocks going forward": ((2026, 3, 29, 0, 59, 58), (2026, 3, 29, 2, 0, 0)),
}


@pytest.mark.parametrize("older, newer", PAIRS.values(), ids=PAIRS.keys())
@pytest.mark.parametrize("newer_first", [True, False], ids=["newer first", "newer last"])
def test_the_newest_member_of_a_zip_wins(tmp_path, older, newer, newer_first):
    first, last = ("a", "b")
    new_dir, old_dir = (first, last) if newer_first else (last, first)
    z = _zip(
        tmp_path / "download.zip",
        [(f"{new_dir}/{NAME}", newer, _street(3)), (f"{old_dir}/{NAME}", older, _street(2))],
    )
    res = _read([z])
    new_label = next(a.file for a in res.accounts if f"!{new_dir}/" in a.file)
    old = next(a for a in res.accounts if f"!{old_dir}/" in a.file)
    assert _used(res) == [new_label]
    assert (old.accepted, old.quarantined) == (0, 2)
    assert old.note == f"superseded by {new_label} (re-sent 2026-02)"
    assert int(res.tidy["n"].sum()) == 3


def test_members_times_are_kept_whole_beside_the_zips_nanoseconds(tmp_path):
    z = _zip(
        tmp_path / "download.zip",
        [(f"a/{NAME}", (2026, 3, 2, 17, 0, 0), b"x"), (f"b/{NAME}", (2026, 3, 2, 9, 0, 0), b"y")],
    )
    loose = tmp_path / NAME
    loose.write_bytes(b"z")
    os.utime(loose, ns=(ZIP_TIME * 10**9 + 1, ZIP_TIME * 10**9 + 1))
    got = [r.arrived for r in iter_raw_files([z, loose], "police_uk_street", [])]
    assert got == [
        (ZIP_TIME * 10**9, (2026, 3, 2, 17, 0, 0)),
        (ZIP_TIME * 10**9, (2026, 3, 2, 9, 0, 0)),
        (ZIP_TIME * 10**9 + 1, NO_MEMBER_TIME),
    ]


def _set_ns(path: Path, ns: int) -> None:
    os.utime(path, ns=(ns, ns))
    if path.stat().st_mtime_ns != ns:
        pytest.skip("this file system does not keep modification times to the nanosecond")


@pytest.mark.parametrize("apart_ns", [100, 1_000, 10**9, 8 * 3600 * 10**9])
def test_the_newest_of_two_files_on_disk_wins(tmp_path, apart_ns):
    newer = tmp_path / "a" / NAME
    older = tmp_path / "b" / NAME
    for path, n in ((newer, 3), (older, 2)):
        path.parent.mkdir()
        path.write_bytes(_street(n))
    base = ZIP_TIME * 10**9  # a whole second: as a float, 100 ns later is the same time
    _set_ns(newer, base + apart_ns)
    _set_ns(older, base)
    res = _read([newer, older])
    assert [Path(f).parent.name for f in _used(res)] == ["a"]


@pytest.mark.parametrize("zip_is_newer", [True, False], ids=["zip newer", "file newer"])
def test_a_zip_member_against_a_file_on_disk_goes_by_the_zips_time(tmp_path, zip_is_newer):
    # the member's own timestamp is years later than the loose file: it orders members of
    # one zip only, so the zip's own arrival is compared with the file's
    z = _zip(tmp_path / "download.zip", [(f"a/{NAME}", (2030, 1, 1, 0, 0, 0), _street(3))])
    loose = tmp_path / "b" / NAME
    loose.parent.mkdir()
    loose.write_bytes(_street(2))
    _set_ns(loose, ZIP_TIME * 10**9 + (-1_000 if zip_is_newer else 1_000))
    res = _read([z, loose])
    winner = "download.zip!a/" if zip_is_newer else f"b/{NAME}"
    assert len(_used(res)) == 1 and winner in _used(res)[0]


def test_the_newer_of_two_zips_wins_whatever_their_members_say(tmp_path):
    old_zip = _zip(tmp_path / "a.zip", [(NAME, (2026, 3, 2, 23, 0, 0), _street(2))])
    new_zip = _zip(tmp_path / "b.zip", [(NAME, (2026, 3, 2, 1, 0, 0), _street(3))])
    _set_ns(new_zip, ZIP_TIME * 10**9 + 500)
    res = _read([new_zip, old_zip])
    assert len(_used(res)) == 1 and "b.zip!" in _used(res)[0]


def test_a_stored_dataset_keeps_the_newest_member_and_plans_of_other_rules_are_not_reused(
    tmp_path, monkeypatch
):
    z = _zip(
        tmp_path / "download.zip",
        [
            (f"a/{NAME}", (2026, 3, 2, 17, 0, 0), _street(3)),
            (f"b/{NAME}", (2026, 3, 2, 9, 0, 0), _street(2)),
        ],
    )
    cache = tmp_path / "cache"
    first, again = _read([z], cache), _read([z], cache)
    assert again.parsed_from_cache == 1 + 1  # both members from the stored dataset
    assert _used(first) == _used(again) == [next(a.file for a in first.accounts if "!a/" in a.file)]
    raws = list(iter_raw_files([z], "police_uk_street", []))
    key = bundle_key("police_uk_street", raws)
    monkeypatch.setattr("reviewkit.intake.policeuk.cache.PLAN_VERSION", "another plan")
    assert bundle_key("police_uk_street", raws) != key
