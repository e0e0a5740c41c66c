"""The best model back: `tunekit best`, `--export`, `tunekit predict`, plain keras-tuner."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys

import numpy as np
import pytest
from typer.testing import CliRunner

from tunekit.cli import app
from tunekit.config import DataSpec, StudySpec, TrainSettings
from tunekit.errors import TunekitError
from tunekit.hypermodels import DataShape, get_family
from tunekit.records.layout import CHECKPOINT_FILE, LEGACY_CHECKPOINT_FILE
from tunekit.records.study import read_study
from tunekit.records.trial import TrialRecord, TrialStatus
from tunekit.tuning.best import BestTrial, best_model, find_best_trial
from tunekit.tuning.checkpoints import trial_checkpoint
from tunekit.tuning.study import prepare_study, run_study

from .conftest import TINY_VAL

runner = CliRunner()


@pytest.fixture(scope="module")
def loss_study(tiny_data_dir, tmp_path_factory):
    """A one-factor study of the MLP's losses (one-hot ones included), one epoch each."""
    spec = StudySpec(
        family="mlp",
        spaces=("loss",),
        data=DataSpec("mnist", tiny_data_dir, validation_size=TINY_VAL),
        train=TrainSettings(epochs=1),
    )
    prepared = prepare_study(spec, tmp_path_factory.mktemp("runs"))
    return run_study(prepared)


@pytest.fixture(scope="module")
def images(tiny_data_dir):
    from tunekit.data import read_idx

    return read_idx(tiny_data_dir / "t10k-images-idx3-ubyte.gz")[:12]  # uint8, as on disk


