"""Forms of the staff pages (Flask-WTF: every POST carries a CSRF token)."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (DateTimeLocalField, DecimalField, HiddenField, IntegerField, SelectField, StringField,
                     TextAreaField)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


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
    max_score = DecimalField("Points", validators=[InputRequired(), NumberRange(min=0.0001)], places=None)
    due_at = DateTimeLocalField("Due (UTC)", format=DATETIME_FORMAT, validators=[Optional()])
    late_penalty_percent = DecimalField("Late penalty per day (% of the score)", places=None,
                                        validators=[InputRequired(), NumberRange(min=0, max=100)])
    hard_cutoff_at = DateTimeLocalField("Hard cutoff: no submissions after (UTC)", format=DATETIME_FORMAT,
                                        validators=[Optional()])
    max_per_day = IntegerField("Submissions per day (empty: no limit)", validators=[Optional(), NumberRange(min=1)])
    max_total = IntegerField("Submissions in total (empty: no limit)", validators=[Optional(), NumberRange(min=1)])
    counting = SelectField("Score that counts", choices=[SelectChoice("best", "best submission"), SelectChoice("last", "last submission")])
    reveal_hidden = SelectField("Hidden tests are revealed", choices=[
        SelectChoice("after_due_date", "after the due date"), SelectChoice("never", "never")])


class ExtensionForm(FlaskForm):
    username = StringField("Student's username", validators=[DataRequired(), Length(max=64)])
    due_at = DateTimeLocalField("New due date (UTC)", format=DATETIME_FORMAT, validators=[DataRequired()])


class OverrideForm(FlaskForm):
    score = DecimalField("New score (empty: remove the override)", places=None, validators=[Optional()])
    comment = TextAreaField("Why (required, kept in the audit log)", validators=[DataRequired(), Length(max=2000)])
