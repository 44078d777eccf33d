"""Forms for logging in and managing accounts."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from governance import labels
from governance.input_guard import SafeForm


class LoginForm(SafeForm):
    email = EmailField(_l("Email address"), validators=[DataRequired(_l("Enter your email address.")), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password."))])
    remember = BooleanField(_l("Stay logged in on this computer"))


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class UserForm(SafeForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter the person's name.")), Length(max=120)])
    email = EmailField(_l("Email address"), validators=[DataRequired(_l("Enter an email address.")), Length(max=254)])
    function = StringField(_l("Function (for the name badge)"), validators=[Length(max=120)])
    roles = MultiCheckboxField(
        _l("Roles"),
        choices=labels.choices(labels.ROLE_CHOICES),
        validators=[DataRequired(_l("Choose at least one role."))],
    )
    city_id = SelectField(_l("City (for a board member)"), coerce=int, validate_choice=False)
    password = PasswordField(_l("Password (optional)"), validators=[Optional()])
    invite = BooleanField(_l("Send an invitation by e-mail to choose their own password"), default=True)


class SetPasswordForm(SafeForm):
    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(_l("Enter a password."))],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("The same password again"),
        validators=[
            DataRequired(_l("Enter the password a second time.")),
            EqualTo("password", _l("The two passwords differ.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class ForgotPasswordForm(SafeForm):
    email = EmailField(
        _l("Email address"),
        validators=[DataRequired(_l("Enter your email address.")), Length(max=254)],
        render_kw={"autocomplete": "email"},
    )


class BoardMemberForm(SafeForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter the person's name.")), Length(max=120)])
    function = StringField(_l("Function (for the name badge)"), validators=[Length(max=120)])
    email = EmailField(_l("Email address"), validators=[DataRequired(_l("Enter an email address.")), Length(max=254)])


class PasswordChangeForm(SafeForm):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(_l("Enter your current password."))]
    )
    new_password = PasswordField(
        _l("New password"),
        validators=[DataRequired(_l("Enter a new password."))],
    )
    repeat_password = PasswordField(
        _l("New password again"),
        validators=[
            DataRequired(_l("Enter the new password once more.")),
            EqualTo("new_password", _l("The two new passwords differ.")),
        ],
    )
