"""``index.html``: one self-contained page (figures embedded, inline CSS, no scripts)."""

from __future__ import annotations

import base64
from html import escape
from pathlib import Path

from tunekit.report._sections import Block, Section
from tunekit.report._tables import DisplayTable

_CSS = """
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       color: #1d1d1f; margin: 0; background: #fafafa; }
main { max-width: 1320px; margin: 0 auto; padding: 24px 32px 64px; background: #fff; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 22px; margin: 40px 0 8px; padding-top: 12px; border-top: 2px solid #ddd; }
h3 { font-size: 17px; margin: 28px 0 8px; }
.sub { color: #666; margin: 0 0 16px; }
.warn { background: #fff7e0; border: 1px solid #e8c34a; border-radius: 6px;
        padding: 10px 16px; margin: 16px 0; }
.warn ul { margin: 6px 0 0; padding-left: 20px; font-family: ui-monospace, monospace;
           font-size: 13px; }
.note { background: #eef5ff; border-left: 4px solid #4a86e8; padding: 8px 14px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 8px 0; }
dl.facts dt { color: #666; }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
figure { margin: 16px 0; }
figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { color: #555; font-size: 13px; }
table { border-collapse: collapse; margin: 4px 0 20px; font-size: 13.5px;
        font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 600; padding: 4px 0; caption-side: top; }
th, td { padding: 4px 10px; border-bottom: 1px solid #e6e6e6; white-space: nowrap; }
th { border-bottom: 2px solid #999; background: #f5f5f5; white-space: normal;
     vertical-align: bottom; }
td:first-child { white-space: normal; }
td.r, th.r { text-align: right; }
td.l, th.l { text-align: left; }
tr.reference td { font-weight: 600; background: #f0f0f0; }
tr.diverged td { background: #fff3e6; }
tr.failed td { background: #fdecec; }
tr.running td { color: #888; font-style: italic; }
td.up { color: #11792f; }
td.down { color: #b3261e; }
td.noise { color: #888; }
td.better { color: #11792f; }
td.worse { color: #b3261e; }
.files a { margin-right: 12px; }
nav ul { margin: 4px 0; }
.scroll { overflow-x: auto; }
"""


def _table(table: DisplayTable) -> str:
    head = "".join(
        f'<th class="{a}">{escape(h)}</th>' for h, a in zip(table.headers, table.align, strict=True)
    )
    body = []
    for row, kind, kinds in zip(table.rows, table.row_kinds, table.cell_kinds, strict=True):
        cells = "".join(
            f'<td class="{" ".join(filter(None, (a, k)))}">{escape(c)}</td>'
            for c, a, k in zip(row, table.align, kinds, strict=True)
        )
        body.append(f'<tr class="{kind}">{cells}</tr>' if kind else f"<tr>{cells}</tr>")
    return (
        f'<div class="scroll"><table><caption>{escape(table.caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
    )


def _image(out_dir: Path, figure: Path) -> str:
    data = base64.b64encode((out_dir / figure).read_bytes()).decode("ascii")
    return f"data:image/png;base64,{data}"


def _figure(block: Block, out_dir: Path) -> str:
    assert block.figure is not None
    img = f'<img alt="{escape(block.heading)}" src="{_image(out_dir, block.figure)}">'
    svg = block.figure.with_suffix(".svg")
    caption = block.caption
    if (out_dir / svg).exists():
        img = f'<a href="{escape(svg.as_posix())}">{img}</a>'
        caption += " Click for the SVG."
    return f"<figure>{img}<figcaption>{escape(caption.strip())}</figcaption></figure>"


def _block(block: Block, out_dir: Path) -> str:
    parts = [f"<h3>{escape(block.heading)}</h3>"]
    if block.text:
        parts.append(f'<p class="sub">{escape(block.text)}</p>')
    parts += [f'<p class="note">{escape(note)}</p>' for note in block.notes]
    if block.figure is not None:
        parts.append(_figure(block, out_dir))
    parts += [_table(t) for t in block.tables]
    return "\n".join(parts)


def _section(section: Section, out_dir: Path) -> str:
    facts = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in section.facts)
    parts = [
        f'<section id="{section.anchor}"><h2>{escape(section.title)}</h2>',
        f'<dl class="facts">{facts}</dl>',
    ]
    parts += [f'<p class="note">{escape(note)}</p>' for note in section.notes]
    parts += [_block(b, out_dir) for b in section.blocks]
    links = "".join(
        f'<a href="{escape(p.as_posix())}">{escape(n)}</a>' for n, p in section.downloads
    )
    parts.append(f'<p class="files">Files: {links}</p></section>')
    return "\n".join(parts)


def html_page(sections: list[Section], problems: list[str], out_dir: Path) -> str:
    """Render ``index.html``; ``out_dir`` is where the figures named in ``sections`` lie."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>tunekit report: {escape(', '.join(s.title for s in sections))}</title>",
        f"<style>{_CSS}</style></head><body><main>",
        "<h1>tunekit report</h1>",
        '<p class="sub">Hyper-parameter studies made with tunekit. In one-factor studies each '
        "hyper-parameter is varied on its own, every other one held at the reference.</p>",
    ]
    if problems:
        items = "".join(f"<li>{escape(p)}</li>" for p in problems)
        parts.append(
            f'<div class="warn"><strong>Warning:</strong> {len(problems)} problem(s); what '
            f"could not be read or shown was skipped.<ul>{items}</ul></div>"
        )
    if len(sections) > 1:
        links = "".join(f'<li><a href="#{s.anchor}">{escape(s.title)}</a></li>' for s in sections)
        parts.append(f"<nav><strong>Sections</strong><ul>{links}</ul></nav>")
    parts += [_section(s, out_dir) for s in sections]
    parts.append("</main></body></html>")
    return "\n".join(parts) + "\n"
