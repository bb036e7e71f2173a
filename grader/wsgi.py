"""WSGI entry point for gunicorn: `gunicorn grader.wsgi:app`."""

from grader.app import create_app

app = create_app()
