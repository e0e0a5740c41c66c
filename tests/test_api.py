"""tunekit as a library: run_study/open_study, Study tables, and the families in keras-tuner."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import tunekit
from tunekit.errors import TunekitError
from tunekit.report import LeaderboardInfo, LeaderboardRow, export_rows, leaderboard_html

from .conftest import TINY_VAL


@pytest.fixture(scope="module")
def study(tiny_data_dir, tmp_path_factory):
    """Two dropout variants and the reference, one epoch each, run from Python."""
    return tunekit.run_study(
        "mlp",
        "dropout",
        dataset="mnist",
        data_dir=tiny_data_dir,
        validation_size=TINY_VAL,
        epochs=2,
        reference={"widths": "20-10", "depth": 2},
        directory=tmp_path_factory.mktemp("runs"),
        name="api",
    )


def test_import_tunekit_stays_light():
    code = (
        "import sys, tunekit; tunekit.open_study; tunekit.Study\n"
        "print(sorted(m for m in ('tensorflow', 'keras', 'pandas', 'matplotlib') "
        "if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "[]", result.stderr[-2000:]


def test_run_study_returns_the_study_and_resumes_it(study, tiny_data_dir):
    assert isinstance(study, tunekit.Study)
    assert [t.label for t in study.trials] == [
        "reference",
        "reference (repeat 1)",  # a one-factor study trains its reference 3 times by default
        "reference (repeat 2)",
        "dropout=0.2",
        "dropout=0.5",
        "dropout=0.9",
    ]
    assert all(t.hyperparameters["widths"] == "20-10" for t in study.trials)
    again = tunekit.run_study(
        "mlp",
        "dropout",
        dataset="mnist",
        data_dir=tiny_data_dir,
        validation_size=TINY_VAL,
        epochs=2,
        reference={"widths": "20-10", "depth": 2},
        directory=study.path.parent,
        name="api",
    )
    assert [(t.trial_id, t.started) for t in again.trials] == [
        (t.trial_id, t.started) for t in study.trials
    ]


def test_run_study_names_a_bad_value_as_the_argument(tmp_path):
    with pytest.raises(TunekitError, match="epochs must be at least 1"):
        tunekit.run_study("mlp", "dropout", epochs=0, directory=tmp_path)
    with pytest.raises(TunekitError, match="keep_checkpoints|KeepCheckpoints"):
        tunekit.run_study("mlp", "dropout", keep_checkpoints="some", directory=tmp_path)
    assert not any(tmp_path.iterdir())


def test_open_study_reads_the_same_trials(study):
    opened = tunekit.open_study(study.path)
    assert opened.trials == study.trials
    best = opened.best_trial
    assert best is not None
    assert best.score == max(t.score for t in opened.trials)
    assert opened.trial(int(best.trial_id)) is best
    assert opened.trial(f"trial_{best.trial_id}") is best


def test_open_study_refuses_a_folder_that_is_not_a_study(tmp_path):
    with pytest.raises(TunekitError, match="is not a tunekit study"):
        tunekit.open_study(tmp_path)


def test_dataframe_has_the_columns_of_tunekit_export(study):
    frame = study.dataframe()
    rows = export_rows(study.records)
    assert list(frame.columns) == list(rows[0])
    assert len(frame) == len(rows) == 6
    assert frame["trial_id"].tolist() == [t.trial_id for t in study.trials]
    assert frame["hp.dropout"].tolist() == [0.0, 0.0, 0.0, 0.2, 0.5, 0.9]  # 3 reference repeats


def test_history_is_one_row_per_epoch(study):
    trial = study.trials[1]
    frame = study.history(trial)
    assert frame["epoch"].tolist() == [1, 2]
    assert {"loss", "val_loss", "accuracy", "val_accuracy"} <= set(frame.columns)
    assert frame["val_accuracy"].tolist() == trial.executions[0].history["val_accuracy"]
    assert study.history(trial.trial_id).equals(frame)
    with pytest.raises(TunekitError, match="no trial"):
        study.history("0099")


def test_best_model_predicts(study):
    model = study.best_model()
    out = model.predict(np.zeros((2, 28, 28), dtype=np.float32), verbose=0)
    assert out.shape == (2, 10)


def test_notebook_shows_the_leaderboard(study):
    html = study._repr_html_()
    assert "<table>" in html
    for trial in study.trials:
        assert f'<td class="l">{trial.trial_id}</td>' in html
        assert trial.label in html


def test_leaderboard_html_escapes_labels():
    row = LeaderboardRow(1, "0001", "<script>x</script>", "completed", (), 0.5, 1.0, 2.0, 10)
    html = leaderboard_html(LeaderboardInfo("val_accuracy", "max", (row,), 1), "a & b")
    assert "<script>" not in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html
    assert "a &amp; b" in html


# --- the families as plain keras-tuner HyperModels -------------------------------------------


def _tiny(seed=0, n=96, shape=(28, 28), classes=10):
    rng = np.random.default_rng(seed)
    y = np.arange(n) % classes
    x = rng.random((n, *shape), dtype=np.float32) * 0.2
    for i, label in enumerate(y):
        x[i, 2 * label : 2 * label + 3] += 0.8
    return x, y


def test_plain_grid_search_trains_every_mlp_loss(tmp_path):
    """One-hot losses train on integer labels: the HyperModel's fit encodes them."""
    import keras_tuner

    from tunekit.hypermodels import MLPHyperModel

    hypermodel = MLPHyperModel((28, 28), 10, reference={"widths": "16", "depth": 1})
    hp = keras_tuner.HyperParameters()
    losses = hypermodel.choices()["loss"]
    hp.Choice("loss", losses)
    tuner = keras_tuner.GridSearch(
        hypermodel,
        objective="val_accuracy",
        hyperparameters=hp,
        tune_new_entries=False,  # the rest at the reference
        directory=tmp_path,
        project_name="plain",
    )
    x, y = _tiny()
    x_val, y_val = _tiny(seed=1, n=32)
    tuner.search(x, y, validation_data=(x_val, y_val), epochs=1, verbose=0)
    trials = tuner.oracle.trials.values()
    assert sorted(t.hyperparameters.get("loss") for t in trials) == sorted(losses)
    assert {"categorical_crossentropy", "kl_divergence", "poisson"} < set(losses)
    for trial in trials:
        assert trial.status == "COMPLETED", trial.message
        assert np.isfinite(trial.metrics.get_best_value("val_accuracy"))


