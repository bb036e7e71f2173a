"""`grader serve` on embedded defaults: gunicorn + worker + embedded Redis, over real HTTP, then a clean stop."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GRADER = str(Path(sys.executable).parent / "grader")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _multipart(field: str, filename: str, content: bytes) -> tuple[bytes, str]:
    boundary = "relugrade-test-boundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{filename}\"\r\n"
            f"Content-Type: text/x-python\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def _get_json(url: str, token: str) -> dict:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


@pytest.fixture
def embedded_env(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRADER_")}
    env["GRADER_DATA_DIR"] = str(tmp_path / "data")
    for command in (["db", "upgrade"], ["demo"]):
        subprocess.run([GRADER, *command], env=env, check=True, capture_output=True, timeout=120)
    return env


def test_serve_grades_over_http_and_stops_cleanly(embedded_env, tmp_path):
    token = subprocess.run([GRADER, "tokens", "issue", "student"], env=embedded_env, check=True,
                           capture_output=True, text=True, timeout=60).stdout.strip()
    port = _free_port()
    log = open(tmp_path / "serve.log", "wb")
    serve = subprocess.Popen([GRADER, "serve", "--port", str(port)], env=embedded_env, stdout=log,
                             stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{base}/login", timeout=2) as response:
                    assert response.status == 200
                    break
            except OSError:  # not listening yet, or still booting
                assert time.monotonic() < deadline, (tmp_path / "serve.log").read_text()[-3000:]
                time.sleep(0.5)
        body, content_type = _multipart("file", "relu.py", (ROOT / "assignments/relu-basics/solution.py").read_bytes())
        request = urllib.request.Request(f"{base}/api/v1/courses/demo/assignments/relu-basics/submissions",
                                         data=body, method="POST", headers={"Authorization": f"Bearer {token}",
                                                                            "Content-Type": content_type})
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 202
            created = json.load(response)
        deadline = time.monotonic() + 120
        while (shown := _get_json(base + created["url"], token))["status"] not in ("graded", "failed"):
            assert time.monotonic() < deadline, (tmp_path / "serve.log").read_text()[-3000:]
            time.sleep(0.3)
        assert shown["status"] == "graded" and shown["score"] == shown["max_score"] > 0
        assert (Path(embedded_env["GRADER_DATA_DIR"]) / "redis.sock").exists()
    finally:
        serve.send_signal(signal.SIGTERM)
        serve.wait(timeout=60)
    time.sleep(1)
    leftovers = subprocess.run(["pgrep", "-f", embedded_env["GRADER_DATA_DIR"]], capture_output=True, text=True)
    assert leftovers.stdout == "", leftovers.stdout
    assert serve.returncode == 0
