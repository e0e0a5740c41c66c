"""Keep Python's garbage collector off the objects that live through a whole search.

Every trial clears the Keras session, and ``keras.backend.clear_session`` runs a full
``gc.collect``. After TensorFlow, Keras and keras-tuner are imported that pass walks
millions of long-lived objects and costs about 0.22 s a trial on 2 CPU cores.
``gc.freeze`` moves the objects alive before the search to a generation the collector
skips, so each trial's collection walks only what the trials made: about 0.00 s
(benchmarks/trial_overhead.py, benchmarks/README.md). Reference counting still frees
those objects as usual; only cycles among them wait until the search ends.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def frozen_heap() -> Iterator[None]:
    """Freeze the objects alive now for the block; unfreeze them when it ends.

    Nested use is correct but loses the gain: an inner block's end returns every frozen
    object to the collector, so the rest of the outer block runs unfrozen.
    """
    gc.collect()  # what is garbage now is freed now, not kept for the whole search
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
