"""The heaps of a search: Python's garbage collector, and glibc's handing memory back.

Keep Python's garbage collector off the objects that live through a whole search.

Every trial clears the Keras session, and ``keras.backend.clear_session`` runs a full
``gc.collect``. After TensorFlow, Keras and keras-tuner are imported that pass walks
millions of long-lived objects and costs about 0.22 s a trial on 2 CPU cores.
``gc.freeze`` moves the objects alive before the search to a generation the collector
skips, so each trial's collection walks only what the trials made: about 0.00 s
(benchmarks/trial_overhead.py, benchmarks/README.md). Reference counting still frees
those objects as usual; only cycles among them wait until the search ends.

TensorFlow's generator datasets (what Keras makes of a ``PyDataset``: fresh or turned
clocks) set glibc's ``M_TRIM_THRESHOLD`` to 128 kB, which also fixes glibc's mmap threshold
at 128 kB: every tensor larger than that is mapped and unmapped again, page by page. On
the dial reader that cost half the CPU in the kernel and trained 25 clocks/s instead of
77 (benchmarks/malloc_thresholds.py). ``KeepFreedMemory`` puts the thresholds back to
what glibc would reach on its own before each batch.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import functools
import gc
from collections.abc import Iterator
from typing import Any

_M_TRIM_THRESHOLD = -1  # glibc's mallopt parameters (malloc.h)
_M_MMAP_THRESHOLD = -3
#: Freed memory glibc keeps for reuse before it hands the top of the heap back.
TRIM_THRESHOLD = 256 * 2**20
#: Blocks from this size on are mapped on their own: glibc's largest dynamic threshold.
MMAP_THRESHOLD = 32 * 2**20


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


@functools.cache
def _glibc() -> Any:
    """glibc, or None where the C library is another (macOS, musl, Windows)."""
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
    except OSError:
        return None
    return libc if libc is not None and hasattr(libc, "mallopt") else None


def keep_freed_memory() -> bool:
    """Set glibc's trim and mmap thresholds to ``TRIM_THRESHOLD`` and ``MMAP_THRESHOLD``.

    Returns:
        Whether both were set (False without glibc).
    """
    libc = _glibc()
    if libc is None:
        return False
    trimmed = libc.mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD)
    mapped = libc.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)
    return bool(trimmed and mapped)


def keep_freed_memory_callback() -> Any:
    """A keras callback that calls ``keep_freed_memory`` as each epoch and batch begins."""
    import keras

    class KeepFreedMemory(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch: int, logs: Any = None) -> None:
            keep_freed_memory()

        def on_train_batch_begin(self, batch: int, logs: Any = None) -> None:
            keep_freed_memory()

    return KeepFreedMemory()
