"""``report.md``: the whole report as Markdown, with the figures linked beside it.

Every piece of text may hold a study's name, a path or a hyper-parameter value, so
all of it is escaped: a name such as ``*x*`` or ``[a](b)`` shows as typed, never as
emphasis or a link. Link targets are percent-encoded for the same reason.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from urllib.parse import quote

from tunekit.report._sections import Block, Section
from tunekit.report._tables import DisplayTable, display_markdown

#: What Markdown (CommonMark with GitHub tables) may read as syntax. An underscore
#: inside a word (``fashion_mnist``) never is, so it stays readable.
_SPECIAL = re.compile(r"([\\`*{}\[\]<>#!|~&]|(?<![^\W_])_|_(?![^\W_]))")
_IN_TABLES = re.compile(r"([\\`*{}\[\]<>#!~&]|(?<![^\W_])_|_(?![^\W_]))")  # not ``|``


def escape_markdown(text: object) -> str:
    """``text`` with every Markdown special character backslash-escaped."""
    return _SPECIAL.sub(r"\\\1", str(text))


def _link(path: Path) -> str:
    return quote(path.as_posix())


def _table(table: DisplayTable) -> str:
    def cell(text: str) -> str:
        return _IN_TABLES.sub(r"\\\1", text)

    return display_markdown(
        dataclasses.replace(
            table,
            caption=escape_markdown(table.caption),
            headers=tuple(cell(h) for h in table.headers),
            rows=tuple(tuple(cell(c) for c in row) for row in table.rows),
        )
    )


def _block(block: Block, level: int) -> list[str]:
    lines = [f"{'#' * (level + 1)} {escape_markdown(block.heading)}", ""]
    if block.text:
        lines += [escape_markdown(block.text), ""]
    lines += [line for note in block.notes for line in (f"> {escape_markdown(note)}", "")]
    if block.figure is not None:
        lines += [f"![{escape_markdown(block.heading)}]({_link(block.figure)})", ""]
        if block.caption:
            lines += [escape_markdown(block.caption), ""]
    lines += [_table(t) for t in block.tables]
    return lines


def _section(section: Section, level: int) -> list[str]:
    lines = [f"{'#' * level} {escape_markdown(section.title)}", ""]
    lines += [
        f"- **{escape_markdown(name)}**: {escape_markdown(text)}" for name, text in section.facts
    ]
    lines.append("")
    lines += [line for note in section.notes for line in (f"> {escape_markdown(note)}", "")]
    for block in section.blocks:
        lines += _block(block, level)
    files = (f"[{escape_markdown(n)}]({_link(p)})" for n, p in section.downloads)
    lines += ["Files: " + ", ".join(files), ""]
    return lines


def markdown_page(sections: list[Section], problems: list[str]) -> str:
    """Render ``report.md`` for one study or several."""
    lines = ["# tunekit report", ""]
    if problems:
        lines += ["**Warnings** (what could not be read or shown was skipped):", ""]
        lines += [f"- {escape_markdown(p)}" for p in problems] + [""]
    for section in sections:
        lines += _section(section, 2)
    return "\n".join(lines).rstrip() + "\n"
