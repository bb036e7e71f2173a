from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import TextAreaField


class SubmitForm(FlaskForm):
    """Upload a .py file, or paste the code."""

    file = FileField("Upload your .py file")
    code = TextAreaField("…or paste your code")
