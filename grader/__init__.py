"""relugrade: the Flask site, its models and the `grader` command."""

from grader.app import create_app

__all__ = ["create_app"]
