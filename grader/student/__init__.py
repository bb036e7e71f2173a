"""Pages for students: courses, assignments, submitting, feedback."""

from flask import Blueprint

bp = Blueprint("student", __name__)

from grader.student import routes  # noqa: E402,F401
