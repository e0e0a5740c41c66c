"""A keras-tuner oracle that works through a fixed list of variants and survives kills.

keras-tuner 1.4.8's ``GridSearchOracle`` keeps its position in the grid in memory
only, so a study resumed after a hard kill skips the grid points it had not reached.
``PlanOracle`` holds no position at all: each time it is asked for a trial it looks
at the trials that exist on disk and hands out the first variant that has none.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import keras_tuner
from keras_tuner.src.engine import trial as trial_module

from tunekit.tuning.plan import Variant, values_key

_RUNNING = trial_module.TrialStatus.RUNNING
_STOPPED = trial_module.TrialStatus.STOPPED
_INVALID = trial_module.TrialStatus.INVALID


class PlanOracle(keras_tuner.Oracle):
    """Hands out each variant of a plan exactly once, across any number of restarts.

    Args:
        plan: The variants to train, in order.
        objective: The metric to optimise, e.g. ``keras_tuner.Objective("val_accuracy", "max")``.
        **kwargs: Passed to ``keras_tuner.Oracle``.
    """

    def __init__(self, plan: Sequence[Variant], objective: Any, **kwargs: Any) -> None:
        # A diverged or failed variant is a result: it must never end the study.
        kwargs.setdefault("max_consecutive_failed_trials", 10**9)
        super().__init__(objective=objective, max_trials=None, **kwargs)
        self.plan = list(plan)

    def populate_space(self, trial_id: str) -> dict[str, Any]:
        """Return the first variant that no trial on disk has taken, or stop."""
        taken = {
            values_key(trial.hyperparameters.values)
            for trial in self.trials.values()
            if trial.status != _INVALID
        }
        for variant in self.plan:
            if variant.key not in taken:
                return {"status": _RUNNING, "values": dict(variant.values)}
        return {"status": _STOPPED, "values": None}

    def reload(self) -> None:
        """Reload, then rerun exactly the trials a killed process left running.

        keras-tuner queues every trial that ``oracle.json`` lists as ongoing. That
        list is saved before a finished trial is removed from it, so a kill at the
        wrong moment would rerun a completed trial; and a kill between a trial's own
        file and ``oracle.json`` leaves a running trial that no list names. The
        queue is therefore rebuilt from the trials' own status files.
        """
        super().reload()
        planned = {variant.key for variant in self.plan}
        self._retry_queue = sorted(
            (
                trial_id
                for trial_id, trial in self.trials.items()
                if trial.status == _RUNNING and values_key(trial.hyperparameters.values) in planned
            ),
            reverse=True,  # keras-tuner pops from the end: rerun in trial order
        )

    def variant_for(self, values: dict[str, Any]) -> Variant | None:
        """Return the plan's variant with exactly these values, if any."""
        key = values_key(values)
        return next((v for v in self.plan if v.key == key), None)
