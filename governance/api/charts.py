"""API: the charts as SVG, PNG or CSV, as on a date, with ETag and 304 (the same bytes as the pages)."""

from flask import request

from governance.api import bp
from governance.api.common import requires
from governance.charts import serve
from governance.charts.views import chart_response
from governance.members.models import Network

CHART_NAMES = 'any(membership, population, provinces, "population-history")'


def _options() -> serve.ChartOptions:
    return serve.parse_options(request.args.get("on"), request.args.get("format"), request.args.get("dpi"))


@bp.get(f"/charts/<{CHART_NAMES}:chart>")
@requires(Network.can_view_charts)
def get_chart(user, chart: str):
    """GET /charts/membership|population|provinces|population-history?on=&format=svg|png|csv&dpi="""
    return chart_response(chart, _options())


@bp.get("/charts/polls/<int:poll_id>")
@requires(Network.can_view_charts)
def get_poll_chart(user, poll_id: int):
    """GET /charts/polls/{id}?format=svg|png|csv&dpi=: a closed poll's result; 409 while it is open."""
    return chart_response("poll", _options(), poll_id)
