"""``tunekit study FILE.py:NAME``: a user's own keras-tuner model, end to end, and bad input."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tunekit.cli import app
from tunekit.records.study import read_study

from .data.test_user_data import write_npz

runner = CliRunner()

BUILD = """
import keras

def build(hp):
    model = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Flatten()])
    model.add(keras.layers.Dense(hp.Choice("units", [4, 8], default=4), activation="relu"))
    if hp.Boolean("dropout"):
        model.add(keras.layers.Dropout(0.5))
    model.add(keras.layers.Dense(10, activation="softmax"))
    rate = hp.Float("rate", 0.001, 0.003, step=0.001, default=0.002)
    model.compile(keras.optimizers.Adam(rate), "sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model
"""

# Its own fit: one-hot labels for a categorical loss, and a line per call to count them.
HYPERMODEL = """
from pathlib import Path

import keras
import keras_tuner
import numpy as np

CALLS = Path(__file__).with_name("fit_calls.txt")

class Mine(keras_tuner.HyperModel):
    def build(self, hp):
        model = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Flatten(),
                                  keras.layers.Dense(hp.Int("units", 4, 8, step=4), "relu"),
                                  keras.layers.Dense(10, activation="softmax")])
        model.compile("adam", "categorical_crossentropy")
        return model

    def fit(self, hp, model, x, y, validation_data=None, **kwargs):
        with CALLS.open("a") as calls:
            calls.write(f"{hp.get('units')}\\n")
        x_val, y_val = validation_data
        one_hot = lambda labels: np.eye(10, dtype="float32")[labels]
        return model.fit(x, one_hot(y), validation_data=(x_val, one_hot(y_val)),
                         batch_size=16, **kwargs)
