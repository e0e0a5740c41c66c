"""Train one execution of a model: early stopping, divergence and best weights."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

import keras
import numpy as np

from tunekit.records.trial import ExecutionRecord, TrialStatus
from tunekit.tuning.heap import keep_freed_memory_callback

#: Batches per call into the backend. Keras's default, 1, spends most of a small model's
#: epoch on per-step overhead: 32 trains the reference MLP about twice as fast on 2 CPU
#: cores, with the same weights to the bit (benchmarks/levers.py, benchmarks/README.md).
STEPS_PER_EXECUTION = 32

EpochHook = Callable[[int, dict[str, float]], None]
#: ``evaluate(model)`` returns the test metrics and family-specific extras; the extra
#: ``TEST_PREDICTED`` (a classifier's predicted classes) goes to its own record field.
Evaluator = Callable[[Any], tuple[dict[str, float], dict[str, Any]]]
TEST_PREDICTED = "test_predicted"


#: Input values per batch when predicting the test classes: about 1,300 28x28 images.
#: Each eager call costs milliseconds of Python whatever its size, so 512-image batches
#: spent 0.2 s a trial on the MLP and these spend 0.08 s (benchmarks/README.md).
PREDICT_VALUES = 2**20


def class_predictions(model: Any, x: Any, batch_size: int = 512) -> tuple[int, ...] | None:
    """Each test image's predicted class, or ``None`` if the output is not class scores.

    The model is called batch by batch, not through ``predict``: a new ``predict``
    function per trial makes TensorFlow warn about retracing in the user's terminal.
    Batches hold at least ``batch_size`` images, more when the images are small.
    The report pairs these with the test labels.
    """
    per_image = max(1, int(np.prod(np.shape(x)[1:])))
    rows = max(batch_size, PREDICT_VALUES // per_image)
    batches = [model(x[i : i + rows], training=False) for i in range(0, len(x), rows)]
    if not batches or isinstance(batches[0], (list, tuple, dict)):
        return None  # several outputs: not one row of class scores per image
    scores = np.concatenate([keras.ops.convert_to_numpy(b) for b in batches])
    if scores.ndim != 2 or scores.shape[1] < 2 or scores.shape[0] != len(x):
        return None
    return tuple(np.argmax(scores, axis=1).tolist())


def use_fast_steps(model: Any) -> int:
    """Run ``STEPS_PER_EXECUTION`` batches per call, unless the model was compiled with its own.

    Returns:
        The number of batches per call the model trains with.
    """
    if getattr(model, "steps_per_execution", 1) == 1 and keras.backend.backend() != "torch":
        model.steps_per_execution = STEPS_PER_EXECUTION  # keras's torch trainer runs 1 only
    return int(model.steps_per_execution)


class _Monitor(keras.callbacks.Callback):
    """Early stopping on ``val_loss`` that also catches divergence and keeps the best weights.

    Keras's ``EarlyStopping`` only restores the best weights when it stops training
    itself, and ``TerminateOnNaN`` does not say which epoch diverged; one callback
    doing both keeps the record exact.
    """

    def __init__(self, patience: int, on_epoch: EpochHook) -> None:
        super().__init__()
        self.patience = patience
        self.on_epoch = on_epoch
        self.best_loss = math.inf
        self.best_epoch = 0
        self.best_weights: list[np.ndarray] | None = None
        self.wait = 0
        self.early_stopped = False
        self.diverged: str | None = None

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        logs = {k: float(v) for k, v in (logs or {}).items()}
        self.on_epoch(epoch + 1, logs)
        bad = [k for k in ("loss", "val_loss") if not math.isfinite(logs.get(k, math.nan))]
        if bad:
            self.diverged = f"{bad[0]} became {logs.get(bad[0])} at epoch {epoch + 1}"
            self.model.stop_training = True
            return
        if logs["val_loss"] < self.best_loss:
            self.best_loss = logs["val_loss"]
            self.best_epoch = epoch + 1
            self.best_weights = self.model.get_weights()
            self.wait = 0
            return
        self.wait += 1
        if self.wait >= self.patience:
            self.early_stopped = True
            self.model.stop_training = True


def train_execution(
    model: Any,
    fit: Callable[..., Any],
    data: tuple[np.ndarray, ...],
    *,
    seed: int,
    epochs: int,
    patience: int,
    on_epoch: EpochHook,
    evaluate: Evaluator,
    callbacks: list[Any] | None = None,
    initial_epoch: int = 0,
) -> ExecutionRecord:
    """Train ``model`` once and evaluate its best weights on the test split.

    Args:
        model: A compiled keras model, built after the seed was set.
        fit: ``fit(model, x, y, **kwargs)``, the HyperModel's fit.
        data: ``(x_train, y_train, x_val, y_val)``, targets encoded for the loss.
        seed: The seed this execution was built and trained with (recorded).
        epochs: Maximum number of epochs.
        patience: Epochs without a lower ``val_loss`` before stopping.
        on_epoch: Called after every epoch with the 1-based epoch and its logs.
        evaluate: Scores the best weights on the test split.
        callbacks: Family callbacks that add metrics to each epoch's logs; they run
            before early stopping, so it sees what they add.
        initial_epoch: Epochs the model was trained before (Hyperband continues a
            model of an earlier round); ``epochs`` counts them too.

    Returns:
        The execution's record; a loss that becomes NaN or infinite is recorded as
        diverged, with the test metrics of the best weights seen before it. Its
        history holds the epochs trained here; ``best_epoch`` counts from the
        model's first epoch.
    """
    x_train, y_train, x_val, y_val = data
    use_fast_steps(model)
    monitor = _Monitor(patience, on_epoch)
    start = time.perf_counter()
    history = fit(
        model,
        x_train,
        y_train,
        validation_data=(x_val, y_val),
        epochs=epochs,
        initial_epoch=initial_epoch,
        callbacks=[keep_freed_memory_callback(), *(callbacks or []), monitor],
        verbose=0,
    )
    seconds = time.perf_counter() - start
    logs = {k: [float(v) for v in vs] for k, vs in history.history.items()}
    if monitor.best_weights is not None:
        model.set_weights(monitor.best_weights)
    test_metrics, extra = evaluate(model)
    extra = dict(extra)
    predicted = extra.pop(TEST_PREDICTED, None)
    best = monitor.best_epoch
    at = best - initial_epoch - 1  # the best epoch's place in this history
    val_metrics = {k[4:]: vs[at] for k, vs in logs.items() if k.startswith("val_")} if best else {}
    return ExecutionRecord(
        seed=seed,
        history=logs,
        epochs_run=len(logs.get("loss", [])),
        best_epoch=best,
        early_stopped=monitor.early_stopped,
        train_seconds=seconds,
        val_metrics=val_metrics,
        test_metrics={k: float(v) for k, v in test_metrics.items()},
        status=TrialStatus.DIVERGED if monitor.diverged else TrialStatus.COMPLETED,
        reason=monitor.diverged,
        extra=extra,
        test_predicted=predicted,
    )
