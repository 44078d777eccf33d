"""Forms for cities and population figures."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from governance.form_fields import WholeNumberField
from governance.input_guard import SafeForm
from governance.members.services import PROVINCES


def province_choices():
    return [("", _l("— choose —"))] + [(p, p) for p in PROVINCES]


class PopulationFieldsMixin:
    population = WholeNumberField(_l("Population"), validators=[InputRequired(_l("Enter the number of inhabitants."))])
    population_date = DateField(
        _l("Reference date"), validators=[InputRequired(_l("Enter the reference date of the population figure."))]
    )
    population_source = StringField(_l("Source"), default="CBS", validators=[Length(max=120)])


class CityForm(SafeForm, PopulationFieldsMixin):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter the city's name.")), Length(max=120)])
    cbs_code = StringField(
        _l("CBS municipality code"), validators=[DataRequired(_l("Enter the CBS municipality code."))]
    )
    province = SelectField(
        _l("Province"), choices=province_choices, validators=[DataRequired(_l("Choose the province."))]
    )
    joined_on = DateField(_l("Member since (leave empty when the city is not a member)"), validators=[Optional()])


class EditCityForm(SafeForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter the city's name.")), Length(max=120)])
    cbs_code = StringField(
        _l("CBS municipality code"), validators=[DataRequired(_l("Enter the CBS municipality code."))]
    )
    province = SelectField(
        _l("Province"), choices=province_choices, validators=[DataRequired(_l("Choose the province."))]
    )


class PopulationForm(SafeForm, PopulationFieldsMixin):
    pass
