"""Where a data set's files are: the default search places and the search itself.

The registry and the loader live in `tunekit.data._datasets`; this module only looks at the
file system and never reads an array.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from tunekit.data._datasets import DEBIAN_DATASETS_DIR, IDX_FILES, DatasetSpec, dataset_spec
from tunekit.errors import DataNotFoundError

#: Environment variable naming extra folders (os.pathsep-separated) that hold data sets.
TUNEKIT_DATA_ENV = "TUNEKIT_DATA"


def default_search_paths(
    name: str,
    env: Mapping[str, str] | None = None,
    home: Path | None = None,
    *,
    debian_root: Path = DEBIAN_DATASETS_DIR,
) -> list[Path]:
    """The folders searched when no data folder is given, in order.

    These are each folder in $TUNEKIT_DATA and its `<name>` subfolder, then the Keras cache
    (`$KERAS_HOME` or `~/.keras`, under `datasets/`), then Debian's `/usr/share/datasets`.

    Args:
        name: Registry name of the data set.
        env: Environment variables; defaults to `os.environ`.
        home: Home folder; defaults to `Path.home()`.
        debian_root: Where Debian's dataset packages install.

    Returns:
        The folders, without duplicates; they need not exist.
    """
    spec = dataset_spec(name)
    env = os.environ if env is None else env
    places: list[Path] = []
    for entry in env.get(TUNEKIT_DATA_ENV, "").split(os.pathsep):
        if entry:
            root = Path(entry).expanduser()
            places += [root, root / spec.name]
    keras_value = env.get("KERAS_HOME")
    keras_home = Path(keras_value).expanduser() if keras_value else (home or Path.home()) / ".keras"
    places += [keras_home / "datasets" / sub for sub in spec.keras_subdirs]
    places.append(debian_root / spec.debian_dir_name)
    return list(dict.fromkeys(places))


def find_dataset_files(
    name: str,
    data_dir: str | Path | None = None,
    env: Mapping[str, str] | None = None,
    home: Path | None = None,
    *,
    debian_root: Path = DEBIAN_DATASETS_DIR,
    search_paths: Sequence[str | Path] | None = None,
) -> tuple[Path, list[Path]]:
    """Find where a data set's files are.

    A folder qualifies when it holds all four IDX files (each raw or `.gz`) or, for mnist,
    the Keras `mnist.npz`. An explicit `data_dir` is searched alone (it and its `<name>`
    subfolder): if it holds nothing, that is an error rather than a silent fall-through.

    Args:
        name: Registry name of the data set.
        data_dir: A folder the user named; replaces all other places.
        env: Environment variables; defaults to `os.environ`.
        home: Home folder for the Keras cache; defaults to `Path.home()`.
        debian_root: Where Debian's dataset packages install.
        search_paths: Folders to search instead of the defaults from `default_search_paths`.

    Returns:
        The folder holding the IDX files (or the path of the .npz file), and the places
        searched up to and including it.

    Raises:
        UnknownNameError: If no data set has that name.
        DataNotFoundError: If no searched place holds the files.
    """
    spec = dataset_spec(name)
    found, searched = _search_places(spec, data_dir, env, home, debian_root, search_paths)
    if found is None:
        raise DataNotFoundError(_not_found_message(spec, data_dir, searched))
    return found, searched


def _search_places(
    spec: DatasetSpec,
    data_dir: str | Path | None,
    env: Mapping[str, str] | None,
    home: Path | None,
    debian_root: Path,
    search_paths: Sequence[str | Path] | None,
) -> tuple[Path | None, list[Path]]:
    """Return the first place holding the files (or None) and the places searched."""
    if data_dir is not None:
        root = Path(data_dir).expanduser()
        places = [root, root / spec.name]
    elif search_paths is not None:
        places = [Path(p).expanduser() for p in search_paths]
    else:
        places = default_search_paths(spec.name, env, home, debian_root=debian_root)
    searched: list[Path] = []
    for place in places:
        searched.append(place)
        if not _missing_idx_files(place):
            return place, searched
        if spec.npz_name and (place / spec.npz_name).is_file():
            return place / spec.npz_name, searched
    return None, searched


def _idx_path(folder: Path, stem: str) -> Path | None:
    """The raw or gzipped file for `stem` in `folder`; raw first, as it reads faster."""
    for candidate in (folder / stem, folder / f"{stem}.gz"):
        if candidate.is_file():
            return candidate
    return None


def _missing_idx_files(folder: Path) -> list[str]:
    """Names of the IDX files that `folder` lacks (all four if it does not exist)."""
    return [stem for stem in IDX_FILES.values() if _idx_path(folder, stem) is None]


def _describe_places(places: Sequence[Path]) -> str:
    """List places, noting half-filled ones, since those usually mean a broken download."""
    parts = []
    for place in places:
        missing = _missing_idx_files(place)
        if place.is_dir() and len(missing) < len(IDX_FILES):
            parts.append(f"{place} (incomplete: missing {', '.join(missing)})")
        else:
            parts.append(str(place))
    return ", ".join(parts)


def _not_found_message(
    spec: DatasetSpec,
    data_dir: str | Path | None,
    searched: Sequence[Path],
    download_error: BaseException | None = None,
) -> str:
    """One line saying where we looked and how the user can get the data."""
    files = ", ".join(f"{stem}.gz" for stem in IDX_FILES.values())
    if data_dir is not None:
        root = Path(data_dir).expanduser()
        if not root.exists():
            return f"{spec.name}: --data-dir {root} does not exist; check the path."
        return (
            f"{spec.name}: no IDX files found in --data-dir: {_describe_places(searched)}. "
            f"Put the four files ({files}) there, or leave out --data-dir to search the "
            "default places."
        )
    message = f"{spec.name}: no IDX files found in: {_describe_places(searched)}."
    if download_error is not None:
        # Keras errors can span many lines; the first says enough and keeps ours on one line.
        reason = (str(download_error).splitlines() or [""])[0][:200]
        failure = (
            f"{type(download_error).__name__}: {reason}"
            if reason
            else type(download_error).__name__
        )
        message += f" Download through Keras failed ({failure})."
    if spec.debian_package:
        message += (
            f" Install them with `apt-get install {spec.debian_package}` (Debian), put the "
            f"four IDX files ({files}) in one of these folders, or pass --data-dir."
        )
    else:
        message += (
            f" Download the four IDX files ({files}) into one of these folders, let Keras "
            f"download {spec.npz_name or 'the data'} into its cache (needs internet), "
            "or pass --data-dir."
        )
    return message
