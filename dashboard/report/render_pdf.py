"""The report as a PDF on A4 portrait, drawn with fpdf2 (pure Python: nothing to install
beyond requirements.txt).

Texts are drawn literally (never as markup). The font is DejaVu Sans, which ships inside
matplotlib's wheel (Latin, Greek, Cyrillic and many symbols); a character it cannot draw
(emoji, CJK and other scripts of captions) is printed as one placeholder box per run, so no
caption can break the PDF or print as garbage.
"""

from __future__ import annotations

import functools
import io
import re
import unicodedata
from pathlib import Path

import matplotlib
from fontTools.ttLib import TTFont
from fpdf import FPDF, FontFace
from fpdf.enums import TableBordersLayout, XPos, YPos

from dashboard import i18n
from dashboard.report.content import (
    Block,
    Bullets,
    Chart,
    Heading,
    Link,
    Paragraph,
    Report,
    Table,
    keep_groups,
)

_FONTS = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
FAMILY = "dejavu"
MARGIN = 14.0  # mm, left and right
BOTTOM = 16.0
HEAD_TOP = 8.0
HEAD_LINE = 3.2
INK, GREY, RULE = (34, 34, 34), (85, 85, 85), (170, 170, 170)
HEAD_FILL, NOTICE_FILL, NOTICE_EDGE = (241, 243, 241), (238, 244, 251), (31, 95, 168)
PLACEHOLDER = "\u25a1"  # □, in DejaVu Sans
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")
_BOXES = re.compile(PLACEHOLDER + "{2,}")
# Invisible modifiers of emoji (zero-width joiner, variation selectors, skin tones) are
# dropped rather than boxed: they belong to the character before them.
_INVISIBLE = {"Cf", "Mn", "Me", "Sk"}


@functools.cache
def _drawable() -> frozenset[int]:
    """The code points both DejaVu Sans faces draw."""
    found = None
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"):
        with TTFont(str(_FONTS / name), lazy=True) as font:
            cmap = set(font.getBestCmap())
        found = cmap if found is None else found & cmap
    return frozenset(found or ())


def literal(text: str) -> str:
    """``text`` as it will be drawn: control characters as spaces; a run of characters the
    font cannot draw (emoji, CJK, broken surrogates) as one placeholder box."""
    drawable = _drawable()
    out: list[str] = []
    for ch in _CONTROL.sub(" ", text):
        if out and out[-1] == PLACEHOLDER and unicodedata.category(ch) in _INVISIBLE:
            continue  # a joiner, variation selector or skin tone of an undrawable emoji
        if ord(ch) in drawable or ch == "\n":
            out.append(ch)
        elif unicodedata.category(ch) not in _INVISIBLE:
            out.append(PLACEHOLDER)
    return _BOXES.sub(PLACEHOLDER, "".join(out))


