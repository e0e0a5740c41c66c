"""`tunekit clocks read`: the time on clock images, from PNGs or a course images.npy."""

from __future__ import annotations

import csv
import json
import zipfile
from io import StringIO
from pathlib import Path

import numpy as np
import pytest
from rich.console import Console
from typer.testing import CliRunner

from tunekit import clock_reading
from tunekit.cli import app
from tunekit.clocktime import format_dial_minutes, labels_to_minutes, time_metrics
from tunekit.data.clocks import clock_style, generate_clocks
from tunekit.data.image_files import (
    fit_images,
    load_images,
    read_image_file,
    resize_images,
    to_grey,
)
from tunekit.hypermodels import DataShape, get_family
from tunekit.hypermodels.clock import SHIPPED_REPRESENTATION
from tunekit.modelfile import MODEL_INFO_FILE
from tunekit.records.layout import CHECKPOINT_FILE
from tunekit.records.trial import TrialRecord, TrialStatus
from tunekit.tuning.best import BestTrial

runner = CliRunner()
SIZE = 32  # the reader's input: small, so building and predicting take a second
WIDE = {"COLUMNS": "200"}  # tables keep long tmp paths on one line


def _export_reader(folder: Path, representation: str, seed: int = 0) -> Path:
    """An untrained clock model on 32x32 images, exported as tunekit exports."""
    import keras

    from tunekit.hypermodels.clock import REFERENCE
    from tunekit.modelfile import export_model

    keras.utils.set_random_seed(seed)
    values = {**REFERENCE, "representation": representation}
    shape = DataShape((SIZE, SIZE), 0)
    trial_dir = folder / "trial_0000"
    trial_dir.mkdir()
    get_family("clock").build(values, shape).save_weights(trial_dir / CHECKPOINT_FILE)
    record = TrialRecord("0000", "clock", "reference", "", None, values, TrialStatus.COMPLETED)
    best = BestTrial(folder, record, "val_time_error", "min", trial_dir / CHECKPOINT_FILE,
                     None, shape, "clock")  # fmt: skip
    return export_model(best, folder / "clock.keras")


