"""tunekit's reach into keras-tuner's private API, and its atomic writes.

If a keras-tuner release moves one of the names ``tunekit.tuning.ktfiles`` uses, or
adds a save path that bypasses tunekit's atomic one, a test here fails.
"""

from __future__ import annotations

import json
import os

import keras_tuner
import pytest

from tunekit.records.atomic import write_text_atomic
from tunekit.tuning import ktfiles
from tunekit.tuning.oracle import PlanOracle

from .test_oracle import OBJECTIVE, PLAN, _finish, _oracle


def test_private_names_used_by_ktfiles_still_exist():
    for name in (
        "_get_oracle_fname",
        "_get_trial_dir",
        "_save_trial",
        "_record_values",
        "_compute_values_hash",
    ):
        assert hasattr(keras_tuner.Oracle, name), name
    assert hasattr(PlanOracle(PLAN, OBJECTIVE), "_display")
    assert hasattr(keras_tuner.Tuner, "_get_tuner_fname")
    assert hasattr(keras_tuner.Tuner, "_is_worker")
    assert callable(ktfiles.Trial.from_state)
    assert hasattr(ktfiles.kt_config, "DEBUG")


def test_no_keras_tuner_file_is_written_in_place(tmp_path, monkeypatch):
    def in_place(*_):
        raise AssertionError("keras-tuner wrote a file by truncating it")

    monkeypatch.setattr(keras_tuner.src.utils, "save_json", in_place)
    oracle = _oracle(tmp_path)
    while (trial := oracle.create_trial("tuner0")).status == "RUNNING":
        _finish(oracle, trial)
    resumed = _oracle(tmp_path)
    resumed.reload()
    assert resumed.create_trial("tuner0").status == "STOPPED"
    assert len(json.loads((tmp_path / "study" / "oracle.json").read_text())["end_order"]) == len(
        PLAN
    )


def test_new_trial_ids_follow_the_highest_on_disk(tmp_path):
    oracle = _oracle(tmp_path)
    _finish(oracle, oracle.create_trial("tuner0"))
    (tmp_path / "study" / "trial_0007").mkdir()  # e.g. a trial whose files are all gone
    assert oracle.create_trial("tuner0").trial_id == "0008"


def test_atomic_write_keeps_the_old_file_when_interrupted(tmp_path, monkeypatch):
    path = tmp_path / "state.json"
    write_text_atomic(path, "old")

    def killed(_fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", killed)
    with pytest.raises(KeyboardInterrupt):
        write_text_atomic(path, "new")
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]  # no temporary left


def test_unusable_state_files_read_as_none(tmp_path):
    for text in ("", '{"ongoing', "[]"):
        (tmp_path / "f.json").write_text(text)
        assert ktfiles.load_state(tmp_path / "f.json") is None
        assert ktfiles.load_trial(tmp_path / "f.json") is None
    assert ktfiles.load_state(tmp_path / "missing.json") is None


def test_temporaries_of_killed_writers_are_removed_and_fresh_ones_kept(tmp_path):
    import os

    from tunekit.records.atomic import ORPHAN_AGE_SECONDS, remove_orphaned_temporaries

    old = tmp_path / "trial_0001" / ".tunekit.json.abc.tmp"
    weights = tmp_path / "trial_0001" / ".partial-123-checkpoint.weights.h5"
    fresh = tmp_path / ".oracle.json.def.tmp"
    kept = tmp_path / "trial_0001" / "tunekit.json"
    old.parent.mkdir()
    for path in (old, weights, fresh, kept):
        path.write_text("{")
    now = os.stat(fresh).st_mtime + 1
    for path in (old, weights, kept):
        os.utime(path, (now - ORPHAN_AGE_SECONDS - 5,) * 2)
    assert sorted(remove_orphaned_temporaries(tmp_path, now=now)) == sorted([old, weights])
    assert fresh.exists() and kept.exists() and not old.exists() and not weights.exists()


def test_quiet_failed_trials_puts_keras_tuners_debug_back():
    before = ktfiles.kt_config.DEBUG
    try:
        ktfiles.kt_config.DEBUG = True
        with ktfiles.quiet_failed_trials():
            assert ktfiles.kt_config.DEBUG is False
        assert ktfiles.kt_config.DEBUG is True
        with pytest.raises(RuntimeError), ktfiles.quiet_failed_trials():
            raise RuntimeError("a search that fails")
        assert ktfiles.kt_config.DEBUG is True
    finally:
        ktfiles.kt_config.DEBUG = before
