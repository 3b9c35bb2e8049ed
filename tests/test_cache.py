"""The cache of parsed police.uk files: unchanged files are not parsed again; changed ones are;
results are the same either way; several partnerships share it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from conftest import chromium_path, need
from reviewkit.intake.area import AreaMatcher
from reviewkit.intake.policeuk import read_police


@pytest.fixture()
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("REVIEWKIT_CACHE", str(folder))
    return folder


def _files(demo_data: Path, tmp: Path) -> list[Path]:
    police = tmp / "police_uk"
    shutil.copytree(demo_data / "police_uk", police)
    return sorted(police.glob("*/*-street.csv"))


def test_unchanged_files_come_from_the_cache(demo_data, tmp_path, cache):
    files = _files(demo_data, tmp_path)
    area = AreaMatcher(["Brackwell"])
    first = read_police("s", "police_uk_street", files, area)
    second = read_police("s", "police_uk_street", files, area)
    assert first.parsed_from_cache == 0
    assert second.parsed_from_cache == len(files)
    pd.testing.assert_frame_equal(first.tidy, second.tidy)
    assert [vars(a) for a in first.accounts] == [vars(a) for a in second.accounts]
    # one file changes: only that file is parsed again, and its new rows count
    f = files[-1]
    lines = f.read_bytes().splitlines(keepends=True)
    f.write_bytes(b"".join(lines) + lines[1])  # a record re-sent in the newest month
    third = read_police("s", "police_uk_street", files, area)
    assert third.parsed_from_cache == len(files) - 1
    assert third.totals()["rows_read"] == first.totals()["rows_read"] + 1


def test_same_results_without_the_cache(demo_data, tmp_path, monkeypatch):
    files = _files(demo_data, tmp_path)
    monkeypatch.setenv("REVIEWKIT_CACHE", "off")
    plain = read_police("s", "police_uk_street", files, AreaMatcher(["Brackwell"]))
    assert plain.parsed_from_cache == 0
    monkeypatch.setenv("REVIEWKIT_CACHE", str(tmp_path / "c"))
    read_police("s", "police_uk_street", files, AreaMatcher(["Brackwell"]))
    cached = read_police("s", "police_uk_street", files, AreaMatcher(["Brackwell"]))
    pd.testing.assert_frame_equal(plain.tidy, cached.tidy)
    assert not (tmp_path / "off").exists()


def test_several_partnerships_at_once_share_the_force_files(batch_run):
    """The shared batch of two partnerships (conftest): force files parsed once, before the
    cycles start, and each cycle reads them from the cache."""
    stdout, data = batch_run["stdout"], batch_run["data"]
    assert "2 of 2 cycles finished" in stdout
    n_files = len(list((data / "police_uk").glob("*/*-street.csv")))
    assert f"police.uk files parsed once for all cycles: {n_files}" in stdout
    for name, folder in batch_run["folders"].items():
        intake = json.loads((folder / "intake.json").read_text())
        assert intake["parsed_from_cache"]["police_street"] == n_files
        report = (folder / "review_report.html").read_text(encoding="utf-8")
        assert f"{name} Community Safety Partnership: strategy review" in report
        assert os.listdir(folder / "tidy")
        # one browser printed every cycle's PDFs (the batch's print service)
        manifest = json.loads((folder / "manifest.json").read_text())
        if chromium_path() is not None:
            assert manifest["pdf"] == {
                "written": ["review_report.pdf", "community_update.pdf"],
                "note": "",
            }
            assert (folder / "review_report.pdf").read_bytes().startswith(b"%PDF-")
            # and each paper is its own partnership's, though one browser printed them all
            pdftotext = shutil.which("pdftotext")
            need(pdftotext is not None, "pdftotext is not installed (Debian: poppler-utils)")
            for paper in ("review_report.pdf", "community_update.pdf"):
                text = subprocess.run(
                    [pdftotext, str(folder / paper), "-"], capture_output=True, text=True
                ).stdout
                # every page's running header names the partnership (its peers may be named
                # in the benchmarking, never in the header)
                pages = [p for p in text.split("\f") if p.strip()]
                for other in batch_run["folders"]:
                    header = f"{other} Community Safety Partnership · review period"
                    on_pages = sum(header in page for page in pages)
                    assert on_pages == (len(pages) if other == name else 0), (paper, other)
