"""The report as one self-contained HTML file, to read on screen and to print on A4.

Every text is HTML-escaped here (captions and handles come from social media); the only
URLs are https links to posts. No script, no font, stylesheet or image from elsewhere:
charts are inline SVG images, so the file opens and prints offline.
"""

from __future__ import annotations

import base64
import html

from dashboard import i18n
from dashboard.report.content import (
    Block,
    Bullets,
    Cell,
    Chart,
    Heading,
    Link,
    Paragraph,
    Report,
    Table,
    keep_groups,
)

# Sizes in pt/mm so print and screen agree. @page margin boxes repeat the period and the
# sources on every printed page where the browser supports them (Chromium-based ones do);
# elsewhere the first page still carries them under the title.
_STYLE = """
:root { color: #222; font-family: "DejaVu Sans", Verdana, "Segoe UI", Roboto, Arial, sans-serif; }
body { font-size: 9.5pt; line-height: 1.38; max-width: 182mm; margin: 8mm auto; padding: 0 6mm; }
h1 { font-size: 17pt; margin: 0 0 2mm; color: #1a1a1a; }
h2 { font-size: 13pt; margin: 7mm 0 2mm; padding-bottom: 1mm; border-bottom: 0.6pt solid #bbb; }
h3 { font-size: 11.5pt; margin: 5mm 0 1mm; }
h4 { font-size: 9.5pt; margin: 3.5mm 0 1.2mm; color: #333; }
p { margin: 1mm 0 2mm; }
.meta { color: #555; font-size: 8.5pt; margin-bottom: 4mm; }
.muted { color: #555; font-size: 8.5pt; }
.notice { background: #eef4fb; border-left: 3pt solid #1f5fa8; padding: 2mm 3mm; }
table { border-collapse: collapse; width: 100%; font-size: 8pt; margin: 0 0 1.5mm;
        table-layout: fixed; }
th, td { border: 0.5pt solid #c8c8c8; padding: 0.8mm 1.4mm; text-align: left; vertical-align: top; }
th { background: #f1f3f1; font-weight: bold; }
th.group { text-align: center; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num { white-space: nowrap; }
td.text { overflow-wrap: anywhere; }
.note { color: #555; font-size: 7.5pt; margin: 0 0 3mm; }
figure.chart { margin: 2mm 0 4mm; }
figure.chart figcaption { font-weight: bold; font-size: 9.5pt; margin-bottom: 1mm; }
figure.chart img { display: block; width: 100%; height: auto; }
ul.definitions li { margin-bottom: 1.2mm; }
a { color: #1f5fa8; overflow-wrap: anywhere; }
thead { display: table-header-group; }
tr, figure, img, li { break-inside: avoid; page-break-inside: avoid; }
h2, h3, h4 { break-after: avoid; page-break-after: avoid; }
.keep { break-inside: avoid; page-break-inside: avoid; }
@media print {
  body { max-width: none; margin: 0; padding: 0; }
  a { color: inherit; text-decoration: none; }
  .notice { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  th { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""


def _css_string(text: str) -> str:
    """``text`` as a CSS string literal: quotes, backslashes, control characters and
    ``<``/``>``/``&`` escaped, so nothing can end the string or the style element."""
    out = []
    for ch in text:
        if ch in '"\\<>&' or ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\{ord(ch):x} ")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _page_style(report: Report) -> str:
    """@page: A4 portrait; the running head (title, period, sources) at the top and the
    generated line with "page n of m" at the bottom of every printed page."""
    head = _css_string("\n".join(report.running_head))
    marker = i18n.text("report_page", report.lang, page="\0", pages="\1")
    before, rest = marker.split("\0")
    middle, after = rest.split("\1")
    counter = " ".join(
        part
        for part in (
            _css_string(before) if before else "",
            "counter(page)",
            _css_string(middle) if middle else "",
            "counter(pages)",
            _css_string(after) if after else "",
        )
        if part
    )
    box = "font-size: 7pt; color: #555; font-family: 'DejaVu Sans', Verdana, Arial, sans-serif;"
    return (
        "@page { size: A4 portrait; margin: 21mm 14mm 16mm 14mm;"
        f" @top-left {{ content: {head}; white-space: pre-wrap; vertical-align: bottom;"
        f" padding-bottom: 2.5mm; border-bottom: 0.4pt solid #aaa; {box} }}"
        f" @bottom-left {{ content: {_css_string(report.generated_line + ' · Jejaring')};"
        f" vertical-align: top; padding-top: 2mm; {box} }}"
        f" @bottom-right {{ content: {counter}; vertical-align: top; padding-top: 2mm; {box} }}"
        " }"
    )


def _cell(cell: Cell, numeric: bool, tag: str = "td") -> str:
    cls = " class='num'" if numeric else (" class='text'" if tag == "td" else "")
    if isinstance(cell, Link):
        inner = (
            f"<a href='{html.escape(cell.url, quote=True)}' rel='noopener noreferrer'>"
            f"{html.escape(cell.text)}</a>"
        )
    else:
        inner = html.escape(cell)
    return f"<{tag}{cls}>{inner}</{tag}>"


def _table(table: Table) -> str:
    head = ""
    if table.groups:
        head += (
            "<tr>"
            + "".join(
                f"<th colspan='{span}' class='group'>{html.escape(label)}</th>"
                for label, span in table.groups
            )
            + "</tr>"
        )
    head += (
        "<tr>"
        + "".join(_cell(c, n, "th") for c, n in zip(table.columns, table.numeric, strict=True))
        + "</tr>"
    )
    body = "".join(
        "<tr>" + "".join(_cell(c, n) for c, n in zip(row, table.numeric, strict=True)) + "</tr>"
        for row in table.rows
    )
    note = f"<p class='note'>{html.escape(table.note)}</p>" if table.note else ""
    total = sum(table.widths)
    cols = "".join(f"<col style='width:{w / total * 100:.1f}%'>" for w in table.widths)
    return (
        f"<table><colgroup>{cols}</colgroup><thead>{head}</thead><tbody>{body}</tbody></table>"
        f"{note}"
    )


def _block(block: Block) -> str:
    if isinstance(block, Heading):
        return f"<h{block.level}>{html.escape(block.text)}</h{block.level}>"
    if isinstance(block, Paragraph):
        return f"<p class='{block.style}'>{html.escape(block.text)}</p>"
    if isinstance(block, Bullets):
        items = "".join(
            f"<li><strong>{html.escape(term)}</strong>: {html.escape(text)}</li>"
            for term, text in block.items
        )
        return f"<ul class='definitions'>{items}</ul>"
    if isinstance(block, Table):
        return _table(block)
    if isinstance(block, Chart):
        data = base64.b64encode(block.svg.encode("utf-8")).decode("ascii")
        return (
            f"<figure class='chart'><figcaption>{html.escape(block.title)}</figcaption>"
            f"<img src='data:image/svg+xml;base64,{data}' alt='{html.escape(block.alt)}'>"
            + (f"<p class='note'>{html.escape(block.note)}</p>" if block.note else "")
            + "</figure>"
        )
    raise TypeError(f"unknown block {block!r}")


def render_html(report: Report) -> str:
    """The whole document."""
    parts = [
        f"<h1>{html.escape(report.title)}</h1>",
        "<p class='meta'>"
        + "<br>".join(
            html.escape(line)
            for line in (
                report.period_line,
                report.libraries_line,
                report.sources_line,
                report.generated_line,
            )
        )
        + "</p>",
    ]
    for run, whole in keep_groups(report.blocks):
        inner = "".join(_block(b) for b in run)
        parts.append(f"<div class='keep'>{inner}</div>" if whole and len(run) > 1 else inner)
    title = f"{report.title} {report.period.start}–{report.period.end}"
    return (
        f"<!DOCTYPE html><html lang='{report.lang}'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{html.escape(title)}</title>"
        f"<style>{_STYLE}{_page_style(report)}</style></head>"
        f"<body>{''.join(parts)}</body></html>"
    )
