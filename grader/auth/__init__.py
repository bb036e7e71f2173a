"""Logging in and out, and the role checks every blueprint uses."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from grader.auth import routes  # noqa: E402,F401
