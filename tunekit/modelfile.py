"""A trained model as one ``.keras`` file that plain keras opens, and what tunekit knows of it.

The file is keras's own format, saved uncompiled: architecture and weights, no loss
or optimizer. The clock family trains some representations with a loss of its own
(the circular distance), which plain keras could not load; a model for prediction
needs none, and ``model.compile(...)`` makes it trainable again. Activations that
are keras operations (the clock's ``cos``) are named by their public keras name, so
``keras.saving.load_model(path)`` needs no ``custom_objects`` and no ``import tunekit``.

Next to keras's members the file holds ``tunekit.json`` (keras ignores it): the
family, the hyper-parameters, the input the model expects and the class names, so
``tunekit predict`` can prepare inputs and decode outputs (clock times).
"""

from __future__ import annotations

import json
import math
import os
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from tunekit.errors import FileAccessError, TunekitError
from tunekit.tuning.best import BestTrial, best_model

#: The member of a ``.keras`` file that tunekit adds; keras reads only its own members.
MODEL_INFO_FILE = "tunekit.json"
_KERAS_CONFIG = "config.json"


@dataclass(frozen=True)
class ModelInfo:
    """What tunekit knows of an exported model.

    Attributes:
        family: The model family, e.g. ``mlp``.
        hyperparameters: Every hyper-parameter's value.
        input_shape: Shape of one input image, e.g. ``[28, 28]``.
        num_classes: Label values of a classifier (0 for clocks).
        dataset: The dataset the study trained on.
        class_names: Name of each label value ([] when unknown).
        permute: Seed of the pixel permutation the training images had, or None.
        scaled: Whether the model takes pixels scaled to [0, 1] (else uint8 0-255).
        study: The study directory it came from.
        trial_id: Its trial.
        objective: The study's objective.
        score: The trial's score on the objective.
    """

    family: str
    hyperparameters: dict[str, Any]
    input_shape: list[int]
    num_classes: int
    dataset: str = ""
    class_names: list[str] = field(default_factory=list)
    permute: int | None = None
    scaled: bool = True
    study: str = ""
    trial_id: str = ""
    objective: str = ""
    score: float | None = None

    @property
    def representation(self) -> str | None:
        """The clock label representation, or None for a classifier."""
        value = self.hyperparameters.get("representation")
        return str(value) if self.family == "clock" and value is not None else None


def model_info(best: BestTrial) -> ModelInfo:
    """Describe the best trial's model for its ``.keras`` file."""
    from tunekit.data import dataset_spec
    from tunekit.errors import UnknownNameError

    try:
        class_names = list(dataset_spec(best.dataset).class_names)
    except UnknownNameError:
        class_names = []
    score = best.record.score
    return ModelInfo(
        family=best.record.family,
        hyperparameters=dict(best.record.hyperparameters),
        input_shape=list(best.shape.input_shape),
        num_classes=best.shape.num_classes,
        dataset=best.dataset,
        class_names=class_names,
        permute=best.permute,
        scaled=best.record.family != "clock",  # the clock models rescale uint8 themselves
        study=str(best.study_dir),
        trial_id=best.record.trial_id,
        objective=best.objective,
        score=score if score is not None and math.isfinite(score) else None,
    )


def export_model(best: BestTrial, path: Path) -> Path:
    """Write the best trial's model (architecture and best weights) to a ``.keras`` file.

    The file is written whole or not at all.

    Raises:
        TunekitError: ``path`` does not end in ``.keras``.
        MissingWeightsError: The trial's weights are not on disk.
        FileAccessError: The file cannot be written.
    """
    import keras

    path = Path(path)
    if path.suffix != ".keras":
        raise TunekitError(f"{path}: a Keras model file must end in .keras (e.g. model.keras).")
    trained = best_model(best)
    # The same layers, uncompiled: no loss or optimizer for keras to look up.
    model = type(trained).from_config(plain_functions(trained.get_config()))
    model.set_weights(trained.get_weights())
    tmp = path.with_name(f".{path.stem}.{os.getpid()}.tmp.keras")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        keras.saving.save_model(model, tmp)
        _rewrite(tmp, path, model_info(best))
    except OSError as exc:
        raise FileAccessError.from_os_error(exc) from None
    finally:
        tmp.unlink(missing_ok=True)
    return path


def _rewrite(source: Path, target: Path, info: ModelInfo) -> None:
    """Copy a keras file with plain-keras function names and tunekit's info, atomically."""
    staged = target.with_name(f".{target.stem}.{os.getpid()}.staged.keras")
    try:
        with zipfile.ZipFile(source) as src, zipfile.ZipFile(staged, "w") as dst:
            for item in src.infolist():
                data = src.read(item.filename)
                if item.filename == _KERAS_CONFIG:
                    data = json.dumps(plain_functions(json.loads(data))).encode()
                dst.writestr(item, data)
            dst.writestr(MODEL_INFO_FILE, json.dumps(asdict(info), indent=1))
        staged.replace(target)
    finally:
        staged.unlink(missing_ok=True)


def plain_functions(config: Any) -> Any:
    """Name keras operations used as functions (``keras.ops.cos``) by their public name.

    keras saves a bare function as ``{"module": "builtins", "config": "cos"}``, which it
    can load only as a registered custom object; ``"module": "keras.ops"`` it finds.
    """
    import keras

    if isinstance(config, list):
        return [plain_functions(item) for item in config]
    if not isinstance(config, dict):
        return config
    if (
        config.get("class_name") == "function"
        and config.get("module") == "builtins"
        and isinstance(config.get("config"), str)
        and callable(getattr(keras.ops, config["config"], None))
        and not hasattr(keras.activations, config["config"])
    ):
        return {**config, "module": "keras.ops"}
    return {key: plain_functions(value) for key, value in config.items()}


def read_model_info(path: Path) -> ModelInfo | None:
    """The tunekit info of a ``.keras`` file, or None for a file tunekit did not write."""
    try:
        with zipfile.ZipFile(path) as archive:
            data = json.loads(archive.read(MODEL_INFO_FILE))
    except (KeyError, ValueError, zipfile.BadZipFile):
        return None
    if not isinstance(data, dict):
        return None
    known = set(ModelInfo.__dataclass_fields__)
    try:
        return ModelInfo(**{k: v for k, v in data.items() if k in known})
    except TypeError:
        return None


def load_model_file(path: Path) -> Any:
    """Open a ``.keras`` file with plain keras, uncompiled.

    Raises:
        TunekitError: The file is missing or is not a keras model.
    """
    import keras

    import tunekit.hypermodels.dial_layers  # noqa: F401  registers the dial reader's layers

    path = Path(path)
    if not path.is_file():
        raise TunekitError(f"{path} does not exist; give a .keras file (tunekit best --export).")
    try:
        return keras.saving.load_model(path, compile=False)
    except Exception as exc:  # keras raises many kinds for a file that is not a model
        first = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
        raise TunekitError(
            f"{path} is not a Keras model file ({type(exc).__name__}: {first})."
        ) from None
