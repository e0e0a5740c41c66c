"""glibc's thresholds, which TensorFlow's generator datasets lower, are put back each batch."""

from __future__ import annotations

import sys

import pytest

from tunekit.tuning import heap


class _FakeLibc:
    def __init__(self) -> None:
        self.calls: list[tuple[int, int]] = []

    def mallopt(self, parameter: int, value: int) -> int:
        self.calls.append((parameter, value))
        return 1


def test_keep_freed_memory_sets_glibcs_trim_and_mmap_thresholds(monkeypatch):
    libc = _FakeLibc()
    monkeypatch.setattr(heap, "_glibc", lambda: libc)
    assert heap.keep_freed_memory() is True
    assert libc.calls == [(-1, 256 * 2**20), (-3, 32 * 2**20)]  # M_TRIM_, M_MMAP_THRESHOLD


def test_without_glibc_nothing_is_set(monkeypatch):
    monkeypatch.setattr(heap, "_glibc", lambda: None)
    assert heap.keep_freed_memory() is False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc is Linux's")
def test_glibc_accepts_the_thresholds():
    assert heap.keep_freed_memory() is True


def test_the_callback_resets_the_thresholds_each_epoch_and_batch(monkeypatch):
    libc = _FakeLibc()
    monkeypatch.setattr(heap, "_glibc", lambda: libc)
    callback = heap.keep_freed_memory_callback()
    callback.on_epoch_begin(0)
    callback.on_train_batch_begin(0)
    assert len(libc.calls) == 4


def test_training_runs_with_the_callback(monkeypatch):
    """train_execution passes it to fit, first, whatever the family's callbacks."""
    from tunekit.tuning import training

    seen: list[list[object]] = []

    def fit(model, x, y, **kwargs):
        seen.append(kwargs["callbacks"])
        raise RuntimeError("stop here")

    with pytest.raises(RuntimeError, match="stop here"):
        training.train_execution(
            type("M", (), {"steps_per_execution": 1})(), fit, (None, None, None, None),
            seed=0, epochs=1, patience=1, on_epoch=lambda *a: None, evaluate=lambda m: ({}, {}),
        )  # fmt: skip
    assert type(seen[0][0]).__name__ == "KeepFreedMemory"
