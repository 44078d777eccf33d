"""Form fields shared by every area: whole numbers typed the way Dutch people write them."""

import re

from babel.numbers import get_group_symbol
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import Field
from wtforms.widgets import TextInput

# Spaces people put between thousands: ordinary, no-break and narrow no-break.
_SPACES = re.compile(r"[ \u00a0\u202f]")


def parse_whole_number(text: str, group_symbol: str = ".") -> int | None:
    """'89.870', '89 870' and '89870' are 89870 (the locale's thousands mark in groups of three); None otherwise."""
    text = _SPACES.sub(" ", text.strip()).replace("\u2212", "-")
    # A minus sign is read, so that the range check can say what is allowed instead of "not a number".
    sign, text = (-1, text[1:].lstrip()) if text.startswith("-") else (1, text)
    if re.fullmatch(r"\d+", text):
        return sign * int(text)
    for mark in (group_symbol, " "):
        if re.fullmatch(rf"\d{{1,3}}(?:{re.escape(mark)}\d{{3}})+", text):
            return sign * int(text.replace(mark, ""))
    return None


class WholeNumberField(Field):
    """A whole number in a text box (not type=number, which refuses "89.870"), with the numeric keyboard on phones."""

    widget = TextInput()

    def __init__(self, label=None, validators=None, message=None, **kwargs):
        render_kw = {"inputmode": "numeric", "autocomplete": "off", **(kwargs.pop("render_kw", None) or {})}
        super().__init__(label, validators, render_kw=render_kw, **kwargs)
        self.message = message or _l("Enter a whole number, such as 89,870 or 89870.")

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else str(self.data)

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        locale = get_locale()
        self.data = parse_whole_number(valuelist[0], get_group_symbol(locale) if locale else ".")
        if self.data is None:
            raise ValueError(str(self.message))
