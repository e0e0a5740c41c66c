"""Declarative study files: a TOML file names a family, spaces, data, budget and tuner.

A file's top-level keys are the scalar fields of ``StudySpec`` (``family``, ``spaces``,
``tuner``, ...) plus ``kind``, ``dir`` and ``name``; its tables are ``[data]``
(``DataSpec``), ``[train]`` (``TrainSettings``), any other dataclass field of
``StudySpec`` by its name, ``[reference]`` (reference values to change) and ``[values]``
(``space = [value, ...]``: values a space tries instead of its own). Every key
is checked against those fields, so a typo is an error that names the file, the key and
what is allowed, never a silently ignored setting. A one-factor study of ``spaces = []``
trains the reference alone.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass, fields, is_dataclass
from enum import Enum
from pathlib import Path
from typing import Any

import tomllib

from tunekit.config import StudySpec, check_study_name, check_whole
from tunekit.errors import InvalidValueError, TunekitError
from tunekit.hypermodels import get_family
from tunekit.hypermodels._checks import model_file_value
from tunekit.hypermodels.user import absolute_model_spec, is_model_spec

KINDS = ("study", "permutation")
_RUN_KEYS = {"kind": str, "dir": str, "name": str, "permute": int}


@dataclass(frozen=True)
class StudyFile:
    """A parsed study file.

    Attributes:
        path: The file.
        kind: ``study`` (one-factor or search) or ``permutation``.
        spec: The study it describes.
        directory: Folder of study directories (``dir``, default ``runs``).
        name: Study directory name: the file's ``name``, else the file's own name
            (``studies/best-mlp.toml`` runs in ``runs/best-mlp``), so that two files
            of one family never share a directory.
        permute: Permutation seed of a ``permutation`` study.
    """

    path: Path
    kind: str
    spec: StudySpec
    directory: Path
    name: str
    permute: int


class StudyFileError(TunekitError):
    """A study file that cannot be used as written."""


def _allowed(cls: type) -> str:
    return ", ".join(f.name for f in fields(cls))


def _convert(path: Path, key: str, value: Any, kind: Any) -> Any:
    """Check ``value`` against a field's type and convert it (lists, paths, enums)."""
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        options = [k for k in typing.get_args(kind) if k is not type(None)]
        return None if value is None else _convert(path, key, value, options[0])
    if isinstance(kind, type) and issubclass(kind, Enum):
        allowed = [member.value for member in kind]
        if value not in allowed:
            raise StudyFileError(f"{path}: {key} = {value!r} is not allowed; use one of {allowed}.")
        return kind(value)
    if origin is tuple:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            raise StudyFileError(f"{path}: {key} must be a list, got {value!r}.")
        item = typing.get_args(kind)[0] if typing.get_args(kind) else None
        if item is str and not all(isinstance(v, str) for v in value):
            raise StudyFileError(f"{path}: {key} must be a list of names, got {value!r}.")
        return tuple(value)
    if kind is Path:
        return Path(value) if isinstance(value, str) else _bad(path, key, value, "a path")
    expected = {int: (int,), float: (int, float), str: (str,), bool: (bool,)}.get(kind)
    if expected and (not isinstance(value, expected) or (kind is int and isinstance(value, bool))):
        _bad(path, key, value, f"a {kind.__name__}")
    return value


def _bad(path: Path, key: str, value: Any, what: str) -> Any:
    raise StudyFileError(f"{path}: {key} must be {what}, got {value!r}.")


def _in_file(path: Path, exc: TunekitError) -> StudyFileError:
    """The error as the file's author sees it: ``<file>: [data] subset must be ...``."""
    if isinstance(exc, InvalidValueError):
        where = f"[{exc.section}] {exc.name}" if exc.section != "study" else exc.name
        exc = exc.renamed(where)
    return StudyFileError(f"{path}: {exc}")


def _build(path: Path, cls: type, table: dict[str, Any], prefix: str) -> Any:
    hints = typing.get_type_hints(cls)
    known = {f.name for f in fields(cls)}
    values = {}
    for key, value in table.items():
        if key not in known:
            raise StudyFileError(
                f"{path}: unknown key {prefix}{key}; allowed in [{prefix.rstrip('.') or 'top'}]:"
                f" {_allowed(cls)}."
            )
        values[key] = _convert(path, f"{prefix}{key}", value, hints[key])
    required = [
        f.name
        for f in fields(cls)
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    ]
    missing = [name for name in required if name not in values]
    if missing:
        raise StudyFileError(
            f"{path}: missing key {prefix}{missing[0]}; a study file needs "
            f"{', '.join(prefix + name for name in required)}."
        )
    try:
        return cls(**values)
    except TunekitError as exc:
        raise _in_file(path, exc) from None


