"""What a report page shows: sections of blocks (heading, text, figure, tables), page-neutral.

``index.html`` and ``report.md`` render the same sections, so both say the same.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from tunekit.config import SearchSettings, TunerKind
from tunekit.records.study import StudyRecords
from tunekit.records.trial import TrialStatus
from tunekit.report._tables import DisplayTable


@dataclass(frozen=True)
class Block:
    """One part of a section, shown in this order: heading, text, note, figure, tables.

    Attributes:
        heading: The block's heading.
        text: A paragraph saying how to read it.
        notes: Highlighted sentences (results, or why something is not shown).
        figure: A PNG, relative to the report directory (an SVG of it may lie beside it).
        caption: The figure's caption.
        tables: Tables shown below.
    """

    heading: str
    text: str = ""
    notes: tuple[str, ...] = ()
    figure: Path | None = None
    caption: str = ""
    tables: tuple[DisplayTable, ...] = ()


@dataclass(frozen=True)
class Section:
    """One study, or one group of studies (a permutation study), on the page.

    Attributes:
        anchor: An id for links within the page.
        title: The section's heading.
        facts: (name, text) pairs a reader needs to judge it.
        notes: Sentences shown above the blocks (trials still running, ...).
        blocks: Its figures and tables.
        downloads: (name, path relative to the report directory) of its files.
    """

    anchor: str
    title: str
    facts: tuple[tuple[str, str], ...]
    notes: tuple[str, ...]
    blocks: tuple[Block, ...]
    downloads: tuple[tuple[str, Path], ...]


def anchor(name: str) -> str:
    """An id for links within the page, from a directory name."""
    return "study-" + "".join(ch if ch.isalnum() else "-" for ch in name)


def _size(data: Mapping[str, object], split: str) -> int | None:
    """A split's size, under whichever key the data set's description uses."""
    sizes = (data.get(key) for key in (split, f"{split}_size", f"n_{split}"))
    return next((n for n in sizes if isinstance(n, int) and not isinstance(n, bool)), None)


def summary_items(study: StudyRecords) -> list[tuple[str, str]]:
    """The facts a reader needs to judge a study, as (name, text) pairs."""
    meta = study.meta
    data = meta.data.details
    counts: dict[str, int] = {}
    for record in study.records:
        counts[record.status.value] = counts.get(record.status.value, 0) + 1
    trials = ", ".join(f"{counts[s.value]} {s.value}" for s in TrialStatus if s.value in counts)
    sizes = ", ".join(f"{k} {n:,}" for k in ("train", "val", "test") if (n := _size(data, k)))
    variant = ", ".join(
        f"{k} {v}"
        for k, v in (("subset", meta.data.subset), ("permute", meta.data.permute))
        if v not in (None, False)
    )
    items = [
        ("directory", str(study.path)),
        ("model family", meta.family),
        ("tuner", meta.tuner.value),
        ("data", " ".join(p for p in (meta.data.name or "?", f"({sizes})" if sizes else "") if p)),
        ("data source", str(data.get("source") or "")),
        ("data variant", variant),
        ("data split", _split(data)),
        ("objective", f"{meta.objective} ({meta.direction})"),
        ("training", _training(study)),
        ("trials", trials or "none recorded yet"),
        ("trained with", "; ".join(sorted({r.trained_with for r in study.records} - {""}))),
        ("created", meta.created),
        ("tunekit", meta.tunekit_version),
        ("data fingerprint", str(meta.data.fingerprint or "")),
    ]
    return [(k, v) for k, v in items if v]


def _split(data: Mapping[str, object]) -> str:
    """How clocks were split into parts; a viewpoint split names the viewpoints held out."""
    split = data.get("split")
    if split != "viewpoint":
        return {"random": "random: shuffled images"}.get(str(split), str(split or ""))
    test, val = (
        ", ".join(map(str, data.get(key) or ())) for key in ("test_viewpoints", "val_viewpoints")
    )
    return f"viewpoint: test viewpoints {test}; validation viewpoints {val}; none in training"


def _training(study: StudyRecords) -> str:
    """How trials were trained; Hyperband's own epochs replace ``--epochs``, which it ignores."""
    meta = study.meta
    train = meta.train
    keys = ("epochs", "patience", "executions", "seed")
    text = ", ".join(f"{k} {getattr(train, k)}" for k in keys)
    if meta.tuner is not TunerKind.HYPERBAND:
        return text
    rest = ", ".join(f"{k} {getattr(train, k)}" for k in keys[1:])
    search = meta.search or SearchSettings()
    max_epochs = search.max_epochs or train.epochs
    head = f"Hyperband max_epochs {max_epochs}, factor {search.factor}"
    reached = sorted({int(e) for r in study.records if (e := r.tuner_values.get("tuner/epochs"))})
    if reached:
        *most, last = map(str, reached)
        span = f"{', '.join(most)} or {last}" if most else last
        head += f" (trials trained to {span} epochs)"
    return "; ".join(p for p in (head, rest) if p)


def running_note(running: int, left_out: str = "the figure and the ablation tables") -> str:
    """A sentence about trials left out because they are still running, or ""."""
    if not running:
        return ""
    trials = "trial is" if running == 1 else "trials are"
    return f"{running} {trials} still running and left out of {left_out}."
