"""Forms for motions and votes."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from governance import labels
from governance.input_guard import SafeForm


class MotionForm(SafeForm):
    title = StringField(_l("Title"), validators=[DataRequired(_l("Give the motion a title.")), Length(max=200)])
    description = TextAreaField(_l("Proposal"), validators=[Length(max=10_000)])
    majority = SelectField(
        _l("Majority required"),
        choices=labels.choices(labels.MAJORITY_CHOICES),
    )
    meeting_id = SelectField(_l("Meeting"), coerce=int, default=0, validate_choice=False)
    secret = BooleanField(_l("Secret ballot (who voted is recorded apart from how)"))
