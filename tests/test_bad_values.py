"""Bad values are refused in one line, exit 2, before a study directory is touched."""

from __future__ import annotations

import math

import pytest
from typer.testing import CliRunner

from tunekit.cli import app
from tunekit.config import DataSpec, SearchSettings, TrainSettings, check_study_name
from tunekit.errors import InvalidValueError, TunekitError, UnknownNameError
from tunekit.hypermodels import FAMILIES, get_family
from tunekit.tuning.plan import space_values

from .conftest import TINY_VAL

runner = CliRunner()


@pytest.mark.parametrize("family", FAMILIES.values(), ids=lambda f: f.name)
def test_every_hyperparameter_of_every_family_has_a_check(family):
    assert set(family.checks) == set(family.reference)
    assert family.objective in family.metrics
    for hp, value in family.reference.items():
        assert family.checks[hp].problem(value) is None, hp
    for space in family.spaces.values():
        for value in space_values(space, family.reference):
            assert family.checks[space.hp].problem(value) is None, (space.name, value)


def test_the_names_the_checks_allow_are_names_keras_knows():
    import keras

    from tunekit.hypermodels import mlp

    getters = {
        "init": keras.initializers.get,
        "optimizer": keras.optimizers.get,
        "output_activation": keras.activations.get,
        "kernel_regularizer": keras.regularizers.get,
    }
    for hp, get in getters.items():
        for name in mlp.CHECKS[hp].names:
            if name != "none":
                assert get(name) is not None, (hp, name)


@pytest.mark.parametrize(
    ("family", "hp", "value", "message"),
    [
        ("mlp", "widths", "abc-def", "whole numbers joined by '-'"),
        ("mlp", "widths", "0-10", "between 1 and"),
        ("mlp", "widths", "", "whole numbers"),
        ("mlp", "dropout", "2", "must be in [0, 1)"),
        ("mlp", "dropout", "1", "must be in [0, 1)"),
        ("mlp", "dropout", "nan", "must be in"),
        ("mlp", "dropout", "-0.1", "must be in"),
        ("mlp", "optimizer", "foo", "must be one of sgd"),
        ("mlp", "init", "bogus", "must be one of"),
        ("mlp", "loss", "mse", "must be one of"),
        ("mlp", "output_activation", "[/x]", "must be one of"),
        ("mlp", "kernel_regularizer", "l3", "must be one of none"),
        ("mlp", "batch_size", "0", "at least 1"),
        ("mlp", "batch_size", "many", "must be a int"),
        ("mlp", "batch_size", True, "must be a int"),
        ("mlp", "batch_size", 2.5, "must be a int"),
        ("mlp", "depth", "0", "at least 1"),
        ("cnn", "width_multiplier", "0", "must be in (0, 8]"),
        ("cnn", "width_multiplier", "inf", "must be in"),
        ("cnn", "filters", "0", "between 1 and"),
        ("cnn", "layers", "CX-P", "must look like CP-CCP-CCP"),
        ("cnn", "padding", "full", "same, valid"),
        ("cnn", "stride", "0", "at least 1"),
        ("cnn", "kernel_size", "-3", "at least 1"),
        ("cnn", "optimizer", "foo", "must be one of"),
        ("clock", "learning_rate", "0", "must be in (0, 10]"),
        ("clock", "representation", "class25", "must be one of regression"),
        ("clock", "backbone", "resnet", "seed, bn"),
        ("clock", "training_clocks", "never", "fixed, fresh, curriculum, turned"),
        ("clock", "batch_size", "-1", "at least 1"),
        ("clock", "start", "warm", "or a clock reader's FILE.keras"),
        ("clock", "start", "/nowhere/reader.keras", "/nowhere/reader.keras, which is not a file"),
    ],
)
def test_a_bad_reference_value_names_the_hp_and_what_it_may_be(family, hp, value, message):
    with pytest.raises(InvalidValueError) as caught:
        get_family(family).reference_with({hp: value})
    assert caught.value.section == "reference" and caught.value.name == hp
    assert str(caught.value).startswith(f"{hp} ")
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_good_values_typed_on_the_command_line_are_converted():
    values = get_family("mlp").reference_with({"widths": "300-100", "dropout": "0.5", "depth": "2"})
    assert values["widths"] == "300-100" and values["dropout"] == 0.5 and values["depth"] == 2
    assert get_family("cnn").reference_with({"layers": "cp-ccp"})["layers"] == "cp-ccp"
    assert (
        get_family("cnn").reference_with({"width_multiplier": "0.25"})["width_multiplier"] == 0.25
    )


