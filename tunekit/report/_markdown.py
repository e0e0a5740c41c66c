"""``report.md``: the whole report as Markdown, with the figures linked beside it."""

from __future__ import annotations

from tunekit.report._sections import Block, Section
from tunekit.report._tables import display_markdown


def _block(block: Block, level: int) -> list[str]:
    lines = [f"{'#' * (level + 1)} {block.heading}", ""]
    if block.text:
        lines += [block.text, ""]
    lines += [line for note in block.notes for line in (f"> {note}", "")]
    if block.figure is not None:
        lines += [f"![{block.heading}]({block.figure.as_posix()})", ""]
        if block.caption:
            lines += [block.caption, ""]
    lines += [display_markdown(t) for t in block.tables]
    return lines


def _section(section: Section, level: int) -> list[str]:
    lines = [f"{'#' * level} {section.title}", ""]
    lines += [f"- **{name}**: {text}" for name, text in section.facts]
    lines.append("")
    lines += [line for note in section.notes for line in (f"> {note}", "")]
    for block in section.blocks:
        lines += _block(block, level)
    lines += ["Files: " + ", ".join(f"[{n}]({p.as_posix()})" for n, p in section.downloads), ""]
    return lines


def markdown_page(sections: list[Section], problems: list[str]) -> str:
    """Render ``report.md`` for one study or several."""
    lines = ["# tunekit report", ""]
    if problems:
        lines += ["**Warnings** (what could not be read or shown was skipped):", ""]
        lines += [f"- {p}" for p in problems] + [""]
    for section in sections:
        lines += _section(section, 2)
    return "\n".join(lines).rstrip() + "\n"