@pytest.fixture(scope="module")
def reader(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An untrained multihead clock model on 32x32 images."""
    return _export_reader(tmp_path_factory.mktemp("reader"), "multihead")


@pytest.fixture(scope="module")
def dial_readers(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Two untrained dial_heat readers on 32x32 images, of other weights."""
    return [_export_reader(tmp_path_factory.mktemp("dial"), "dial_heat", seed) for seed in (1, 2)]


@pytest.fixture(scope="module")
def clocks() -> tuple[np.ndarray, np.ndarray]:
    """Six 150x150 clocks, the course's size, and their [hour, minute] labels."""
    return generate_clocks(6, image_size=150, seed=3, style=clock_style("easy"))


def _expected_minutes(reader: Path, images: np.ndarray) -> np.ndarray:
    """The reader's times for images of its input size, without tunekit's reading code."""
    from tunekit.hypermodels.clock import decode
    from tunekit.modelfile import load_model_file

    output = load_model_file(reader).predict(images, verbose=0)
    return np.mod(decode("multihead", output), 720)


def _write_pngs(folder: Path, images: np.ndarray, mode: str = "L") -> list[Path]:
    from PIL import Image

    paths = []
    for index, image in enumerate(images):
        path = folder / f"clock_{index}.png"
        Image.fromarray(image).convert(mode).save(path)
        paths.append(path)
    return paths


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open() as file:
        return list(csv.DictReader(file))


def _read(*args: object) -> object:
    return runner.invoke(app, ["clocks", "read", *map(str, args)], env=WIDE)


# --- resizing and grey, no model -------------------------------------------------------


def test_area_average_of_4x4_to_2x2_is_the_block_means():
    image = np.arange(16, dtype=np.float64).reshape(1, 4, 4)
    blocks = [[[2.5, 4.5], [10.5, 12.5]]]  # means of the four 2x2 blocks: 0 1 4 5, ...
    np.testing.assert_allclose(resize_images(image, (2, 2)), blocks)
    # By 3 and not a ramp, so that interpolating would not pass as averaging.
    image = np.random.default_rng(0).random((1, 6, 6))
    blocks = image.reshape(1, 2, 3, 2, 3).mean(axis=(2, 4))
    np.testing.assert_allclose(resize_images(image, (2, 2)), blocks)


def test_shrinking_by_an_odd_factor_keeps_the_mean_and_enlarging_interpolates():
    image = np.random.default_rng(0).integers(0, 256, (2, 150, 150)).astype(np.float64)
    small = resize_images(image, (64, 64))
    np.testing.assert_allclose(small.mean(axis=(1, 2)), image.mean(axis=(1, 2)))
    ramp = np.array([[[0.0, 4.0], [0.0, 4.0]]])  # a left-to-right ramp, 2 pixels wide
    np.testing.assert_allclose(resize_images(ramp, (2, 4))[0, 0], [0.0, 1.0, 3.0, 4.0])


def test_fit_images_leaves_images_of_the_size_alone_and_rounds_the_others():
    images = np.random.default_rng(1).integers(0, 256, (3, 8, 8)).astype(np.uint8)
    assert fit_images(images, (8, 8)) is images
    fitted = fit_images(images, (4, 4))
    assert fitted.dtype == np.uint8
    expected = np.rint(images.reshape(3, 4, 2, 4, 2).mean(axis=(2, 4)))
    np.testing.assert_array_equal(fitted, expected)


def test_colour_turns_grey_as_pil_does():
    from PIL import Image

    rgb = np.random.default_rng(2).integers(0, 256, (100, 100, 3)).astype(np.uint8)
    pil = np.asarray(Image.fromarray(rgb).convert("L"))
    np.testing.assert_array_equal(to_grey(rgb), pil)


def test_a_jpeg_stored_sideways_is_read_as_its_exif_orientation_shows_it(tmp_path):
    from PIL import Image

    # A smooth, lopsided ramp: JPEG keeps it within a few levels, and any wrong turn
    # (or none) moves its bright corner far from where it should be.
    rows, cols = np.mgrid[0:48, 0:48]
    stored = (2 * rows + 3 * cols).astype(np.uint8)
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: the viewer turns the stored pixels 90 degrees clockwise
    Image.fromarray(stored).save(tmp_path / "phone.jpg", quality=100, exif=exif)
    shown = np.rot90(stored, k=-1)  # clockwise
    read = read_image_file(tmp_path / "phone.jpg").astype(int)
    assert np.abs(read - shown).max() <= 4
    for wrong in (stored, np.rot90(stored), np.rot90(stored, 2)):
        assert np.abs(read - wrong).max() > 40


def test_a_wide_photo_reads_as_its_centred_square_not_squashed(tmp_path):
    from PIL import Image

    wide = np.random.default_rng(4).integers(0, 256, (150, 300), dtype=np.uint8)  # H x W
    Image.fromarray(wide).save(tmp_path / "wide.png")
    Image.fromarray(wide[:, 75:225]).save(tmp_path / "square.png")
    Image.fromarray(np.ascontiguousarray(wide.T)).save(tmp_path / "tall.png")  # 300 x 150
    Image.fromarray(np.ascontiguousarray(wide.T[75:225])).save(tmp_path / "tall_square.png")
    images, _ = load_images(
        [tmp_path / name for name in ("wide.png", "square.png", "tall.png", "tall_square.png")],
        (SIZE, SIZE),
    )
    np.testing.assert_array_equal(images[0], images[1])
    np.testing.assert_array_equal(images[2], images[3])


# --- reading ---------------------------------------------------------------------------


def test_read_prints_the_time_of_each_image_and_writes_every_row(reader, clocks, tmp_path):
    images = fit_images(clocks[0], (SIZE, SIZE))
    paths = _write_pngs(tmp_path, images)
    out = tmp_path / "times.csv"
    result = _read(*paths, "--model", reader, "--out", out)
    assert result.exit_code == 0, result.output
    expected = _expected_minutes(reader, images)
    for path, minutes in zip(paths, expected, strict=True):
        line = next(line for line in result.output.splitlines() if path.name in line)
        assert format_dial_minutes(minutes) in line
    rows = _rows(out)
    assert list(rows[0]) == ["index", "source", "time", "hour", "minute", "minutes"]
    assert [r["source"] for r in rows] == [str(p) for p in paths]
    np.testing.assert_allclose([float(r["minutes"]) for r in rows], expected, atol=0.006)
    assert [r["time"] for r in rows] == [format_dial_minutes(m) for m in expected]
    assert f"Wrote 6 readings to {out}" in result.output


def test_labels_end_in_the_summary_line_of_time_metrics(reader, clocks, tmp_path):
    images, labels = clocks
    np.save(tmp_path / "images.npy", images)
    np.save(tmp_path / "labels.npy", labels)
    result = _read(tmp_path / "images.npy", "--model", reader, "--labels", tmp_path / "labels.npy")
    assert result.exit_code == 0, result.output
    metrics = time_metrics(
        labels_to_minutes(labels), _expected_minutes(reader, fit_images(images, (SIZE, SIZE)))
    )
    last = result.output.strip().splitlines()[-1]
    assert last == (
        f"mean error {metrics['time_error']:.2f} min, "
        f"median {metrics['time_error_median']:.2f} min over 6 clocks"
    )
    for text in ("90th percentile", f"{metrics['time_error_p90']:.2f} min", "hour right"):
        assert text in result.output


def test_24_hour_labels_are_read_modulo_12(reader, clocks, tmp_path):
    images, labels = clocks
    np.save(tmp_path / "images.npy", images)
    np.save(tmp_path / "labels.npy", labels)
    np.save(tmp_path / "pm.npy", labels + [12, 0])
    am = clock_reading.read_clocks([tmp_path / "images.npy"], reader, tmp_path / "labels.npy")
    pm = clock_reading.read_clocks([tmp_path / "images.npy"], reader, tmp_path / "pm.npy")
    assert pm.metrics == am.metrics
    assert pm.rows == am.rows


def test_pngs_grey_or_colour_and_npy_give_the_same_times(reader, clocks, tmp_path):
    images = clocks[0]
    np.save(tmp_path / "images.npy", images)
    np.save(tmp_path / "rgb.npy", np.repeat(images[..., None], 3, axis=-1))
    grey = _write_pngs(tmp_path, images)
    readings = [
        clock_reading.read_clocks(inputs, reader)
        for inputs in ([tmp_path / "images.npy"], [tmp_path / "rgb.npy"], grey)
    ]
    colour = _write_pngs(tmp_path, images, mode="RGB")  # overwrites the grey PNGs
    readings.append(clock_reading.read_clocks(colour, reader))
    first = readings[0].minutes
    assert len(set(first)) > 1  # the images read differently, so equal lists mean something
    assert all(r.minutes == first for r in readings)


def test_150_pixel_clocks_are_resized_by_area_for_a_32_pixel_reader(reader, clocks, tmp_path):
    images = clocks[0]
    np.save(tmp_path / "images.npy", images)
    readings = clock_reading.read_clocks([tmp_path / "images.npy"], reader)
    assert readings.input_size == (SIZE, SIZE)
    expected = _expected_minutes(reader, fit_images(images, (SIZE, SIZE)))
    np.testing.assert_allclose(readings.minutes, expected, atol=1e-9)
    assert list(readings.sources) == [f"{tmp_path / 'images.npy'}[{i}]" for i in range(6)]


def test_one_square_image_in_a_npy_counts_as_one(reader, clocks, tmp_path):
    np.save(tmp_path / "one.npy", clocks[0][2])
    readings = clock_reading.read_clocks([tmp_path / "one.npy"], reader)
    np.save(tmp_path / "all.npy", clocks[0])
    every = clock_reading.read_clocks([tmp_path / "all.npy"], reader)
    assert len(readings.minutes) == 1  # a batch of one may round differently in the last bits
    np.testing.assert_allclose(readings.minutes, every.minutes[2:3], atol=1e-4)


def test_without_model_the_pretrained_reader_is_used(reader, clocks, tmp_path, monkeypatch):
    np.save(tmp_path / "images.npy", clocks[0])
    monkeypatch.setattr(clock_reading, "pretrained_reader", lambda: reader)
    readings = clock_reading.read_clocks([tmp_path / "images.npy"])
    assert readings.model == "pretrained"
    assert readings.minutes == clock_reading.read_clocks([tmp_path / "images.npy"], reader).minutes


def test_several_dial_readers_read_as_one_by_their_average(dial_readers, clocks, tmp_path):
    from tunekit.hypermodels.clock import decode
    from tunekit.modelfile import load_model_file, read_model_info
    from tunekit.predict import clock_output

    np.save(tmp_path / "images.npy", clocks[0])
    both = clock_reading.read_clocks([tmp_path / "images.npy"], dial_readers)
    images = fit_images(clocks[0], (SIZE, SIZE))
    one, two = (clock_output(load_model_file(p), images, read_model_info(p)) for p in dial_readers)
    mean = {name: (one[name] + two[name]) / 2 for name in one}
    np.testing.assert_allclose(both.minutes, np.mod(decode("dial_heat", mean), 720))
    assert both.model == f"{dial_readers[0]} + {dial_readers[1]}"
    assert both.turns == 1 and both.centre_rings == 2  # each reader's own defaults
    assert both.dial_scales == 1  # dial_heat readers unroll the dial at the finder's size
    result = _read(tmp_path / "images.npy", "--model", dial_readers[0], "--model", dial_readers[1])
    assert result.exit_code == 0, result.output
    assert "+" in result.output and format_dial_minutes(both.minutes[0]) in result.output


def test_dial_readers_of_two_representations_read_as_one_at_the_most_views(
    dial_readers, clocks, tmp_path
):
    from tunekit.hypermodels.clock import decode
    from tunekit.modelfile import load_model_file, read_model_info
    from tunekit.predict import clock_output

    coarse = _export_reader(tmp_path, "dial", 3)  # read at 4 quarter turns by default
    np.save(tmp_path / "images.npy", clocks[0])
    both = clock_reading.read_clocks([tmp_path / "images.npy"], [dial_readers[0], coarse])
    assert both.representation == "dial_heat + dial" and both.turns == 4
    images = fit_images(clocks[0], (SIZE, SIZE))
    one, two = (
        clock_output(load_model_file(p), images, read_model_info(p), 4)
        for p in (dial_readers[0], coarse)
    )
    mean = {name: (one[name] + two[name]) / 2 for name in one}
    np.testing.assert_allclose(both.minutes, np.mod(decode("dial_heat", mean), 720))


def test_without_model_and_no_pretrained_reader_one_line_says_pass_model(
    clocks, tmp_path, monkeypatch
):
    np.save(tmp_path / "images.npy", clocks[0])
    monkeypatch.setattr(clock_reading, "PRETRAINED_READER", ("pretrained", "none.keras"))
    result = _read(tmp_path / "images.npy", "--out", tmp_path / "t.csv")
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        "Error: No pretrained clock reader is installed with tunekit; pass --model FILE.keras, "
        "a clock model exported by tunekit best --export."
    ]
    assert not (tmp_path / "t.csv").exists()