def test_an_unknown_hp_lists_the_known_ones():
    with pytest.raises(UnknownNameError, match="Known: init, dropout"):
        get_family("mlp").reference_with({"colour": "red"})


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: DataSpec(subset=0), "subset must be at least 1, got 0."),
        (lambda: DataSpec(validation_size=0), "validation_size must be at least 1"),
        (lambda: DataSpec(clock_count=0), "clock_count must be at least 20"),
        (lambda: DataSpec(image_size=3), "image_size must be at least 32"),
        (lambda: DataSpec(image_size=1000), "image_size must be at most 256"),
        (lambda: DataSpec(permute=-1), "permute must be at least 0"),
        (lambda: DataSpec(data_seed=-1), "data_seed must be at least 0"),
        (lambda: DataSpec(subset=1.5), "subset must be a whole number"),
        (lambda: TrainSettings(epochs=0), "epochs must be at least 1"),
        (lambda: TrainSettings(patience=0), "patience must be at least 1"),
        (lambda: TrainSettings(executions=0), "executions must be at least 1"),
        (lambda: TrainSettings(seed=-1), "seed must be at least 0"),
        (lambda: TrainSettings(seed=2**32 - 1, executions=2), "seed must be at most"),
        (lambda: TrainSettings(keep_checkpoints="some"), "keep_checkpoints must be one of"),
        (lambda: SearchSettings(max_trials=0), "max_trials must be at least 1"),
        (lambda: SearchSettings(max_epochs=0), "max_epochs must be at least 1"),
        (lambda: SearchSettings(factor=1), "factor must be at least 2"),
        (lambda: SearchSettings(objective="accuracy"), "objective must be a validation metric"),
    ],
)
def test_every_setting_is_range_checked_in_the_library_terms(make, message):
    with pytest.raises(InvalidValueError) as caught:
        make()
    assert message in str(caught.value)
    assert not str(caught.value).startswith("--")  # the CLI names options, not the library


@pytest.mark.parametrize("name", ["../../x", "a/b", "..", ".", "", " ", "a\\b", "a\nb"])
def test_a_study_name_must_be_one_folder_name(name):
    with pytest.raises(InvalidValueError, match="one folder name"):
        check_study_name(name)


def test_a_plain_name_with_odd_characters_is_a_fine_folder_name():
    assert check_study_name("[red]my study (2)*") == "[red]my study (2)*"


@pytest.fixture(autouse=True)
def no_training(monkeypatch):
    """A value that slips through fails fast, at the first trial, instead of training."""
    from tunekit.tuning import study

    def stop(*args, **kwargs):
        raise TunekitError("reached training")

    monkeypatch.setattr(study, "make_tuner", stop)


@pytest.fixture
def no_data(monkeypatch):
    """The same for the families without tiny data: stop before generating or reading it."""
    from tunekit.data import loading

    def stop(*args, **kwargs):
        raise TunekitError("reached data loading")

    monkeypatch.setattr(loading, "load_data", stop)


def _study(tmp_path, tiny_data_dir, *extra, family="mlp", space="width"):
    args = ["study", family, "--space", space, "--dataset", "mnist", "--data-dir"]
    args += [str(tiny_data_dir), "--val-size", str(TINY_VAL), "--dir", str(tmp_path / "runs")]
    return runner.invoke(app, [*args, *extra])


def _refused(result, tmp_path, message):
    text = " ".join(result.output.split())
    assert result.exit_code == 2, result.output
    assert message in text, text
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "runs").exists()  # nothing written


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--set", "widths=abc-def"], "widths must be whole numbers"),
        (["--set", "widths=0-10"], "widths must have every number between 1"),
        (["--set", "dropout=2"], "dropout must be in [0, 1)"),
        (["--set", "optimizer=foo"], "optimizer must be one of"),
        (["--set", "batch_size=0"], "batch_size must be at least 1"),
        (["--set", "colour=red"], "Known: init, dropout, optimizer"),
        (["--clocks", "0"], "must be at least 20, got 0"),
        (["--image-size", "3"], "must be at least 32, got 3"),
        (["--val-size", "0"], "must be at least 1, got 0"),
        (["--patience", "0"], "must be at least 1, got 0"),
        (["--seed", "-1"], "must be at least 0, got -1"),
        (["--permute", "-1"], "must be at least 0, got -1"),
        (["--max-epochs", "0", "--tuner", "hyperband"], "must be at least 1, got 0"),
        (["--objective", "val_foo"], "must be a metric mlp models log: val_loss, val_accuracy"),
        (["--name", "../../x"], "must be one folder name"),
        (["--name", "a/b"], "must be one folder name"),
    ],
)
def test_cli_refuses_bad_values_in_one_line_before_writing(tmp_path, tiny_data_dir, extra, message):
    _refused(_study(tmp_path, tiny_data_dir, *extra), tmp_path, message)


