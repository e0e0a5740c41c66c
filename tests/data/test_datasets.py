"""Tests for the dataset registry, file search, loading, splitting and permutation."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import tunekit.data
from tunekit.data import (
    IDX_FILES,
    _datasets,
    dataset_names,
    dataset_spec,
    default_search_paths,
    find_dataset_files,
    load_dataset,
    permute_pixels,
    pixel_permutation,
    write_idx,
)
from tunekit.errors import DataFormatError, DataNotFoundError, TunekitError, UnknownNameError

N_TRAIN = 64
N_TEST = 16
DEBIAN_FASHION = Path("/usr/share/datasets/fashion-mnist")


def make_fake(
    folder: Path,
    *,
    seed: int = 0,
    gz: bool = True,
    n_train: int = N_TRAIN,
    n_test: int = N_TEST,
    shape: tuple[int, int] = (28, 28),
) -> dict[str, np.ndarray]:
    """Write four tiny IDX files into `folder` and return what was written."""
    rng = np.random.default_rng(seed)
    arrays = {
        "train_images": rng.integers(0, 256, size=(n_train, *shape), dtype=np.uint8),
        "train_labels": rng.integers(0, 10, size=n_train, dtype=np.uint8),
        "test_images": rng.integers(0, 256, size=(n_test, *shape), dtype=np.uint8),
        "test_labels": rng.integers(0, 10, size=n_test, dtype=np.uint8),
    }
    folder.mkdir(parents=True, exist_ok=True)
    for role, stem in IDX_FILES.items():
        write_idx(folder / (f"{stem}.gz" if gz else stem), arrays[role])
    return arrays


def load(folder: Path, name: str = "fashion_mnist", **kwargs: object) -> tunekit.data.Dataset:
    """Load from exactly one folder, never downloading."""
    kwargs.setdefault("validation_size", 16)
    return load_dataset(name, search_paths=[folder], allow_download=False, **kwargs)


# --- registry ---------------------------------------------------------------------------


def test_dataset_names() -> None:
    assert dataset_names() == ["fashion_mnist", "mnist"]


def test_class_names() -> None:
    fashion = dataset_spec("fashion_mnist")
    mnist = dataset_spec("mnist")

    assert fashion.num_classes == mnist.num_classes == 10
    assert fashion.class_names[0] == "T-shirt/top"
    assert fashion.class_names[9] == "Ankle boot"
    assert len(fashion.class_names) == 10
    assert mnist.class_names == tuple("0123456789")


def test_unknown_name_lists_known_names(tmp_path: Path) -> None:
    with pytest.raises(UnknownNameError, match="fashion_mnist, mnist"):
        load_dataset("cifar10", search_paths=[tmp_path], allow_download=False)


def test_package_import_does_not_load_keras_or_tensorflow() -> None:
    repo_root = Path(tunekit.data.__file__).resolve().parents[2]
    code = (
        "import sys, tunekit.data\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('keras', 'tensorflow'))\n"
        "assert not heavy, heavy\n"
    )
    env = {**os.environ, "PYTHONPATH": str(repo_root)}

    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)

    assert result.returncode == 0, result.stderr


def test_all_is_sorted() -> None:
    assert tunekit.data.__all__ == sorted(tunekit.data.__all__)


# --- search -----------------------------------------------------------------------------


@pytest.fixture()
def places(tmp_path: Path) -> dict[str, Path]:
    """One folder per search place, each holding fake fashion_mnist files."""
    folders = {
        "data_dir": tmp_path / "given",
        "env": tmp_path / "env",
        "keras": tmp_path / "home" / ".keras" / "datasets" / "fashion-mnist",
        "debian": tmp_path / "debian" / "fashion-mnist",
    }
    for seed, folder in enumerate(folders.values()):
        make_fake(folder, seed=seed)
    return folders


def _find(tmp_path: Path, data_dir: Path | None, env: dict[str, str]) -> Path:
    found, _ = find_dataset_files(
        "fashion_mnist",
        data_dir,
        env=env,
        home=tmp_path / "home",
        debian_root=tmp_path / "debian",
    )
    return found


def test_search_order(tmp_path: Path, places: dict[str, Path]) -> None:
    env = {"TUNEKIT_DATA": str(places["env"])}

    assert _find(tmp_path, places["data_dir"], env) == places["data_dir"]
    assert _find(tmp_path, None, env) == places["env"]
    assert _find(tmp_path, None, {}) == places["keras"]
    for name in IDX_FILES.values():
        (places["keras"] / f"{name}.gz").unlink()
    assert _find(tmp_path, None, {}) == places["debian"]


def test_searched_places_are_returned_in_order(tmp_path: Path, places: dict[str, Path]) -> None:
    found, searched = find_dataset_files(
        "fashion_mnist",
        env={"TUNEKIT_DATA": str(tmp_path / "empty")},
        home=tmp_path / "home",
        debian_root=tmp_path / "debian",
    )

    assert found == places["keras"]
    assert searched == [tmp_path / "empty", tmp_path / "empty" / "fashion_mnist", found]


def test_name_subfolder_of_data_dir_and_env(tmp_path: Path) -> None:
    make_fake(tmp_path / "root" / "fashion_mnist")

    assert _find(tmp_path, tmp_path / "root", {}) == tmp_path / "root" / "fashion_mnist"
    env = {"TUNEKIT_DATA": str(tmp_path / "root")}
    assert _find(tmp_path, None, env) == tmp_path / "root" / "fashion_mnist"


def test_raw_files_are_found(tmp_path: Path) -> None:
    make_fake(tmp_path / "raw", gz=False)

    assert _find(tmp_path, tmp_path / "raw", {}) == tmp_path / "raw"


def test_keras_home_env_replaces_home(tmp_path: Path) -> None:
    make_fake(tmp_path / "kh" / "datasets" / "fashion-mnist")

    found = _find(tmp_path, None, {"KERAS_HOME": str(tmp_path / "kh")})

    assert found == tmp_path / "kh" / "datasets" / "fashion-mnist"


def test_default_search_paths(tmp_path: Path) -> None:
    env = {"TUNEKIT_DATA": os.pathsep.join([str(tmp_path / "a"), str(tmp_path / "b")])}

    paths = default_search_paths("mnist", env, tmp_path / "home", debian_root=tmp_path / "deb")

    keras = tmp_path / "home" / ".keras" / "datasets"
    assert paths == [
        tmp_path / "a",
        tmp_path / "a" / "mnist",
        tmp_path / "b",
        tmp_path / "b" / "mnist",
        keras / "mnist",
        keras,
        tmp_path / "deb" / "mnist",
    ]


def test_empty_data_dir_does_not_fall_through(tmp_path: Path, places: dict[str, Path]) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()

    with pytest.raises(DataNotFoundError, match="--data-dir") as info:
        _find(tmp_path, empty, {"TUNEKIT_DATA": str(places["env"])})

    assert str(empty) in str(info.value)
    assert str(places["env"]) not in str(info.value)


def test_missing_data_dir_says_so(tmp_path: Path) -> None:
    with pytest.raises(DataNotFoundError, match="does not exist"):
        _find(tmp_path, tmp_path / "typo", {})


def test_nothing_found_lists_every_place_and_the_remedy(tmp_path: Path) -> None:
    env = {"TUNEKIT_DATA": str(tmp_path / "env")}

    with pytest.raises(DataNotFoundError) as info:
        _find(tmp_path, None, env)

    message = str(info.value)
    for place in default_search_paths(
        "fashion_mnist", env, tmp_path / "home", debian_root=tmp_path / "debian"
    ):
        assert str(place) in message
    assert message.startswith("fashion_mnist: no IDX files found in:")
    assert "apt-get install dataset-fashion-mnist" in message
    assert "--data-dir" in message
    assert "\n" not in message


def test_mnist_message_has_no_debian_package(tmp_path: Path) -> None:
    with pytest.raises(DataNotFoundError) as info:
        find_dataset_files("mnist", env={}, home=tmp_path, debian_root=tmp_path / "deb")

    assert "apt-get" not in str(info.value)
    assert "mnist.npz" in str(info.value)


def test_incomplete_folder_is_noted(tmp_path: Path) -> None:
    folder = tmp_path / "half"
    make_fake(folder)
    (folder / "t10k-labels-idx1-ubyte.gz").unlink()

    with pytest.raises(DataNotFoundError, match="incomplete: missing t10k-labels-idx1-ubyte"):
        load(folder)


# --- mnist.npz ----------------------------------------------------------------------------


def _write_npz(path: Path, seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    arrays = {
        "x_train": rng.integers(0, 256, size=(N_TRAIN, 28, 28), dtype=np.uint8),
        "y_train": rng.integers(0, 10, size=N_TRAIN, dtype=np.uint8),
        "x_test": rng.integers(0, 256, size=(N_TEST, 28, 28), dtype=np.uint8),
        "y_test": rng.integers(0, 10, size=N_TEST, dtype=np.uint8),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez(path, **arrays)
    return arrays


def test_keras_mnist_npz_is_found_and_loaded(tmp_path: Path) -> None:
    npz = tmp_path / "home" / ".keras" / "datasets" / "mnist.npz"
    arrays = _write_npz(npz)

    found, _ = find_dataset_files("mnist", env={}, home=tmp_path / "home", debian_root=tmp_path)
    data = load(npz.parent, "mnist")

    assert found == npz
    assert data.source == str(npz)
    assert (len(data.train), len(data.val), len(data.test)) == (48, 16, 16)
    np.testing.assert_array_equal(data.test.y, arrays["y_test"])


def test_npz_with_missing_keys(tmp_path: Path) -> None:
    np.savez(tmp_path / "mnist.npz", x_train=np.zeros((2, 28, 28), dtype=np.uint8))

    with pytest.raises(DataFormatError, match="y_train"):
        load(tmp_path, "mnist")


def test_npz_and_idx_give_same_fingerprint(tmp_path: Path) -> None:
    arrays = _write_npz(tmp_path / "npz" / "mnist.npz")
    roles = {"x_train": "train_images", "y_train": "train_labels"}
    roles |= {"x_test": "test_images", "y_test": "test_labels"}
    (tmp_path / "idx").mkdir()
    for key, value in arrays.items():
        write_idx(tmp_path / "idx" / IDX_FILES[roles[key]], value)

    assert (
        load(tmp_path / "npz", "mnist").fingerprint == load(tmp_path / "idx", "mnist").fingerprint
    )


# --- downloading ------------------------------------------------------------------------


def test_download_failure_is_reported_with_places(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(spec: object) -> None:
        raise OSError("no network\nsecond line")

    monkeypatch.setattr(_datasets, "_download_with_keras", fail)

    with pytest.raises(DataNotFoundError) as info:
        load_dataset("fashion_mnist", search_paths=[tmp_path], allow_download=True)

    message = str(info.value)
    assert "Download through Keras failed (OSError: no network)" in message
    assert str(tmp_path) in message
    assert "\n" not in message


def test_download_result_is_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    arrays = _write_npz(tmp_path / "x.npz")
    raw = _datasets._RawData(*arrays.values())
    monkeypatch.setattr(_datasets, "_download_with_keras", lambda spec: raw)

    data = load_dataset("mnist", search_paths=[tmp_path / "none"], validation_size=16)

    assert data.source == "keras.datasets.mnist.load_data()"
    assert len(data.train) == 48


def test_no_download_when_data_dir_is_empty(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def must_not_run(spec: object) -> None:
        raise AssertionError("downloaded although --data-dir was given")

    monkeypatch.setattr(_datasets, "_download_with_keras", must_not_run)
    (tmp_path / "empty").mkdir()

    with pytest.raises(DataNotFoundError, match="--data-dir"):
        load_dataset("mnist", data_dir=tmp_path / "empty")


def test_no_download_when_not_allowed(tmp_path: Path) -> None:
    with pytest.raises(DataNotFoundError, match="no IDX files found"):
        load(tmp_path)


def test_environment_variable_is_used_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_fake(tmp_path / "mnist")
    monkeypatch.setenv("TUNEKIT_DATA", str(tmp_path))

    data = load_dataset("mnist", allow_download=False, validation_size=16)

    assert data.source == str(tmp_path / "mnist")


# --- loading, splitting -----------------------------------------------------------------


@pytest.mark.parametrize("gz", [True, False])
def test_split_scaling_and_dtypes(tmp_path: Path, gz: bool) -> None:
    arrays = make_fake(tmp_path, gz=gz)

    data = load(tmp_path)

    assert (len(data.train), len(data.val), len(data.test)) == (48, 16, 16)
    assert data.train.x.shape == (48, 28, 28)
    assert data.train.x.dtype == np.float32
    assert data.train.y.dtype == np.int64
    np.testing.assert_allclose(data.train.x * 255, arrays["train_images"][:48], atol=1e-4)
    np.testing.assert_allclose(data.val.x * 255, arrays["train_images"][48:], atol=1e-4)
    np.testing.assert_array_equal(data.val.y, arrays["train_labels"][48:])
    np.testing.assert_array_equal(data.test.y, arrays["test_labels"])
    for split in (data.train, data.val, data.test):
        assert split.x.min() >= 0.0 and split.x.max() <= 1.0
    assert data.num_classes == 10
    assert data.class_names[0] == "T-shirt/top"


def test_default_validation_size_is_5000(tmp_path: Path) -> None:
    make_fake(tmp_path, n_train=5010, n_test=2)

    data = load_dataset("mnist", search_paths=[tmp_path], allow_download=False)

    assert (len(data.train), len(data.val)) == (10, 5000)


def test_validation_size_of_one_holds_out_the_last_image(tmp_path: Path) -> None:
    arrays = make_fake(tmp_path)

    data = load(tmp_path, validation_size=1)

    assert (len(data.train), len(data.val)) == (N_TRAIN - 1, 1)
    np.testing.assert_array_equal(data.val.y, arrays["train_labels"][-1:])


def test_gz_and_raw_give_same_fingerprint(tmp_path: Path) -> None:
    make_fake(tmp_path / "gz", gz=True)
    make_fake(tmp_path / "raw", gz=False)

    assert load(tmp_path / "gz").fingerprint == load(tmp_path / "raw").fingerprint


def test_subset_keeps_first_training_images_only(tmp_path: Path) -> None:
    arrays = make_fake(tmp_path)

    data = load(tmp_path, subset=10)

    assert (len(data.train), len(data.val), len(data.test)) == (10, 16, 16)
    np.testing.assert_array_equal(data.train.y, arrays["train_labels"][:10])
    np.testing.assert_array_equal(data.val.y, arrays["train_labels"][48:])


def test_subset_of_all_available_images(tmp_path: Path) -> None:
    make_fake(tmp_path)

    assert len(load(tmp_path, subset=48).train) == 48


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"subset": 0}, "subset must be at least 1"),
        ({"subset": -5}, "subset must be at least 1"),
        ({"subset": 49}, "subset=49 is more than the 48"),
        ({"subset": 2.5}, "subset must be a whole number"),
        ({"subset": True}, "subset must be a whole number"),
        ({"permute": -1}, "permute must be at least 0"),
        ({"permute": "7"}, "permute must be a whole number"),
        ({"validation_size": 0}, "validation_size must be at least 1"),
        ({"validation_size": -1}, "validation_size must be at least 1"),
        ({"validation_size": 64}, "leaves no training images"),
    ],
)
def test_bad_parameters(tmp_path: Path, kwargs: dict[str, object], match: str) -> None:
    make_fake(tmp_path)

    with pytest.raises(TunekitError, match=match):
        load(tmp_path, **kwargs)


def test_image_label_count_mismatch(tmp_path: Path) -> None:
    make_fake(tmp_path)
    write_idx(tmp_path / "train-labels-idx1-ubyte.gz", np.zeros(63, dtype=np.uint8))

    with pytest.raises(DataFormatError, match="64 training images but 63 training labels"):
        load(tmp_path)


def test_label_out_of_range(tmp_path: Path) -> None:
    make_fake(tmp_path)
    write_idx(tmp_path / "t10k-labels-idx1-ubyte.gz", np.full(N_TEST, 10, dtype=np.uint8))

    with pytest.raises(DataFormatError, match="labels are 0 to 9"):
        load(tmp_path)


def test_wrong_image_shape(tmp_path: Path) -> None:
    make_fake(tmp_path, shape=(32, 32))

    with pytest.raises(DataFormatError, match=r"needs \(n, 28, 28\)"):
        load(tmp_path)


def test_corrupt_file_is_named(tmp_path: Path) -> None:
    make_fake(tmp_path)
    (tmp_path / "train-images-idx3-ubyte.gz").write_bytes(b"\x1f\x8b junk")

    with pytest.raises(DataFormatError, match="train-images-idx3-ubyte.gz"):
        load(tmp_path)


def test_describe_is_plain_metadata(tmp_path: Path) -> None:
    make_fake(tmp_path)
    data = load(tmp_path, subset=8, permute=3)

    info = data.describe()

    assert info == {
        "name": "fashion_mnist",
        "num_classes": 10,
        "image_shape": [28, 28],
        "train_size": 8,
        "val_size": 16,
        "test_size": 16,
        "validation_size": 16,
        "subset": 8,
        "permute": 3,
        "source": str(tmp_path),
        "fingerprint": data.fingerprint,
    }
    assert json.loads(json.dumps(info)) == info


# --- permutation and fingerprint --------------------------------------------------------


def test_pixel_permutation_is_fixed_by_seed() -> None:
    perm = pixel_permutation(3)

    assert sorted(perm.tolist()) == list(range(784))
    np.testing.assert_array_equal(perm, pixel_permutation(3))
    np.testing.assert_array_equal(perm, np.random.default_rng(3).permutation(784))
    assert not np.array_equal(perm, pixel_permutation(4))


def test_permute_same_for_all_splits(tmp_path: Path) -> None:
    make_fake(tmp_path)
    plain = load(tmp_path)
    permuted = load(tmp_path, permute=3)
    perm = pixel_permutation(3, 784)

    for before, after in zip(
        (plain.train, plain.val, plain.test),
        (permuted.train, permuted.val, permuted.test),
        strict=True,
    ):
        flat_before = before.x.reshape(len(before), -1)
        flat_after = after.x.reshape(len(after), -1)
        assert after.x.shape == before.x.shape
        np.testing.assert_array_equal(flat_after, flat_before[:, perm])
        np.testing.assert_array_equal(np.sort(flat_after, axis=1), np.sort(flat_before, axis=1))
        assert not np.array_equal(flat_after, flat_before)
        np.testing.assert_array_equal(after.y, before.y)


def test_different_seeds_give_different_images(tmp_path: Path) -> None:
    make_fake(tmp_path)

    three = load(tmp_path, permute=3)
    four = load(tmp_path, permute=4)

    assert not np.array_equal(three.train.x, four.train.x)
    np.testing.assert_array_equal(three.train.x, load(tmp_path, permute=3).train.x)


def test_permute_pixels_rejects_non_permutations() -> None:
    images = np.zeros((2, 2, 2))

    with pytest.raises(ValueError, match="permutation of range"):
        permute_pixels(images, np.array([0, 0, 1, 2]))
    with pytest.raises(ValueError, match="permutation of range"):
        permute_pixels(images, np.arange(5))


def test_fingerprint_changes_with_data_and_parameters(tmp_path: Path) -> None:
    make_fake(tmp_path / "a", seed=0)
    make_fake(tmp_path / "b", seed=1)

    base = load(tmp_path / "a").fingerprint
    variants = [
        load(tmp_path / "b").fingerprint,
        load(tmp_path / "a", subset=10).fingerprint,
        load(tmp_path / "a", subset=11).fingerprint,
        load(tmp_path / "a", permute=0).fingerprint,
        load(tmp_path / "a", permute=1).fingerprint,
        load(tmp_path / "a", validation_size=8).fingerprint,
        load(tmp_path / "a", name="mnist").fingerprint,
    ]

    assert len(base) == 16
    int(base, 16)
    assert load(tmp_path / "a").fingerprint == base
    assert len({base, *variants}) == len(variants) + 1


# --- the real data, where Debian's package is installed ---------------------------------


@pytest.mark.skipif(not DEBIAN_FASHION.is_dir(), reason="dataset-fashion-mnist not installed")
def test_real_fashion_mnist() -> None:
    data = load_dataset("fashion_mnist", search_paths=[DEBIAN_FASHION], allow_download=False)

    assert data.train.x.shape == (55000, 28, 28)
    assert data.val.x.shape == (5000, 28, 28)
    assert data.test.x.shape == (10000, 28, 28)
    assert set(np.unique(data.test.y).tolist()) == set(range(10))
    assert data.train.x.min() >= 0.0 and data.train.x.max() == 1.0
