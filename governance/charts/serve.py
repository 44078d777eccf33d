"""One chart request from options to bytes: read and check the options, find or draw, with its ETag.

Shared by the chart pages and the JSON API so both give the same bytes and the same ETag.
No request globals: the views pass the query-string values and the language in.
"""

import datetime as dt
import re
from dataclasses import dataclass
from typing import Optional

from flask_babel import gettext as _

from governance import clock, exports
from governance.charts import data as chart_data
from governance.charts.cache import Rendered, chart_cache, data_version, etag_for
from governance.charts.texts import texts_for
from governance.errors import ValidationFailed

FORMATS = ("svg", "png", "csv")
MIMETYPES = {"svg": "image/svg+xml", "png": "image/png", "csv": exports.CSV_MIMETYPE}
DPI_MIN, DPI_MAX, DPI_DEFAULT = 50, 600, 100
FIRST_DAY, LAST_DAY = dt.date(1800, 1, 1), dt.date(2999, 12, 31)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class ChartOptions:
    on: dt.date
    fmt: str
    dpi: int


def parse_options(
    on: Optional[str],
    fmt: Optional[str],
    dpi: Optional[str],
    *,
    default_format: str = "svg",
    today: Optional[dt.date] = None,
) -> ChartOptions:
    """Check `on`, `format` and `dpi` from a query string; one 422 naming every bad field."""
    errors: dict[str, list[str]] = {}
    day = today or clock.today()
    if on not in (None, ""):
        parsed = None
        if _ISO_DATE.match(on):
            try:
                parsed = dt.date.fromisoformat(on)
            except ValueError:
                parsed = None
        if parsed is None:
            errors["on"] = [_("'%(value)s' is not a date as YYYY-MM-DD.", value=on[:40])]
        elif not FIRST_DAY <= parsed <= LAST_DAY:
            # Chart axes reach a little before and after the day; the calendar's ends would overflow.
            errors["on"] = [
                _(
                    "The date must lie between %(first)s and %(last)s.",
                    first=FIRST_DAY.isoformat(),
                    last=LAST_DAY.isoformat(),
                )
            ]
        else:
            day = parsed
    chosen = default_format if fmt in (None, "") else fmt.strip().lower()
    if chosen not in FORMATS:
        errors["format"] = [_("'%(value)s' is not a chart format: choose svg, png or csv.", value=(fmt or "")[:40])]
    resolution = DPI_DEFAULT
    if dpi not in (None, ""):
        if not re.fullmatch(r"\d{1,4}", dpi.strip()) or not DPI_MIN <= int(dpi) <= DPI_MAX:
            errors["dpi"] = [
                _("The resolution (dpi) must be a whole number from %(low)d to %(high)d.", low=DPI_MIN, high=DPI_MAX)
            ]
        else:
            resolution = int(dpi)
    if errors:
        messages = [m for msgs in errors.values() for m in msgs]
        raise ValidationFailed(" ".join(messages), fields=errors)
    return ChartOptions(on=day, fmt=chosen, dpi=resolution)


def chart_etag(chart: str, options: ChartOptions, locale: str, poll_id: Optional[int], version: str) -> str:
    # The CSV is the same in every language and resolution; the images are not.
    if options.fmt == "csv":
        return etag_for(version, chart, poll_id, options.on.isoformat(), "csv")
    dpi = options.dpi if options.fmt == "png" else None
    return etag_for(version, chart, poll_id, options.on.isoformat(), options.fmt, dpi, locale)


def cached_data(chart: str, on: dt.date, poll_id: Optional[int] = None, version: Optional[str] = None):
    """The chart's data for this data version, gathered once."""
    version = version or data_version()
    key = ("data", chart, poll_id, on, version)
    return chart_cache().get_or_make(key, lambda: chart_data.gather(chart, on, poll_id))


def render(
    chart: str, options: ChartOptions, locale: str, poll_id: Optional[int] = None, version: Optional[str] = None
) -> Rendered:
    """The chart in the asked format, drawn at most once per data version and options."""
    # deferred import: matplotlib loads with the first chart drawn, not with every server process.
    from governance.charts.drawing import draw

    version = version or data_version()
    etag = chart_etag(chart, options, locale, poll_id, version)

    def make() -> Rendered:
        d = cached_data(chart, options.on, poll_id, version)
        if options.fmt == "csv":
            return Rendered(exports.contract_csv(d.HEADER, d.rows()), MIMETYPES["csv"], etag)  # the API's format
        body = draw(chart, d, texts_for(chart, d, locale), options.fmt, options.dpi)
        return Rendered(body, MIMETYPES[options.fmt], etag)

    return chart_cache().get_or_make(("rendered", etag), make)


def download_name(chart: str, options: ChartOptions, poll_id: Optional[int] = None) -> str:
    stem = f"poll-{poll_id}" if chart == "poll" else chart
    return f"{stem}-{options.on.isoformat()}.{options.fmt}"
