"""Forms for meetings, the programme, registrations, documents and the board's agenda."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from governance.form_fields import WholeNumberField
from governance.input_guard import SafeForm
from governance.meetings.models import ItemKind
from governance.meetings.programme import kind_labels


class CheckboxesField(SelectMultipleField):
    """A list of checkboxes, one per choice."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def kind_choices():
    return [SelectChoice(kind.value, label) for kind, label in kind_labels().items()]


class MeetingForm(SafeForm):
    title = StringField(_l("Title"), validators=[DataRequired(_l("Enter a title.")), Length(max=200)])
    date = DateField(_l("Date"), validators=[InputRequired(_l("Enter the date of the meeting."))])
    place = StringField(
        _l("Place (address)"), validators=[DataRequired(_l("Enter where the meeting takes place.")), Length(max=200)]
    )
    description = TextAreaField(_l("Description"), validators=[Length(max=5000)])


class ItemForm(SafeForm):
    start = StringField(_l("Start (HH:MM)"), render_kw={"type": "time", "placeholder": "10:00"})
    end = StringField(_l("End (HH:MM)"), render_kw={"type": "time", "placeholder": "11:00"})
    kind = SelectField(_l("Kind"), choices=kind_choices, default=ItemKind.THEME_SESSION.value)
    title = StringField(_l("Title"), validators=[DataRequired(_l("Enter a title.")), Length(max=200)])
    room = StringField(_l("Room"), validators=[Length(max=120)])
    capacity = WholeNumberField(_l("Capacity (empty: no limit)"))
    speakers = TextAreaField(_l("Speakers"), validators=[Length(max=5000)])
    description = TextAreaField(_l("Description"), validators=[Length(max=5000)])


class RegistrationForm(SafeForm):
    attending = RadioField(
        _l("Will you attend?"),
        choices=[SelectChoice("yes", _l("Yes, I will attend")), SelectChoice("no", _l("No, I cannot attend"))],
        validators=[InputRequired(_l("Choose whether you will attend."))],
    )
    items = CheckboxesField(_l("Sessions"), coerce=int)
    name = StringField(
        _l("Name on the badge"), validators=[DataRequired(_l("Enter the name for the badge.")), Length(max=120)]
    )
    function = StringField(_l("Function on the badge"), validators=[Length(max=120)])


class OnBehalfForm(RegistrationForm):
    email = StringField(_l("Email"), validators=[DataRequired(_l("Enter an email address.")), Length(max=254)])
    city_id = SelectField(_l("City"), coerce=int)
    attending = RadioField(
        _l("Attending"),
        choices=[SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))],
        default="yes",
        validators=[InputRequired(_l("Choose whether the person will attend."))],
    )


class InviteForm(SafeForm):
    only_unanswered = BooleanField(_l("Only board members who have not answered yet"), default=True)


class DocumentForm(SafeForm):
    title = StringField(_l("Title"), validators=[DataRequired(_l("Enter a title.")), Length(max=200)])
    item_id = SelectField(_l("Programme item"), coerce=int)
    publish_on = DateField(_l("Publication date"), validators=[InputRequired(_l("Enter the publication date."))])
    file = FileField(_l("PDF file"), validators=[FileRequired(_l("Choose a PDF file to upload."))])


class VersionForm(SafeForm):
    file = FileField(_l("New version (PDF)"), validators=[FileRequired(_l("Choose a PDF file to upload."))])


class AgendaForm(SafeForm):
    title = StringField(_l("Title"), validators=[DataRequired(_l("Enter a title.")), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Length(max=5000)])
    poll_id = SelectField(_l("Vote"), coerce=int)
    new_motion = BooleanField(_l("Create a new motion vote with this title"))
    document_version_id = SelectField(_l("Document the decision approves"), coerce=int)
