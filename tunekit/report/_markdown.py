"""``report.md``: the whole report as Markdown, with the figures linked beside it."""

from __future__ import annotations

from tunekit.report._sections import StudySection, running_note, summary_items
from tunekit.report._tables import ablation_display, display_markdown, leaderboard_display


def _section(section: StudySection, level: int) -> list[str]:
    head = "#" * level
    lines = [f"{head} {section.comparison.title}", ""]
    lines += [f"- **{name}**: {text}" for name, text in summary_items(section.study)]
    note = running_note(section)
    lines += ["", f"> {note}"] if note else []
    figure = section.figure.as_posix()
    lines += [
        "",
        f"![{section.comparison.title}]({figure})",
        "",
        "Solid: validation; dashed: training; thick black: the reference, "
        "the control of every panel.",
        "",
        f"{head}# Ablation: each value against the reference",
        "",
    ]
    if section.ablation:
        lines.append(
            "Values are mean ± sample standard deviation over executions. Δ is the change "
            "from the reference; the 95% Welch interval (with 2+ executions on both sides) "
            "is *within noise* when it contains 0."
        )
        lines.append("")
        lines += [display_markdown(ablation_display(t)) for t in section.ablation]
    else:
        lines += ["No finished trials yet.", ""]
    lines += [
        f"{head}# Leaderboard",
        "",
        display_markdown(leaderboard_display(section.leaderboard)),
    ]
    lines += ["Files: " + ", ".join(f"[{n}]({p.as_posix()})" for n, p in section.downloads), ""]
    return lines


def markdown_page(sections: list[StudySection], problems: list[str]) -> str:
    """Render ``report.md`` for one study or several."""
    lines = ["# tunekit report", ""]
    if problems:
        lines += ["**Warnings** (these files were skipped):", ""]
        lines += [f"- {p}" for p in problems] + [""]
    for section in sections:
        lines += _section(section, 2)
    return "\n".join(lines).rstrip() + "\n"
