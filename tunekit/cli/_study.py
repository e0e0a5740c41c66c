"""Commands that train: study, permutation, run (a study file) and worker."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from tunekit import console as show
from tunekit.cli._app import (
    CLOCK_STYLES_HELP,
    ClockStyleName,
    DatasetName,
    app,
    friendly,
    out,
    parse_sets,
    parse_values,
    say,
    show_leaderboard,
)
from tunekit.config import (
    FILES_IMAGE_SIZE,
    LONG_STUDY_TRIALS,
    TRIALS_PER_PROCESS,
    ClockSplit,
    DataSpec,
    KeepCheckpoints,
    SearchSettings,
    StudySpec,
    TrainSettings,
    TunerKind,
)
from tunekit.errors import TunekitError
from tunekit.hypermodels import family_name, get_family


@app.command()
@friendly
def study(
    family: Annotated[
        str,
        typer.Argument(
            help="Model family to study (mlp, cnn, clock), or your own keras-tuner model: "
            "FILE.py:NAME or package.module:NAME (a build(hp) function or a HyperModel).",
            metavar="FAMILY",
        ),
    ],
    space: Annotated[
        str | None,
        typer.Option(
            "--space",
            "-s",
            help="Space(s) to vary, comma-separated, or 'all'. `tunekit spaces` lists them. "
            "Without it, the reference alone is trained.",
            show_default=False,
        ),
    ] = None,
    dataset: Annotated[
        DatasetName | None,
        typer.Option(help="Dataset (default: fashion_mnist; clock for the clock family)."),
    ] = None,
    data_dir: Annotated[
        Path | None,
        typer.Option(help="Folder with the dataset's IDX files, searched before any other."),
    ] = None,
    data: Annotated[
        str | None,
        typer.Option(
            "--data",
            help="Your own arrays instead of --dataset: FILE.npz, FILE.py:NAME or "
            "package.module:NAME (x_train, y_train; optional x_val, y_val, x_test, y_test).",
        ),
    ] = None,
    subset: Annotated[
        int | None, typer.Option(help="Train on the first N training images only (fast runs).")
    ] = None,
    permute: Annotated[
        int | None,
        typer.Option(help="Shuffle the pixels of every image with this fixed permutation seed."),
    ] = None,
    val_size: Annotated[
        int, typer.Option(help="The last N training images form the validation set.")
    ] = 5000,
    clocks: Annotated[
        int, typer.Option("--clocks", help="Clocks only: synthetic clocks to generate.")
    ] = 18_000,
    image_size: Annotated[
        int | None,
        typer.Option(
            help="Clocks only: image side in pixels (75 is 4x cheaper than 150). Default: 150 "
            f"for synthetic clocks; --data-dir files larger than {FILES_IMAGE_SIZE} are "
            f"area-averaged to {FILES_IMAGE_SIZE}, the shipped reader's input, which the "
            "files recipe starts from.",
            show_default=False,
        ),
    ] = None,
    clock_style: Annotated[
        ClockStyleName,
        typer.Option(help=f"Clocks only: the synthetic clocks. {CLOCK_STYLES_HELP}."),
    ] = ClockStyleName.full,
    clock_split: Annotated[
        ClockSplit,
        typer.Option(
            help="Clocks only: random shuffles the clocks 80:20 into train and test; viewpoint "
            "(course style) tests on 5 of its 25 viewpoints, never seen in training."
        ),
    ] = ClockSplit.RANDOM,
    data_seed: Annotated[
        int, typer.Option(help="Clocks only: seed of the generator and the split.")
    ] = 0,
    epochs: Annotated[
        int,
        typer.Option(help="Maximum epochs per training run (hyperband: the default --max-epochs)."),
    ] = 100,
    patience: Annotated[
        int, typer.Option(help="Early stopping: epochs without a lower val_loss.")
    ] = 5,
    executions: Annotated[
        int, typer.Option(help="Repeats of every variant, each with its own seed.")
    ] = 1,
    seed: Annotated[int, typer.Option(help="Seed of the first execution.")] = 42,
    reference_repeats: Annotated[
        int | None,
        typer.Option(
            help="One-factor: train the reference N times, each with new seeds, to show the "
            "seed noise every difference is measured against (default 3; searches: 1). "
            "A rerun with more trains only the new repeats.",
            metavar="N",
        ),
    ] = None,
    width_multiplier: Annotated[
        float | None,
        typer.Option(
            help="CNN only: scale every filter count (0.25 makes an epoch ~10x cheaper).",
        ),
    ] = None,
    sets: Annotated[
        list[str] | None,
        typer.Option("--set", help="Change the reference: hp=value (repeatable)."),
    ] = None,
    values: Annotated[
        list[str] | None,
        typer.Option(
            "--values",
            metavar="SPACE=V1,V2",
            help="Try these values in a space instead of its own, e.g. --values "
            "dropout=0.1,0.3 (repeatable; the space must be one of --space).",
        ),
    ] = None,
    directory: Annotated[
        Path, typer.Option("--dir", help="Folder that holds study directories.")
    ] = Path("runs"),
    name: Annotated[
        str | None,
        typer.Option(
            help="Study directory name (default: FAMILY-DATASET, or FAMILY-DATASET-2, -3, ... "
            "when that directory holds a study made with other settings)."
        ),
    ] = None,
    keep_checkpoints: Annotated[
        KeepCheckpoints,
        typer.Option(help="Trained weights kept: the best trial's, every trial's, or none."),
    ] = KeepCheckpoints.BEST,
    tuner: Annotated[
        TunerKind,
        typer.Option(help="one-factor: each space in turn; the others search the spaces jointly."),
    ] = TunerKind.ONE_FACTOR,
    max_trials: Annotated[
        int, typer.Option(help="random, bayesian: completed trials to end with.")
    ] = 20,
    objective: Annotated[
        str | None,
        typer.Option(
            help="Validation metric to optimise (default: the family's, e.g. val_accuracy)."
        ),
    ] = None,
    max_epochs: Annotated[
        int | None,
        typer.Option(
            help="hyperband: the most epochs one model trains (default: --epochs). With "
            "--factor 3, 9 or more lets Hyperband stop weak trials early; below --factor it "
            "runs a single bracket of a few trials."
        ),
    ] = None,
    factor: Annotated[
        int,
        typer.Option(
            help="hyperband: keep 1 in FACTOR models per round, train them FACTOR x longer."
        ),
    ] = 3,
    workers: Annotated[
        int | None,
        typer.Option(
            help="Train in N worker processes on this machine (0: in this one). "
            f"Default: in this one, or, past {LONG_STUDY_TRIALS} trials to train, in one worker "
            f"that a fresh one replaces every {TRIALS_PER_PROCESS} trials, so memory stays flat.",
            show_default=False,
        ),
    ] = None,
    listen: Annotated[
        str,
        typer.Option(
            help="With --workers: HOST:PORT to listen on; 0.0.0.0:PORT lets other machines join."
        ),
    ] = "127.0.0.1:0",
    yes: Annotated[
        bool, typer.Option("--yes", help="Start a grid of more than 100 trials.")
    ] = False,
    overwrite: Annotated[
        bool, typer.Option("--overwrite", help="Discard a study made with other settings.")
    ] = False,
) -> None:
    """Run a study, or resume it by running the same command again.

    One-factor (the default): every other hyper-parameter stays at the reference; the
    reference is trained once and is the control of every space. Searches (--tuner
    grid, random, bayesian, hyperband) vary the listed spaces jointly, the rest at the
    reference. Records land in DIR/NAME/trial_*/.
    """
    if data is not None and (dataset is not None or data_dir is not None):
        raise TunekitError("--data replaces --dataset and --data-dir; give one or the other.")
    family = family_name(family)
    spec = StudySpec(
        family=family,
        spaces=tuple(space.split(",")) if space else (),
        data=DataSpec(
            dataset.value if dataset else get_family(family).dataset,
            data_dir,
            subset,
            permute,
            val_size,
            clock_count=clocks,
            image_size=image_size,
            clock_style=clock_style.value,
            data_seed=data_seed,
            file=data,
            clock_split=clock_split,
        ),  # fmt: skip
        train=TrainSettings(
            epochs, patience, executions, seed, keep_checkpoints, reference_repeats
        ),
        reference_overrides=parse_sets(sets or [])
        + ((("width_multiplier", str(width_multiplier)),) if width_multiplier is not None else ()),
        space_values=parse_values(values or []),
        tuner=tuner,
        search=SearchSettings(max_trials, objective, max_epochs, factor),
    )
    _execute_study(spec, directory, name, overwrite, workers=workers, listen=listen, yes=yes)


def _say_data_reference(spec: StudySpec) -> None:
    """Say which reference values the data chose (the recipe for clock files), if any."""
    family = get_family(spec.family)
    suited = family.data_reference(spec.data) if family.data_reference is not None else {}
    mine = dict(spec.reference_overrides)
    chosen = ", ".join(f"{hp}={value}" for hp, value in suited.items() if hp not in mine)
    if chosen:
        say(f"Images from files: the reference trains with {chosen} (--set changes any of it).")
    if suited and spec.data.image_size is None:
        say(
            f"Files larger than {FILES_IMAGE_SIZE}x{FILES_IMAGE_SIZE} are area-averaged to it, "
            "the pretrained reader's size (--image-size picks another)."
        )


def _execute_study(
    spec: StudySpec,
    directory: Path,
    name: str | None,
    overwrite: bool,
    *,
    workers: int | None = None,
    listen: str = "127.0.0.1:0",
    yes: bool = False,
) -> None:
    """Run a study with live progress, then show its leaderboard."""
    from tunekit.tuning.search import check_cost
    from tunekit.tuning.study import prepare_study, run_study

    if workers is not None and workers < 0:
        raise TunekitError(f"--workers must be 0 or more, got {workers}.")
    prepared = prepare_study(spec, directory, name)
    _say_data_reference(spec)
    if spec.tuner.is_search:
        check_cost(spec, prepared.cost, yes)
        show.search_plan(out, spec.tuner.value, ",".join(spec.spaces), prepared.cost)
    with show.StudyProgress(out) as progress:
        result = run_study(
            prepared, overwrite=overwrite, observer=progress, workers=workers, listen=listen
        )
    show_leaderboard(result, top=10)
    say(f"Study directory: {result.path}  (tunekit report {result.path})")


@app.command()
@friendly
def permutation(
    dataset: Annotated[DatasetName, typer.Option(help="Dataset to train on.")] = (
        DatasetName.fashion_mnist
    ),
    permute: Annotated[int, typer.Option(help="Seed of the fixed pixel permutation.")] = 0,
    data_dir: Annotated[Path | None, typer.Option(help="Folder with the IDX files.")] = None,
    subset: Annotated[
        int | None, typer.Option(help="Train on the first N training images only.")
    ] = None,
    val_size: Annotated[int, typer.Option(help="Validation images (end of train).")] = 5000,
    epochs: Annotated[int, typer.Option(help="Maximum epochs per training run.")] = 100,
    patience: Annotated[int, typer.Option(help="Early stopping patience (val_loss).")] = 5,
    executions: Annotated[int, typer.Option(help="Repeats of every run.")] = 1,
    seed: Annotated[int, typer.Option(help="Seed of the first execution.")] = 42,
    width_multiplier: Annotated[
        float | None, typer.Option(help="Scale the CNN's filters (CPU budget).")
    ] = None,
    directory: Annotated[
        Path, typer.Option("--dir", help="Folder with earlier mlp/cnn studies.")
    ] = Path("runs"),
    overwrite: Annotated[
        bool, typer.Option("--overwrite", help="Discard runs made with other settings.")
    ] = False,
) -> None:
    """Retrain the best MLP and CNN on original and on permuted pixels (seed task 2).

    The models are the best trials of DIR/mlp-DATASET and DIR/cnn-DATASET; without
    them the reference is used, and this is said. Results land in
    DIR/permutation-DATASET/.
    """
    data = DataSpec(dataset.value, data_dir, subset, None, val_size)
    train = TrainSettings(epochs, patience, executions, seed)
    cnn = {"width_multiplier": width_multiplier} if width_multiplier is not None else {}
    _execute_permutation(directory, data, train, permute, {"cnn": cnn}, overwrite)


def _execute_permutation(
    directory: Path,
    data: DataSpec,
    train: TrainSettings,
    permute: int,
    overrides: dict[str, dict[str, Any]],
    overwrite: bool,
) -> None:
    """Run the permutation study, saying first which models it retrains and why."""
    from tunekit.tuning.permutation import permutation_studies, run_permutation_study

    chosen, prepared = permutation_studies(directory, data, train, permute, overrides)
    for model in chosen:
        show.chosen_model(out, model.family, model.source, model.fallback)
    with show.StudyProgress(out) as progress:
        run_permutation_study(chosen, prepared, overwrite=overwrite, observer=progress)
    say(f"Permutation study: {prepared[0].study_dir.parent}")


@app.command(name="run")
@friendly
def run_file(
    study_file: Annotated[Path, typer.Argument(help="A study file, e.g. studies/smoke.toml.")],
    overwrite: Annotated[
        bool, typer.Option("--overwrite", help="Discard a study made with other settings.")
    ] = False,
    yes: Annotated[
        bool, typer.Option("--yes", help="Start a grid of more than 100 trials.")
    ] = False,
    workers: Annotated[
        int | None,
        typer.Option(
            help="Train in N worker processes on this machine (0: in this one). "
            f"Default: in this one, or, past {LONG_STUDY_TRIALS} trials to train, in one worker "
            f"that a fresh one replaces every {TRIALS_PER_PROCESS} trials. Not for permutation "
            "files.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Run (or resume) the study a TOML study file describes.

    How many workers is a choice about the machine, not the study, so it is an option
    here and not a key of the file.
    """
    from tunekit.studyfile import load_study_file

    plan = load_study_file(study_file)
    say(f"Study file {plan.path} ({plan.kind})")
    if plan.kind == "permutation":
        if workers:
            raise TunekitError(f"{plan.path}: a permutation study cannot use --workers.")
        cnn = dict(plan.spec.reference_overrides)
        _execute_permutation(
            plan.directory, plan.spec.data, plan.spec.train, plan.permute, {"cnn": cnn}, overwrite
        )
    else:
        _execute_study(plan.spec, plan.directory, plan.name, overwrite, workers=workers, yes=yes)


