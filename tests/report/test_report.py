from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest

from tunekit.errors import TunekitError
from tunekit.records.trial import TrialStatus
from tunekit.report import make_report

from ._builders import META, execution, trial, write_study


def _records():
    two = (execution(test_acc=0.5), execution((0.5, 0.875), test_acc=0.625, seed=1))
    diverged = execution((0.25, float("nan")), status=TrialStatus.DIVERGED)
    return [
        trial("00", executions=two),
        trial("01", "dropout", 0.2, two),
        trial("02", "dropout", 0.5, status=TrialStatus.RUNNING),
        trial("03", "optimizer", "adam", (diverged,), status=TrialStatus.DIVERGED),
    ]


def test_writes_every_file(tmp_path):
    study = write_study(tmp_path / "mlp-fashion_mnist", _records())
    result = make_report(study)
    assert result.out_dir == Path("reports") / "mlp-fashion_mnist"  # README: reports/
    names = {p.relative_to(result.out_dir).as_posix() for p in result.files}
    assert names == {
        "index.html",
        "report.md",
        "comparison.png",
        "comparison.svg",
        "ablation.md",
        "ablation.csv",
        "ablation.tex",
        "ablation.json",
        "leaderboard.md",
        "leaderboard.csv",
        "executions.csv",
        "executions.json",
    }
    assert all(p.stat().st_size > 0 for p in result.files)
    assert result.problems == ()
    html = (result.out_dir / "index.html").read_text()
    assert 'src="data:image/png;base64,' in html  # the page works when moved alone
    assert "http://" not in html and "https://" not in html and "<script" not in html
    assert "1 trial is still running" in html
    assert "dropout=0.5" in html  # the running trial is on the leaderboard


def test_the_summary_names_what_trained_the_trials(tmp_path):
    cpu, gpu = "keras 3.1, tensorflow backend on cpu", "keras 3.1, jax backend on NVIDIA H200"
    records = _records()
    records = [
        dataclasses.replace(records[0], trained_with=gpu),
        dataclasses.replace(records[1], trained_with=cpu),
        dataclasses.replace(records[2], trained_with=gpu),
        records[3],  # written before tunekit recorded it
    ]
    study = write_study(tmp_path / "mlp-fashion_mnist", records)
    text = (make_report(study).out_dir / "report.md").read_text()
    assert f"- **trained with**: {gpu}; {cpu}\n" in text


def test_corrupt_record_is_skipped_and_named(tmp_path):
    study = write_study(tmp_path / "s", _records())
    bad = study / "trial_09" / "tunekit.json"
    bad.parent.mkdir()
    bad.write_text('{"trial_id": "09", "fam')  # half-written
    result = make_report(study, tmp_path / "out")
    assert len(result.problems) == 1 and str(bad) in result.problems[0]
    assert str(bad) in (tmp_path / "out" / "index.html").read_text()
    assert str(bad) in (tmp_path / "out" / "report.md").read_text()


def test_parent_of_two_studies(tmp_path):
    write_study(tmp_path / "runs" / "mlp-fashion_mnist", _records())
    mnist = {**META, "data": {**META["data"], "name": "mnist"}}
    write_study(tmp_path / "runs" / "mlp-mnist", _records()[:1], mnist)
    result = make_report(tmp_path / "runs")
    assert result.out_dir == Path("reports") / "runs"
    for name in ("mlp-fashion_mnist", "mlp-mnist"):
        assert (result.out_dir / name / "comparison.svg").exists()
        assert (result.out_dir / name / "ablation.tex").exists()
    html = (result.out_dir / "index.html").read_text()
    assert "mlp on fashion_mnist" in html and "mlp on mnist" in html
    assert 'href="mlp-mnist/comparison.svg"' in html


def test_unreadable_study_in_a_parent_is_skipped(tmp_path):
    write_study(tmp_path / "runs" / "good", _records())
    (tmp_path / "runs" / "bad").mkdir()
    (tmp_path / "runs" / "bad" / "tunekit_study.json").write_text("{")
    result = make_report(tmp_path / "runs")
    assert [p.split(":")[0] for p in result.problems] == [str(tmp_path / "runs" / "bad")]


def test_study_without_trials_still_reports(tmp_path):
    result = make_report(write_study(tmp_path / "s", []))
    assert (result.out_dir / "comparison.png").exists()
    assert "no trial records yet" in result.problems[0]


def test_empty_or_missing_directory_is_a_one_line_error(tmp_path):
    (tmp_path / "empty").mkdir()
    for path in (tmp_path / "empty", tmp_path / "missing"):
        with pytest.raises(TunekitError) as err:
            make_report(path)
        assert "\n" not in str(err.value) and str(path) in str(err.value)


def test_importing_the_report_package_imports_no_matplotlib_or_keras():
    code = (
        "import sys, tunekit.report; "
        "heavy = [m for m in sys.modules if m.split('.')[0] in "
        "('matplotlib', 'keras', 'tensorflow', 'keras_tuner')]; "
        "assert not heavy, heavy"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
