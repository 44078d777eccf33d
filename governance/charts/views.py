"""The secretariat's dashboard, the chart pages with their data tables, the images and the exports."""

import datetime as dt
from typing import Optional

from flask import Blueprint, Response, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.routing import BuildError

from governance import clock, exports, labels
from governance.accounts.auth import allowed
from governance.charts import member_list, serve
from governance.charts.cache import data_version
from governance.charts.dashboard import dashboard_facts
from governance.charts.texts import (
    chart_title,
    current_locale,
    long_date,
    number,
    texts_for,
)
from governance.errors import DomainError
from governance.members.models import Network
from governance.network.rules import get_network, name_on
from governance.voting.services import list_polls

bp = Blueprint("charts", __name__, url_prefix="/charts", static_folder="static", static_url_path="/static")

CHART_NAMES = 'any(membership, population, provinces, "population-history")'


def link(endpoint: str, **values) -> Optional[str]:
    """A URL of another area's page, or None while that area does not have it."""
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return None


def membership_events(d) -> list[dict]:
    """Admissions (grouped per day), departures and renames of the membership chart, by date."""
    events: list[dict] = []
    by_day: dict[dt.date, list[str]] = {}
    for admission in d.admissions:
        by_day.setdefault(admission.day, []).append(admission.label)
    for day, names in by_day.items():
        events.append({"day": day, "order": 1, "text": _("Admitted: %(cities)s", cities=", ".join(names))})
    for departure in d.departures:
        events.append({"day": departure.day, "order": 0, "text": _("Left: %(city)s", city=departure.label)})
    for rename in d.renames:
        events.append({"day": rename.day, "order": 2, "text": _("Renamed %(change)s", change=rename.label)})
    return sorted(events, key=lambda e: (e["day"], e["order"]))


@bp.context_processor
def chart_helpers():
    return {"chart_link": link, "membership_events": membership_events}


def chart_response(chart: str, options: serve.ChartOptions, poll_id: Optional[int] = None) -> Response:
    """The image or CSV with its ETag; 304 when the client already holds this version."""
    locale = current_locale()
    version = data_version()
    etag = serve.chart_etag(chart, options, locale, poll_id, version)
    if etag in request.if_none_match:
        response = Response(status=304)
    else:
        rendered = serve.render(chart, options, locale, poll_id, version)
        response = Response(rendered.body, content_type=rendered.mimetype)  # the CSV's has its charset
        if options.fmt == "csv":
            response.headers["Content-Disposition"] = exports.attachment(serve.download_name(chart, options, poll_id))
    response.set_etag(etag)
    # Keep a copy, but ask each time: the ETag answers with 304 while the data is unchanged.
    response.headers["Cache-Control"] = "private, no-cache"
    response.vary.update(("Cookie", "Accept-Language"))
    return response


@bp.route("/")
@allowed(Network.can_view_charts)
def index():
    closed_polls = list_polls("closed")
    charts = [(name, chart_title(name)) for name in ("membership", "population", "provinces", "population-history")]
    return render_template("charts/index.html", charts=charts, closed_polls=closed_polls)


@bp.route("/dashboard")
@allowed(Network.can_view_charts)
def dashboard():
    facts = dashboard_facts(clock.today())
    return render_template("charts/dashboard.html", facts=facts)


def _page_day() -> tuple[dt.date, Optional[str]]:
    """The page's date; a bad one is reported on the page (422) and today is shown instead."""
    try:
        return serve.parse_options(request.args.get("on"), None, None).on, None
    except DomainError as error:
        return clock.today(), error.message


@bp.route(f"/<{CHART_NAMES}:chart>")
@allowed(Network.can_view_charts)
def chart_page(chart: str):
    day, problem = _page_day()
    d = serve.cached_data(chart, day)
    return _render_page(chart, d, day, problem, rows=_table_rows(chart, d))


@bp.route("/polls/<int:poll_id>")
@allowed(Network.can_view_charts)
def poll_page(poll_id: int):
    d = serve.cached_data("poll", clock.today(), poll_id)
    return _render_page("poll", d, clock.today(), None, rows=_table_rows("poll", d), poll_id=poll_id)


