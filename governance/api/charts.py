"""API: the charts as SVG, PNG or CSV, as on a date, with ETag and 304 (the same bytes as the pages)."""

from flask import request

from governance import exports
from governance.api import bp
from governance.api.common import query, refusals, requires
from governance.charts.schemas import ChartQuerySchema
from governance.charts.views import chart_response
from governance.members.models import Network

CHART_CONTENT = {
    "responses": {
        "200": {
            "description": "The chart, or the data it is drawn from",
            "headers": {"ETag": {"schema": {"type": "string"}}},
            "content": {"image/svg+xml": {}, "image/png": {}, exports.CSV_MEDIA_TYPE: {}},
        },
        "304": {"description": "Not modified (If-None-Match matched the ETag)"},
    }
}


@bp.get("/charts/membership")
@bp.get("/charts/population")
@bp.get("/charts/provinces")
@bp.get("/charts/population-history")
@requires(Network.can_view_charts)
@bp.doc(
    summary="Members over time; population per city or per province; the total population over time", **CHART_CONTENT
)
@query(ChartQuerySchema)
@refusals(401, 403)
def get_chart(user, options):
    """GET /charts/membership|population|provinces|population-history?on=&format=svg|png|csv&dpi="""
    return chart_response(request.path.rsplit("/", 1)[-1], options)


@bp.get("/charts/polls/<int:id>")
@requires(Network.can_view_charts)
@bp.doc(summary="A closed poll's result; 409 while it is open", **CHART_CONTENT)
@query(ChartQuerySchema)
@refusals(401, 403, 404, 409)
def get_poll_chart(user, options, id):  # noqa: A002 - the contract's path parameter
    """GET /charts/polls/{id}?format=svg|png|csv&dpi=: a closed poll's result; 409 while it is open."""
    return chart_response("poll", options, id)
