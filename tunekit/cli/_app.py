"""The Typer app and what every command shares: consoles, option enums, errors."""

from __future__ import annotations

import functools
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console

from tunekit import __version__
from tunekit import console as show
from tunekit.data._clock_designs import N_BROAD, N_DESIGNS, N_LETTERED, N_WIDE, WIDE_FONTS
from tunekit.data.clocks import (  # numpy only, which the CLI loads anyway
    COURSE_VIEWPOINTS,
    STYLE_PRESETS,
)
from tunekit.errors import FileAccessError, InvalidValueError, TunekitError
from tunekit.hypermodels._checks import model_file_value
from tunekit.native_logs import show_native_logs

app = typer.Typer(
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
)
out = Console()
err = Console(stderr=True)

F = TypeVar("F", bound=Callable[..., Any])


def say(text: str) -> None:
    """Print a line as it is: paths and names may hold ``[...]``, and are never cut."""
    out.print(text, markup=False, soft_wrap=True)


class DatasetName(str, Enum):
    """Datasets the CLI knows."""

    fashion_mnist = "fashion_mnist"
    mnist = "mnist"
    clock = "clock"


#: Presets of synthetic clocks, one per entry of the generator's registry.
ClockStyleName = Enum(
    "ClockStyleName", {name: name for name in STYLE_PRESETS}, type=str, module=__name__
)

#: What each preset shows, for the help of the options that choose one.
STYLE_CLAUSES = {
    "easy": "upright, flat clocks on a plain wall",
    "medium": "easy + wood walls, light and noise",
    "full": "medium + turned, tilted and scaled clocks, some with glare",
    "varied": f"full with {N_DESIGNS} faces and many hand shapes",
    "wide": f"varied with {N_WIDE} more faces in {len(WIDE_FONTS)} fonts, numerals turned or not",
    "broad": f"wide with {N_BROAD} more faces, numerals stretched, slanted, thin or heavy",
    "assorted": "broad with hands of any length and width, stubby to thin lines",
    "lettered": f"assorted with {N_LETTERED} more roman faces in strokes of no font",
    "course": f"full seen from {COURSE_VIEWPOINTS} fixed viewpoints, like the course's set",
}
CLOCK_STYLES_HELP = "; ".join(
    f"{name}: {STYLE_CLAUSES.get(name, 'see tunekit.data.clocks')}" for name in STYLE_PRESETS
)


class ExportFormatName(str, Enum):
    """Formats of ``tunekit export``."""

    csv = "csv"
    json = "json"
    tensorboard = "tensorboard"


def friendly(command: F) -> F:
    """Turn a ``TunekitError`` into a one-line message and exit code 2, no traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except InvalidValueError as exc:
            show.error(err, exc.renamed(_option(exc)))
            raise typer.Exit(2) from None
        except TunekitError as exc:
            show.error(err, exc)
            raise typer.Exit(2) from None
        except OSError as exc:  # a read-only study, a file where a folder should be, ...
            show.error(err, FileAccessError.from_os_error(exc))
            raise typer.Exit(2) from None
        except KeyboardInterrupt:
            show.error(err, "interrupted; run the same command again to resume.")
            raise typer.Exit(130) from None

    return wrapper  # type: ignore[return-value]


def _print_version(value: bool) -> None:
    if value:
        say(f"tunekit {__version__}")
        raise typer.Exit()


@app.callback()
def options(
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose",
            help="Show TensorFlow's native start-up and log lines (hidden by default).",
        ),
    ] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Hyper-parameter studies with Keras.

    Vary one knob at a time around a reference model, or search several jointly;
    every trial is recorded, and a study becomes figures and ablation tables.
    """
    if verbose:
        show_native_logs()


def check_out(path: Path) -> None:
    """Fail at once, writing nothing, if ``--out`` could not be written; not after the work.

    Raises:
        TunekitError: ``path`` is a folder, or no file could be made there.
    """
    from tunekit.records.atomic import check_writable

    try:
        check_writable(path)
    except FileAccessError as exc:
        raise TunekitError(f"--out: {exc}") from None


#: Options whose name is not the library's field name with dashes.
_OPTIONS = {"validation_size": "--val-size", "clock_count": "--clocks", "file": "--data"}


def _option(exc: InvalidValueError) -> str:
    """How the user typed the value the library names (``subset`` -> ``--subset``)."""
    if exc.section == "reference":
        return f"--set {exc.name}"
    if exc.section == "values":
        return f"--values {exc.name}"
    return _OPTIONS.get(exc.name, "--" + exc.name.replace("_", "-"))


def parse_sets(pairs: list[str]) -> tuple[tuple[str, str], ...]:
    """Split ``--set hp=value`` options into pairs; the family checks the values."""
    parsed = []
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise TunekitError(f"--set expects hp=value, got {pair!r} (e.g. --set widths=300-100).")
        parsed.append((key.strip(), model_file_value(value.strip(), Path.cwd())))
    return tuple(parsed)


def parse_values(options: list[str]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Split ``--values space=v1,v2`` options into pairs; the family checks the values."""
    parsed = []
    for option in options:
        space, sep, listed = option.partition("=")
        given = tuple(v.strip() for v in listed.split(",") if v.strip())
        if not sep or not space.strip() or not given:
            raise TunekitError(
                f"--values expects space=value,value, got {option!r} "
                "(e.g. --values dropout=0.1,0.3)."
            )
        parsed.append((space.strip(), given))
    return tuple(parsed)


def show_leaderboard(study: Any, top: int | None) -> None:
    """Print a study's skipped files as warnings, then its leaderboard."""
    from tunekit.report import leaderboard_info

    for problem in study.problems:
        show.warning(err, problem)
    out.print(show.leaderboard_table(leaderboard_info(study, top=top), f"{study.path}: "))
