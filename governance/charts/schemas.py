"""The API's query schema for the charts: as on a date, in svg, png (at a resolution) or csv."""

import marshmallow as ma
from flask_babel import gettext as _

from governance import clock
from governance.charts import serve
from governance.schema_fields import IsoDate, QueryInt, QuerySchema


class ChartFormat(ma.fields.String):
    """svg, png or csv; case and surrounding spaces forgiven."""

    def __init__(self, **kwargs):
        super().__init__(metadata={"enum": list(serve.FORMATS)}, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        chosen = value.strip().lower() if isinstance(value, str) else None
        if chosen == "":
            return "svg"
        if chosen not in serve.FORMATS:
            raise ma.ValidationError(
                _("'%(value)s' is not a chart format: choose svg, png or csv.", value=str(value)[:40])
            )
        return chosen


class ChartQuerySchema(QuerySchema):
    on = IsoDate(load_default=clock.today, metadata={"description": "The data as on this date (default today)"})
    format = ChartFormat(load_default="svg")
    dpi = QueryInt(
        minimum=serve.DPI_MIN,
        maximum=serve.DPI_MAX,
        message="The resolution (dpi) must be a whole number from %(low)d to %(high)d.",
        load_default=serve.DPI_DEFAULT,
        metadata={"description": "For png"},
    )

    @ma.post_load
    def to_options(self, data, **kwargs) -> serve.ChartOptions:
        return serve.ChartOptions(on=data["on"], fmt=data["format"], dpi=data["dpi"])