"""


def _study(model: str, runs: Path, data: Path, *extra: str) -> list[str]:
    return [
        "study", model, "--data", str(data), "--val-size", "32", "--epochs", "1",
        "--reference-repeats", "1", "--dir", str(runs), *extra,
    ]  # fmt: skip


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def _one_line(output: str) -> str:
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1, output
    return lines[0]


def test_build_function_study_records_resumes_and_reports(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a relative FILE.py is stored absolute
    _write(tmp_path / "mine.py", BUILD)
    data = write_npz(tmp_path / "tiny.npz", train=96, test=32)
    runs = tmp_path / "runs"
    result = runner.invoke(app, _study("mine.py:build", runs, data, "--space", "units,rate"))
    assert result.exit_code == 0, result.output
    study = read_study(runs / "mine-build-tiny")
    meta = study.meta
    assert meta.family == f"{tmp_path / 'mine.py'}:build"
    assert meta.objective == "val_accuracy" and meta.direction == "max"
    assert meta.reference == {"units": 4, "dropout": False, "rate": 0.002}
    assert meta.spaces["rate"].values == (0.001, 0.002, 0.003)
    # The reference, units=8, rate=0.001 and rate=0.003.
    assert sorted((r.space, str(r.value)) for r in study.records) == [
        ("rate", "0.001"), ("rate", "0.003"), ("reference", "None"), ("units", "8"),
    ]  # fmt: skip
    assert all("accuracy" in r.executions[0].test_metrics for r in study.records)
    started = {r.trial_id: r.started for r in study.records}
    again = runner.invoke(app, _study("mine.py:build", runs, data, "--space", "units,rate"))
    assert again.exit_code == 0, again.output
    assert {r.trial_id: r.started for r in read_study(study.path).records} == started
    report = runner.invoke(app, ["report", str(study.path), "--out", str(tmp_path / "rep")])
    assert report.exit_code == 0, report.output
    assert "units" in (tmp_path / "rep" / "report.md").read_text()


def test_hypermodel_with_its_own_fit_is_used_and_optimises_val_loss(tmp_path):
    model = _write(tmp_path / "hyper.py", HYPERMODEL)
    data = write_npz(tmp_path / "tiny.npz", train=96, test=32)
    runs = tmp_path / "runs"
    result = runner.invoke(app, _study(f"{model}:Mine", runs, data, "--space", "units"))
    assert result.exit_code == 0, result.output
    study = read_study(runs / "hyper-Mine-tiny")
    assert study.meta.objective == "val_loss" and study.meta.direction == "min"
    assert sorted(r.hyperparameters["units"] for r in study.records) == [4, 8]
    assert all(r.status.value == "completed" for r in study.records)
    # Discovery builds once but never fits; each trial fits once, with its own units.
    assert sorted((tmp_path / "fit_calls.txt").read_text().split()) == ["4", "8"]
    # Its fit one-hots the labels; the test split cannot be, so there are no test metrics.
    assert all(r.executions[0].test_metrics == {} for r in study.records)


def test_grid_search_on_a_user_model(tmp_path):
    model = _write(tmp_path / "mine.py", BUILD)
    data = write_npz(tmp_path / "tiny.npz", train=96, test=32)
    runs = tmp_path / "runs"
    args = _study(f"{model}:build", runs, data, "--space", "units,dropout", "--tuner", "grid")
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    found = {(r.hyperparameters["units"], r.hyperparameters["dropout"])
             for r in read_study(runs / "mine-build-tiny").records}  # fmt: skip
    assert found == {(4, False), (4, True), (8, False), (8, True)}


def test_spaces_lists_the_user_models_hyperparameters(tmp_path):
    model = _write(tmp_path / "mine.py", BUILD)
    result = runner.invoke(app, ["spaces", f"{model}:build"], terminal_width=200)
    assert result.exit_code == 0, result.output
    cells = [line.split("│") for line in result.output.splitlines() if "│" in line]
    rows = {cell[1].strip(): "│".join(cell) for cell in cells if cell[1].strip()}
    assert set(rows) == {"units", "dropout", "rate"}
    assert "0.001, 0.002, 0.003" in rows["rate"] and "False, True" in rows["dropout"]


BAD = {
    "syntax": ("def build(hp:\n", "cannot be imported (SyntaxError"),
    "missing module": ("import no_such_module_x\n", "No module named 'no_such_module_x'"),
    "no NAME": ("x = 1\n", "has no build"),
    "not a model": ("def build(hp):\n    return 3\n", "not a keras.Model"),
    "not compiled": (
        "import keras\ndef build(hp):\n"
        "    return keras.Sequential([keras.Input((28, 28)), keras.layers.Flatten(),\n"
        "                             keras.layers.Dense(hp.Choice('u', [2, 4]))])\n",
        "not compiled",
    ),
    "no step": (
        BUILD.replace("step=0.001, ", ""),
        "hp.Float('rate') has no step, so no values to try; add step=",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_model_is_one_line_naming_the_file_exit_2_and_nothing_written(tmp_path, case):
    text, message = BAD[case]
    model = _write(tmp_path / "bad.py", text)
    runs = tmp_path / "runs"
    data = write_npz(tmp_path / "tiny.npz", train=96, test=32)
    args = _study(f"{model}:build", runs, data, "--space", "all")
    result = runner.invoke(app, args, terminal_width=1000)
    assert result.exit_code == 2, result.output
    line = _one_line(result.output)
    assert str(model) in line and message in line, line
    assert not runs.exists()
    spaces = runner.invoke(app, ["spaces", f"{model}:build"], terminal_width=1000)
    assert spaces.exit_code == 2 and message in _one_line(spaces.output)


def test_an_unknown_family_names_the_user_model_forms(tmp_path):
    result = runner.invoke(app, ["spaces", "nope"], terminal_width=1000)
    assert result.exit_code == 2
    assert "FILE.py:NAME" in _one_line(result.output)


def test_api_and_study_file_take_the_model_file_relative_to_where_it_is_named(
    tmp_path, monkeypatch
):
    import tunekit
    from tunekit.studyfile import load_study_file

    _write(tmp_path / "mine.py", BUILD)
    write_npz(tmp_path / "tiny.npz", train=96, test=32)
    monkeypatch.chdir(tmp_path)
    study = tunekit.run_study(
        "mine.py:build",
        "units",
        data="tiny.npz",
        validation_size=32,
        epochs=1,
        reference_repeats=1,
    )
    assert len(study.trials) == 2
    assert read_study(tmp_path / "runs" / "mine-build-tiny").meta.family == (
        f"{tmp_path / 'mine.py'}:build"
    )
    (tmp_path / "studies").mkdir()
    toml = _write(
        tmp_path / "studies" / "mine.toml",
        'family = "../mine.py:build"\nspaces = ["rate"]\n[data]\nfile = "../tiny.npz"\n',
    )
    monkeypatch.chdir(tmp_path / "studies")
    assert load_study_file(toml).spec.family == f"{tmp_path / 'mine.py'}:build"


@pytest.mark.slow
def test_a_user_model_trains_in_worker_processes(tmp_path):
    # The worker reads the model's absolute FILE.py:NAME from the study's metadata.
    model = _write(tmp_path / "mine.py", BUILD)
    data = write_npz(tmp_path / "tiny.npz", train=96, test=32)
    runs = tmp_path / "runs"
    args = _study(f"{model}:build", runs, data, "--space", "units", "--workers", "1")
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    study = runs / "mine-build-tiny"
    assert (study / "workers" / "worker1.log").exists()
    assert sorted(r.hyperparameters["units"] for r in read_study(study).records) == [4, 8]
