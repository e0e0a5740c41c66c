"""What each process of the lock contention test runs; light, so processes start fast."""

from __future__ import annotations

import time
from pathlib import Path

from tunekit.errors import StudyLockedError
from tunekit.tuning.lock import study_lock


def contend(folder: str, barrier, holders, overlaps) -> None:
    """Wait at the barrier, try the lock, and count how many hold it at once."""
    barrier.wait()
    try:
        with study_lock(Path(folder)):
            with holders.get_lock():
                holders.value += 1
                if holders.value > 1:
                    overlaps.value += 1
            time.sleep(0.005)  # hold it long enough for a racing process to get in
            with holders.get_lock():
                holders.value -= 1
    except StudyLockedError:
        pass