def _plain_predict(model_path, input_path):
    """Predict in a fresh Python process that imports keras only."""
    code = (
        "import sys, json, numpy as np, keras\n"
        f"model = keras.saving.load_model({str(model_path)!r})\n"
        f"out = model.predict(np.load({str(input_path)!r}), verbose=0)\n"
        "print(json.dumps({'tunekit': 'tunekit' in sys.modules, 'out': out.tolist()}))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_plain_keras_tuner_get_best_models_reads_a_tunekit_study(loss_study):
    import keras_tuner

    from tunekit.hypermodels import MLPHyperModel

    tuner = keras_tuner.RandomSearch(
        MLPHyperModel((28, 28), 10),
        objective="val_accuracy",
        max_trials=4,
        directory=str(loss_study.path.parent),
        project_name=loss_study.path.name,
        overwrite=False,
    )
    (model,) = tuner.get_best_models(1)
    (chosen,) = tuner.oracle.get_best_trials(1)
    best = find_best_trial(loss_study)
    assert chosen.score == pytest.approx(best.record.score)
    # keras-tuner loaded the weights tunekit kept for that trial.
    record = next(r for r in loss_study.records if r.trial_id == chosen.trial_id)
    kept = get_family("mlp").build(record.hyperparameters, DataShape((28, 28), 10))
    kept.load_weights(trial_checkpoint(loss_study.path / f"trial_{record.trial_id}"))
    x = np.random.default_rng(0).random((5, 28, 28), dtype=np.float32)
    np.testing.assert_allclose(model.predict(x, verbose=0), kept.predict(x, verbose=0), atol=1e-6)


def test_best_shows_hyperparameters_metrics_and_weights(loss_study):
    best = find_best_trial(loss_study)
    result = runner.invoke(app, ["best", str(loss_study.path)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert f"trial {best.record.trial_id}" in result.output
    for text in ("val_accuracy", "test_accuracy", "output_activation", CHECKPOINT_FILE):
        assert text in result.output
    assert best.weights == loss_study.path / f"trial_{best.record.trial_id}" / CHECKPOINT_FILE


def test_best_on_a_folder_that_is_not_a_study_exits_2(tmp_path):
    result = runner.invoke(app, ["best", str(tmp_path)])
    assert result.exit_code == 2
    assert "is not a tunekit study" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_export_opens_in_plain_keras_in_a_fresh_process(loss_study, images, tmp_path):
    path = tmp_path / "model.keras"
    result = runner.invoke(app, ["best", str(loss_study.path), "--export", str(path)])
    assert result.exit_code == 0, result.output
    x = images.astype(np.float32) / 255.0
    np.save(tmp_path / "x.npy", x)
    loaded = _plain_predict(path, tmp_path / "x.npy")
    assert loaded["tunekit"] is False
    expected = best_model(find_best_trial(loss_study)).predict(x, verbose=0)
    np.testing.assert_allclose(np.array(loaded["out"]), expected, atol=1e-5)


def test_predict_writes_classes_and_probabilities(loss_study, images, tmp_path):
    model_path = tmp_path / "model.keras"
    assert (
        runner.invoke(app, ["best", str(loss_study.path), "--export", str(model_path)]).exit_code
        == 0
    )
    np.save(tmp_path / "in.npy", images)  # uint8 pixels are scaled as the study's were
    out = tmp_path / "predictions.csv"
    result = runner.invoke(
        app, ["predict", str(model_path), str(tmp_path / "in.npy"), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    with out.open() as file:
        rows = list(csv.DictReader(file))
    assert len(rows) == len(images)
    assert list(rows[0])[:4] == ["index", "class", "label", "probability"]
    expected = best_model(find_best_trial(loss_study)).predict(images / 255.0, verbose=0)
    assert [int(r["class"]) for r in rows] == expected.argmax(axis=1).tolist()
    probabilities = np.array([[float(r[f"p_{k}"]) for k in range(10)] for r in rows])
    np.testing.assert_allclose(probabilities, expected, atol=1e-5)


def test_predict_refuses_a_wrong_shape_and_writes_nothing(loss_study, images, tmp_path):
    model_path = tmp_path / "model.keras"
    assert (
        runner.invoke(app, ["best", str(loss_study.path), "--export", str(model_path)]).exit_code
        == 0
    )
    np.save(tmp_path / "bad.npy", images[:, :20, :])
    out = tmp_path / "predictions.csv"
    result = runner.invoke(
        app, ["predict", str(model_path), str(tmp_path / "bad.npy"), "--out", str(out)]
    )
    assert result.exit_code == 2
    message = " ".join(result.output.split())
    assert "bad.npy" in message and "(12, 20, 28)" in message and "(28, 28)" in message
    assert "Traceback" not in result.output
    assert not out.exists()


def test_missing_weights_are_said_and_export_exits_2(loss_study, tmp_path):
    copy = tmp_path / loss_study.path.name
    shutil.copytree(loss_study.path, copy)
    for weights in copy.glob(f"trial_*/{CHECKPOINT_FILE}"):
        weights.unlink()
    meta = json.loads((copy / "tunekit_study.json").read_text())
    meta["train"]["keep_checkpoints"] = "none"
    (copy / "tunekit_study.json").write_text(json.dumps(meta))
    shown = runner.invoke(app, ["best", str(copy)], env={"COLUMNS": "300"})
    assert shown.exit_code == 0
    assert "--keep-checkpoints none" in " ".join(shown.output.split())
    result = runner.invoke(app, ["best", str(copy), "--export", str(tmp_path / "m.keras")])
    assert result.exit_code == 2
    assert "--keep-checkpoints none" in " ".join(result.output.split())
    assert not (tmp_path / "m.keras").exists()


def test_old_studies_weights_name_is_still_read(loss_study, tmp_path):
    copy = tmp_path / loss_study.path.name
    shutil.copytree(loss_study.path, copy)
    for weights in copy.glob(f"trial_*/{CHECKPOINT_FILE}"):
        weights.rename(weights.with_name(LEGACY_CHECKPOINT_FILE))
    best = find_best_trial(read_study(copy))
    assert best.weights is not None and best.weights.name == LEGACY_CHECKPOINT_FILE
    assert best_model(best).count_params() == best.record.params


def test_no_scored_trial_is_an_error(tmp_path, loss_study):
    copy = tmp_path / loss_study.path.name
    shutil.copytree(loss_study.path, copy, ignore=shutil.ignore_patterns("trial_*"))
    with pytest.raises(TunekitError, match="no finished trial"):
        find_best_trial(read_study(copy))


def _trained_trial(folder, model, values, shape, dataset) -> BestTrial:
    """A completed reference trial in ``folder`` whose kept weights are ``model``'s."""
    family = "clock" if dataset == "clock" else "mlp"
    objective, direction = (
        ("val_time_error", "min") if family == "clock" else ("val_accuracy", "max")
    )
    trial_dir = folder / "trial_0000"
    trial_dir.mkdir()
    model.save_weights(trial_dir / CHECKPOINT_FILE)
    record = TrialRecord("0000", family, "reference", "", None, values, TrialStatus.COMPLETED)
    return BestTrial(folder, record, objective, direction, trial_dir / CHECKPOINT_FILE, None,
                     shape, dataset)  # fmt: skip


@pytest.mark.parametrize("representation", ["periodic", "regression", "multihead", "dial"])
def test_clock_models_export_without_custom_objects(representation, tmp_path):
    """The cos activation and the circular loss need nothing but plain keras."""
    from tunekit.hypermodels.clock import REFERENCE
    from tunekit.modelfile import export_model

    values = {**REFERENCE, "representation": representation}
    shape = DataShape((32, 32), 0)
    trained = get_family("clock").build(values, shape)
    best = _trained_trial(tmp_path, trained, values, shape, "clock")
    path = export_model(best, tmp_path / "clock.keras")
    x = np.random.default_rng(1).integers(0, 255, (4, 32, 32)).astype(np.uint8)
    np.save(tmp_path / "x.npy", x)
    result = runner.invoke(
        app, ["predict", str(path), str(tmp_path / "x.npy"), "--out", str(tmp_path / "t.csv")]
    )
    assert result.exit_code == 0, result.output
    with (tmp_path / "t.csv").open() as file:
        rows = list(csv.DictReader(file))
    assert list(rows[0]) == ["index", "time", "hour", "minute", "minutes"]
    assert all(0 <= float(r["minutes"]) < 720 for r in rows)
    if representation == "periodic":  # one process per case is slow: the hardest one
        loaded = _plain_predict(path, tmp_path / "x.npy")
        expected = trained.predict(x, verbose=0)
        np.testing.assert_allclose(np.array(loaded["out"]), expected, atol=1e-5)


def test_a_keras_file_whose_tunekit_member_is_not_an_object_has_no_info(tmp_path):
    import zipfile

    from tunekit.modelfile import MODEL_INFO_FILE, read_model_info

    path = tmp_path / "model.keras"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(MODEL_INFO_FILE, "[]")
    assert read_model_info(path) is None  # predicted as a plain keras model, no traceback


def test_trial_picks_a_trial_that_is_not_the_best(loss_study, tmp_path):
    best = find_best_trial(loss_study)
    other = next(r for r in loss_study.records if r.trial_id != best.record.trial_id)
    shown = runner.invoke(
        app, ["best", str(loss_study.path), "--trial", str(int(other.trial_id))],
        env={"COLUMNS": "300"},
    )  # fmt: skip
    assert shown.exit_code == 0, shown.output
    assert f"Trial of {loss_study.path}: trial {other.trial_id} ({other.label})" in shown.output
    # The default keeps the best trial's weights only, and says so.
    assert "--keep-checkpoints best" in " ".join(shown.output.split())
    out = tmp_path / "other.keras"
    result = runner.invoke(app, ["best", str(loss_study.path), "--trial", other.trial_id,
                                 "--export", str(out)])  # fmt: skip
    assert result.exit_code == 2
    assert "--keep-checkpoints all" in " ".join(result.output.split())
    assert not out.exists()


def test_trial_by_its_number_exports_that_trial(loss_study, tmp_path):
    from tunekit.tuning.best import find_trial

    best = find_best_trial(loss_study)
    picked = find_trial(loss_study, str(int(best.record.trial_id)))
    assert picked.record.trial_id == best.record.trial_id and picked.weights == best.weights
    out = tmp_path / "picked.keras"
    result = runner.invoke(
        app, ["best", str(loss_study.path), "--trial", best.record.trial_id, "--export", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert out.is_file()


@pytest.mark.parametrize("trial", ["99", "abc", ""])
def test_an_unknown_trial_is_one_line_and_exit_2(loss_study, trial):
    result = runner.invoke(app, ["best", str(loss_study.path), "--trial", trial])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "its trials: 0000" in lines[0], result.output


def test_a_model_trained_with_adam_comes_back_without_optimizer_warnings(tmp_path):
    """The checkpoint holds Adam's moments; the rebuilt model skips them without a word."""
    import warnings

    from tunekit.hypermodels.mlp import REFERENCE

    values = {**REFERENCE, "optimizer": "adam"}
    shape = DataShape((28, 28), 10)
    trained = get_family("mlp").build(values, shape)
    rng = np.random.default_rng(0)
    trained.fit(rng.random((8, 28, 28)), rng.integers(0, 10, 8), epochs=1, verbose=0)
    best = _trained_trial(tmp_path, trained, values, shape, "mnist")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = best_model(best)
    assert not [w for w in caught if "optimizer" in str(w.message)], [
        str(w.message) for w in caught
    ]
    x = rng.random((3, 28, 28)).astype(np.float32)
    np.testing.assert_allclose(
        model.predict(x, verbose=0), trained.predict(x, verbose=0), atol=1e-6
    )
