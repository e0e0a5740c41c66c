"""The user's own model: a keras-tuner build function or HyperModel as a tunekit family.

``tunekit study FILE.py:NAME`` (or ``package.module:NAME``) names either a function
``build(hp)`` that returns a compiled keras model, or a ``keras_tuner.HyperModel``
subclass or instance. Its hyper-parameters are found by building the model once with
a fresh ``keras_tuner.HyperParameters()``, so only those declared on the path the
default values take are seen. Each becomes a space of its own name:

- ``hp.Choice(name, values, default=...)``: the values; the default is the reference.
- ``hp.Boolean(name)``: ``False`` and ``True``.
- ``hp.Int`` and ``hp.Float`` with a ``step``: every step from ``min_value`` to
  ``max_value`` (``sampling="log"`` multiplies by the step). ``hp.Int`` without a step
  counts in ones, as keras-tuner does.
- ``hp.Fixed(name, value)``: a reference value that no space varies.

A range without a step has no values to try and is refused, as is a range of more
than ``MAX_VALUES`` values. The family's name is the absolute ``FILE.py:NAME``, so
the study's metadata finds the file again from any folder (resume, workers, reports).
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tunekit.errors import ModelFileError
from tunekit.hypermodels._family import DataShape, Family, HPValue, Space
from tunekit.pyfile import import_file, import_module, one_line

#: A space with more values than this is refused: a one-factor study trains each.
MAX_VALUES = 100
_FORMS = "FILE.py:NAME or package.module:NAME"


def is_model_spec(name: str) -> bool:
    """Whether ``name`` names a user's model (``FILE.py:NAME``, ``package.module:NAME``)."""
    target, sep, attr = name.rpartition(":")
    return bool(sep and target and attr)


def _split(spec: str) -> tuple[Path | None, str, str]:
    """``(path or None, module name or path text, NAME)`` of a model spec.

    Raises:
        ModelFileError: ``spec`` has neither form.
    """
    target, _, attr = spec.rpartition(":")
    if not attr.isidentifier():
        raise ModelFileError(f"{spec}: {attr!r} is not a Python name; give {_FORMS}.")
    if target.endswith(".py") or "/" in target or os.sep in target:
        return Path(target).expanduser(), target, attr
    if not all(part.isidentifier() for part in target.split(".")):
        raise ModelFileError(f"{spec}: not a file or module; give {_FORMS}.")
    return None, target, attr


def absolute_model_spec(spec: str, base: Path | None = None) -> str:
    """``spec`` with its file made absolute (relative to ``base``, default the working dir)."""
    path, target, attr = _split(spec)
    if path is None:
        return spec
    if not path.is_absolute():
        path = (base or Path.cwd()) / path
    return f"{path.resolve()}:{attr}"


def model_dir_name(spec: str) -> str:
    """A short name for a study directory: ``my_model-build`` for ``.../my_model.py:build``."""
    path, target, attr = _split(spec)
    stem = path.stem if path is not None else target.rpartition(".")[2]
    return f"{stem}-{attr}"


def load_user_family(spec: str) -> Family:
    """Load the model ``spec`` names and describe it as a tunekit family.

    Raises:
        ModelFileError: The file cannot be imported or lacks NAME; NAME is no build
            function or HyperModel; the model it builds is not a compiled keras model;
            or a hyper-parameter has no discrete values. One line, naming the file.
    """
    path, target, attr = _split(spec)
    stamp = path.stat().st_mtime_ns if path is not None and path.is_file() else 0
    return _load(spec, stamp)


_LOADED: dict[tuple[str, int], Family] = {}


def _load(spec: str, stamp: int) -> Family:
    """``load_user_family``, once per spec and file version: it builds a model."""
    if (spec, stamp) not in _LOADED:
        _LOADED[(spec, stamp)] = _family(spec)
    return _LOADED[(spec, stamp)]


