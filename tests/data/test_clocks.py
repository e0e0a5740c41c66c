"""Synthetic clocks, the course-file loader, the seeded split and the contact sheet."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from tunekit.clocktime import labels_to_minutes
from tunekit.data._clock_plan import homographies
from tunekit.data.clock_files import (
    load_clock_files,
    make_clock_data,
    save_clock_files,
    split_clocks,
)
from tunekit.data.clock_preview import contact_sheet_titles, draw_contact_sheet
from tunekit.data.clocks import (
    EASY,
    FULL,
    STYLE_PRESETS,
    ClockStyle,
    clock_style,
    generate_clocks,
    iter_clock_batches,
)
from tunekit.errors import DataFormatError, DataNotFoundError, UnknownNameError

SIZE = 40  # small images keep the suite fast; the renderer is the same at every size


def test_shapes_dtypes_and_label_ranges() -> None:
    images, labels = generate_clocks(30, image_size=SIZE, seed=1)
    assert images.shape == (30, SIZE, SIZE) and images.dtype == np.uint8
    assert labels.shape == (30, 2) and np.issubdtype(labels.dtype, np.integer)
    assert labels[:, 0].min() >= 0 and labels[:, 0].max() <= 11
    assert labels[:, 1].min() >= 0 and labels[:, 1].max() <= 59
    # A real picture, not a blank: clock face and wall give a wide range of grey.
    assert images.std() > 20


def test_same_seed_same_arrays_and_other_seed_differs() -> None:
    a_img, a_lab = generate_clocks(25, image_size=SIZE, seed=7)
    b_img, b_lab = generate_clocks(25, image_size=SIZE, seed=7)
    c_img, _ = generate_clocks(25, image_size=SIZE, seed=8)
    np.testing.assert_array_equal(a_img, b_img)
    np.testing.assert_array_equal(a_lab, b_lab)
    assert not np.array_equal(a_img, c_img)


def test_batch_size_never_changes_the_result() -> None:
    ref_img, ref_lab = generate_clocks(23, image_size=SIZE, seed=2, batch_size=1024)
    small_img, small_lab = generate_clocks(23, image_size=SIZE, seed=2, batch_size=4)
    np.testing.assert_array_equal(ref_img, small_img)
    np.testing.assert_array_equal(ref_lab, small_lab)
    batches = list(iter_clock_batches(23, image_size=SIZE, seed=2, batch_size=10))
    assert [len(b[0]) for b in batches] == [10, 10, 3]
    np.testing.assert_array_equal(np.concatenate([b[0] for b in batches]), ref_img)
    np.testing.assert_array_equal(np.concatenate([b[1] for b in batches]), ref_lab)


def test_every_time_equally_often_and_shuffled() -> None:
    _, labels = generate_clocks(1440, image_size=16, seed=0)
    counts = np.bincount(labels_to_minutes(labels), minlength=720)
    assert (counts == 2).all()
    assert not (np.diff(labels_to_minutes(labels)) >= 0).all()
    _, labels = generate_clocks(1000, image_size=16, seed=0)
    counts = np.bincount(labels_to_minutes(labels), minlength=720)
    assert set(np.unique(counts)) == {1, 2} and counts.sum() == 1000


def test_easy_clocks_of_one_time_are_identical_and_full_ones_are_not() -> None:
    def two_of_one_time(style: ClockStyle) -> tuple[np.ndarray, np.ndarray]:
        images, labels = generate_clocks(1440, image_size=24, seed=0, style=style)
        first = np.flatnonzero(labels_to_minutes(labels) == 123)
        assert len(first) == 2
        return images[first[0]].astype(int), images[first[1]].astype(int)

    a, b = two_of_one_time(EASY)
    assert np.abs(a - b).max() <= 1
    a, b = two_of_one_time(FULL)
    assert np.abs(a - b).mean() > 10


def test_easy_clocks_of_different_times_differ() -> None:
    images, labels = generate_clocks(720, image_size=SIZE, seed=0, style=EASY)
    minutes = labels_to_minutes(labels)
    a, b = images[minutes == 0][0], images[minutes == 360][0]
    assert np.abs(a.astype(int) - b).sum() > 500


@pytest.mark.parametrize("switch", ["rotation", "perspective", "scale", "glare", "wood", "noise"])
def test_each_style_switch_changes_the_images(switch: str) -> None:
    full, _ = generate_clocks(12, image_size=SIZE, seed=4, style=FULL)
    without, _ = generate_clocks(
        12, image_size=SIZE, seed=4, style=replace(FULL, **{switch: False})
    )
    assert not np.array_equal(full, without)


def test_max_rotation_bounds_the_turn_and_keeps_full_sets() -> None:
    upright, _ = generate_clocks(12, image_size=SIZE, seed=4, style=EASY)
    no_turn = replace(EASY, rotation=True, max_rotation=0.0)
    assert np.array_equal(generate_clocks(12, image_size=SIZE, seed=4, style=no_turn)[0], upright)
    turned = replace(EASY, rotation=True)
    spin = homographies(2000, np.random.default_rng(0), replace(turned, max_rotation=30.0))
    angles = np.degrees(np.arctan2(-spin[:, 1, 0], spin[:, 0, 0]))  # v-up clock, y-down image
    assert np.abs(angles).max() <= 30.0 + 1e-6
    assert np.abs(angles).max() > 25.0
    full = homographies(2000, np.random.default_rng(0), turned)
    assert np.abs(np.degrees(np.arctan2(-full[:, 1, 0], full[:, 0, 0]))).max() > 170.0


def test_style_presets() -> None:
    assert (
        clock_style("easy") == EASY == ClockStyle(False, False, False, False, False, False, False)
    )
    assert clock_style("full") == FULL == ClockStyle()
    assert set(STYLE_PRESETS) >= {"easy", "full"}
    with pytest.raises(UnknownNameError, match="easy"):
        clock_style("hard")


def test_bad_generator_arguments() -> None:
    with pytest.raises(ValueError, match="image_size"):
        generate_clocks(2, image_size=4)
    with pytest.raises(ValueError, match="batch_size"):
        generate_clocks(2, image_size=SIZE, batch_size=0)
    images, labels = generate_clocks(0, image_size=SIZE)
    assert images.shape == (0, SIZE, SIZE) and labels.shape == (0, 2)


# --- course files ---------------------------------------------------------------------------


def _write(tmp_path: Path, images: np.ndarray, labels: np.ndarray) -> Path:
    np.save(tmp_path / "images.npy", images)
    np.save(tmp_path / "labels.npy", labels)
    return tmp_path


def _sorted_set(n: int = 60, size: int = 8) -> tuple[np.ndarray, np.ndarray]:
    """A tiny set sorted by time like the course files, each image tagged by its index."""
    minutes = np.sort(np.random.default_rng(0).integers(0, 720, n))
    labels = np.stack(np.divmod(minutes, 60), axis=1)
    images = np.broadcast_to((np.arange(n) % 256).astype(np.uint8)[:, None, None], (n, size, size))
    return np.ascontiguousarray(images), labels


def test_load_round_trip_and_conversions(tmp_path: Path) -> None:
    images, labels = _sorted_set()
    save_clock_files(tmp_path / "ok", images, labels)
    got_images, got_labels = load_clock_files(tmp_path / "ok")
    np.testing.assert_array_equal(got_images, images)
    np.testing.assert_array_equal(got_labels, labels)

    (tmp_path / "unit").mkdir()
    got_images, got_labels = load_clock_files(
        _write(tmp_path / "unit", images / 255.0, labels.astype(float))
    )
    np.testing.assert_array_equal(got_images, images)
    assert got_labels.dtype == np.int64

    (tmp_path / "chan").mkdir()
    got_images, _ = load_clock_files(_write(tmp_path / "chan", images[..., None], labels))
    assert got_images.shape == images.shape


@pytest.mark.parametrize(
    ("images", "labels", "match"),
    [
        (np.zeros((4, 8, 9), np.uint8), np.zeros((4, 2), int), r"images\.npy.*\(4, 8, 9\)"),
        (np.zeros((4, 64), np.uint8), np.zeros((4, 2), int), r"images\.npy.*\(N, S, S\)"),
        (np.full((4, 8, 8), 300.0), np.zeros((4, 2), int), r"images\.npy.*0-255"),
        (np.full((4, 8, 8), np.nan), np.zeros((4, 2), int), r"images\.npy.*finite"),
        (np.zeros((4, 8, 8), np.int16) - 1, np.zeros((4, 2), int), r"images\.npy.*0-255"),
        (np.zeros((4, 8, 8), bool), np.zeros((4, 2), int), r"images\.npy.*bool"),
        (np.zeros((4, 8, 8), np.uint8), np.zeros((4, 3), int), r"labels\.npy.*\(N, 2\)"),
        (
            np.zeros((4, 8, 8), np.uint8),
            np.array([[0, 0]] * 3 + [[12, 0]]),
            r"hours must be 0-11.*row 3",
        ),
        (np.zeros((4, 8, 8), np.uint8), np.array([[0, 60]] * 4), r"minutes must be 0-59.*row 0"),
        (np.zeros((4, 8, 8), np.uint8), np.full((4, 2), 1.5), r"labels\.npy.*whole numbers"),
        (np.zeros((4, 8, 8), np.uint8), np.zeros((5, 2), int), r"4 images but .*5 labels"),
    ],
)
def test_load_rejects_bad_files_in_one_line(
    tmp_path: Path, images: np.ndarray, labels: np.ndarray, match: str
) -> None:
    with pytest.raises(DataFormatError, match=match) as info:
        load_clock_files(_write(tmp_path, images, labels))
    assert "\n" not in str(info.value)


def test_load_missing_and_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(DataNotFoundError, match=r"images\.npy not found"):
        load_clock_files(tmp_path)
    np.save(tmp_path / "images.npy", np.zeros((2, 8, 8), np.uint8))
    with pytest.raises(DataNotFoundError, match=r"labels\.npy not found"):
        load_clock_files(tmp_path)
    (tmp_path / "labels.npy").write_bytes(b"not a numpy file")
    with pytest.raises(DataFormatError, match=r"labels\.npy is not a \.npy file; save the labels"):
        load_clock_files(tmp_path)


def test_split_shuffles_sorted_files_80_20_with_validation_from_train() -> None:
    images, labels = _sorted_set(100)
    data = split_clocks(images, labels, test_fraction=0.2, validation_fraction=0.1, seed=0)
    assert (len(data.train[1]), len(data.val[1]), len(data.test[1])) == (72, 8, 20)
    train_minutes = labels_to_minutes(data.train[1])
    assert not (np.diff(train_minutes) >= 0).all()
    # Every image lands in exactly one part, with its own label.
    tags = np.concatenate([part[0][:, 0, 0] for part in (data.train, data.val, data.test)])
    assert sorted(tags.tolist()) == sorted(images[:, 0, 0].tolist())
    for x, y in (data.train, data.val, data.test):
        np.testing.assert_array_equal(y, labels[x[:, 0, 0]])
    assert data.describe()["n_test"] == 20 and data.describe()["image_size"] == 8


def test_split_fingerprint_is_stable_and_tracks_data_and_parameters() -> None:
    images, labels = _sorted_set(50)
    first = split_clocks(images, labels, seed=0)
    assert first.fingerprint == split_clocks(images, labels, seed=0).fingerprint
    assert len(first.fingerprint) == 16
    assert first.fingerprint != split_clocks(images, labels, seed=1).fingerprint
    assert first.fingerprint != split_clocks(images, labels, test_fraction=0.3).fingerprint
    changed = images.copy()
    changed[0, 0, 0] += 1
    assert first.fingerprint != split_clocks(changed, labels, seed=0).fingerprint
    with pytest.raises(ValueError, match="test_fraction"):
        split_clocks(images, labels, test_fraction=1.0)


def test_make_clock_data_generates_and_splits() -> None:
    data = make_clock_data(100, image_size=24, seed=3, style="easy")
    assert (len(data.train[1]), len(data.val[1]), len(data.test[1])) == (72, 8, 20)
    assert data.train[0].shape[1:] == (24, 24)
    assert "easy" in data.describe()["source"]
    assert data.fingerprint == make_clock_data(100, image_size=24, seed=3, style=EASY).fingerprint


# --- contact sheet --------------------------------------------------------------------------


def test_contact_sheet_titles() -> None:
    labels = np.array([[11, 55], [0, 5]])
    assert contact_sheet_titles(labels) == ["11:55", "12:05"]
    assert contact_sheet_titles(labels, np.array([5, 725])) == ["11:55 vs 12:05", "12:05 vs 12:05"]


def test_contact_sheet_is_written(tmp_path: Path) -> None:
    images, labels = generate_clocks(6, image_size=SIZE, seed=0)
    path = draw_contact_sheet(images, labels, tmp_path / "sheets" / "clocks.png", columns=4)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    pred = draw_contact_sheet(images, labels, tmp_path / "pred.png", predictions=labels[::-1])
    assert pred.stat().st_size > 1000
    with pytest.raises(ValueError, match="predictions"):
        draw_contact_sheet(images, labels, tmp_path / "bad.png", predictions=labels[:2])
