"""The clock representation registry: every entry reads its own targets back, one name each."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from tunekit.clocktime import labels_to_minutes, time_error
from tunekit.data.clock_geometry import DialGeometry
from tunekit.errors import UnknownNameError
from tunekit.hypermodels.clock import CHECKS, CLOCK, REPRESENTATIONS, decode, encode
from tunekit.hypermodels.clock_representations import (
    REPRESENTATIONS_BY_NAME,
    Representation,
    get_representation,
)

# 24-hour labels (13:05 reads as 1:05) and minutes at both ends of each hour, where
# a continuous hour hand is nearly at the next hour.
LABELS = np.array([[h, m] for h in range(24) for m in (0, 1, 17, 29, 30, 31, 58, 59)])
TRUE = labels_to_minutes(LABELS)
#: Decoding lands on a class's midpoint, not the minute; every other one is exact.
TOLERANCE = {"class24": 15.0}
ENTRIES = list(REPRESENTATIONS_BY_NAME.values())


def _perfect(targets: np.ndarray) -> np.ndarray:
    """What a perfect model outputs for ``targets``: one-hot rows for class indices."""
    if np.issubdtype(targets.dtype, np.integer):
        return np.eye(int(targets.max()) + 1)[targets]
    return targets


def _perfect_output(targets: object) -> object:
    if isinstance(targets, dict):
        return {key: _perfect(value) for key, value in targets.items()}
    return _perfect(np.asarray(targets))


def _upright(labels: np.ndarray) -> DialGeometry:
    """Geometry of upright, untilted clocks showing ``labels``: the 12 straight up."""
    minutes = labels_to_minutes(labels).astype(float)
    n = len(minutes)
    angles = np.column_stack(
        [np.zeros(n), 2 * np.pi * minutes / 720, 2 * np.pi * (minutes % 60) / 60]
    )
    return DialGeometry(64, np.full((n, 2), 31.5), np.tile(np.eye(2) * 30, (n, 1, 1)), angles)


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda entry: entry.name)
def test_perfect_outputs_decode_to_the_true_time(entry: Representation):
    pred = entry.decode(_perfect_output(entry.targets(LABELS, _upright(LABELS))))
    assert pred.shape == TRUE.shape
    assert time_error(TRUE, pred).max() <= TOLERANCE.get(entry.name, 0.01)


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda entry: entry.name)
def test_clock_functions_use_the_registered_entry(entry: Representation):
    targets = encode(entry.name, LABELS.tolist())  # plain lists are labels too
    expected = entry.encode(LABELS)
    if isinstance(expected, dict):
        assert targets.keys() == expected.keys()
        pairs = [(targets[key], expected[key]) for key in expected]
    else:
        pairs = [(targets, expected)]
    for got, want in pairs:
        assert got.dtype == want.dtype
        np.testing.assert_array_equal(got, want)
    output = _perfect_output(expected)
    np.testing.assert_array_equal(decode(entry.name, output), entry.decode(output))


@pytest.mark.parametrize("name", ["nope", "Multihead", "", None, ["multihead"]])
def test_an_unknown_name_is_refused_naming_the_known_ones(name):
    with pytest.raises(UnknownNameError) as caught:
        get_representation(name)
    message = str(caught.value)
    assert "\n" not in message
    assert ", ".join(REPRESENTATIONS_BY_NAME) in message


def test_the_clock_functions_refuse_an_unknown_name_too():
    with pytest.raises(UnknownNameError, match="Known representations"):
        encode("nope", LABELS)
    with pytest.raises(UnknownNameError, match="Known representations"):
        decode("nope", np.zeros((2, 4)))


def test_names_are_the_registry_keys_in_order():
    assert [entry.name for entry in ENTRIES] == list(REPRESENTATIONS_BY_NAME)
    assert tuple(REPRESENTATIONS_BY_NAME) == REPRESENTATIONS
    assert REPRESENTATIONS[:4] == ("regression", "class24", "class720", "multihead")
    assert CLOCK.spaces["representation"].values == REPRESENTATIONS
    assert CHECKS["representation"].names == REPRESENTATIONS
    assert all(entry.description and "\n" not in entry.description for entry in ENTRIES)


def test_the_registry_does_not_import_keras():
    code = (
        "import sys, tunekit.hypermodels.clock_representations as r; "
        "sincos = r.get_representation('sincos'); sincos.decode(sincos.encode([[1, 2]])); "
        "print(sorted({'keras', 'tensorflow'} & set(sys.modules)))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda entry: entry.name)
def test_each_head_fits_its_own_targets(entry: Representation):
    """A head has an output, and a loss, for each target, shaped as the target is."""
    import keras

    if entry.model is not None:  # a whole network of its own, from the pixels
        features = keras.Input(shape=(32, 32))
        outputs, loss = entry.model(keras, features, 32)
    else:
        features = keras.Input(shape=(8,))
        outputs, loss = entry.head(keras, features)
    targets = entry.encode(LABELS)
    if isinstance(targets, dict):
        assert outputs.keys() == loss.keys() == targets.keys()
        # Named layers: keras logs each head's loss and exported models keep the names.
        model = keras.Model(features, outputs)
        assert all(model.get_layer(key).output is outputs[key] for key in targets)
        pairs = [(outputs[key], targets[key]) for key in targets]
    else:
        assert not isinstance(outputs, dict) and loss is not None
        pairs = [(outputs, targets)]
    for output, target in pairs:
        if np.issubdtype(target.dtype, np.integer):  # class indices: one unit per class
            assert output.shape[1] > target.max()
        else:
            assert tuple(output.shape[1:]) == target.shape[1:]
