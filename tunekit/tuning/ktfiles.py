"""keras-tuner's own files in a study directory: written atomically, read forgivingly.

keras-tuner 1.4.8 saves ``oracle.json``, ``trial_*/trial.json`` and ``<tuner_id>.json``
by truncating each file and then writing it, so a kill can leave any of them empty
or half written, and it reads them back with a bare ``json.loads``. Here they are
written through ``write_text_atomic`` and read as ``None`` when they cannot be
used, so the caller can rebuild the state from tunekit's records.

This is the one module of tunekit that reaches into ``keras_tuner.src`` and into
keras-tuner's private attributes; ``tests/tuning/test_ktfiles.py`` fails if one of
them moves in a new keras-tuner release.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keras_tuner
from keras_tuner.src import config as kt_config
from keras_tuner.src.engine import trial as trial_module

from tunekit.records.atomic import write_text_atomic
from tunekit.records.layout import TRIAL_FILE
from tunekit.records.trial import TrialRecord
from tunekit.tuning.plan import trial_values

Trial = trial_module.Trial
KTStatus = trial_module.TrialStatus


def save_state(path: Path, state: dict[str, Any]) -> None:
    """Save a keras-tuner state as keras-tuner does (NaN allowed), but atomically."""
    write_text_atomic(Path(path), json.dumps(state))


def load_state(path: Path) -> dict[str, Any] | None:
    """A keras-tuner state file's contents, or ``None`` if missing, empty or corrupt."""
    try:
        state = json.loads(Path(path).read_bytes().decode("utf-8"))
    except (OSError, ValueError):
        return None
    return state if isinstance(state, dict) else None


def load_trial(path: Path) -> Any | None:
    """The ``Trial`` saved in a ``trial.json``, or ``None`` if it cannot be used."""
    state = load_state(path)
    if state is None:
        return None
    try:
        return Trial.from_state(state)
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


def trial_from_record(space: keras_tuner.HyperParameters, record: TrialRecord) -> Any:
    """Rebuild a running keras-tuner ``Trial`` from a tunekit record.

    The oracle then ends it from the record, or runs it again if it never finished.
    """
    hyperparameters = space.copy()
    hyperparameters.values = {
        **trial_values(record.hyperparameters, record.repeat),
        **record.tuner_values,
    }
    return Trial(hyperparameters, trial_id=record.trial_id, status=KTStatus.RUNNING)


def oracle_path(oracle: keras_tuner.Oracle) -> Path:
    """Where ``oracle`` keeps its state."""
    return Path(oracle._get_oracle_fname())


def trial_path(oracle: keras_tuner.Oracle, trial_id: str) -> Path:
    """Where ``oracle`` keeps the ``trial.json`` of ``trial_id`` (its folder is made)."""
    return Path(oracle._get_trial_dir(trial_id)) / TRIAL_FILE


def tuner_path(tuner: keras_tuner.Tuner) -> Path:
    """Where ``tuner`` keeps its (empty) state: the marker keras-tuner reloads by."""
    return Path(tuner._get_tuner_fname())


def is_worker(tuner: keras_tuner.Tuner) -> bool:
    """Whether ``tuner`` is a distributed worker, whose oracle lives in the chief."""
    return bool(tuner._is_worker())


def values_hash(oracle: keras_tuner.Oracle, values: dict[str, Any]) -> str:
    """keras-tuner's hash of a trial's values, which it uses to skip duplicates."""
    return oracle._compute_values_hash(values)


def mark_tried(oracle: keras_tuner.Oracle, values: dict[str, Any]) -> None:
    """Count ``values`` as tried: keras-tuner's searches never draw them again."""
    oracle._tried_so_far.add(values_hash(oracle, values))


def set_base_state(oracle: keras_tuner.Oracle, state: dict[str, Any]) -> None:
    """Set the state every keras-tuner oracle has, leaving a subclass's own state."""
    keras_tuner.Oracle.set_state(oracle, state)


def display_state(oracle: keras_tuner.Oracle) -> dict[str, Any]:
    """The oracle's progress display's state, part of ``oracle.json``."""
    return oracle._display.get_state()


def new_trial(oracle: keras_tuner.Oracle, tuner_id: str, trial_id: str) -> Any:
    """keras-tuner 1.4.8's ``Oracle.create_trial`` for a new trial, with the id given.

    keras-tuner numbers a new trial ``len(oracle.trials)``, which names an existing
    trial once a trial's folder was deleted; the caller picks an id never used.
    The caller holds the oracle's lock.
    """
    oracle.tuner_ids.add(tuner_id)
    if oracle.max_trials and len(oracle.trials) >= oracle.max_trials:
        response: dict[str, Any] = {"status": KTStatus.STOPPED, "values": None}
    else:
        response = oracle.populate_space(trial_id)
    status = response["status"]
    hyperparameters = oracle.hyperparameters.copy()
    hyperparameters.values = response.get("values") or {}
    trial = Trial(hyperparameters=hyperparameters, trial_id=trial_id, status=status)
    if status == KTStatus.RUNNING:
        oracle._record_values(trial)
        oracle.ongoing_trials[tuner_id] = trial
        oracle.trials[trial_id] = trial
        oracle.start_order.append(trial_id)
        oracle._save_trial(trial)
        oracle.save()
        oracle._display.on_trial_begin(trial)
    if status == KTStatus.STOPPED:
        oracle.tuner_ids.discard(tuner_id)
    return trial


@contextlib.contextmanager
def quiet_failed_trials() -> Iterator[None]:
    """While inside, keras-tuner prints no traceback for a failed or invalid trial.

    keras-tuner 1.4.8 ships with ``config.DEBUG = True``, which prints a full traceback
    for an expected outcome such as a stride that shrinks the feature map below 1x1.
    tunekit records the reason in the trial's record and shows it in one line. The
    setting is keras-tuner's, global to the process: it is put back on leaving, so
    other code in the process (a user's own search) keeps the tracebacks it chose.
    """
    before = kt_config.DEBUG
    kt_config.DEBUG = False
    try:
        yield
    finally:
        kt_config.DEBUG = before
