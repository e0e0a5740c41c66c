"""A space tries the values the user gives (``--values``, ``[values]``, ``values=``)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from tunekit.cli import app
from tunekit.errors import InvalidValueError, UnknownNameError
from tunekit.hypermodels import get_family
from tunekit.records.study import read_study
from tunekit.studyfile import StudyFileError, load_study_file

from .conftest import TINY_VAL

runner = CliRunner()


def test_given_values_replace_a_space_s_own_converted_and_without_repeats():
    mlp = get_family("mlp")
    (dropout,) = mlp.resolve_spaces("dropout", [("dropout", ["0.1", "0.3", "0.1"])])
    assert dropout.values == (0.1, 0.3)
    (widths,) = mlp.resolve_spaces("width", [("width", ["64-32"])])  # an alias, a new value
    assert widths.hp == "widths" and widths.values == ("64-32",)
    untouched = mlp.resolve_spaces("dropout,optimizer", [("dropout", [0.5])])[1]
    assert untouched == mlp.space("optimizer")


@pytest.mark.parametrize(
    ("spaces", "values", "error", "message"),
    [
        ("dropout", [("dropout", ["2"])], InvalidValueError, "in [0, 1)"),
        ("dropout", [("dropout", [])], InvalidValueError, "at least one value"),
        ("widths", [("dropout", ["0.1"])], UnknownNameError, "does not vary dropout"),
        ("", [("dropout", ["0.1"])], UnknownNameError, "none given"),
    ],
)
def test_values_a_space_cannot_take_are_refused(spaces, values, error, message):
    with pytest.raises(error, match=message.replace("[", r"\[").replace(")", r"\)")):
        get_family("mlp").resolve_spaces(spaces, values)


def test_a_study_trains_only_the_given_values_and_resumes_them(tiny_data_dir, tmp_path):
    args = ["study", "mlp", "--space", "dropout", "--values", "dropout=0.3,0.0", "--epochs", "1"]
    args += ["--dataset", "mnist", "--data-dir", str(tiny_data_dir), "--val-size", str(TINY_VAL)]
    args += ["--reference-repeats", "1", "--dir", str(tmp_path / "runs"), "--name", "d"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    study = read_study(tmp_path / "runs" / "d")
    assert sorted(r.value for r in study.records if r.space == "dropout") == [0.3]
    assert study.meta.spaces["dropout"].values == (0.3, 0.0)
    again = runner.invoke(app, args)
    assert again.exit_code == 0, again.output
    assert len(read_study(tmp_path / "runs" / "d").records) == 2  # nothing new trained
    args[args.index("dropout=0.3,0.0")] = "dropout=0.5"  # the study grows by a value
    grown = runner.invoke(app, args)
    assert grown.exit_code == 0, grown.output
    study = read_study(tmp_path / "runs" / "d")
    assert sorted(r.value for r in study.records if r.space == "dropout") == [0.3, 0.5]
    assert study.meta.spaces["dropout"].values == (0.3, 0.0, 0.5)


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ("dropout", "--values expects space=value,value"),
        ("dropout=", "--values expects space=value,value"),
        ("dropout=7", "--values dropout must be in [0, 1)"),
        ("optimizer=sgd", "the study does not vary optimizer"),
    ],
)
def test_bad_values_are_one_line_with_exit_code_2(option, message, tmp_path):
    args = ["study", "mlp", "--space", "dropout", "--values", option, "--dir", str(tmp_path)]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())
    assert "Traceback" not in result.output
    assert not any(tmp_path.iterdir())


def test_a_study_file_gives_values_in_a_values_table(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text('family = "mlp"\nspaces = ["dropout"]\n[values]\ndropout = [0.1, 0.2]\n')
    assert load_study_file(path).spec.space_values == (("dropout", (0.1, 0.2)),)
    path.write_text('family = "mlp"\nspaces = ["dropout"]\n[values]\ndropout = [5.0]\n')
    with pytest.raises(StudyFileError, match=r"\[values\] dropout must be in"):
        load_study_file(path)
    path.write_text('family = "mlp"\nspaces = ["dropout"]\n[values]\ndropout = 0.1\n')
    with pytest.raises(StudyFileError, match="a list of one or more values"):
        load_study_file(path)
