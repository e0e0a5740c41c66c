"""Searches in a report: the objective per trial, best so far, and per hyper-parameter."""

from __future__ import annotations

from tunekit.records.study import read_study
from tunekit.records.trial import TrialStatus
from tunekit.report import HPScatter, SearchInfo, SearchTrial, make_report, search_info
from tunekit.report._displays import search_display

from ._builders import META, SEARCH_META, search_trial, write_study


def _records():
    return [
        search_trial("00", 0.5, learning_rate=0.001, optimizer="sgd"),
        search_trial("01", 0.75, learning_rate=0.01, optimizer="adam"),
        search_trial("02", None, TrialStatus.DIVERGED, learning_rate=0.1, optimizer="adam"),
        search_trial("03", 0.625, learning_rate=0.0001, optimizer="rmsprop"),
        search_trial("04", None, TrialStatus.RUNNING, learning_rate=0.002, optimizer="sgd"),
    ]


#: A scored trial's test accuracy, epochs and training time (one execution of the builders).
DONE = (0.5, 2.0, 10.0)


def test_scores_in_trial_order_with_best_so_far_and_scatters(tmp_path):
    study = read_study(write_study(tmp_path / "s", _records(), SEARCH_META))
    lr = (("learning_rate", 0.001), ("optimizer", "sgd"))
    assert search_info(study) == SearchInfo(
        title="mlp on fashion_mnist",
        tuner="random",
        objective="val_accuracy",
        direction="max",
        trials=(
            SearchTrial(1, "00", "completed", 0.5, 0.5, False, lr, *DONE),
            SearchTrial(
                2,
                "01",
                "completed",
                0.75,
                0.75,
                True,
                (("learning_rate", 0.01), ("optimizer", "adam")),
                *DONE,
            ),
            SearchTrial(
                3,
                "02",
                "diverged",
                None,
                0.75,
                False,
                (("learning_rate", 0.1), ("optimizer", "adam")),
            ),
            SearchTrial(
                4,
                "03",
                "completed",
                0.625,
                0.75,
                False,
                (("learning_rate", 0.0001), ("optimizer", "rmsprop")),
                *DONE,
            ),
            SearchTrial(
                5,
                "04",
                "running",
                None,
                0.75,
                False,
                (("learning_rate", 0.002), ("optimizer", "sgd")),
            ),
        ),  # fmt: skip
        hps=(
            HPScatter(
                "learning_rate", "log", (), ((0.001, 0.5), (0.01, 0.75), (0.0001, 0.625)), 0.01
            ),
            HPScatter(
                "optimizer",
                "categorical",
                ("sgd", "adam", "rmsprop"),  # declared order first, then as found
                (("sgd", 0.5), ("adam", 0.75), ("rmsprop", 0.625)),
                "adam",
            ),
        ),
        best_trial_id="01",
        running=1,
    )


def test_lower_is_better_and_free_hps_found_without_spaces(tmp_path):
    meta = {**SEARCH_META, "spaces": {}, "direction": "min", "objective": "val_time_error"}
    records = [
        search_trial("00", 9.0, units=32, act="relu"),
        search_trial("01", 4.0, units=64, act="relu"),
        search_trial("02", 6.0, units=48, act="relu"),
    ]
    info = search_info(read_study(write_study(tmp_path / "s", records, meta)))
    assert [t.best_so_far for t in info.trials] == [9.0, 4.0, 4.0]
    assert info.best_trial_id == "01"
    assert info.hps == (
        HPScatter("units", "linear", (), ((32.0, 9.0), (64.0, 4.0), (48.0, 6.0)), 64),
    )
    table = search_display(info)
    assert [row[:2] for row in table.rows] == [("1", "01"), ("2", "02"), ("3", "00")]
    # the leaderboard's columns: the test metric, epochs and one execution's training time
    assert table.headers == (
        "rank", "trial", "#", "status", "val_time_error", "test time_error", "units",
        "epochs", "train time (s)",
    )  # fmt: skip
    assert table.rows[0][5:] == ("—", "64", "2", "10.0")


def test_search_without_scores_or_trials(tmp_path):
    empty = search_info(read_study(write_study(tmp_path / "e", [], SEARCH_META)))
    assert (empty.trials, empty.best_trial_id) == ((), None)
    assert [h.points for h in empty.hps] == [(), ()]
    failed = [search_trial("00", None, TrialStatus.FAILED, learning_rate=0.1, optimizer="sgd")]
    info = search_info(read_study(write_study(tmp_path / "f", failed, SEARCH_META)))
    assert info.trials[0].best_so_far is None and info.hps[1].best is None


def test_a_search_is_known_by_its_trials_when_the_metadata_says_one_factor(tmp_path):
    meta = {**META, "tuner": "one-factor", "spaces": {}}
    result = make_report(write_study(tmp_path / "s", _records(), meta))
    assert (result.out_dir / "search.png").exists()
    assert not (result.out_dir / "comparison.png").exists()


def test_report_of_a_search(tmp_path):
    result = make_report(write_study(tmp_path / "s", _records(), SEARCH_META))
    assert {p.name for p in result.files} == {
        "index.html",
        "report.md",
        "search.png",
        "search.svg",
        "trials.md",
        "trials.csv",
        "executions.csv",
        "executions.json",
    }
    html = (result.out_dir / "index.html").read_text()
    assert "Random search" in html and "1 trial is still running" in html
    csv = (result.out_dir / "trials.csv").read_text().splitlines()
    assert csv[0] == (
        "number,trial_id,status,score,test,epochs,seconds,best_so_far,is_best,"
        "hp.learning_rate,hp.optimizer"
    )
    assert len(csv) == 6


def test_listed_numbers_are_categories_in_numeric_order(tmp_path):
    spaces = {"batch": {"hp": "batch_size", "values": [100, 32, 1000], "description": ""}}
    records = [
        search_trial("00", 0.5, batch_size=100),
        search_trial("01", 0.75, batch_size=32.0),  # JSON may write 32 as 32.0
    ]
    info = search_info(
        read_study(write_study(tmp_path / "s", records, {**SEARCH_META, "spaces": spaces}))
    )
    assert info.hps == (
        HPScatter(
            "batch_size", "categorical", ("32", "100", "1000"), (("100", 0.5), ("32", 0.75)), "32"
        ),
    )
