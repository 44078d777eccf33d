"""Name badges as a PDF: eight to an A4 sheet, sorted by city, one per attendee."""

import io
import os
from collections.abc import Sequence

from flask_babel import format_date
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from governance.meetings.models import Meeting, Registration

COLUMNS, ROWS = 2, 4
BADGE_W, BADGE_H = 90 * mm, 65 * mm
ACCENT = HexColor("#1d4e89")
_FONT_DIRS = ("/usr/share/fonts/truetype/dejavu",)
_fonts: tuple[str, str] | None = None


def _font_names() -> tuple[str, str]:
    """DejaVu Sans when installed (every accent and script), else the PDF's built-in Helvetica."""
    global _fonts
    if _fonts is None:
        _fonts = ("Helvetica", "Helvetica-Bold")
        for directory in _FONT_DIRS:
            regular = os.path.join(directory, "DejaVuSans.ttf")
            bold = os.path.join(directory, "DejaVuSans-Bold.ttf")
            if os.path.exists(regular) and os.path.exists(bold):
                pdfmetrics.registerFont(TTFont("BadgeSans", regular))
                pdfmetrics.registerFont(TTFont("BadgeSans-Bold", bold))
                _fonts = ("BadgeSans", "BadgeSans-Bold")
                break
    return _fonts


def _fit(text: str, font: str, size: float, width: float, minimum: float = 8) -> float:
    """The largest font size up to `size` at which the text fits the width."""
    while size > minimum and pdfmetrics.stringWidth(text, font, size) > width:
        size -= 0.5
    return size


def _name_lines(name: str, font: str, width: float) -> tuple[list[str], float]:
    """The name on one line when it fits at a readable size, else split over two lines at the best space."""
    size = _fit(name, font, 20, width, 13)
    words = name.split()
    if pdfmetrics.stringWidth(name, font, size) <= width or len(words) < 2:
        return [name], _fit(name, font, 20, width, 8)
    best = min(
        ([" ".join(words[:i]), " ".join(words[i:])] for i in range(1, len(words))),
        key=lambda pair: max(pdfmetrics.stringWidth(part, font, 16) for part in pair),
    )
    return best, min(_fit(part, font, 16, width, 8) for part in best)


def _clip(text: str, font: str, size: float, width: float) -> str:
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


def badges_pdf(meeting: Meeting, attendees: Sequence[Registration], network_name: str) -> bytes:
    """Lay out one badge per attendee, in the order given (by city), eight to a page."""
    regular, bold = _font_names()
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4, pageCompression=1)
    canvas.setTitle(f"{network_name} — {meeting.title}")
    canvas.setAuthor(network_name)
    page_w, page_h = A4
    margin_x = (page_w - COLUMNS * BADGE_W) / 2
    margin_y = (page_h - ROWS * BADGE_H) / 2
    day = format_date(meeting.date, "long")
    inner = BADGE_W - 12 * mm
    for index, person in enumerate(attendees):
        slot = index % (COLUMNS * ROWS)
        if index and slot == 0:
            canvas.showPage()
        column, row = slot % COLUMNS, slot // COLUMNS
        x = margin_x + column * BADGE_W
        y = page_h - margin_y - (row + 1) * BADGE_H
        # Cutting line.
        canvas.setStrokeColor(HexColor("#b0b0b0"))
        canvas.setLineWidth(0.4)
        canvas.setDash(2, 2)
        canvas.rect(x, y, BADGE_W, BADGE_H)
        canvas.setDash()
        # The network's name on the day, in a band at the top.
        canvas.setFillColor(ACCENT)
        canvas.rect(x, y + BADGE_H - 14 * mm, BADGE_W, 14 * mm, stroke=0, fill=1)
        canvas.setFillColor(HexColor("#ffffff"))
        canvas.setFont(bold, 16)
        canvas.drawString(x + 6 * mm, y + BADGE_H - 9.5 * mm, _clip(network_name, bold, 16, inner * 0.45))
        canvas.setFont(regular, 8)
        canvas.drawRightString(x + BADGE_W - 6 * mm, y + BADGE_H - 9 * mm, _clip(day, regular, 8, inner * 0.5))
        # Name, function, city.
        canvas.setFillColor(HexColor("#111111"))
        lines, size = _name_lines(person.name, bold, inner)
        canvas.setFont(bold, size)
        top = BADGE_H - (28 if len(lines) == 1 else 23.5) * mm
        for number, line in enumerate(lines):
            canvas.drawString(x + 6 * mm, y + top - number * (size + 2), _clip(line, bold, size, inner))
        if person.function:
            canvas.setFont(regular, 11)
            canvas.setFillColor(HexColor("#333333"))
            canvas.drawString(x + 6 * mm, y + BADGE_H - 36 * mm, _clip(person.function, regular, 11, inner))
        if person.city is not None:
            canvas.setFillColor(ACCENT)
            size = _fit(person.city.name, bold, 15, inner, 9)
            canvas.setFont(bold, size)
            canvas.drawString(x + 6 * mm, y + 14 * mm, _clip(person.city.name, bold, size, inner))
        canvas.setFillColor(HexColor("#555555"))
        canvas.setFont(regular, 7.5)
        canvas.drawString(x + 6 * mm, y + 7 * mm, _clip(meeting.title, regular, 7.5, inner))
    if not attendees:
        canvas.setFont(regular, 12)
        canvas.drawString(margin_x, page_h - margin_y, meeting.title)
    canvas.showPage()
    canvas.save()
    return out.getvalue()
