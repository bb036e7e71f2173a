"""The `grader` command: one entry point, a subcommand per job."""

from __future__ import annotations

import sys

import click
from flask import Flask
from sqlalchemy import select

from grader.config import Config, ConfigError


def _app() -> Flask:
    from grader.app import create_app

    try:
        return create_app(Config.from_env())
    except ConfigError as error:
        raise click.ClickException(str(error)) from None


@click.group()
def main() -> None:
    """relugrade: an autograder for ReLU-network courses."""


@main.group()
def db() -> None:
    """Database migrations."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str) -> None:
    """Apply Alembic migrations."""
    from grader.migrate import upgrade

    upgrade(Config.from_env().database_url, revision)
    click.echo("database is up to date")


@main.group()
def users() -> None:
    """User accounts."""


@users.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(["student", "ta", "instructor"]), required=True)
@click.option("--course", "course_slug", help="Course slug to enrol the user in.")
@click.option("--password", help="Password (prompted when omitted).")
def users_add(name: str, role: str, course_slug: str | None, password: str | None) -> None:
    """Create or update user NAME and enrol them in a course with a role."""
    from grader.accounts import enrol, get_or_create_user
    from grader.db import db as database
    from grader.models import Course, Role

    with _app().app_context():
        course = None
        if course_slug:
            course = database.session.scalar(select(Course).where(Course.slug == course_slug))
            if course is None:
                raise click.UsageError(f"no course with slug {course_slug!r}")
        if password is None:
            password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
        user = get_or_create_user(name, password=password)
        user.can_create_courses = user.can_create_courses or role == "instructor"
        database.session.flush()
        if course is not None:
            enrol(user, course, Role(role))
        database.session.commit()
        click.echo(f"user {name} ({role}{' in ' + course_slug if course_slug else ''})")


@main.group()
def tokens() -> None:
    """API tokens."""


@tokens.command("issue")
@click.argument("name")
def tokens_issue(name: str) -> None:
    """Print a new API token for user NAME."""
    from grader.accounts import issue_token
    from grader.db import db as database
    from grader.models import User

    with _app().app_context():
        user = database.session.scalar(select(User).where(User.username == name))
        if user is None:
            raise click.UsageError(f"no user named {name!r}")
        token = issue_token(user)
        database.session.commit()
        click.echo(token)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def web(host: str, port: int) -> None:
    """Serve the web app under gunicorn."""
    from grader.serve import run_gunicorn

    run_gunicorn(host, port)


@main.command()
@click.option("--concurrency", "-c", default=2, show_default=True, type=int)
@click.option("--beat/--no-beat", default=False, help="Also run the periodic sweep (one worker only).")
def worker(concurrency: int, beat: bool) -> None:
    """Run a Celery worker that grades submissions."""
    app = _app()
    argv = ["worker", "--loglevel=INFO", f"--concurrency={concurrency}", "-Q", "grading",
            "--without-gossip", "--without-mingle"]
    if beat:
        argv.append("--beat")
    app.extensions["celery"].worker_main(argv)


@main.command()
def beat() -> None:
    """Run the periodic sweep alone (production: one beat for many workers)."""
    _app().extensions["celery"].start(["beat", "--loglevel=INFO"])


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def serve(host: str, port: int) -> None:
    """Web + worker + embedded Redis in one command; Ctrl-C stops them all."""
    from grader.serve import serve_all

    sys.exit(serve_all(Config.from_env(), host, port))


@click.command("import")
@click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=str))
@click.option("--course", "course_slug", default="demo", show_default=True)
@click.option("--publish/--no-publish", default=False, help="Publish it right away.")
def import_assignment(path: str, course_slug: str, publish: bool) -> None:
    """Add (or refresh) the assignment folder PATH in a course."""
    from assignments.loader import AssignmentError
    from grader.catalog import upsert_assignment
    from grader.db import db as database
    from grader.models import Course

    with _app().app_context():
        course = database.session.scalar(select(Course).where(Course.slug == course_slug))
        if course is None:
            raise click.UsageError(f"no course with slug {course_slug!r}")
        try:
            row = upsert_assignment(course, path, source="folder", publish=publish or None)
        except AssignmentError as error:
            raise click.ClickException(f"{path}: {error}") from None
        database.session.commit()
        click.echo(f"{row.slug}: '{row.title}' in {course_slug} ({'published' if row.published else 'unpublished'})")


def _register_package_commands() -> None:
    """Commands owned by the workers and assignments packages."""
    from assignments.commands import assignments as assignments_group, grade
    from grader.demo_data import demo
    from workers.commands import sandbox

    assignments_group.add_command(import_assignment)
    main.add_command(demo)
    main.add_command(grade)
    main.add_command(assignments_group)
    main.add_command(sandbox)


_register_package_commands()
