"""Commands that read studies: report, leaderboard, export, best, predict, spaces."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from tunekit import console as show
from tunekit.cli._app import (
    ExportFormatName,
    app,
    check_out,
    err,
    friendly,
    out,
    say,
    show_leaderboard,
)
from tunekit.hypermodels import FAMILIES, family_name, get_family


@app.command()
@friendly
def report(
    study_dir: Annotated[
        Path, typer.Argument(help="A study directory, or a folder of study directories.")
    ] = Path("runs"),
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Where to write (default: reports/NAME, NAME being STUDY_DIR's)."
        ),
    ] = None,
) -> None:
    """Turn a study into figures, ablation tables and an offline index.html.

    Works while a study is still running: it shows what has finished. Unreadable
    trial files are skipped with a warning that names them.
    """
    from tunekit.report import make_report

    result = make_report(study_dir, out_dir)
    for problem in result.problems:
        show.warning(err, problem)
    say(f"Wrote {len(result.files)} files to {result.out_dir}")
    say(f"Open {result.out_dir / 'index.html'}")


@app.command()
@friendly
def leaderboard(
    study_dir: Annotated[
        Path, typer.Argument(help="A study directory, or a folder of study directories.")
    ] = Path("runs"),
    top: Annotated[int | None, typer.Option(min=1, help="Show the best N trials only.")] = None,
    watch: Annotated[
        bool, typer.Option("--watch", help="Refresh every few seconds (Ctrl-C to stop).")
    ] = False,
    every: Annotated[float, typer.Option(min=0.5, help="Seconds between refreshes.")] = 5.0,
) -> None:
    """Rank a study's trials by its objective: running, diverged and failed ones too."""
    from tunekit.records.study import find_studies, read_study

    def tables() -> list[Any]:
        from tunekit.report import leaderboard_info

        studies = [read_study(path) for path in find_studies(study_dir)]
        return [
            show.leaderboard_table(leaderboard_info(s, top=top), f"{s.path}: ") for s in studies
        ]

    if not watch:
        for study in (read_study(p) for p in find_studies(study_dir)):
            show_leaderboard(study, top)
        return
    show.watch(out, tables, every)


@app.command()
@friendly
def export(
    study_dir: Annotated[
        Path, typer.Argument(help="A study directory, or a folder of study directories.")
    ] = Path("runs"),
    fmt: Annotated[ExportFormatName, typer.Option("--format", help="File format.")] = (
        ExportFormatName.csv
    ),
    output: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="File to write (default: STUDY_DIR/trials.FMT); for a folder of studies, "
            "a folder that gets one NAME.FMT per study. tensorboard: a log folder "
            "(default: STUDY_DIR/tensorboard; for a folder of studies, one NAME folder each).",
        ),
    ] = None,
) -> None:
    """Write one row per trial and execution, with every hyper-parameter and metric.

    --format tensorboard writes TensorBoard logs from the records, without training:
    the HParams table and parallel coordinates, and every epoch's metrics.
    """
    from tunekit.records.study import find_studies, read_study
    from tunekit.report import export_tensorboard, write_export

    found = find_studies(study_dir)
    single = found == [study_dir]
    for path in found:
        study = read_study(path)
        for problem in study.problems:
            show.warning(err, problem)
        if fmt is ExportFormatName.tensorboard:
            if output is None:
                logdir = path / "tensorboard"
            else:
                logdir = output if single else output / path.name
            logdir = export_tensorboard(study, logdir)
            say(f"Wrote {logdir}  (tensorboard --logdir {logdir})")
            continue
        if output is None:
            target = path / f"trials.{fmt.value}"
        else:
            target = output if single else output / f"{path.name}.{fmt.value}"
        say(f"Wrote {write_export(study, target, fmt.value)}")


@app.command()
@friendly
def spaces(
    family: Annotated[
        str | None,
        typer.Argument(
            help="Show one family only, or your own model: FILE.py:NAME or package.module:NAME.",
            metavar="[FAMILY]",
        ),
    ] = None,
) -> None:
    """List every family's named spaces, their values and the reference value."""
    names = [family_name(family)] if family else list(FAMILIES)
    for name in names:
        out.print(show.spaces_table(get_family(name)))


@app.command()
@friendly
def best(
    study_dir: Annotated[Path, typer.Argument(help="A study directory.")],
    export_to: Annotated[
        Path | None,
        typer.Option(
            "--export",
            help="Write the best model (architecture and best weights) to this .keras file; "
            "keras.saving.load_model opens it without tunekit (a dial clock reader after "
            "import tunekit.hypermodels.dial_layers).",
        ),
    ] = None,
    trial: Annotated[
        str | None,
        typer.Option(
            "--trial",
            metavar="ID",
            help="Show (and --export) this trial instead of the best, e.g. a reference "
            "repeat: the number of its trial_* folder (0003 or 3). Only trials whose "
            "weights were kept can be exported (--keep-checkpoints all keeps every one).",
        ),
    ] = None,
) -> None:
    """Show the best trial: its hyper-parameters, its metrics and where its weights are."""
    from tunekit.console_models import best_trial_table
    from tunekit.records.study import read_study
    from tunekit.tuning.best import find_best_trial, find_trial

    study = read_study(study_dir)
    for problem in study.problems:
        show.warning(err, problem)
    found = find_best_trial(study) if trial is None else find_trial(study, trial)
    out.print(best_trial_table(found, picked=trial is not None))
    if export_to is not None:
        from tunekit.modelfile import export_model

        say(f"Wrote {export_model(found, export_to)}")


@app.command()
@friendly
def predict(
    model_file: Annotated[Path, typer.Argument(help="A .keras model (tunekit best --export).")],
    input_file: Annotated[
        Path,
        typer.Argument(help="A .npy array of images, N x H x W, as the study's data (uint8 ok)."),
    ],
    output: Annotated[
        Path, typer.Option("--out", help="CSV file to write the predictions to.")
    ] = Path("predictions.csv"),
) -> None:
    """Predict classes and probabilities (for clocks, the times) of every image."""
    from tunekit.console_models import predictions_table
    from tunekit.predict import predict_file
    from tunekit.records.atomic import write_csv_atomic

    check_out(output)
    predictions = predict_file(model_file, input_file)
    path = write_csv_atomic(output, predictions.columns, predictions.rows)
    out.print(predictions_table(predictions))
    say(f"Wrote {len(predictions.rows)} predictions to {path}")