def _read_toml(path: Path) -> dict[str, Any]:
    """The file's TOML as a dict, or one line saying why it cannot be read."""
    try:
        return tomllib.loads(path.read_bytes().decode("utf-8"))
    except FileNotFoundError:
        raise StudyFileError(f"{path}: no such study file.") from None
    except IsADirectoryError:
        raise StudyFileError(
            f"{path} is a folder; give a study file such as studies/smoke.toml."
        ) from None
    except OSError as exc:
        raise StudyFileError(f"{path}: cannot be read ({exc.strerror or exc}).") from None
    except UnicodeDecodeError:
        raise StudyFileError(f"{path}: not a text file; a study file is TOML text.") from None
    except tomllib.TOMLDecodeError as exc:
        raise StudyFileError(f"{path}: not valid TOML ({exc}).") from None


def load_study_file(path: Path) -> StudyFile:
    """Read and check a study file.

    Raises:
        StudyFileError: The file is missing, is not TOML, or has an unknown key, a
            value of the wrong type, or an unknown family, space or choice.
    """
    path = Path(path)
    raw = _read_toml(path)
    run = {key: raw.pop(key) for key in list(raw) if key in _RUN_KEYS}
    for key, kind in _RUN_KEYS.items():
        if key in run and not isinstance(run[key], kind):
            _bad(path, key, run[key], f"a {kind.__name__}")
    kind = run.get("kind", "study")
    if kind not in KINDS:
        raise StudyFileError(f"{path}: kind = {kind!r} is not allowed; use one of {list(KINDS)}.")
    reference = raw.pop("reference", {})
    if not isinstance(reference, dict):
        _bad(path, "reference", reference, "a table")
    # A model file to start from, FILE.keras: relative to the study file, as [data] file is.
    reference = {key: model_file_value(value, path.parent) for key, value in reference.items()}
    space_values = _space_values(path, raw.pop("values", {}))
    hints = typing.get_type_hints(StudySpec)
    nested = {f.name for f in fields(StudySpec) if is_dataclass(hints[f.name])}
    tables = {name: raw.pop(name) for name in list(raw) if name in nested}
    top = dict(raw)
    if kind == "permutation":
        top.setdefault("family", "cnn")  # [reference] values apply to the CNN
        top.setdefault("spaces", [])
    if isinstance(top.get("family"), str) and is_model_spec(top["family"]):
        # Your own model, FILE.py:NAME: relative to the study file, as [data] file is.
        try:
            top["family"] = absolute_model_spec(top["family"], base=path.parent)
        except TunekitError as exc:
            raise _in_file(path, exc) from None
    if isinstance(tables.get("data"), dict) and "file" in tables["data"]:
        tables["data"] = _with_data_file(path, tables["data"], kind)
    spec = _build(path, StudySpec, {**top, "reference_overrides": []}, "")
    for name, table in tables.items():
        if not isinstance(table, dict):
            _bad(path, name, table, "a table")
        section = _build(path, hints[name], table, f"{name}.")
        try:  # the spec checks its sections together ([train] reference_repeats vs tuner)
            spec = dataclasses.replace(spec, **{name: section})
        except TunekitError as exc:
            raise _in_file(path, exc) from None
    spec = dataclasses.replace(
        spec, reference_overrides=tuple(reference.items()), space_values=space_values
    )
    _check_names(path, spec, kind)
    try:
        name = check_study_name(run.get("name", path.stem))
        permute = run.get("permute", 0)
        check_whole("study", "permute", permute, 0)
    except InvalidValueError as exc:
        raise _in_file(path, exc) from None
    return StudyFile(
        path=path,
        kind=kind,
        spec=spec,
        directory=Path(run.get("dir", "runs")),
        name=name,
        permute=permute,
    )


def _space_values(path: Path, table: Any) -> tuple[tuple[str, tuple[Any, ...]], ...]:
    """The ``[values]`` table (space = [values]) as ``StudySpec.space_values``."""
    if not isinstance(table, dict):
        _bad(path, "values", table, "a table of space = [value, ...]")
    for space, given in table.items():
        if not isinstance(given, list) or not given:
            _bad(path, f"values.{space}", given, "a list of one or more values")
    return tuple((space, tuple(given)) for space, given in table.items())


def _with_data_file(path: Path, table: dict[str, Any], kind: str) -> dict[str, Any]:
    """The ``[data]`` table with ``file`` made absolute, relative to the study file."""
    file = table["file"]
    if not isinstance(file, str):
        _bad(path, "data.file", file, "a file name")
    both = [key for key in ("dataset", "data_dir") if key in table]
    if both:
        raise StudyFileError(
            f"{path}: [data] file replaces [data] {both[0]}; give one or the other."
        )
    if kind == "permutation":
        raise StudyFileError(f"{path}: a permutation study cannot use [data] file.")
    from tunekit.data.user_data import absolute_data_file

    try:
        return {**table, "file": absolute_data_file(file, base=path.parent)}
    except InvalidValueError as exc:
        raise _in_file(path, exc) from None


def _check_names(path: Path, spec: StudySpec, kind: str) -> None:
    """Resolve family, spaces and reference values now, so errors name the file."""
    try:
        family = get_family(spec.family)
        family.study_reference(spec.data, spec.reference_overrides)
        family.check_objective(spec.search.objective)
        if kind == "study":
            family.study_spaces(spec)  # spaces = []: the reference alone
    except TunekitError as exc:
        raise _in_file(path, exc) from None