# --- bad input: one line, exit 2, nothing written ---------------------------------------


def _with_info(reader: Path, folder: Path, name: str, **info: object) -> Path:
    """A copy of ``reader`` whose tunekit info says ``info`` instead."""
    path = folder / name
    with zipfile.ZipFile(reader) as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == MODEL_INFO_FILE:
                data = json.dumps({**json.loads(data), **info}).encode()
            dst.writestr(item, data)
    return path


def _other_family(reader: Path, folder: Path) -> Path:
    return _with_info(reader, folder, "mlp.keras", family="mlp")


def _as(reader: Path, folder: Path, name: str, representation: str, **info: object) -> Path:
    """A copy of ``reader`` whose tunekit info says it is a ``representation`` reader."""
    with zipfile.ZipFile(reader) as src:
        values = json.loads(src.read(MODEL_INFO_FILE))["hyperparameters"]
    values = {**values, "representation": representation}
    return _with_info(reader, folder, name, hyperparameters=values, **info)


def _sincos(reader: Path, folder: Path) -> Path:
    return _as(reader, folder, "s.keras", "sincos")


def _without_info(reader: Path, folder: Path) -> Path:
    path = folder / "plain.keras"
    with zipfile.ZipFile(reader) as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            if item.filename != MODEL_INFO_FILE:
                dst.writestr(item, src.read(item.filename))
    return path


