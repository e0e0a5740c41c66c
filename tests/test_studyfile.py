"""Study files: every shipped file is valid, the smoke study runs, bad files say why."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest
import tomllib
from typer.testing import CliRunner

from tunekit.cli import app
from tunekit.config import ClockSplit, TunerKind
from tunekit.records.study import read_study
from tunekit.studyfile import StudyFileError, load_study_file

from .conftest import write_tiny_mnist

STUDIES = Path(__file__).resolve().parent.parent / "studies"


def _beside_its_start_files(path: Path, folder: Path) -> Path:
    """``path``, or a copy of it in ``folder`` beside empty stand-ins for the reader files it
    starts from (another study's export, which no checkout holds)."""
    reference = tomllib.loads(path.read_text()).get("reference", {})
    files = [v for v in reference.values() if isinstance(v, str) and v.endswith(".keras")]
    if not files:
        return path
    copy = folder / "studies" / path.name
    copy.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, copy)
    for file in files:
        stand_in = copy.parent / file
        stand_in.parent.mkdir(parents=True, exist_ok=True)
        stand_in.touch()
    return copy


@pytest.mark.parametrize("path", sorted(STUDIES.glob("*.toml")), ids=lambda p: p.name)
def test_every_shipped_study_file_is_valid(path, tmp_path):
    study = load_study_file(_beside_its_start_files(path, tmp_path))
    assert study.spec.train.epochs >= 1
    assert study.kind in ("study", "permutation")


def test_smoke_file_describes_a_tiny_width_study():
    smoke = load_study_file(STUDIES / "smoke.toml")
    assert smoke.spec.family == "mlp" and smoke.spec.spaces == ("width",)
    assert smoke.spec.data.subset == 500 and smoke.spec.train.epochs == 2
    assert smoke.spec.tuner is TunerKind.ONE_FACTOR


def test_a_file_without_a_name_runs_in_a_directory_named_after_it(tmp_path):
    path = tmp_path / "my-widths.toml"
    path.write_text('family = "mlp"\nspaces = ["width"]\n')
    assert load_study_file(path).name == "my-widths"
    path.write_text('family = "mlp"\nspaces = ["width"]\nname = "elsewhere"\n')
    assert load_study_file(path).name == "elsewhere"
    names = [
        load_study_file(_beside_its_start_files(p, tmp_path)).name
        for p in STUDIES.glob("*.toml")
        if "permutation" not in p.name
    ]
    assert len(names) == len(set(names)), "two shipped study files share a directory"


def test_smoke_study_runs_from_the_cli(tmp_path, monkeypatch):
    data = write_tiny_mnist(tmp_path / "data" / "fashion_mnist", train=800)
    monkeypatch.setenv("TUNEKIT_DATA", str(data.parent))
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["run", str(STUDIES / "smoke.toml")])
    assert result.exit_code == 0, result.output
    records = read_study(tmp_path / "runs" / "smoke").records
    assert len(records) == 4
    assert all(r.executions[0].epochs_run == 2 for r in records)


def test_a_study_file_runs_in_worker_processes(tmp_path, monkeypatch):
    data = write_tiny_mnist(tmp_path / "data" / "fashion_mnist", train=800)
    monkeypatch.setenv("TUNEKIT_DATA", str(data.parent))
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["run", str(STUDIES / "smoke.toml"), "--workers", "1"])
    assert result.exit_code == 0, result.output
    study = tmp_path / "runs" / "smoke"
    assert (study / "workers" / "worker1.log").exists()
    assert sorted(r.status for r in read_study(study).records) == ["completed"] * 4


def test_a_permutation_file_refuses_workers(tmp_path):
    result = CliRunner().invoke(
        app, ["run", str(STUDIES / "seed-permutation.toml"), "--workers", "2"]
    )
    assert result.exit_code != 0
    assert "cannot use --workers" in result.output


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('family = "mlp"\nspaces = ["width"]\nepoch = 3\n', "unknown key epoch"),
        ('family = "mlp"\nspaces = ["width"]\n[train]\nepochs = "ten"\n', "train.epochs must be"),
        ('family = "mlp"\nspaces = ["widht"]\n', "Unknown space 'widht'"),
        ('family = "mlp"\nspaces = ["width"]\ntuner = "grdi"\n', "tuner = 'grdi' is not allowed"),
        ('family = "mlp"\nspaces = ["width"]\n[data]\nsubsett = 5\n', "allowed in [data]"),
        ('family = "mlp"\nspaces = ["width"]\n[reference]\ncolour = 1\n', "Unknown hyper"),
        ('family = "mlp"\nspaces = ["width"\n', "not valid TOML"),
    ],
)
def test_bad_study_files_name_the_file_and_the_key(tmp_path, text, message):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(StudyFileError) as caught:
        load_study_file(path)
    assert str(path) in str(caught.value)
    assert message in str(caught.value)


def test_a_clock_split_and_a_study_of_the_reference_alone_parse(tmp_path):
    path = tmp_path / "unseen.toml"
    text = 'family = "clock"\nspaces = []\n[data]\ndataset = "clock"\nclock_style = "course"\n'
    path.write_text(text + 'clock_split = "viewpoint"\n')
    study = load_study_file(path)
    assert study.spec.data.clock_split is ClockSplit.VIEWPOINT
    assert study.spec.spaces == () and study.spec.train.reference_repeats == 1
    path.write_text(text.replace("course", "full") + 'clock_split = "viewpoint"\n')
    with pytest.raises(StudyFileError, match=r"\[data\] clock_split viewpoint needs clocks seen"):
        load_study_file(path)
    path.write_text(text + 'clock_split = "by-time"\n')
    with pytest.raises(StudyFileError, match="data.clock_split = 'by-time' is not allowed"):
        load_study_file(path)


def test_the_course_study_files_differ_only_in_the_split_and_name():
    seen = load_study_file(STUDIES / "clock-course.toml")
    unseen = load_study_file(STUDIES / "clock-course-unseen.toml")
    assert seen.spec.data.clock_split is ClockSplit.RANDOM
    assert unseen.spec.data.clock_split is ClockSplit.VIEWPOINT
    assert unseen.spec == dataclasses.replace(
        seen.spec, data=dataclasses.replace(seen.spec.data, clock_split=ClockSplit.VIEWPOINT)
    )
    assert seen.name != unseen.name
