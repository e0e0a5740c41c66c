"""Atomic writes: whole files, with the permissions a plain write would give them."""

from __future__ import annotations

import os
import stat

import pytest

from tunekit.records.atomic import write_text_atomic


def test_atomic_file_gets_the_umask_mode_not_mkstemps_private_one(tmp_path):
    plain, atomic = tmp_path / "plain.json", tmp_path / "atomic.json"
    plain.write_text("{}")
    write_text_atomic(atomic, "{}")

    assert atomic.read_text() == "{}"
    # A study on a shared disk stays readable by whoever could read a plain file.
    assert stat.S_IMODE(atomic.stat().st_mode) == stat.S_IMODE(plain.stat().st_mode)
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".tmp")]


def test_atomic_write_replaces_a_file_whole(tmp_path):
    path = tmp_path / "record.json"
    write_text_atomic(path, "old")
    write_text_atomic(path, "new")
    assert path.read_text() == "new"
    assert sorted(os.listdir(tmp_path)) == ["record.json"]


@pytest.mark.parametrize("where", ["a folder", "a missing folder"])
def test_a_failed_atomic_write_names_the_file_asked_for_not_the_temporary(tmp_path, where):
    path = tmp_path / "times.csv"
    if where == "a folder":
        path.mkdir()
    else:
        path = tmp_path / "nowhere" / "times.csv"
    with pytest.raises(OSError) as info:
        write_text_atomic(path, "x")
    assert info.value.filename == str(path) and info.value.filename2 is None
    assert ".tmp" not in str(info.value)
    assert [p.name for p in tmp_path.iterdir()] == (["times.csv"] if where == "a folder" else [])
