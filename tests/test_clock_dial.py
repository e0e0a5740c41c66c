"""The dial representation: geometry and angle targets, masked where unknown, read as times."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tunekit.clocktime import labels_to_minutes, time_error
from tunekit.data.clock_geometry import dial_geometry
from tunekit.data.clocks import FULL, generate_clocks
from tunekit.hypermodels.clock_dial import (
    ANGLES,
    RADII,
    angle_scores,
    encode_dial,
    soft_angles,
)

keras = pytest.importorskip("keras")


def test_soft_angles_centre_where_they_were_put_even_between_bins():
    angles = np.array([0.0, 1.0, 2 * math.pi - 0.01, math.pi])
    weights = soft_angles(angles)
    turn = np.arange(ANGLES) * 2 * math.pi / ANGLES
    found = np.arctan2(weights @ np.sin(turn), weights @ np.cos(turn))
    gap = np.mod(found - angles + math.pi, 2 * math.pi) - math.pi
    np.testing.assert_allclose(gap, 0, atol=1e-3)
    np.testing.assert_allclose(weights.sum(axis=1), 1.0, rtol=1e-5)


def test_without_geometry_only_the_readings_are_known():
    labels = np.array([[3, 15], [11, 59]])
    targets = encode_dial(labels)
    for name in ("geometry", "twelve", "hour", "minute"):
        assert np.isnan(targets[name]).all()
    for name in ("minute_reading", "hour_reading"):
        assert np.isfinite(targets[name]).all()


def test_the_correlation_of_the_12_and_a_hand_is_the_reading():
    from tunekit.hypermodels.dial_layers import CircularCorrelation

    _, labels = generate_clocks(48, image_size=32, seed=0, style=FULL)
    geometry = dial_geometry(48, image_size=32, seed=0, style=FULL)
    targets = encode_dial(labels, geometry)
    # Targets built from the turned angles; the readings must come out turn-free.
    layer = CircularCorrelation()
    eye = np.eye(ANGLES, dtype="float32")
    twelve = eye[np.round(geometry.angles[:, 0] / (2 * math.pi) * ANGLES).astype(int) % ANGLES]
    minute = eye[np.round(geometry.angles[:, 2] / (2 * math.pi) * ANGLES).astype(int) % ANGLES]
    reading = np.asarray(layer([twelve, minute]))
    want = np.argmax(targets["minute_reading"], axis=1)
    assert (np.abs(np.argmax(reading, axis=1) - want) % ANGLES <= 1).all()


def test_a_point_halfway_between_two_numerals_is_in_the_later_sector():
    from tunekit.hypermodels.dial_decoding import dial_sector

    half = ANGLES / 12 / 2  # halfway from the 12 to the 1
    offsets = [0, half - 0.01, half, -half, -half - 0.01, ANGLES - 1, 3 * ANGLES / 12]
    assert dial_sector(offsets, 12).tolist() == [0, 0, 1, 0, 11, 0, 3]


def test_each_angle_s_sector_votes_for_the_12_where_it_is():
    from tunekit.hypermodels.clock_dial import SECTORS, sector_targets
    from tunekit.hypermodels.dial_layers import SectorVote

    twelve = np.array([0.0, 1.0, 4.0, 6.2])  # radians clockwise from up
    sectors = sector_targets(twelve)
    at_twelve = np.round(twelve / (2 * math.pi) * ANGLES).astype(int) % ANGLES
    assert sectors.shape == (4, ANGLES, SECTORS) and (sectors.sum(axis=2) == 1).all()
    assert (np.argmax(sectors[np.arange(4), at_twelve], axis=1) == 0).all()
    three = (at_twelve + ANGLES // 4) % ANGLES  # a quarter turn clockwise: the 3
    assert (np.argmax(sectors[np.arange(4), three], axis=1) == 3).all()

    def off(vote, want):  # angles from the 12 wanted to the best-voted angle, either way
        return (np.argmax(vote, axis=1) - want + ANGLES // 2) % ANGLES - ANGLES // 2

    assert (np.abs(off(np.asarray(SectorVote()(sectors)), at_twelve)) <= 1).all()
    # Sectors read one hour on everywhere put the 12 one hour back.
    shifted = np.asarray(SectorVote()(np.roll(sectors, 1, axis=2)))
    assert (np.abs(off(shifted, at_twelve - ANGLES // SECTORS)) <= 1).all()


@pytest.mark.parametrize("representation", ["dial", "dial_heat", "dial_fine", "dial_vote"])
def test_a_dial_model_trains_on_generated_clocks_and_on_labels_alone(representation):
    from tunekit.hypermodels._family import DataShape
    from tunekit.hypermodels.clock import build_clock, decode, encode

    images, labels = generate_clocks(16, image_size=32, seed=1, style=FULL)
    geometry = dial_geometry(16, image_size=32, seed=1, style=FULL)
    values = {"representation": representation, "backbone": "seed", "learning_rate": 0.001}
    model = build_clock(values, DataShape(input_shape=(32, 32), num_classes=0))
    targets = encode(representation, labels, geometry)
    with_geometry = model.fit(images, targets, epochs=1, verbose=0)
    labels_only = model.fit(images, encode(representation, labels), epochs=1, verbose=0)
    assert np.isfinite(with_geometry.history["loss"]).all()
    assert np.isfinite(labels_only.history["loss"]).all()
    # Unknown geometry adds nothing: the masked losses are 0, only the readings count.
    logs = model.evaluate(images, encode(representation, labels), return_dict=True, verbose=0)
    assert logs["geometry_loss"] == 0 and logs["twelve_loss"] == 0
    assert logs.get("sector_loss", 0) == 0
    assert logs["minute_reading_loss"] > 0
    known = model.evaluate(images, targets, return_dict=True, verbose=0)
    assert ("sector_loss" in known) == ("sector" in targets)
    pred = decode(representation, model.predict(images, verbose=0))
    assert pred.shape == (16,) and np.isfinite(pred).all()
    assert time_error(labels_to_minutes(labels), pred).max() <= 360


def test_the_heat_map_points_at_its_hottest_cell_in_half_images():
    from tunekit.hypermodels.dial_layers import SoftArgmax2D

    heat = np.full((2, 8, 4, 1), -50.0, dtype="float32")
    heat[0, 0, 3] = 50.0  # top row, rightmost column
    heat[1, 5, 1] = 50.0
    point = np.asarray(SoftArgmax2D()(heat))
    np.testing.assert_allclose(point[0], [0.75, -0.875], atol=1e-4)  # (x, y), cell centres
    np.testing.assert_allclose(point[1], [-0.25, 0.375], atol=1e-4)
    flat = np.asarray(SoftArgmax2D()(np.zeros((1, 8, 4, 1), dtype="float32")))
    np.testing.assert_allclose(flat, 0.0, atol=1e-6)  # an even map points at the middle


def test_a_tiny_dial_study_trains_on_every_kind_of_training_clocks(tmp_path):
    from tunekit.config import DataSpec, StudySpec, TrainSettings
    from tunekit.records.trial import TrialStatus
    from tunekit.tuning.study import prepare_study, run_study

    spec = StudySpec(
        family="clock",
        spaces=("training_clocks",),
        reference_overrides=(("representation", "dial"),),
        data=DataSpec("clock", clock_count=360, image_size=32),
        train=TrainSettings(epochs=1, reference_repeats=1),
    )
    records = run_study(prepare_study(spec, tmp_path)).records
    assert {r.hyperparameters["training_clocks"] for r in records} == {
        "fixed", "fresh", "curriculum", "turned"
    }  # fmt: skip
    for record in records:
        assert record.status is TrialStatus.COMPLETED, record.reason
        assert 0 <= record.executions[0].val_metrics["time_error"] <= 360
    # Fresh clocks carry their geometry, so the dial's own losses train; fixed ones do not.
    fresh = next(r for r in records if r.hyperparameters["training_clocks"] == "fresh")
    fixed = next(r for r in records if r.hyperparameters["training_clocks"] == "fixed")
    assert fresh.executions[0].history["geometry_loss"][0] > 0
    assert fixed.executions[0].history["geometry_loss"][0] == 0


def test_start_pretrained_copies_the_shipped_readers_weights(tmp_path, monkeypatch):
    from tunekit import clock_reading
    from tunekit.hypermodels import DataShape, get_family
    from tunekit.hypermodels.clock import REFERENCE

    family, shape = get_family("clock"), DataShape((32, 32), 0)
    values = {**REFERENCE, "representation": "dial"}
    keras.utils.set_random_seed(1)
    shipped = family.build(values, shape)
    shipped.save(tmp_path / "reader.keras")
    monkeypatch.setattr(clock_reading, "pretrained_reader", lambda: tmp_path / "reader.keras")
    keras.utils.set_random_seed(2)
    started = family.build({**values, "start": "pretrained"}, shape)
    scratch = family.build(values, shape)
    for mine, theirs in zip(started.get_weights(), shipped.get_weights(), strict=True):
        assert np.array_equal(mine, theirs)
    assert any(not np.array_equal(a, b) for a, b in
               zip(scratch.get_weights(), shipped.get_weights(), strict=True))  # fmt: skip


@pytest.mark.parametrize(("start", "norm_moves"), [("pretrained", True),
                                                   ("pretrained_frozen_norm", False)])  # fmt: skip
def test_frozen_norm_keeps_the_readers_batch_statistics_while_the_rest_learns(
    tmp_path, monkeypatch, start, norm_moves
):
    from tunekit import clock_reading
    from tunekit.hypermodels import DataShape, get_family
    from tunekit.hypermodels.clock import REFERENCE, encode

    family, shape = get_family("clock"), DataShape((32, 32), 0)
    values = {**REFERENCE, "representation": "dial"}
    keras.utils.set_random_seed(1)
    family.build(values, shape).save(tmp_path / "reader.keras")
    monkeypatch.setattr(clock_reading, "pretrained_reader", lambda: tmp_path / "reader.keras")
    model = family.build({**values, "start": start}, shape)
    norms = [layer for layer in model.layers if isinstance(layer, keras.layers.BatchNormalization)]
    others = [layer for layer in model.layers if layer.weights and layer not in norms]
    before = {id(layer): [w.copy() for w in layer.get_weights()] for layer in norms + others}
    rng = np.random.default_rng(0)
    images = rng.random((16, 32, 32), dtype=np.float32) * 3 + 1  # far from the reader's statistics
    labels = np.stack([rng.integers(0, 12, 16), rng.integers(0, 60, 16)], axis=1)
    model.fit(images, encode("dial", labels), epochs=1, batch_size=8, verbose=0)

    def moved(layer):
        pairs = zip(before[id(layer)], layer.get_weights(), strict=True)
        return any(not np.allclose(a, b) for a, b in pairs)

    assert norms, "the dial network has batch normalisation"
    assert all(moved(layer) == norm_moves for layer in norms)
    assert any(moved(layer) for layer in others)


@pytest.mark.parametrize(
    ("representation", "reader", "says"),
    [
        ("multihead", "reader.keras", "needs the shipped reader's network"),
        ("dial", "none.keras", "No pretrained clock reader is installed"),
    ],
)
def test_start_pretrained_is_invalid_for_another_network_or_without_a_reader(
    tmp_path, monkeypatch, representation, reader, says
):
    from tunekit import clock_reading
    from tunekit.errors import InvalidConfigError
    from tunekit.hypermodels import DataShape, get_family
    from tunekit.hypermodels.clock import REFERENCE

    family, shape = get_family("clock"), DataShape((32, 32), 0)
    family.build({**REFERENCE, "representation": "dial"}, shape).save(tmp_path / "reader.keras")
    monkeypatch.setattr(clock_reading, "pretrained_reader", lambda: tmp_path / reader)
    with pytest.raises(InvalidConfigError, match=says):
        family.build({**REFERENCE, "representation": representation, "start": "pretrained"}, shape)


def test_start_from_a_readers_file_copies_its_weights(tmp_path):
    from tunekit.hypermodels import DataShape, get_family
    from tunekit.hypermodels.clock import REFERENCE

    family, shape = get_family("clock"), DataShape((32, 32), 0)
    values = {**REFERENCE, "representation": "dial"}
    keras.utils.set_random_seed(1)
    reader = family.build(values, shape)
    reader.save(tmp_path / "mine.keras")
    keras.utils.set_random_seed(2)
    started = family.build({**values, "start": str(tmp_path / "mine.keras")}, shape)
    for mine, theirs in zip(started.get_weights(), reader.get_weights(), strict=True):
        assert np.array_equal(mine, theirs)


def test_start_from_a_file_of_another_network_or_not_a_model_says_so(tmp_path):
    from tunekit.errors import InvalidConfigError
    from tunekit.hypermodels import DataShape, get_family
    from tunekit.hypermodels.clock import REFERENCE

    family = get_family("clock")
    family.build({**REFERENCE, "representation": "dial"}, DataShape((32, 32), 0)).save(
        tmp_path / "dial32.keras"
    )
    (tmp_path / "text.keras").write_text("not a model")
    wider = {**REFERENCE, "representation": "dial", "start": str(tmp_path / "dial32.keras")}
    with pytest.raises(InvalidConfigError, match="needs the network of that reader"):
        family.build(wider, DataShape((48, 48), 0))
    broken = {**REFERENCE, "representation": "dial", "start": str(tmp_path / "text.keras")}
    with pytest.raises(InvalidConfigError, match="is not a Keras model file"):
        family.build(broken, DataShape((32, 32), 0))


@pytest.mark.parametrize("source", ["near", "ring"])
def test_ring_scores_hear_the_whole_ring_and_turn_with_it(source):
    features = keras.Input((ANGLES, 3))
    scores = keras.Model(features, angle_scores(keras, features, source))
    rng = np.random.default_rng(0)
    x = rng.normal(size=(1, ANGLES, 3)).astype("float32")
    far = x.copy()
    far[0, ANGLES // 3] += 5.0  # change one angle, a third of the ring from angle 0
    before, after = scores.predict(x, verbose=0), scores.predict(far, verbose=0)
    assert (abs(after[0, 0] - before[0, 0]) > 1e-3) == (source == "ring")
    turned = scores.predict(np.roll(x, 17, axis=1), verbose=0)
    np.testing.assert_allclose(turned, np.roll(before, 17, axis=1), atol=1e-4)


def test_the_fine_reader_unrolls_twice_as_finely_and_reads_the_same_angles():
    from tunekit.hypermodels._family import DataShape
    from tunekit.hypermodels.clock import build_clock
    from tunekit.hypermodels.dial_layers import DialStrip

    shapes = {}
    for representation in ("dial_heat", "dial_fine"):
        values = {"representation": representation, "backbone": "bn", "learning_rate": 0.001}
        model = build_clock(values, DataShape(input_shape=(64, 64), num_classes=0))
        (strip,) = [layer for layer in model.layers if isinstance(layer, DialStrip)]
        shapes[representation] = (strip.radii, strip.angles)
        assert model.get_layer("twelve").output.shape[-1] == ANGLES
    assert shapes["dial_fine"] == (2 * RADII, 2 * ANGLES) and shapes["dial_heat"] == (RADII, ANGLES)


def test_a_sector_vote_reader_saves_and_loads_with_its_vote(tmp_path):
    import keras

    from tunekit.hypermodels._family import DataShape
    from tunekit.hypermodels.clock import build_clock

    images, _ = generate_clocks(4, image_size=32, seed=2, style=FULL)
    values = {"representation": "dial_vote", "backbone": "seed", "learning_rate": 0.001}
    model = build_clock(values, DataShape(input_shape=(32, 32), num_classes=0))
    vote = next(layer for layer in model.layers if type(layer).__name__ == "SectorVote")
    vote.scale.assign(2.5)
    model.save(tmp_path / "vote.keras")
    loaded = keras.saving.load_model(tmp_path / "vote.keras", compile=False)
    assert float(next(v for v in loaded.weights if v.path.endswith("scale")).numpy()) == 2.5
    before, after = model.predict(images, verbose=0), loaded.predict(images, verbose=0)
    for name in ("twelve", "sector"):
        np.testing.assert_allclose(after[name], before[name], atol=1e-5)
