"""The clocks' split by viewpoint, and the course files brought down to the study's image size."""

from __future__ import annotations

import numpy as np
import pytest

from tunekit.config import ClockSplit, DataSpec
from tunekit.data.clock_files import make_clock_data, save_clock_files, split_clocks
from tunekit.data.clocks import STYLE_PRESETS, clock_viewpoints, generate_clocks
from tunekit.data.image_files import fit_images
from tunekit.data.loading import load_data
from tunekit.errors import InvalidValueError

COURSE = STYLE_PRESETS["course"]


def _tagged(n: int, views: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``n`` 2x2 images whose pixel [0, 0] is their index, with cycling viewpoints."""
    images = np.zeros((n, 2, 2), dtype=np.int64)
    images[:, 0, 0] = np.arange(n)
    labels = np.stack([np.arange(n) % 12, np.arange(n) % 60], axis=1)
    return images, labels, np.arange(n) % views


def _views_of(part: tuple[np.ndarray, np.ndarray], viewpoints: np.ndarray) -> set[int]:
    return set(viewpoints[part[0][:, 0, 0]].tolist())


def test_viewpoint_split_holds_whole_viewpoints_out_of_training() -> None:
    images, labels, viewpoints = _tagged(500, 25)
    data = split_clocks(images, labels, seed=3, viewpoints=viewpoints)
    train, val, test = (_views_of(p, viewpoints) for p in (data.train, data.val, data.test))
    assert len(test) == 5 and len(val) == 2 and len(train) == 18
    assert not train & test and not train & val and not val & test
    assert (len(data.train[1]), len(data.val[1]), len(data.test[1])) == (360, 40, 100)
    # Every image lands in exactly one part, with its own label.
    tags = np.concatenate([part[0][:, 0, 0] for part in (data.train, data.val, data.test)])
    assert sorted(tags.tolist()) == list(range(500))
    for x, y in (data.train, data.val, data.test):
        np.testing.assert_array_equal(y, labels[x[:, 0, 0]])
    info = data.describe()
    assert info["split"] == "viewpoint" and info["test_viewpoints"] == sorted(test)
    assert info["val_viewpoints"] == sorted(val)


def test_viewpoint_split_is_drawn_with_the_seed_and_has_its_own_fingerprint() -> None:
    images, labels, viewpoints = _tagged(250, 25)
    first = split_clocks(images, labels, seed=0, viewpoints=viewpoints)
    again = split_clocks(images, labels, seed=0, viewpoints=viewpoints)
    other = split_clocks(images, labels, seed=1, viewpoints=viewpoints)
    assert first.test_viewpoints == again.test_viewpoints != other.test_viewpoints
    assert first.fingerprint == again.fingerprint != other.fingerprint
    shuffled = split_clocks(images, labels, seed=0)
    assert shuffled.fingerprint != first.fingerprint and shuffled.split == "random"
    assert "test_viewpoints" not in shuffled.describe()
    with pytest.raises(ValueError, match="3 viewpoints cannot be split"):
        split_clocks(images, labels, test_fraction=0.1, viewpoints=np.arange(250) % 3)


def test_generated_course_clocks_split_by_their_viewpoints() -> None:
    data = make_clock_data(360, image_size=16, seed=2, style="course", split="viewpoint")
    views = clock_viewpoints(360, seed=2, style=COURSE)
    test_share = np.isin(views, data.test_viewpoints).mean()
    assert len(data.test_viewpoints) == 5 and test_share == pytest.approx(0.2, abs=0.03)
    assert len(data.val[1]) == pytest.approx(0.1 * (360 - len(data.test[1])), abs=10)
    with pytest.raises(ValueError, match="style full has none"):
        make_clock_data(100, image_size=16, style="full", split=ClockSplit.VIEWPOINT)


def test_a_study_of_held_out_viewpoints_draws_no_fresh_sets() -> None:
    spec = DataSpec("clock", clock_count=200, image_size=32, clock_style="course")
    held_out = load_data(DataSpec(**{**spec.__dict__, "clock_split": "viewpoint"}))
    assert held_out.recipe is None  # a fresh set would show the test viewpoints
    assert held_out.describe()["split"] == "viewpoint"
    assert load_data(spec).recipe is not None and load_data(spec).describe()["split"] == "random"
    from tunekit.errors import InvalidConfigError
    from tunekit.hypermodels.clock import REFERENCE, fresh_training_clocks

    fresh = {**REFERENCE, "training_clocks": "fresh"}
    with pytest.raises(InvalidConfigError, match="viewpoints held out for testing"):
        fresh_training_clocks(fresh, held_out, 2, 0, 42)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"clock_style": "full"}, "needs clocks seen from fixed viewpoints"),
        ({"data_dir": "course"}, "the clock files do not say which viewpoint"),
        ({"dataset": "mnist"}, "applies to the clock data set only"),
    ],
)
def test_viewpoint_split_is_refused_where_there_are_no_fixed_viewpoints(changes, message) -> None:
    args = {"dataset": "clock", "clock_style": "course", "clock_split": "viewpoint", **changes}
    with pytest.raises(InvalidValueError, match=message) as caught:
        DataSpec(**args)
    assert caught.value.name == "clock_split"
    assert "\n" not in str(caught.value)


# --- course files at the study's image size --------------------------------------------------


def test_course_files_are_area_averaged_down_to_the_image_size(tmp_path) -> None:
    images, labels = generate_clocks(60, image_size=48, seed=1)
    course = save_clock_files(tmp_path / "course", images, labels)
    data = load_data(DataSpec("clock", data_dir=course, image_size=32))
    assert data.train.x.shape[1:] == (32, 32)
    assert data.describe()["image_size"] == 32 and data.describe()["file_image_size"] == 48
    # The same split of the images as the reader would shrink them.
    expected = load_data(DataSpec("clock", data_dir=course))
    assert expected.train.x.shape[1:] == (48, 48)  # no size given: the files' own
    np.testing.assert_array_equal(data.train.x, fit_images(expected.train.x, (32, 32)))
    np.testing.assert_array_equal(data.test.y, expected.test.y)
    assert data.fingerprint != expected.fingerprint


def test_course_files_come_at_the_shipped_readers_size_unless_a_size_is_given(tmp_path) -> None:
    from tunekit.clock_reading import pretrained_reader_model
    from tunekit.config import FILES_IMAGE_SIZE

    images, labels = generate_clocks(30, image_size=FILES_IMAGE_SIZE + 22, seed=2)
    course = save_clock_files(tmp_path / "course", images, labels)
    default = load_data(DataSpec("clock", data_dir=course))
    assert default.train.x.shape[1:] == (FILES_IMAGE_SIZE, FILES_IMAGE_SIZE)
    assert default.describe()["file_image_size"] == FILES_IMAGE_SIZE + 22
    kept = load_data(DataSpec("clock", data_dir=course, image_size=FILES_IMAGE_SIZE + 22))
    assert kept.train.x.shape[1:] == images.shape[1:]
    shrunk = fit_images(kept.train.x, default.train.x.shape[1:])
    np.testing.assert_array_equal(default.train.x, shrunk)
    # The files recipe starts from the shipped reader: the default is the size it reads.
    assert pretrained_reader_model().input_shape[1:3] == (FILES_IMAGE_SIZE, FILES_IMAGE_SIZE)


def test_course_files_are_not_enlarged(tmp_path) -> None:
    course = save_clock_files(tmp_path / "course", *generate_clocks(40, image_size=32))
    with pytest.raises(InvalidValueError, match="64 is larger than the 32x32 images"):
        load_data(DataSpec("clock", data_dir=course, image_size=64))
