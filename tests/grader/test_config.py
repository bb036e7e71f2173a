import pytest

from grader.config import Config, ConfigError


def test_malformed_variable_is_named(monkeypatch, tmp_path):
    monkeypatch.setenv("GRADER_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("GRADER_MAX_UPLOAD_BYTES", "lots")
    with pytest.raises(ConfigError, match="GRADER_MAX_UPLOAD_BYTES"):
        Config.from_env()


def test_unsafe_sandbox_needs_explicit_consent(monkeypatch, tmp_path):
    monkeypatch.setenv("GRADER_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("GRADER_SANDBOX", "none")
    monkeypatch.delenv("GRADER_ALLOW_UNSAFE", raising=False)
    with pytest.raises(ConfigError, match="GRADER_ALLOW_UNSAFE"):
        Config.from_env()
    monkeypatch.setenv("GRADER_ALLOW_UNSAFE", "1")
    assert Config.from_env().sandbox == "none"


def test_unknown_sandbox_kind_is_refused(monkeypatch, tmp_path):
    monkeypatch.setenv("GRADER_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("GRADER_SANDBOX", "docker")
    with pytest.raises(ConfigError, match="GRADER_SANDBOX"):
        Config.from_env()


def test_embedded_defaults_and_secret_key_kept(monkeypatch, tmp_path):
    for name in ("GRADER_DATABASE_URL", "GRADER_BROKER_URL", "GRADER_SECRET_KEY", "GRADER_SANDBOX"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GRADER_DATA_DIR", str(tmp_path))
    first = Config.from_env()
    assert first.database_url == f"sqlite:///{tmp_path / 'grader.sqlite3'}"
    assert first.celery_broker_url == f"redis+socket://{tmp_path / 'redis.sock'}"
    assert first.sandbox == "bwrap"
    assert len(first.secret_key) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    assert Config.from_env().secret_key == first.secret_key