def _render_page(chart, d, day, problem, rows, poll_id=None):
    texts = texts_for(chart, d)
    if chart == "poll":
        image = {fmt: url_for("charts.poll_image", poll_id=poll_id, fmt=fmt) for fmt in ("svg", "png", "csv")}
        image["print"] = url_for("charts.poll_image", poll_id=poll_id, fmt="png", dpi=300)
    else:
        on = day.isoformat()
        image = {fmt: url_for("charts.image", chart=chart, fmt=fmt, on=on) for fmt in ("svg", "png", "csv")}
        image["print"] = url_for("charts.image", chart=chart, fmt="png", dpi=300, on=on)
    status = 422 if problem else 200
    return render_template(
        "charts/chart.html",
        chart=chart,
        data=d,
        texts=texts,
        day=day,
        problem=problem,
        rows=rows,
        image=image,
        page_title=chart_title(chart),
        poll_id=poll_id,
    ), status


def _table_rows(chart: str, d) -> list[tuple]:
    """The CSV rows made readable: dates and numbers in the user's language, codes as words."""
    locale = current_locale()
    if chart in ("membership",):
        return [(long_date(p.day, locale), number(p.members, locale), p.name) for p in d.points]
    if chart == "population":
        return [(c.city, number(c.population, locale), labels.city_status(c.status)) for c in d.cities]
    if chart == "provinces":
        return [(p.province, number(p.population, locale)) for p in d.provinces]
    if chart == "population-history":
        return [(long_date(p.day, locale), number(p.population, locale)) for p in d.points]
    if chart == "poll":
        return [(labels.choice_in_chart(choice), number(votes, locale)) for choice, votes in d.rows()]
    raise ValueError(chart)


@bp.route(f"/<{CHART_NAMES}:chart>/chart.<any(svg, png, csv):fmt>")
@allowed(Network.can_view_charts)
def image(chart: str, fmt: str):
    options = serve.parse_options(request.args.get("on"), fmt, request.args.get("dpi"))
    if fmt == "csv":
        return page_csv_response(chart, options)
    return chart_response(chart, options)


@bp.route("/polls/<int:poll_id>/chart.<any(svg, png, csv):fmt>")
@allowed(Network.can_view_charts)
def poll_image(poll_id: int, fmt: str):
    options = serve.parse_options(None, fmt, request.args.get("dpi"))
    if fmt == "csv":
        return page_csv_response("poll", options, poll_id)
    return chart_response("poll", options, poll_id)


def _page_csv_rows(chart: str, d) -> list[tuple]:
    """The chart's data for a spreadsheet: real dates and numbers, codes as words of the page's language."""
    if chart == "membership":
        return [(p.day, p.members, p.name) for p in d.points]
    if chart == "population":
        return [(c.city, c.population, labels.city_status(c.status)) for c in d.cities]
    if chart == "provinces":
        return [(p.province, p.population) for p in d.provinces]
    if chart == "population-history":
        return [(p.day, p.population) for p in d.points]
    if chart == "poll":
        return [(labels.choice_in_chart(choice), votes) for choice, votes in d.rows()]
    raise ValueError(chart)


def page_csv_response(chart: str, options: serve.ChartOptions, poll_id: Optional[int] = None) -> Response:
    """The CSV behind a chart page, as every download from the pages is (governance.exports), with its ETag."""
    locale = current_locale()
    etag = serve.etag_for(data_version(), chart, poll_id, options.on.isoformat(), "page-csv", locale)
    if etag in request.if_none_match:
        response = Response(status=304)
    else:
        d = serve.cached_data(chart, options.on, poll_id)
        body = exports.page_csv(texts_for(chart, d, locale).columns, _page_csv_rows(chart, d), locale)
        response = exports.download(body, serve.download_name(chart, options, poll_id))
    response.set_etag(etag)
    response.headers["Cache-Control"] = "private, no-cache"
    response.vary.update(("Cookie", "Accept-Language"))
    return response


@bp.route("/members.<any(csv, xlsx):fmt>")
@allowed(Network.can_view_charts)
def members_export(fmt: str):
    day = serve.parse_options(request.args.get("on"), None, None).on
    if fmt == "csv":
        body = member_list.members_csv(day, current_locale())
    else:
        body = member_list.members_xlsx(day, name_on(get_network(), day))
    return exports.download(body, f"members-{day.isoformat()}.{fmt}")