@app.command()
@friendly
def worker(
    study_dir: Annotated[Path, typer.Argument(help="The study directory, shared with the chief.")],
    chief: Annotated[
        str | None,
        typer.Option(help="HOST:PORT of the chief (default: the address it wrote in STUDY_DIR)."),
    ] = None,
    tuner_id: Annotated[
        str | None,
        typer.Option("--id", help="This worker's name, unique in the study (default: host-pid)."),
    ] = None,
    data_dir: Annotated[
        Path | None, typer.Option(help="Where this machine keeps the data, searched first.")
    ] = None,
    trials_per_process: Annotated[
        int | None,
        typer.Option(
            help="Exit with code 4 after N trials, for a fresh process to continue "
            "(TensorFlow's memory grows a few MB per model)."
        ),
    ] = None,
) -> None:
    """Join a running study (`tunekit study ... --workers N`) and train its trials.

    The chief hands out the trials; this process trains them and writes their
    records into STUDY_DIR, which must be shared with the chief (NFS or similar).
    """
    from tunekit.tuning.distributed import RECYCLE_EXIT
    from tunekit.tuning.worker import run_worker

    with show.StudyProgress(out) as progress:
        finished = run_worker(
            study_dir,
            chief=chief,
            tuner_id=tuner_id,
            data_dir=data_dir,
            observer=progress,
            trial_limit=trials_per_process,
        )
    if not finished:
        say(f"Ran {trials_per_process} trials; a fresh worker process continues.")
        raise typer.Exit(RECYCLE_EXIT)
    say("The chief has no more trials for this worker.")
