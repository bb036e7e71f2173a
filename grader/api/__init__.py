"""The JSON API (token auth), as DESIGN.md specifies it."""

from flask import Blueprint

bp = Blueprint("api", __name__)

from grader.api import routes  # noqa: E402,F401
