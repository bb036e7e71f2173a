"""Pages for instructors and TAs; every route checks the user's role in the course it names."""

from flask import Blueprint

bp = Blueprint("staff", __name__)

from grader.staff import assignments, grades, routes, views  # noqa: E402,F401