def _find(spec: str) -> tuple[Any, str]:
    """The user's HyperModel (or a stand-in for a build function) and the file's name."""
    import keras_tuner

    path, target, attr = _split(spec)
    if path is not None:
        if not path.is_file():
            raise ModelFileError(f"{path}: no such file; give {_FORMS}.")
        module, source = import_file(path, ModelFileError), str(path)
    else:
        module, source = import_module(target, ModelFileError), target
    found = getattr(module, attr, None)
    if found is None:
        raise ModelFileError(
            f"{source}: has no {attr}; define {attr}(hp) returning a compiled keras model, "
            "or a keras_tuner.HyperModel."
        )
    if isinstance(found, type) and issubclass(found, keras_tuner.HyperModel):
        try:
            found = found()
        except Exception as exc:  # the user's code
            raise ModelFileError(f"{source}: {attr}() failed ({one_line(exc)}).") from None
    if isinstance(found, keras_tuner.HyperModel):
        return found, source
    if callable(found):
        return _BuildFunction(found), source
    raise ModelFileError(
        f"{source}: {attr} is a {type(found).__name__}, not a build function or a "
        "keras_tuner.HyperModel."
    )


@dataclass(frozen=True)
class _BuildFunction:
    """A plain ``build(hp)`` in the shape of a HyperModel without its own ``fit``."""

    build: Any


@dataclass(frozen=True)
class UserModel:
    """The user's HyperModel and what a trial needs to build and fit it.

    Attributes:
        hypermodel: The user's HyperModel, or a build function in its shape.
        source: The file (or module) and NAME, for messages.
        declared: The hyper-parameters found by building once, as keras-tuner config.
    """

    hypermodel: Any
    source: str
    declared: Mapping[str, Any]

    def hyperparameters(self, values: Mapping[str, Any]) -> Any:
        """A ``keras_tuner.HyperParameters`` holding every declared one, set to ``values``."""
        import keras_tuner

        hp = keras_tuner.HyperParameters.from_config(dict(self.declared))
        for name, value in values.items():
            hp.values[name] = value
        return hp

    def build(self, values: Mapping[str, Any], shape: DataShape | None = None) -> Any:
        """Build the user's model for ``values`` and check it is compiled.

        Raises:
            ModelFileError: The build failed or gave no compiled keras model.
        """
        return _checked_model(self.hypermodel.build(self.hyperparameters(values)), self.source)

    def fit(self, values: Mapping[str, Any], model: Any, *args: Any, **kwargs: Any) -> Any:
        """The user's own ``HyperModel.fit``, given the trial's values."""
        return self.hypermodel.fit(self.hyperparameters(values), model, *args, **kwargs)

    @property
    def has_fit(self) -> bool:
        """Whether the user's HyperModel defines its own ``fit``."""
        import keras_tuner

        fit = getattr(type(self.hypermodel), "fit", None)
        return fit is not None and fit is not keras_tuner.HyperModel.fit


def _checked_model(model: Any, source: str) -> Any:
    import keras

    if not isinstance(model, keras.Model):
        raise ModelFileError(
            f"{source}: the build returned a {type(model).__name__}, not a keras.Model; "
            "return the compiled model."
        )
    if not getattr(model, "compiled", False):
        raise ModelFileError(
            f"{source}: the model is not compiled; call model.compile(optimizer, loss, "
            "metrics=['accuracy']) before returning it."
        )
    return model


def _family(spec: str) -> Family:
    """Build the user's model once, read its hyper-parameters and metrics, make a family."""
    import keras
    import keras_tuner

    hypermodel, source = _find(spec)
    source = f"{source}:{spec.rpartition(':')[2]}"
    hp = keras_tuner.HyperParameters()
    try:
        model = hypermodel.build(hp)
    except ModelFileError:
        raise
    except Exception as exc:  # the user's code
        raise ModelFileError(f"{source}: building the model failed ({one_line(exc)}).") from None
    model = _checked_model(model, source)
    metrics = _metric_names(model)
    keras.backend.clear_session()
    spaces, reference = {}, {}
    for declared in hp.space:
        reference[declared.name], values, description = _describe(declared, source)
        if values is not None:
            spaces[declared.name] = Space(declared.name, declared.name, values, description)
    user = UserModel(hypermodel, source, hp.get_config())
    objective = "val_accuracy" if "accuracy" in metrics else "val_loss"
    return Family(
        name=spec,
        description="your own keras-tuner model",
        reference=reference,
        spaces=spaces,
        build=user.build,
        prepare_targets=lambda values, y, num_classes: y,  # labels as they are: class numbers
        batch_size=lambda values: 32,  # keras's default, as keras-tuner's fit would use
        objective=objective,
        worst_score=1e6 if objective == "val_loss" else 0.0,
        fit=user.fit if user.has_fit else None,
        evaluate=_evaluate_as_given if user.has_fit else None,
        metrics=("val_loss", *(f"val_{name}" for name in metrics if name != "loss")),
    )