def test_plain_tuner_with_a_fixed_one_hot_loss(tmp_path):
    import keras_tuner

    from tunekit.hypermodels import MLPHyperModel

    hp = keras_tuner.HyperParameters()
    hp.Fixed("loss", "kl_divergence")
    tuner = keras_tuner.RandomSearch(
        MLPHyperModel(reference={"widths": "16", "depth": 1}),
        objective="val_accuracy",
        max_trials=1,
        hyperparameters=hp,
        directory=tmp_path,
        project_name="fixed",
        seed=2,
    )
    x, y = _tiny()
    tuner.search(x, y, validation_data=_tiny(seed=1, n=32), epochs=1, verbose=0)
    (best,) = tuner.get_best_hyperparameters(1)
    assert best.get("loss") == "kl_divergence"
    (model,) = tuner.get_best_models(1)
    assert model.predict(x[:3], verbose=0).shape == (3, 10)


def test_plain_tuner_reads_the_clock_in_multihead(tmp_path):
    """[hour, minute] labels are encoded per representation; val_time_error is logged."""
    import keras_tuner

    from tunekit.hypermodels import ClockHyperModel

    hypermodel = ClockHyperModel((32, 32))
    hp = keras_tuner.HyperParameters()
    hp.Fixed("representation", "multihead")
    tuner = keras_tuner.RandomSearch(
        hypermodel,
        objective=hypermodel.objective,
        max_trials=1,
        hyperparameters=hp,
        tune_new_entries=False,
        directory=tmp_path,
        project_name="clock",
    )
    rng = np.random.default_rng(3)
    x = rng.integers(0, 255, (48, 32, 32)).astype(np.uint8)
    labels = np.stack([rng.integers(0, 12, 48), rng.integers(0, 60, 48)], axis=1)
    tuner.search(x, labels, validation_data=(x[:16], labels[:16]), epochs=1, verbose=0)
    (trial,) = tuner.oracle.trials.values()
    assert trial.status == "COMPLETED", trial.message
    assert 0 <= trial.score <= 360