def _info_only(reader: Path, folder: Path) -> Path:
    path = folder / "broken.keras"
    with zipfile.ZipFile(reader) as src, zipfile.ZipFile(path, "w") as dst:
        dst.writestr(MODEL_INFO_FILE, src.read(MODEL_INFO_FILE))
    return path


def _text(folder: Path, name: str) -> Path:
    (folder / name).write_text("not what it says\n")
    return folder / name


def _array(folder: Path, name: str, array: np.ndarray) -> Path:
    np.save(folder / name, array)
    return folder / name


def _truncated_png(folder: Path, images: np.ndarray) -> Path:
    (path,) = _write_pngs(folder, images[:1])
    path.write_bytes(path.read_bytes()[:200])
    return path


# Each case: (what it breaks, builder(reader, folder, images, labels) -> extra CLI args, message)
BAD = {
    "missing image": (
        lambda r, f, x, y: [f / "nowhere.png", "--model", r], "nowhere.png not found"),
    "text file as png": (
        lambda r, f, x, y: [_text(f, "a.png"), "--model", r], "is not an image PIL can read"),
    "truncated png": (
        lambda r, f, x, y: [_truncated_png(f, x), "--model", r], "is not an image PIL can read"),
    "folder": (
        lambda r, f, x, y: [f, "--model", r], "is a folder; give its images, e.g. "),
    "text file as npy": (
        lambda r, f, x, y: [_text(f, "a.npy"), "--model", r],
        "a.npy is not a .npy file; save the images with numpy.save"),
    "npy of shape (N, 150)": (
        lambda r, f, x, y: [_array(f, "a.npy", x[:, 0]), "--model", r], "shape (6, 150)"),
    "npy of shape (N, S, S, 2)": (
        lambda r, f, x, y: [_array(f, "a.npy", np.stack([x, x], -1)), "--model", r],
        "shape (6, 150, 150, 2)"),
    "npy of strings": (
        lambda r, f, x, y: [_array(f, "a.npy", x.astype(str)), "--model", r], "pixels of type"),
    "npy of objects": (
        lambda r, f, x, y: [_array(f, "a.npy", x.astype(object)), "--model", r],
        "not a readable numpy .npy"),
    "npy of no images": (
        lambda r, f, x, y: [_array(f, "a.npy", x[:0]), "--model", r], "holds no images"),
    "labels (N, 3)": (
        lambda r, f, x, y: [_array(f, "x.npy", x), "--model", r,
                            "--labels", _array(f, "y.npy", np.c_[y, y[:, :1]])], "(N, 2)"),
    "fewer labels": (
        lambda r, f, x, y: [_array(f, "x.npy", x), "--model", r,
                            "--labels", _array(f, "y.npy", y[:5])], "5 labels but 6 images"),
    "hour 24": (
        lambda r, f, x, y: [_array(f, "x.npy", x), "--model", r,
                            "--labels", _array(f, "y.npy", np.r_[y[:5], [[24, 0]]])],
        "hours must be 0-23"),
    "minute 60": (
        lambda r, f, x, y: [_array(f, "x.npy", x), "--model", r,
                            "--labels", _array(f, "y.npy", np.r_[y[:5], [[1, 60]]])],
        "minutes must be 0-59"),
    "labels of strings": (
        lambda r, f, x, y: [_array(f, "x.npy", x), "--model", r,
                            "--labels", _array(f, "y.npy", y.astype(str))], "labels of type"),
    "labels as text": (
        lambda r, f, x, y: [_array(f, "x.npy", x), "--model", r, "--labels", _text(f, "y.csv")],
        "y.csv is not a .npy file; save the labels with numpy.save"),
    "missing labels": (
        lambda r, f, x, y: [_array(f, "x.npy", x), "--model", r, "--labels", f / "no.npy"],
        "no.npy not found"),
    "missing model": (
        lambda r, f, x, y: [_array(f, "x.npy", x), "--model", f / "no.keras"], "does not exist"),
    "model of another family": (
        lambda r, f, x, y: [_array(f, "x.npy", x), "--model", _other_family(r, f)],
        "is a mlp model, not a clock reader"),
    "keras file without tunekit info": (
        lambda r, f, x, y: [_array(f, "x.npy", x), "--model", _without_info(r, f)],
        "without tunekit's model info"),
    "not a keras file": (
        lambda r, f, x, y: [_array(f, "x.npy", x), "--model", _text(f, "m.keras")],
        "is not a Keras model file"),
    "keras file with info but no model": (
        lambda r, f, x, y: [_array(f, "x.npy", x), "--model", _info_only(r, f)],
        "is not a Keras model file"),
    "no turns": (
        lambda r, f, x, y: [_array(f, "x.npy", x), "--model", r, "--turns", "0"],
        "--turns must be at least 1"),
    "five turns": (
        lambda r, f, x, y: [_array(f, "x.npy", x), "--model", r, "--turns", "5"],
        "--turns must be at most 4"),
    "turns for a reader that does not turn": (
        lambda r, f, x, y: [_array(f, "x.npy", x), "--model", r, "--turns", "2"],
        "turns=2 needs a dial reader"),
    "negative centre rings": (
        lambda r, f, x, y: [_array(f, "x.npy", x), "--model", r, "--centre-rings", "-1"],
        "--centre-rings must be at least 0"),
    "three centre rings": (
        lambda r, f, x, y: [_array(f, "x.npy", x), "--model", r, "--centre-rings", "3"],
        "--centre-rings must be at most 2"),
    "an ensemble of readers that do not average": (
        lambda r, f, x, y: [_array(f, "x.npy", x), "--model", r, "--model", r],
        "multihead reader, which cannot be averaged: only dial readers"),
    "an ensemble with one reader that does not average": (
        lambda r, f, x, y: [_array(f, "x.npy", x), "--model",
                            _as(r, f, "d.keras", "dial_fine"),
                            "--model", _sincos(r, f)],
        "s.keras is a sincos reader, which cannot be averaged"),
    "an ensemble of two sizes": (
        lambda r, f, x, y: [_array(f, "x.npy", x), "--model",
                            _as(r, f, "d.keras", "dial_fine"),
                            "--model", _as(r, f, "big.keras", "dial_vote",
                                                  input_shape=[64, 64])],
        "give readers of one input size"),
    "centre rings for a reader without a dial": (
        lambda r, f, x, y: [_array(f, "x.npy", x), "--model", r, "--centre-rings", "1"],
        "centre_rings=1 needs a dial reader"),
    "no dial scales": (
        lambda r, f, x, y: [_array(f, "x.npy", x), "--model", r, "--dial-scales", "0"],
        "--dial-scales must be at least 1"),
    "three dial scales": (
        lambda r, f, x, y: [_array(f, "x.npy", x), "--model", r, "--dial-scales", "3"],
        "--dial-scales must be at most 2"),
    "dial scales for a reader without a dial": (
        lambda r, f, x, y: [_array(f, "x.npy", x), "--model", r, "--dial-scales", "2"],
        "dial_scales=2 needs a dial reader"),
}  # fmt: skip