def _evaluate_as_given(
    model: Any, values: Mapping[str, Any], x: Any, y: Any
) -> tuple[dict[str, float], dict[str, Any]]:
    """Test metrics on the labels as they are, or none if the model's ``fit`` encodes them.

    A HyperModel with its own ``fit`` may one-hot its labels there; keras-tuner has no
    hook to do the same for the test split, so such a model has no test metrics.
    """
    try:
        metrics = model.evaluate(x, y, batch_size=512, verbose=0, return_dict=True)
    except ValueError:  # keras: targets of another shape than the model's outputs
        return {}, {}
    from tunekit.tuning.training import TEST_PREDICTED, class_predictions

    predicted = class_predictions(model, x) if getattr(y, "ndim", 1) == 1 else None
    return {k: float(v) for k, v in metrics.items()}, {TEST_PREDICTED: predicted}


def _metric_names(model: Any) -> list[str]:
    """The names of the compiled model's metrics, as its epoch logs call them."""
    names = []
    for metric in model.get_compile_config().get("metrics") or []:
        if isinstance(metric, str):
            names.append(metric)
        elif isinstance(metric, Mapping) and "name" in metric.get("config", {}):
            names.append(str(metric["config"]["name"]))
    return names


def _describe(declared: Any, source: str) -> tuple[HPValue, tuple[HPValue, ...] | None, str]:
    """The reference value, the values (None: fixed) and a description of one hp.

    Raises:
        ModelFileError: A range without a step, or with too many values.
    """
    from keras_tuner.engine import hyperparameters as kt

    name = declared.name
    if isinstance(declared, kt.Fixed):
        return declared.value, None, "fixed"
    if isinstance(declared, kt.Boolean):
        return bool(declared.default), (False, True), "hp.Boolean"
    if isinstance(declared, kt.Choice):
        return declared.default, tuple(declared.values), "hp.Choice"
    if isinstance(declared, kt.Int | kt.Float):
        kind = "Int" if isinstance(declared, kt.Int) else "Float"
        if declared.step is None:
            raise ModelFileError(
                f"{source}: hp.{kind}({name!r}) has no step, so no values to try; add step=, "
                f"or use hp.Choice({name!r}, [...])."
            )
        values = _range(declared)
        if len(values) > MAX_VALUES:
            raise ModelFileError(
                f"{source}: hp.{kind}({name!r}) has {len(values)} values, more than "
                f"{MAX_VALUES}; give a larger step=, or use hp.Choice({name!r}, [...])."
            )
        default = declared.default
        text = f"hp.{kind} {declared.min_value} to {declared.max_value}, step {declared.step}"
        if declared.sampling != "linear":
            text += f" ({declared.sampling})"
        return (int(default) if kind == "Int" else _tidy(default)), values, text
    raise ModelFileError(f"{source}: hyper-parameter {name!r} is of an unknown kind.")


def _range(declared: Any) -> tuple[HPValue, ...]:
    """Every value of a stepped ``hp.Int`` or ``hp.Float``, smallest first."""
    low, high, step = declared.min_value, declared.max_value, declared.step
    if declared.sampling == "linear":
        count = int((high - low) // step + 1)
        values = [low + i * step for i in range(count)]
    else:  # log and reverse_log: the step multiplies
        count = int(math.log(high / low, step) + 1e-8) + 1
        values = [low * step**i for i in range(count)]
        if declared.sampling == "reverse_log":
            values = sorted(high + low - v for v in values)
    if isinstance(low, int) and isinstance(step, int):
        return tuple(int(v) for v in values)
    return tuple(_tidy(v) for v in values)


def _tidy(value: float) -> float:
    """``0.30000000000000004`` as ``0.3``: values are shown and stored in records."""
    return float(f"{float(value):.10g}")
