"""The PDF sheet every document is drawn on (DOC-1).

fpdf2 is pure Python, so a fresh machine renders PDFs with nothing but PyPI. The text is set in
DejaVu Sans, shipped in ``fonts/``: PDF core fonts cover Latin-1 only, and names in the county
can have Sami letters (ŋ, š, đ) that Latin-1 lacks.

Documents go on paper to people outside the system, so they are written in Swedish whatever
language the user reads the screens in (as the payment-liability reasoning is). Every page
carries the county's name, the document's title and its date; pages are numbered "Sida 1 av 2".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

from django.utils import formats, timezone, translation
from fpdf import FPDF
from fpdf.enums import XPos, YPos

FONTS = Path(__file__).resolve().parent / "fonts"
MARGIN = 20  # mm
LABEL_WIDTH = 50  # mm, the label column of ``facts``


def day(value: dt.date | dt.datetime) -> str:
    """A date as Swedish prose, e.g. "20 november 2026"."""
    return _swedish(value, "j F Y")


def weekday_and_day(value: dt.datetime) -> str:
    """E.g. "fredag 20 november 2026", in Swedish local time."""
    return _swedish(timezone.localtime(value), "l j F Y")


def clock(start: dt.datetime, end: dt.datetime | None = None) -> str:
    """Swedish clock times, e.g. "kl. 10.00–11.00"."""
    text = f"kl. {timezone.localtime(start):%H.%M}"
    return text + (f"–{timezone.localtime(end):%H.%M}" if end else "")


def _swedish(value: dt.date | dt.datetime, fmt: str) -> str:
    with translation.override("sv"):
        return formats.date_format(value, fmt)


class Sheet(FPDF):
    """An A4 document in DejaVu Sans with the county, title and date on every page.

    ``size`` is the body text size in points: 11 for forms and letters, larger for the plan
    the individual reads.
    """

    def __init__(self, county: str, title: str, size: float = 11, sender: str = "") -> None:
        super().__init__(format="A4", unit="mm")
        self.county = county
        self.doc_title = title
        self.sender = sender
        self.size = size
        self.dated = timezone.localdate()
        self.add_font("Sans", "", FONTS / "DejaVuSans.ttf")
        self.add_font("Sans", "B", FONTS / "DejaVuSans-Bold.ttf")
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=MARGIN)
        self.set_title(title)
        self.set_lang("sv")
        self.set_creator("Samordna")
        self.alias_nb_pages()
        self.add_page()

    @property
    def lh(self) -> float:
        """Line height in mm for the body size (1.4 times the type size)."""
        return self.size * 0.353 * 1.4

    def header(self) -> None:
        self.set_xy(MARGIN, 10)
        self.set_font("Sans", "B", 10)
        self.cell(100, 5, self.county)
        self.set_font("Sans", "", 9)
        self.cell(0, 5, f"Datum: {self.dated:%Y-%m-%d}", align="R", new_x=XPos.LMARGIN)
        self.ln(5)
        self.cell(100, 5, self.sender)
        self.cell(0, 5, self.doc_title, align="R", new_x=XPos.LMARGIN)
        self.set_y(MARGIN + 8)

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font("Sans", "", 8)
        self.cell(0, 5, f"Sida {self.page_no()} av {{nb}}", align="C")

    def heading(self, text: str, level: int = 1) -> None:
        size = self.size * (1.5 if level == 1 else 1.2)
        if self.will_page_break(size * 0.353 * 4):
            self.add_page()
        self.ln(self.lh * (0.6 if level == 1 else 0.4))
        self.set_font("Sans", "B", size)
        self.multi_cell(0, size * 0.353 * 1.3, text, align="L", new_x=XPos.LMARGIN)
        self.ln(self.lh * 0.2)

    def para(self, text: str, bold: bool = False, size: float | None = None) -> None:
        self.set_font("Sans", "B" if bold else "", size or self.size)
        height = (size or self.size) * 0.353 * 1.4
        self.multi_cell(0, height, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def gap(self, lines: float = 0.5) -> None:
        self.ln(self.lh * lines)

    def bullets(self, items: Iterable[str], numbered: bool = False) -> None:
        self.set_font("Sans", "", self.size)
        for n, item in enumerate(items, 1):
            self.cell(8, self.lh, f"{n}." if numbered else "•")
            self.multi_cell(0, self.lh, item, align="L", new_x=XPos.LMARGIN)

    def facts(self, rows: Iterable[tuple[str, str]]) -> None:
        """Label and value side by side, e.g. ("Tid", "kl. 10.00–11.00")."""
        for label, value in rows:
            self.set_font("Sans", "B", self.size)
            self.cell(LABEL_WIDTH, self.lh, label)
            self.set_font("Sans", "", self.size)
            self.multi_cell(0, self.lh, value or "–", align="L", new_x=XPos.LMARGIN)

    def write_in(self, label: str, lines: int = 1, value: str = "") -> None:
        """A label and lines to write on by hand; ``value`` fills the first line in print."""
        self.set_font("Sans", "B", self.size)
        self.multi_cell(0, self.lh, label, align="L", new_x=XPos.LMARGIN)
        self.set_font("Sans", "", self.size)
        for n in range(lines):
            if self.will_page_break(9):
                self.add_page()
            y = self.get_y() + 8
            if n == 0 and value:
                self.set_xy(MARGIN, y - 5.5)
                self.cell(0, 5, value)
            self.line_across(y)
            self.set_y(y + 1)
        self.ln(1.5)

    def line_across(self, y: float, x: float = MARGIN, width: float | None = None) -> None:
        self.set_draw_color(110)
        self.set_line_width(0.2)
        self.line(x, y, x + (width or self.epw), y)

    def checkbox(self, label: str, checked: bool = False) -> None:
        """A square to tick and its label; without a label, a line to write one on."""
        if self.will_page_break(self.lh + 1):
            self.add_page()
        box = self.size * 0.353 * 0.9
        x, y = self.get_x(), self.get_y()
        self.set_draw_color(0)
        self.set_line_width(0.3)
        self.rect(x, y + (self.lh - box) / 2, box, box)
        if checked:
            self.set_font("Sans", "B", self.size)
            self.set_xy(x, y)
            self.cell(box, self.lh, "X", align="C")
        self.set_xy(x + box + 2.5, y)
        self.set_font("Sans", "", self.size)
        if label:
            self.multi_cell(0, self.lh, label, align="L", new_x=XPos.LMARGIN)
        else:
            self.line_across(y + self.lh, x + box + 2.5, self.epw - box - 2.5)
            self.set_xy(MARGIN, y + self.lh + 3)

    def choices(self, label: str, options: Iterable[str]) -> None:
        """A question answered by ticking one of a few boxes, on one line."""
        self.set_font("Sans", "B", self.size)
        self.multi_cell(0, self.lh, label, align="L", new_x=XPos.LMARGIN)
        box = self.size * 0.353 * 0.9
        self.set_font("Sans", "", self.size)
        for option in options:
            width = self.get_string_width(option) + box + 8
            if self.get_x() + width > self.w - MARGIN:
                self.ln(self.lh)
            x, y = self.get_x(), self.get_y()
            self.rect(x, y + (self.lh - box) / 2, box, box)
            self.set_x(x + box + 2)
            self.cell(width - box - 2, self.lh, option)
        self.ln(self.lh + 3)

    def grid(self, headings: list[str], widths: list[float], rows: Iterable[list[str]]) -> None:
        """A bordered table; empty strings leave room to write in."""
        self.set_font("Sans", "", self.size - 1)
        self.set_draw_color(110)
        with self.table(
            col_widths=widths,
            text_align="LEFT",
            line_height=self.lh * 1.3,
            first_row_as_headings=True,
        ) as table:
            table.row(headings)
            for row in rows:
                table.row(row)
        self.ln(2)

    def signatures(self, labels: Iterable[str]) -> None:
        """Lines to sign on, two side by side, each with its label below."""
        labels = list(labels)
        width = (self.epw - 10) / 2
        if self.will_page_break(18 * ((len(labels) + 1) // 2)):
            self.add_page()
        for i in range(0, len(labels), 2):
            y = self.get_y() + 12
            self.set_font("Sans", "", self.size - 2)
            for j, label in enumerate(labels[i : i + 2]):
                x = MARGIN + j * (width + 10)
                self.line_across(y, x, width)
                self.set_xy(x, y + 0.5)
                self.cell(width, 4, label)
            self.set_y(y + 6)

    def render(self) -> bytes:
        return bytes(self.output())