@pytest.mark.parametrize("case", list(BAD))
def test_bad_input_is_one_line_exit_2_and_no_file(case, reader, clocks, tmp_path):
    build, message = BAD[case]
    out = tmp_path / "out" / "times.csv"
    result = _read(*build(reader, tmp_path, *clocks), "--out", out)
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("Error: ") and message in lines[0], lines[0]
    assert not out.parent.exists()


@pytest.mark.parametrize("where", ["a folder", "under a file"])
def test_an_out_that_cannot_be_written_fails_before_any_reading(
    where, reader, clocks, tmp_path, monkeypatch
):
    def never(*args, **kwargs):
        raise AssertionError("read the clocks although --out cannot be written")

    monkeypatch.setattr(clock_reading, "read_clocks", never)
    images = _array(tmp_path, "x.npy", clocks[0])
    if where == "a folder":
        out = tmp_path / "times"
        out.mkdir()
        message = f"Error: --out: {out} is a folder; give the name of a file to write in it"
    else:
        out = _text(tmp_path, "file") / "sub" / "times.csv"
        message = f"Error: --out: Cannot write {out}: {tmp_path / 'file'} is a file, not a folder"
    before = sorted(tmp_path.rglob("*"))
    result = _read(images, "--model", reader, "--out", out)
    assert result.exit_code == 2, result.output
    assert result.output.strip().splitlines() == [message]
    assert sorted(tmp_path.rglob("*")) == before  # nothing written


