from __future__ import annotations

import dataclasses
import json
import os
import socket
import subprocess
import sys

import pytest

from tunekit.config import DataSpec, StudySpec, TrainSettings
from tunekit.errors import StudyLockedError
from tunekit.hypermodels import get_family
from tunekit.records.layout import LOCK_FILE
from tunekit.records.meta import DataInfo, SpaceInfo
from tunekit.tuning.lock import study_lock
from tunekit.tuning.meta import build_meta, differences, merged

MLP = get_family("mlp")


def _meta(spaces="width", subset=None, epochs=3, reference=None):
    spec = StudySpec("mlp", (spaces,), DataSpec(subset=subset), TrainSettings(epochs=epochs))
    ref = MLP.reference_with(reference or {})
    data = {"name": "fashion_mnist", "subset": subset, "fingerprint": "abc"}
    return build_meta(spec, MLP, ref, MLP.resolve_spaces(spaces), data)


def test_same_configuration_has_no_differences():
    assert differences(_meta(), _meta()) == []


def test_other_subset_epochs_and_reference_are_named():
    found = differences(_meta(subset=5000), _meta(epochs=4, reference={"dropout": "0.2"}))
    assert any(line.startswith("subset: 5000") for line in found)
    assert any(line.startswith("epochs: 3") for line in found)
    assert any("reference dropout" in line for line in found)


def test_a_new_space_is_not_a_difference_and_is_merged():
    old, new = _meta("width"), _meta("depth")
    assert differences(old, new) == []
    assert set(merged(old, new).spaces) == {"widths", "depth"}


def test_a_clock_split_is_compared_once_both_studies_record_it():
    def meta(**split):
        return dataclasses.replace(
            _meta(), data=DataInfo.from_dict({"name": "clock", "fingerprint": "abc", **split})
        )

    assert differences(meta(), meta(split="random")) == []  # a study from before splits
    found = differences(meta(split="random"), meta(split="viewpoint"))
    assert found == ["split: 'random' in the study, 'viewpoint' now"]


def test_other_values_of_a_space_are_not_a_difference_and_are_merged():
    old = _meta()
    changed = SpaceInfo("widths", ("100-30-10", "1-1-1"))
    old = dataclasses.replace(old, spaces={**old.spaces, "widths": changed})
    new = _meta()
    assert differences(old, new) == []
    grown = merged(old, new).spaces["widths"].values
    assert grown[:2] == ("100-30-10", "1-1-1")
    assert set(grown) == {"1-1-1", *new.spaces["widths"].values}


def test_a_hyper_parameter_the_family_gained_is_no_difference_at_its_reference():
    old = _meta()
    older = dataclasses.replace(
        old, reference={hp: v for hp, v in old.reference.items() if hp != "dropout"}
    )
    assert differences(older, _meta()) == []
    found = differences(older, _meta(reference={"dropout": "0.2"}))
    assert found == ["reference dropout: 0.0 in the study, 0.2 now"]


def test_lock_refuses_a_second_live_holder(tmp_path):
    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        lock = {"pid": holder.pid, "host": socket.gethostname()}
        (tmp_path / LOCK_FILE).write_text(json.dumps(lock))
        with pytest.raises(StudyLockedError, match=str(holder.pid)), study_lock(tmp_path):
            pass
    finally:
        holder.kill()
        holder.wait()


def test_lock_of_a_dead_process_is_taken_over_and_released(tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (tmp_path / LOCK_FILE).write_text(json.dumps({"pid": dead.pid, "host": socket.gethostname()}))
    with study_lock(tmp_path) as path:
        assert json.loads(path.read_text())["pid"] == os.getpid()
    assert not (tmp_path / LOCK_FILE).exists()
