"""`grader serve`: the embedded Redis, a worker and the web server, supervised together."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import click

from grader.config import Config

RESTART_DELAY_S = 1.0


def run_gunicorn(host: str, port: int, workers: int = 2) -> None:
    """Replace this process with gunicorn serving grader.wsgi:app."""
    gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
    os.execv(gunicorn, [gunicorn, "--workers", str(workers), "--bind", f"{host}:{port}",
                        "--access-logfile", "-", "--timeout", "60", "grader.wsgi:app"])


def _wait_until_listening(host: str, port: int, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, port), timeout=0.5):
                time.sleep(1.0)  # let the worker print its banner too
                return
        except OSError:
            time.sleep(0.2)


def serve_all(config: Config, host: str, port: int) -> int:
    """Start every part, restart one that dies, stop them all on SIGINT/SIGTERM."""
    from workers.embedded_redis import start_embedded_redis

    grader = os.path.join(os.path.dirname(sys.executable), "grader")
    parts: dict[str, list[str]] = {
        "worker": [grader, "worker", "--beat", "--concurrency", "2"],
        "web": [grader, "web", "--host", host, "--port", str(port)],
    }
    redis = start_embedded_redis(config.embedded_redis_socket) if config.uses_embedded_redis else None
    running = {name: subprocess.Popen(argv) for name, argv in parts.items()}
    stopping = False

    def stop(signum, _frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    _wait_until_listening(host, port, timeout_s=30.0)  # so the banner comes after the parts' own logs
    click.echo(f"\nrelugrade is running at http://{host}:{port}/")
    click.echo("demo logins (password = username): student, ta, instructor\nCtrl-C stops everything.\n")
    try:
        while not stopping:
            time.sleep(0.5)
            if redis is not None and redis.poll() is not None and not stopping:
                click.echo("embedded Redis exited; restarting it", err=True)
                redis = start_embedded_redis(config.embedded_redis_socket)
            for name, process in running.items():
                if process.poll() is not None and not stopping:
                    click.echo(f"{name} exited with {process.returncode}; restarting it", err=True)
                    time.sleep(RESTART_DELAY_S)
                    running[name] = subprocess.Popen(parts[name])
    finally:
        for process in running.values():
            if process.poll() is None:
                process.terminate()
        for process in running.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        if redis is not None:
            redis.terminate()
            redis.wait(timeout=10)
    return 0