def test_a_diverged_model_gives_one_line_naming_the_image(reader, clocks, tmp_path, monkeypatch):
    from tunekit.modelfile import load_model_file

    class Diverged:
        """The reader, but every output a NaN, as after a training that diverged."""

        def __init__(self, model):
            self.model = model

        def predict(self, x, **kwargs):
            output = self.model.predict(x, **kwargs)
            if isinstance(output, dict):
                return {k: np.full_like(v, np.nan) for k, v in output.items()}
            return [np.full_like(v, np.nan) for v in output]

    monkeypatch.setattr(clock_reading, "load_model_file", lambda p: Diverged(load_model_file(p)))
    images = _array(tmp_path, "x.npy", clocks[0])
    out = tmp_path / "times.csv"
    result = _read(images, "--model", reader, "--out", out)
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(
        f"Error: The model gave no time for image 0 ({images}[0])"
    ), result.output
    assert not out.exists()


def test_a_good_png_next_to_a_bad_one_writes_nothing(reader, clocks, tmp_path):
    (good,) = _write_pngs(tmp_path, clocks[0][:1])
    out = tmp_path / "times.csv"
    result = _read(good, _text(tmp_path, "b.jpg"), "--model", reader, "--out", out)
    assert result.exit_code == 2
    assert not out.exists()


