"""What a report page shows of one study: its info objects and the files written for it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tunekit.report._ablation import AblationTable
from tunekit.report._comparison import ComparisonInfo
from tunekit.report._leaderboard import LeaderboardInfo
from tunekit.tuning.reading import StudyRecords
from tunekit.tuning.records import TrialStatus


@dataclass(frozen=True)
class StudySection:
    """One study of a report.

    Attributes:
        study: The study's records.
        comparison: The comparison figure's data.
        ablation: One table per space.
        leaderboard: Every trial, ranked.
        figure: The comparison figure's PNG, relative to the report directory.
        downloads: (name, path relative to the report directory) of every other file.
    """

    study: StudyRecords
    comparison: ComparisonInfo
    ablation: tuple[AblationTable, ...]
    leaderboard: LeaderboardInfo
    figure: Path
    downloads: tuple[tuple[str, Path], ...]

    @property
    def anchor(self) -> str:
        """An id for links within the page."""
        return "study-" + "".join(ch if ch.isalnum() else "-" for ch in self.study.path.name)


def summary_items(study: StudyRecords) -> list[tuple[str, str]]:
    """The facts a reader needs to judge a study, as (name, text) pairs."""
    meta = study.meta
    data, train = meta.get("data", {}), meta.get("train", {})
    counts: dict[str, int] = {}
    for record in study.records:
        counts[record.status.value] = counts.get(record.status.value, 0) + 1
    trials = ", ".join(f"{counts[s.value]} {s.value}" for s in TrialStatus if s.value in counts)
    sizes = ", ".join(f"{k} {data[k]:,}" for k in ("train", "val", "test") if data.get(k))
    variant = ", ".join(
        f"{k} {data[k]}" for k in ("subset", "permute") if data.get(k) not in (None, False)
    )
    items = [
        ("directory", str(study.path)),
        ("model family", str(meta.get("family", "?"))),
        ("tuner", str(meta.get("tuner", "?"))),
        (
            "data",
            " ".join(p for p in (str(data.get("name", "?")), f"({sizes})" if sizes else "") if p),
        ),
        ("data variant", variant),
        ("objective", f"{meta.get('objective', '?')} ({meta.get('direction', '?')})"),
        (
            "training",
            ", ".join(
                f"{k} {train[k]}"
                for k in ("epochs", "patience", "executions", "seed")
                if k in train
            ),
        ),
        ("trials", trials or "none recorded yet"),
        ("created", str(meta.get("created", ""))),
        ("tunekit", str(meta.get("tunekit_version", ""))),
        ("data fingerprint", str(data.get("fingerprint", ""))),
    ]
    return [(k, v) for k, v in items if v]


def running_note(section: StudySection) -> str:
    """A sentence about trials left out because they are still running, or ""."""
    n = section.comparison.running
    if not n:
        return ""
    trials = "trial is" if n == 1 else "trials are"
    return f"{n} {trials} still running and left out of the figure and the ablation tables."