class _Document(FPDF):
    """A4 portrait with the running head (title, period, sources) and foot on every page."""

    def __init__(self, report: Report) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.report = report
        self.add_font(FAMILY, "", str(_FONTS / "DejaVuSans.ttf"))
        self.add_font(FAMILY, "B", str(_FONTS / "DejaVuSans-Bold.ttf"))
        self.set_font(FAMILY, size=9)
        self.set_margins(MARGIN, HEAD_TOP, MARGIN)
        self.head = literal("\n".join(report.running_head))
        self.set_auto_page_break(True, margin=BOTTOM)
        self.set_title(literal(f"{report.title} · {report.period_line}"))
        self.set_lang(report.lang)
        self.set_creator("Jejaring")

    def header(self) -> None:
        """The running head; the page's text starts under it (its height depends on how
        many lines the sources take)."""
        self.set_xy(self.l_margin, HEAD_TOP)
        self.set_font(FAMILY, size=7)
        self.set_text_color(*GREY)
        self.multi_cell(
            self.epw, HEAD_LINE, self.head, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        y = self.get_y() + 1.5
        self.set_draw_color(*RULE)
        self.set_line_width(0.15)
        self.line(self.l_margin, y, self.w - self.r_margin, y)
        self.set_top_margin(y + 4)
        self.set_xy(self.l_margin, self.t_margin)
        self.set_text_color(*INK)

    def footer(self) -> None:
        self.set_y(-BOTTOM + 4)
        self.set_font(FAMILY, size=7)
        self.set_text_color(*GREY)
        page = i18n.text("report_page", self.report.lang, page=self.page_no(), pages="{nb}")
        self.cell(self.epw * 0.75, 4, literal(f"{self.report.generated_line} · Jejaring"))
        self.cell(self.epw * 0.25, 4, page, align="R")
        self.set_text_color(*INK)


def _heading(doc: FPDF, block: Heading) -> None:
    size, before = {2: (13.0, 5.0), 3: (11.5, 4.0), 4: (9.5, 2.5)}.get(block.level, (9.5, 2.5))
    if doc.get_y() > doc.t_margin + 1:
        doc.ln(before)
    doc.set_font(FAMILY, "B", size)
    doc.multi_cell(0, size * 0.5, literal(block.text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if block.level == 2:
        y = doc.get_y() + 0.8
        doc.set_draw_color(*RULE)
        doc.set_line_width(0.2)
        doc.line(doc.l_margin, y, doc.w - doc.r_margin, y)
        doc.ln(2.2)
    else:
        doc.ln(1)


def _paragraph(doc: FPDF, block: Paragraph) -> None:
    text = literal(block.text)
    if block.style == "notice":
        doc.ln(1)
        doc.set_font(FAMILY, size=8.5)
        doc.set_fill_color(*NOTICE_FILL)
        top = doc.get_y()
        doc.multi_cell(
            0, 4, text, fill=True, padding=(2, 3), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        doc.set_draw_color(*NOTICE_EDGE)
        doc.set_line_width(0.9)
        if doc.get_y() > top:  # not when the notice moved to a new page
            doc.line(doc.l_margin, top, doc.l_margin, doc.get_y())
        doc.ln(2)
        return
    muted = block.style == "muted"
    doc.set_font(FAMILY, size=8 if muted else 9)
    doc.set_text_color(*(GREY if muted else INK))
    doc.multi_cell(0, 3.8 if muted else 4.3, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    doc.set_text_color(*INK)
    doc.ln(1.2)


def _bullets(doc: FPDF, block: Bullets) -> None:
    margin = doc.l_margin
    for term, text in block.items:
        doc.set_font(FAMILY, size=8.5)
        doc.set_x(margin)
        doc.cell(4, 4, "•")
        doc.set_left_margin(margin + 4)  # wrapped lines hang under the term
        doc.set_font(FAMILY, "B", 8.5)
        doc.write(4, literal(term) + ": ")
        doc.set_font(FAMILY, size=8.5)
        doc.write(4, literal(text))
        doc.set_left_margin(margin)
        doc.ln(5)


def _table(doc: FPDF, block: Table) -> None:
    doc.set_font(FAMILY, size=7.5)
    doc.set_fill_color(255, 255, 255)  # fpdf2 fills body cells with the current colour
    doc.set_draw_color(200, 200, 200)
    doc.set_line_width(0.15)
    align = ["RIGHT" if n else "LEFT" for n in block.numeric]
    with doc.table(
        col_widths=block.widths,
        text_align=align,
        headings_style=FontFace(emphasis="BOLD", fill_color=HEAD_FILL),
        line_height=3.4,
        padding=(0.8, 1.2),
        num_heading_rows=2 if block.groups else 1,
        repeat_headings=1,
        borders_layout=TableBordersLayout.ALL,
        v_align="TOP",
    ) as table:
        if block.groups:
            row = table.row()
            for label, span in block.groups:
                row.cell(literal(label), colspan=span, align="CENTER")
        row = table.row()
        for column in block.columns:
            row.cell(literal(column))
        for cells in block.rows:
            row = table.row()
            for cell in cells:
                if isinstance(cell, Link):
                    row.cell(literal(cell.text), link=cell.url)
                else:
                    row.cell(literal(cell))
    if block.note:
        doc.set_font(FAMILY, size=7)
        doc.set_text_color(*GREY)
        doc.multi_cell(0, 3.2, literal(block.note), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        doc.set_text_color(*INK)
    doc.ln(2)


_SIZE = re.compile(r'<svg[^>]*?width="([\d.]+)pt"[^>]*?height="([\d.]+)pt"', re.S)


def _chart_height(doc: FPDF, block: Chart) -> float:
    """Title, image at the text width, its note, and the space after it (mm)."""
    size = _SIZE.search(block.svg)
    ratio = float(size.group(2)) / float(size.group(1)) if size else 0.4
    return 4.8 + 0.5 + doc.epw * ratio + (7 if block.note else 0) + 3


def _chart(doc: FPDF, block: Chart) -> None:
    doc.set_font(FAMILY, "B", 9.5)
    doc.multi_cell(0, 4.8, literal(block.title), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    doc.ln(0.5)
    doc.image(io.BytesIO(block.svg.encode("utf-8")), x=doc.l_margin, w=doc.epw)
    if block.note:
        doc.set_font(FAMILY, size=7)
        doc.set_text_color(*GREY)
        doc.multi_cell(0, 3.2, literal(block.note), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        doc.set_text_color(*INK)
    doc.ln(3)


def _draw(doc: FPDF, block: Block) -> None:
    if isinstance(block, Heading):
        _heading(doc, block)
    elif isinstance(block, Paragraph):
        _paragraph(doc, block)
    elif isinstance(block, Bullets):
        _bullets(doc, block)
    elif isinstance(block, Table):
        _table(doc, block)
    elif isinstance(block, Chart):
        _chart(doc, block)
    else:
        raise TypeError(f"unknown block {block!r}")


class _Measure:
    """Heights of runs of blocks, drawn on a scratch document of the same page size."""

    def __init__(self, report: Report) -> None:
        self.doc = _Document(report)  # the same running head, so the same room per page

    def height(self, run: list[Block]) -> float | None:
        """The run's height in mm, or None when it does not fit on one page."""
        self.doc.add_page()
        start, page = self.doc.get_y(), self.doc.page
        for block in run:
            if isinstance(block, Chart):  # its size is known; converting SVG is slow
                self.doc.set_y(self.doc.get_y() + _chart_height(self.doc, block))
            else:
                _draw(self.doc, block)
        if self.doc.page != page or self.doc.get_y() > self.doc.page_break_trigger:
            return None
        return self.doc.get_y() - start


def render_pdf(report: Report) -> bytes:
    """The whole document as PDF bytes."""
    doc = _Document(report)
    measure = _Measure(report)
    doc.add_page()
    doc.set_font(FAMILY, "B", 17)
    doc.multi_cell(0, 8, literal(report.title), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    doc.set_font(FAMILY, size=8.5)
    doc.set_text_color(*GREY)
    for line in (
        report.period_line,
        report.libraries_line,
        report.sources_line,
        report.generated_line,
    ):
        doc.multi_cell(0, 4, literal(line), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    doc.set_text_color(*INK)
    doc.ln(2)
    for run, whole in keep_groups(report.blocks):
        if whole and doc.get_y() > doc.t_margin + 1:
            height = measure.height(run)
            if height is not None and doc.will_page_break(height):
                doc.add_page()
        elif not whole and doc.will_page_break(40):
            doc.add_page()  # a long table or list starts with more than its heading
        for block in run:
            _draw(doc, block)
    return bytes(doc.output())
