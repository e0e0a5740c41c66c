"""The user's own data (``--data``): .npz and Python files, their checks and fingerprints."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from tunekit.config import DataSpec, StudySpec
from tunekit.data.loading import load_data
from tunekit.errors import DataFormatError, DataNotFoundError, InvalidValueError
from tunekit.records.meta import StudyMeta
from tunekit.studyfile import StudyFileError, load_study_file
from tunekit.tuning.meta import spec_from_meta

from ..conftest import tiny_images


def tiny_arrays(
    seed: int = 0, train: int = 300, test: int = 64, val: int = 0
) -> dict[str, np.ndarray]:
    """A tiny learnable 10-class set of 28x28 uint8 images, as ``write_tiny_mnist`` makes."""
    rng = np.random.default_rng(seed)

    def make(n: int) -> tuple[np.ndarray, np.ndarray]:
        images, labels = tiny_images(rng, n)
        return images, labels.astype(np.int64)

    arrays = dict(zip(("x_train", "y_train"), make(train), strict=True))
    for split, n in (("val", val), ("test", test)):
        if n:
            arrays[f"x_{split}"], arrays[f"y_{split}"] = make(n)
    return arrays


def write_npz(path: Path, **kwargs: int) -> Path:
    np.savez(path, **tiny_arrays(**kwargs))
    return path


def test_npz_is_split_scaled_and_described(tmp_path):
    data = load_data(DataSpec(file=str(write_npz(tmp_path / "tiny.npz")), validation_size=64))
    assert (len(data.train), len(data.val), len(data.test)) == (236, 64, 64)
    assert data.name == "tiny" and data.num_classes == 10
    assert data.train.x.dtype == np.float32 and 0 <= data.train.x.min() < data.train.x.max() <= 1
    # The validation split is the last 64 training images, as for the IDX data sets.
    raw = tiny_arrays()
    assert np.array_equal(data.val.y, raw["y_train"][-64:])
    assert data.describe()["source"] == str(tmp_path / "tiny.npz")


def test_own_validation_arrays_replace_validation_size(tmp_path):
    path = write_npz(tmp_path / "v.npz", train=50, val=20, test=0)
    data = load_data(DataSpec(file=str(path)))  # validation_size 5000 is not used
    assert (len(data.train), len(data.val), len(data.test)) == (50, 20, 0)
    assert data.describe()["validation_size"] == 0
    assert data.test.x.shape == (0, 28, 28)


def test_a_relative_path_is_stored_absolute(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_npz(tmp_path / "tiny.npz")
    assert DataSpec(file="tiny.npz").file == str(tmp_path / "tiny.npz")
    assert DataSpec(file="data.py:make").file == str(tmp_path / "data.py") + ":make"
    assert DataSpec(file="some.module:make").file == "some.module:make"


def test_python_file_function_or_dict_without_polluting_sys_modules(tmp_path):
    np.savez(tmp_path / "arrays.npz", **tiny_arrays(train=40, test=0))
    (tmp_path / "mydata.py").write_text(
        "import numpy as np\n"
        f"_A = dict(np.load({str(tmp_path / 'arrays.npz')!r}))\n"
        "def make():\n    return _A\n"
        "TABLE = _A\n"
    )
    before = set(sys.modules)
    made = load_data(DataSpec(file=f"{tmp_path / 'mydata.py'}:make", validation_size=10))
    table = load_data(DataSpec(file=f"{tmp_path / 'mydata.py'}:TABLE", validation_size=10))
    assert set(sys.modules) - before <= {"numpy"}  # the user's file is not left behind
    assert str(tmp_path) not in sys.path
    assert made.name == "mydata-make" and len(made.train) == 30 and len(made.test) == 0
    assert made.fingerprint == table.fingerprint  # the same arrays


def test_fingerprint_follows_the_arrays_not_the_path(tmp_path):
    (tmp_path / "b").mkdir()
    first = load_data(DataSpec(file=str(write_npz(tmp_path / "a.npz")), validation_size=64))
    moved = load_data(DataSpec(file=str(write_npz(tmp_path / "b" / "a.npz")), validation_size=64))
    changed = write_npz(tmp_path / "c.npz", seed=1)
    other = load_data(DataSpec(file=str(changed), validation_size=64))
    fewer = load_data(DataSpec(file=str(tmp_path / "a.npz"), validation_size=32))
    assert first.fingerprint == moved.fingerprint
    assert len({first.fingerprint, other.fingerprint, fewer.fingerprint}) == 3


def _bad(tmp_path: Path, **arrays: object) -> str:
    path = tmp_path / "bad.npz"
    np.savez(path, **arrays)
    return str(path)


@pytest.mark.parametrize(
    ("arrays", "words"),
    [
        ({"x_train": np.zeros((4, 5, 5))}, "missing y_train"),
        ({"x_train": np.zeros((4, 5, 5)), "y_train": np.arange(3)}, "4 images but y_train has 3"),
        (
            {
                "x_train": np.zeros((4, 5, 5)),
                "y_train": np.arange(4),
                "x_test": np.zeros((2, 5, 5)),
            },
            "no y_test",
        ),
        (
            {
                "x_train": np.zeros((4, 5, 5)),
                "y_train": np.arange(4),
                "x_val": np.zeros((2, 5, 5)),
                "y_val": np.arange(3),
            },
            "x_val has 2 images but y_val has 3",
        ),
        ({"x_train": np.zeros((4, 5, 5)), "y_train": np.arange(4) + 0.5}, "non-integer"),
        ({"x_train": np.zeros((4, 5, 5)), "y_train": np.arange(4) - 1}, "negative"),
        ({"x_train": np.zeros((4, 5, 5)), "y_train": np.zeros(4, int)}, "two classes"),
        ({"x_train": np.zeros((4, 25)), "y_train": np.arange(4)}, "(n, height, width)"),
        ({"x_train": np.zeros((4, 5, 5)), "y_train": np.arange(4), "x_valid": 1}, "x_valid"),
    ],
)
def test_bad_arrays_name_the_file_and_the_problem(tmp_path, arrays, words):
    file = _bad(tmp_path, **arrays)
    with pytest.raises(DataFormatError) as caught:
        load_data(DataSpec(file=file, validation_size=1))
    assert str(caught.value).startswith(file) and words in str(caught.value)
    assert "\n" not in str(caught.value)


def test_validation_size_beyond_the_training_images_names_both_sizes(tmp_path):
    path = write_npz(tmp_path / "small.npz", train=30)
    with pytest.raises(InvalidValueError) as caught:
        load_data(DataSpec(file=str(path)))
    assert caught.value.name == "validation_size"
    assert "5000" in str(caught.value) and "30 training images" in str(caught.value)


def test_missing_file_and_unusable_form(tmp_path):
    with pytest.raises(DataNotFoundError, match="nope.npz: no such file"):
        load_data(DataSpec(file=str(tmp_path / "nope.npz")))
    with pytest.raises(InvalidValueError, match="FILE.py:NAME"):
        DataSpec(file=str(tmp_path / "data.py"))  # no NAME


@pytest.mark.parametrize(
    ("source", "name", "words"),
    [
        ("def make(:\n", "make", "SyntaxError"),
        ("import no_such_module_here\n", "make", "ModuleNotFoundError"),
        ("x = 1\n", "make", "has no make"),
        ("def make():\n    return [1, 2]\n", "make", "type list, not a dict"),
        ("def make():\n    raise RuntimeError('boom')\n", "make", "make() failed"),
    ],
)
def test_python_files_that_cannot_give_arrays(tmp_path, source, name, words):
    path = tmp_path / "data.py"
    path.write_text(source)
    with pytest.raises(DataFormatError) as caught:
        load_data(DataSpec(file=f"{path}:{name}"))
    assert str(caught.value).startswith(str(path)) and words in str(caught.value)
    assert "\n" not in str(caught.value)


def test_clock_family_and_data_dir_are_refused_with_a_file(tmp_path):
    with pytest.raises(InvalidValueError, match="data_dir"):
        DataSpec(file="tiny.npz", data_dir=tmp_path)
    with pytest.raises(InvalidValueError, match="clock"):
        StudySpec("clock", (), DataSpec(file="tiny.npz"))


def test_study_file_paths_are_relative_to_the_study_file(tmp_path, monkeypatch):
    (tmp_path / "studies").mkdir()
    study = tmp_path / "studies" / "mine.toml"
    study.write_text('family = "mlp"\nspaces = ["dropout"]\n[data]\nfile = "data.npz"\n')
    monkeypatch.chdir(tmp_path)
    plan = load_study_file(study)
    assert plan.spec.data.file == str(tmp_path / "studies" / "data.npz")
    study.write_text(
        'family = "mlp"\nspaces = ["dropout"]\n[data]\nfile = "d.npz"\ndataset = "mnist"\n'
    )
    with pytest.raises(StudyFileError, match=r"\[data\] file replaces \[data\] dataset"):
        load_study_file(study)


def test_a_worker_rebuilds_the_file_spec_and_ignores_its_data_dir(tmp_path):
    spec = DataSpec(file=str(tmp_path / "tiny.npz"), validation_size=64)
    meta = {
        "family": "mlp",
        "spaces": {},
        "reference": {},
        "data": {"name": "tiny"},
        "data_spec": {**spec.__dict__, "data_dir": None},
        "train": {"epochs": 1, "patience": 1, "executions": 1, "seed": 0},
    }
    rebuilt = spec_from_meta(StudyMeta.from_dict(meta), data_dir=tmp_path / "elsewhere")
    assert rebuilt.data == spec
