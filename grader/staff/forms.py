"""Forms of the staff pages (Flask-WTF: every POST carries a CSRF token)."""

from decimal import Decimal

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (DateTimeLocalField, DecimalField, HiddenField, IntegerField, SelectField, StringField,
                     TextAreaField)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
MAX_POINTS = 10_000
MAX_SUBMISSION_LIMIT = 10**6
FIRST_YEAR, LAST_YEAR = 2000, 2100


class FiniteBetween:
    """A number from ``low`` to ``high``: NaN and infinities are refused before any comparison.

    Decimal("sNaN") raises on comparison and on float(), so NumberRange cannot be used.
    """

    def __init__(self, low: float, high: float) -> None:
        self.low, self.high = Decimal(str(low)), Decimal(str(high))

    def __call__(self, form, field) -> None:
        if field.data is None:
            return
        if not field.data.is_finite() or not self.low <= field.data <= self.high:
            raise ValidationError(f"Give a number from {self.low:,} to {self.high:,}.")


def sane_date(form, field) -> None:
    """A date from FIRST_YEAR to LAST_YEAR (year 1 or 9999 is a typo, and breaks the charts)."""
    if field.data is not None and not FIRST_YEAR <= field.data.year <= LAST_YEAR:
        raise ValidationError(f"Give a date between {FIRST_YEAR} and {LAST_YEAR}.")


class CourseForm(FlaskForm):
    slug = StringField("Short name (in URLs)", validators=[DataRequired(), Length(max=64)])
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])


class RosterUploadForm(FlaskForm):
    file = FileField("Roster CSV (columns: username, name, email, role)")
    text = TextAreaField("…or paste it")


class RosterConfirmForm(FlaskForm):
    roster = HiddenField(validators=[DataRequired()])


class StaffForm(FlaskForm):
    username = StringField("Username", validators=[DataRequired(), Length(max=64)])
    role = SelectField("Role", choices=[SelectChoice("ta", "TA"), SelectChoice("instructor", "Instructor")], default="ta")


class ActionForm(FlaskForm):
    """A button that only needs the CSRF token (publish, remove, regrade...)."""


class AssignmentUploadForm(FlaskForm):
    file = FileField("Assignment folder as a .zip")


class BuiltinForm(FlaskForm):
    slug = SelectField("Built-in assignment", choices=[])


class SettingsForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    statement_md = TextAreaField("Statement (Markdown)")
    max_score = DecimalField("Points", validators=[InputRequired(), FiniteBetween(0.0001, MAX_POINTS)], places=None)
    due_at = DateTimeLocalField("Due (UTC)", format=DATETIME_FORMAT, validators=[Optional(), sane_date])
    late_penalty_percent = DecimalField("Late penalty per day (% of the score)", places=None,
                                        validators=[InputRequired(), FiniteBetween(0, 100)])
    hard_cutoff_at = DateTimeLocalField("Hard cutoff: no submissions after (UTC)", format=DATETIME_FORMAT,
                                        validators=[Optional(), sane_date])
    max_per_day = IntegerField("Submissions per day (empty: no limit)",
                               validators=[Optional(), NumberRange(min=1, max=MAX_SUBMISSION_LIMIT)])
    max_total = IntegerField("Submissions in total (empty: no limit)",
                             validators=[Optional(), NumberRange(min=1, max=MAX_SUBMISSION_LIMIT)])
    counting = SelectField("Score that counts", choices=[SelectChoice("best", "best submission"), SelectChoice("last", "last submission")])
    reveal_hidden = SelectField("Hidden tests are revealed", choices=[
        SelectChoice("after_due_date", "after the due date"), SelectChoice("never", "never")])


class ExtensionForm(FlaskForm):
    username = StringField("Student's username", validators=[DataRequired(), Length(max=64)])
    due_at = DateTimeLocalField("New due date (UTC)", format=DATETIME_FORMAT,
                                validators=[DataRequired(), sane_date])


class OverrideForm(FlaskForm):
    score = DecimalField("New score (empty: remove the override)", places=None,
                         validators=[Optional(), FiniteBetween(0, MAX_POINTS)])
    comment = TextAreaField("Why (required, kept in the audit log)", validators=[DataRequired(), Length(max=2000)])
