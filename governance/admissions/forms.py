"""Forms for applications and the daily board's advice."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField, RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from governance import labels
from governance.input_guard import SafeForm


class ApplicationForm(SafeForm):
    city_id = SelectField(
        _l("City"), coerce=int, validate_choice=False, validators=[DataRequired(_l("Choose the city that applies."))]
    )
    received_on = DateField(
        _l("Received on"), validators=[InputRequired(_l("Enter the date the application was received."))]
    )
    effective_on = DateField(_l("Membership requested from"), validators=[Optional()])
    motivation = TextAreaField(_l("Motivation"), validators=[Length(max=10_000)])


class AdviceForm(SafeForm):
    advice = RadioField(
        _l("Advice"),
        choices=labels.choices(labels.ADVICE_CHOICES),
        validators=[InputRequired(_l("Choose positive or negative."))],
    )
    advice_text = TextAreaField(
        _l("Reasoning"), validators=[DataRequired(_l("Explain the advice in a few sentences.")), Length(max=10_000)]
    )