# --- help and the terminal --------------------------------------------------------------


def test_help_explains_every_argument_and_option():
    result = runner.invoke(app, ["clocks", "read", "--help"], env={"COLUMNS": "100"})
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    for expected in (
        "INPUT",
        "PNG or JPG",
        ".npy array of square images",
        "centred square",
        "--model",
        "pretrained reader",
        "shipped in tunekit/pretrained/",
        "--labels",
        "N x 2 [hour, minute]",
        "--out",
        "CSV file",
        "--turns",
        "quarter turns, 1-4",
        "1 for the pretrained reader",
        "--centre-rings",
        "0 reads at its centre only",
        "Default: 2 for a dial reader (17 centres)",
        "--dial-scales",
        "0.85 of it",
        "Default: 2 for dial_vote readers",
    ):
        assert expected in text


def test_many_readings_show_the_first_20_and_the_summary_line():
    from tunekit.console_models import reading_errors_line, readings_table

    readings = clock_reading.ClockReadings(
        "m.keras", "multihead", (64, 64), tuple(f"c{i}.png" for i in range(25)),
        tuple(float(30 * i) for i in range(25)),
    )  # fmt: skip
    console = Console(file=StringIO(), width=100)
    console.print(readings_table(readings))
    text = console.file.getvalue()
    assert "first 20 of 25" in text
    assert "c19.png" in text and "c20.png" not in text
    assert "09:30" in text  # c19 is 570 minutes
    metrics = {"time_error": 3.4128, "time_error_median": 1.2}
    assert reading_errors_line(metrics, 1800) == (
        "mean error 3.41 min, median 1.20 min over 1800 clocks"
    )