@pytest.mark.parametrize(
    ("family", "space", "extra", "message"),
    [
        ("cnn", "stride", ["--set", "width_multiplier=0"], "width_multiplier must be in (0, 8]"),
        ("cnn", "stride", ["--set", "layers=XYZ"], "layers must look like"),
        ("clock", "backbone", ["--set", "learning_rate=-1"], "learning_rate must be in"),
        ("clock", "backbone", ["--set", "start=gone.keras"], "gone.keras, which is not a file"),
    ],
)
def test_cli_refuses_bad_values_of_every_family(tmp_path, no_data, family, space, extra, message):
    args = ["study", family, "--space", space, "--dir", str(tmp_path / "runs"), *extra]
    _refused(runner.invoke(app, args), tmp_path, message)


def test_a_model_file_to_start_from_is_recorded_absolute_from_cli_and_study_file(
    tmp_path, monkeypatch
):
    from tunekit.cli._app import parse_sets
    from tunekit.studyfile import load_study_file

    (tmp_path / "studies").mkdir()
    (tmp_path / "readers").mkdir()
    (tmp_path / "readers" / "mine.keras").write_bytes(b"")
    monkeypatch.chdir(tmp_path / "readers")
    typed = dict(parse_sets(["start=mine.keras", "learning_rate=0.01"]))
    assert typed == {"start": str(tmp_path / "readers" / "mine.keras"), "learning_rate": "0.01"}
    study = tmp_path / "studies" / "tune.toml"
    study.write_text(
        'family = "clock"\nspaces = []\n[reference]\nstart = "../readers/mine.keras"\n'
    )
    monkeypatch.chdir(tmp_path)  # the study file's folder, not the working one, anchors it
    spec = load_study_file(study).spec
    assert dict(spec.reference_overrides)["start"] == str(tmp_path / "readers" / "mine.keras")


def test_width_multiplier_zero_is_refused_not_ignored(tmp_path, no_data):
    args = ["study", "cnn", "--space", "stride", "--dir", str(tmp_path / "runs")]
    _refused(runner.invoke(app, [*args, "--width-multiplier", "0"]), tmp_path, "must be in (0, 8]")


def test_a_refused_value_leaves_nothing_that_refuses_the_corrected_command(tmp_path, tiny_data_dir):
    _refused(_study(tmp_path, tiny_data_dir, "--set", "widths=abc-def"), tmp_path, "widths")
    # The corrected command gets past every check (it stops at the first trial here).
    result = _study(tmp_path, tiny_data_dir, "--set", "widths=300-100")
    assert result.exit_code == 2 and "reached training" in result.output, result.output


def test_nan_is_not_a_value_of_any_float_hp():
    for family in FAMILIES.values():
        for hp, value in family.reference.items():
            if isinstance(value, float):
                assert family.checks[hp].problem(math.nan) is not None, (family.name, hp)


@pytest.mark.parametrize(
    ("contents", "message"),
    [
        (b'spaces = ["width"]\n', "missing key family; a study file needs family, spaces"),
        (b'family = "mlp"\n', "missing key spaces"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "not a text file"),
        (b'family = "mlp"\nspaces = [["width"]]\n', "spaces must be a list of names"),
        (b'family = "mlp"\nspaces = ["width"]\nreference = 3\n', "reference must be a table"),
        (b'family = "mlp"\nspaces = ["width"]\n[data]\nsubset = 0\n', "[data] subset must be at"),
        (b'family = "mlp"\nspaces = ["width"]\n[data]\nimage_size = 3\n', "[data] image_size"),
        (b'family = "mlp"\nspaces = ["width"]\n[train]\nseed = -1\n', "[train] seed must be"),
        (b'family = "mlp"\nspaces = ["width"]\n[search]\nfactor = 1\n', "[search] factor must"),
        (b'family = "mlp"\nspaces = ["width"]\n[reference]\ndropout = 2\n', "[reference] dropout"),
        (b'family = "mlp"\nspaces = ["width"]\n[reference]\ndepth = true\n', "[reference] depth"),
        (b'family = "mlp"\nspaces = ["width"]\nname = "../x"\n', "name must be one folder name"),
        (b'family = "mlp"\nspaces = ["w"]\n[search]\nobjective = "val_x"\n', "[search] objective"),
        (b'family = "cnn"\nspaces = ["stride"]\n[reference]\nwidth_multiplier = 0\n', "(0, 8]"),
    ],
)
def test_a_bad_study_file_is_one_line_exit_2(tmp_path, contents, message):
    path = tmp_path / "study.toml"
    path.write_bytes(contents)
    result = runner.invoke(app, ["run", str(path)], env={"COLUMNS": "300"})
    text = " ".join(result.output.split())
    assert result.exit_code == 2, result.output
    assert f"{path}" in text and message in text, text
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1


def test_a_folder_given_as_a_study_file_is_one_line_exit_2(tmp_path):
    result = runner.invoke(app, ["run", str(tmp_path)])
    assert result.exit_code == 2
    assert "is a folder" in result.output and "Traceback" not in result.output
