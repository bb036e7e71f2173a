"""Attacks that aim at the worker itself, sent through the API to a real Celery worker.

Each must end as a graded submission with score 0 and the right verdict, the
broker's sentinel key must survive, and the worker must keep grading: a
correct submission after the whole lot still scores full marks. The modules
are imported with ``__import__`` so that the runner's static import check does
not stop them first: the sandbox itself must hold.
"""

from __future__ import annotations

import io
import secrets
from pathlib import Path

import pytest
import redis as redis_lib

from tests.conftest import wait_for_status

ROOT = Path(__file__).resolve().parents[2]
CORRECT = (ROOT / "assignments/relu-basics/solution.py").read_text()
API_URL = "/api/v1/courses/demo/assignments/relu-basics/submissions"

OUTPUT_FLOOD = '''
def relu(x):
    while True:
        print("x" * 10000)

relu_grad = relu
'''
KILL_THE_PARENT = '''
os, signal = __import__("os"), __import__("signal")

def relu(x):
    for target in (os.getppid(), 1, -1):
        try:
            os.kill(target, signal.SIGKILL)
        except OSError:
            pass
    raise SystemExit("still alive")

relu_grad = relu
'''
REACH_THE_BROKER = '''
socket = __import__("socket")

SOCKET = "__SOCKET__"

def relu(x):
    for family, address in [(socket.AF_INET, ("127.0.0.1", 6379)), (socket.AF_UNIX, SOCKET)]:
        try:
            with socket.socket(family, socket.SOCK_STREAM) as connection:
                connection.settimeout(1)
                connection.connect(address)
                connection.sendall(b"FLUSHALL\\r\\n")
        except OSError:
            pass
    return x

relu_grad = relu
'''
FORK_AND_HANG = '''
os, time = __import__("os"), __import__("time")

def relu(x):
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            while True:
                time.sleep(1)
        os._exit(0)
    while True:
        pass

relu_grad = relu
'''


def _submit(app, token: str, code: str) -> int:
    response = app.test_client().post(API_URL, headers={"Authorization": f"Bearer {token}"},
                                      data={"file": (io.BytesIO(code.encode()), "attack.py")})
    assert response.status_code == 202, response.get_data(as_text=True)
    return response.get_json()["id"]


@pytest.fixture
def sentinel(config):
    """A key in the broker's Redis that no submission may touch."""
    client = redis_lib.Redis.from_url(config.broker_url.replace("redis+socket://", "unix://"))
    key = f"relugrade-sentinel-{secrets.token_hex(6)}"
    client.set(key, "still here")
    yield client, key
    client.delete(key)


@pytest.mark.parametrize("name, code, verdicts", [
    ("output flood", OUTPUT_FLOOD, {"output_limit"}),
    ("kill the parent", KILL_THE_PARENT, {"runtime_error"}),
    ("reach the broker", REACH_THE_BROKER, {"ok"}),
    ("fork and hang", FORK_AND_HANG, {"time_limit"}),
])
def test_worker_survives_attack(demo, app, api_token, celery_worker, sentinel, config, name, code, verdicts):
    client, key = sentinel
    socket_path = config.broker_url.removeprefix("redis+socket://") if "socket" in config.broker_url else "/nonexistent"
    submission = wait_for_status(_submit(app, api_token("student"), code.replace("__SOCKET__", socket_path)),
                                 timeout_s=180)
    result = submission.current_result.payload
    assert submission.status == "graded"
    assert result["verdict"] in verdicts, result
    assert result["score"] < result["max_score"] / 2
    if name == "output flood":
        assert "printed more than" in result.get("output", "") + " ".join(t["output"] for t in result["tests"])
        assert len(result["stdout"]) < 200_000
    assert client.get(key) == b"still here"
    assert celery_worker.alive()
    control = wait_for_status(_submit(app, api_token("student"), CORRECT), timeout_s=180)
    assert control.current_result.payload["score"] == control.assignment.max_score
