"""Pages for instructors and TAs."""

from flask import Blueprint

bp = Blueprint("staff", __name__)

from grader.staff import routes  # noqa: E402,F401