def test_generate_writes_course_files_that_read_back_as_the_generator_drew_them(tmp_path):
    result = runner.invoke(
        app, ["clocks", "generate", str(tmp_path / "set"), "--n", "30", "--image-size", "40",
              "--style", "varied", "--seed", "5"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    images, labels = generate_clocks(30, image_size=40, seed=5, style=clock_style("varied"))
    assert np.array_equal(np.load(tmp_path / "set" / "images.npy"), images)
    assert np.array_equal(np.load(tmp_path / "set" / "labels.npy"), labels)
    assert "Wrote 30 varied clocks of 40 px" in result.output


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--n", "0"], "--n must be at least 1"),
        (["--image-size", "8"], "--image-size"),
        ([], "already holds images.npy and labels.npy; pass --overwrite"),
    ],
)
def test_generate_refuses_bad_values_and_keeps_existing_files(tmp_path, args, says):
    folder = tmp_path / "set"
    folder.mkdir()
    for name in ("images.npy", "labels.npy"):
        (folder / name).write_bytes(b"mine")
    result = runner.invoke(app, ["clocks", "generate", str(folder), "--n", "5", *args])
    assert result.exit_code == 2 and says in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert (folder / "images.npy").read_bytes() == b"mine"


def test_generate_with_overwrite_replaces_the_files(tmp_path):
    for _ in range(2):
        result = runner.invoke(
            app, ["clocks", "generate", str(tmp_path), "--n", "3", "--image-size", "32",
                  "--overwrite"],
        )  # fmt: skip
        assert result.exit_code == 0, result.output
    assert np.load(tmp_path / "images.npy").shape == (3, 32, 32)


def test_the_shipped_reader_is_small_and_reads_upright_clocks(tmp_path):
    """The one committed model: at most 5 MB, a dial reader, right on upright clocks."""
    shipped = clock_reading.pretrained_reader()
    assert shipped.is_file()
    assert len(shipped.read_bytes()) <= 5 * 2**20
    images, labels = generate_clocks(60, image_size=150, seed=7, style=clock_style("easy"))
    np.save(tmp_path / "images.npy", images)
    np.save(tmp_path / "labels.npy", labels)
    readings = clock_reading.read_clocks([tmp_path / "images.npy"], labels=tmp_path / "labels.npy")
    assert readings.representation == SHIPPED_REPRESENTATION  # what a pretrained start builds
    assert readings.input_size == (128, 128)
    assert readings.turns == 1 and readings.centre_rings == 2  # the dial readers' defaults
    assert readings.dial_scales == 2  # the dial_vote readers' default
    assert readings.metrics["time_error_median"] <= 1.0  # measured 0.00 on 1,800 (whole minutes)
    assert readings.metrics["hour_accuracy"] >= 0.9  # measured 100.0% on 1,800
