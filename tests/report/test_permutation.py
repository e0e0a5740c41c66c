"""The permutation study in a report: info from hand-built runs, findings, discovery."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from tunekit.records.trial import TrialStatus
from tunekit.report import (
    Change,
    Estimate,
    PermutationRun,
    find_report_inputs,
    make_report,
    permutation_info,
)
from tunekit.report._permutation import finding

from ._builders import (
    META,
    execution,
    predicting,
    trial,
    write_labels,
    write_permutation,
    write_study,
)

# The seed's finding: the MLP within noise, the CNN 4.5 points lower.
EXPECTED = {
    ("mlp", "original"): (0.875,),
    ("mlp", "permuted"): (0.8745,),
    ("cnn", "original"): (0.9,),
    ("cnn", "permuted"): (0.855,),
}


def _se(a: float, b: float, n: int = 10000) -> float:
    return math.sqrt(a * (1 - a) / n + b * (1 - b) / n)


def test_runs_and_binomial_noise_from_single_executions(tmp_path):
    folder = write_permutation(tmp_path / "permutation-fashion_mnist", EXPECTED)
    (dataset,) = permutation_info([folder]).datasets
    assert dataset.dataset == "fashion_mnist"
    mlp, cnn = dataset.models
    assert mlp.original == PermutationRun(
        study="mlp-original",
        permute=None,
        status="completed",
        val=Estimate(0.875, None, 1),
        test=Estimate(0.875, None, 1),
        epochs=2.0,
        seconds=10.0,
        test_size=10000,
        history=(0.5, 0.875),
    )
    assert (mlp.permuted.permute, mlp.source, mlp.fallback) == (7, "best of mlp", False)
    half = 1.959964 * _se(0.875, 0.8745)
    delta = 0.8745 - 0.875
    assert mlp.change == Change(
        pytest.approx(delta), pytest.approx(delta - half), pytest.approx(delta + half), True
    )
    assert (mlp.noise, mlp.verdict) == ("test set of 10,000 images", "unchanged")
    assert (cnn.verdict, cnn.fallback, cnn.change.within_noise) == ("lost", True, False)
    assert dataset.finding == (
        "On fashion_mnist, with permuted pixels the MLP's test accuracy went from 87.50% to "
        "87.45% (-0.05 pp, within noise); the CNN's went from 90.00% to 85.50% (-4.50 pp, a "
        "loss beyond noise). This is the seed's finding: the MLP is unaffected (it has no "
        "notion of pixel order) and the CNN loses accuracy (its filters rely on neighbouring "
        "pixels)."
    )


def test_welch_noise_with_several_executions_and_an_unexpected_result(tmp_path):
    runs = {
        ("mlp", "original"): (0.875, 0.8750),
        ("mlp", "permuted"): (0.75, 0.7505),  # MLP lost: not what the seed saw
        ("cnn", "original"): (0.9, 0.91),
        ("cnn", "permuted"): (0.9, 0.91),
    }
    (dataset,) = permutation_info(
        [write_permutation(tmp_path / "permutation-mnist", runs)]
    ).datasets
    mlp, cnn = dataset.models
    assert (mlp.noise, mlp.verdict) == ("2 and 2 executions", "lost")
    assert (cnn.verdict, cnn.change.delta) == ("unchanged", 0.0)
    assert dataset.finding.endswith(
        "This differs from the seed's finding: the MLP was expected to be unchanged but is "
        "lost; the CNN was expected to be lost but is unchanged."
    )


def test_missing_and_running_runs_are_incomplete(tmp_path):
    folder = write_permutation(
        tmp_path / "permutation-mnist",
        {k: v for k, v in EXPECTED.items() if k != ("cnn", "permuted")},
    )
    write_study(folder / "mlp-permuted", [trial("00", status=TrialStatus.RUNNING)])
    write_study(folder / "cnn-original", [trial("00", status=TrialStatus.FAILED)])
    mlp, cnn = permutation_info([folder]).datasets[0].models
    assert (mlp.verdict, cnn.verdict, cnn.permuted, cnn.change) == (
        "incomplete", "incomplete", None, None,
    )  # fmt: skip
    assert permutation_info([folder]).datasets[0].finding == (
        "On mnist, with permuted pixels the MLP has no finished pair of runs yet; the CNN has "
        "no finished pair of runs yet (its original run failed). The comparison is not "
        "complete yet."
    )


def test_unreadable_files_are_problems(tmp_path):
    folder = write_permutation(tmp_path / "permutation-mnist", EXPECTED, choices=[{"x": 1}])
    (folder / "cnn-permuted" / "tunekit_study.json").write_text("{")
    info = permutation_info([folder])
    assert len(info.problems) == 2
    assert "permutation.json: unreadable" in info.problems[0]
    assert "cnn-permuted: run skipped" in info.problems[1]
    assert info.datasets[0].models[1].verdict == "incomplete"


def test_finding_without_runs():
    assert finding("mnist", ()) == "On mnist, no run has been recorded yet."


def test_discovery_finds_permutation_folders_beside_studies(tmp_path):
    runs = tmp_path / "runs"
    write_study(runs / "mlp-mnist", [trial("00", executions=(execution(),))])
    fashion = write_permutation(runs / "permutation-fashion_mnist", EXPECTED)
    mnist = write_permutation(runs / "permutation-mnist", EXPECTED)
    (runs / "notes").mkdir()
    inputs = find_report_inputs(runs)
    assert inputs.studies == (runs / "mlp-mnist",)
    assert inputs.permutations == (fashion, mnist)
    assert find_report_inputs(fashion).permutations == (fashion,)
    assert find_report_inputs(fashion / "mlp-original").studies == (fashion / "mlp-original",)


def test_report_of_a_runs_folder_has_one_permutation_section(tmp_path):
    runs = tmp_path / "runs"
    write_study(runs / "mlp-mnist", [trial("00", executions=(execution(test_acc=0.5),))], META)
    write_permutation(runs / "permutation-fashion_mnist", EXPECTED)
    write_permutation(runs / "permutation-mnist", EXPECTED)
    result = make_report(runs)
    assert result.problems == ()
    for name in ("permutation.png", "permutation.svg", "permutation.md", "permutation.csv"):
        assert (result.out_dir / "permutation" / name).exists()
    html = (result.out_dir / "index.html").read_text()
    assert "Permuted pixels: fashion_mnist, mnist" in html
    assert html.count("This is the seed&#x27;s finding") == 2
    assert "mlp on fashion_mnist" in html  # the one-factor study keeps its own section
    assert (
        "| mnist | CNN (reference model) | 90.00 | 85.50 | -4.50 |"
        in (result.out_dir / "permutation" / "permutation.md").read_text()
    )


def test_report_of_one_permutation_folder(tmp_path):
    folder = write_permutation(tmp_path / "permutation-mnist", EXPECTED)
    result = make_report(folder)
    assert result.out_dir == Path("reports") / "permutation-mnist"
    assert {p.name for p in result.files} == {
        "index.html",
        "report.md",
        "permutation.png",
        "permutation.svg",
        "permutation.md",
        "permutation.csv",
    }
    assert "MLP is unaffected" in (result.out_dir / "report.md").read_text()


def _paired_folder(tmp_path: Path, reference_test: list[float] | None) -> Path:
    """A CNN right on every test image, then on 5% fewer when permuted; one run each."""
    labels = [i % 10 for i in range(400)]
    folder = tmp_path / "permutation-mnist"
    choice = {"family": "cnn", "values": {}, "source": "best of cnn-mnist", "fallback": False}
    if reference_test is not None:
        choice["reference_test"] = reference_test
    write_permutation(folder, {}, choices=[choice])
    for kind, wrong in (("original", 0), ("permuted", 20)):
        meta = {**META, "family": "cnn", "spaces": {}}
        record = trial("00", executions=(predicting(labels, wrong),)).finished(family="cnn")
        write_labels(write_study(folder / f"cnn-{kind}", [record], meta), labels)
    return folder


@pytest.mark.parametrize(
    ("reference_test", "verdict", "noise"),
    [
        (None, "lost", "no seed-noise floor"),  # the test images alone: 5 points lost
        ([0.80, 0.90, 0.85], "unchanged", "the source study's 3 reference trainings"),
        ([0.850, 0.851, 0.852], "lost", "floor 0.28 pp"),
    ],
)
def test_runs_trained_once_take_the_floor_of_their_source_study(
    tmp_path, reference_test, verdict, noise
):
    (dataset,) = permutation_info([_paired_folder(tmp_path, reference_test)]).datasets
    (cnn,) = dataset.models
    assert cnn.change is not None and round(cnn.change.delta, 4) == -0.05
    assert cnn.verdict == verdict
    assert noise in cnn.noise
