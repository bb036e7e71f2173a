"""The whole path with real parts: web form / API -> database -> Redis -> Celery worker -> sandbox -> result."""

import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from grader.db import db
from grader.models import Result, Submission
from tests.conftest import wait_for_status

ROOT = Path(__file__).resolve().parents[2]
CORRECT = (ROOT / "assignments/relu-basics/solution.py").read_text()
WRONG_GRAD = CORRECT + '''

def relu_grad(x):
    """Bug on purpose: the gradient of x instead of relu."""
    return np.ones_like(x)
'''
CRASHING = '''import numpy as np


def relu(x):
    raise ValueError("boom: not implemented yet")


def relu_grad(x):
    raise ValueError("boom: not implemented yet")
'''
FORM_URL = "/courses/demo/assignments/relu-basics"
API_URL = "/api/v1/courses/demo/assignments/relu-basics/submissions"

pytestmark = pytest.mark.usefixtures("celery_worker")


def submit_by_form(client, code: str, *, paste: bool = False) -> int:
    data = {"code": code} if paste else {"file": (io.BytesIO(code.encode()), "relu.py")}
    response = client.post_form(FORM_URL, data, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def submit_by_api(client, token: str, code: str) -> dict:
    response = client.post(API_URL, headers={"Authorization": f"Bearer {token}"},
                           data={"file": (io.BytesIO(code.encode()), "relu.py")}, content_type="multipart/form-data")
    assert response.status_code == 202, response.get_data(as_text=True)
    body = response.get_json()
    assert body["status"] == "queued" and body["url"] == f"/api/v1/submissions/{body['id']}"
    return body


def check_outcome(submission: Submission, kind: str) -> None:
    result = submission.current_result.payload
    assert submission.status == "graded"
    if kind == "correct":
        assert result["verdict"] == "ok"
        assert result["score"] == result["max_score"] == submission.assignment.max_score > 0
    elif kind == "wrong":
        assert result["verdict"] == "ok"
        assert 0 < result["score"] < result["max_score"]
        failed = [t for t in result["tests"] if t["status"] != "passed"]
        assert failed and all("relu_grad" in (t["name"] + t["output"]) for t in failed)
    else:
        assert result["verdict"] == "runtime_error"
        assert result["score"] == 0
        assert any("boom: not implemented yet" in t["output"] and "line" in t["output"] for t in result["tests"])


@pytest.mark.parametrize("kind, code", [("correct", CORRECT), ("wrong", WRONG_GRAD), ("crashing", CRASHING)])
def test_web_form_submission_is_graded(demo, login, kind, code):
    client = login("student")
    submission_id = submit_by_form(client, code, paste=(kind == "wrong"))
    page = client.get(f"/submissions/{submission_id}").get_data(as_text=True)
    assert 'id="result-panel"' in page
    submission = wait_for_status(submission_id)
    check_outcome(submission, kind)
    panel = client.get(f"/submissions/{submission_id}/panel").get_data(as_text=True)
    assert 'data-status="graded"' in panel
    assert submission.current_result.payload["tests"][0]["name"] in panel or "Hidden test" in panel
    listing = client.get(FORM_URL).get_data(as_text=True)
    assert f"/submissions/{submission_id}" in listing


@pytest.mark.parametrize("kind, code", [("correct", CORRECT), ("wrong", WRONG_GRAD), ("crashing", CRASHING)])
def test_api_submission_is_graded(demo, app, api_token, kind, code):
    client, token = app.test_client(), api_token("student")
    body = submit_by_api(client, token, code)
    submission = wait_for_status(body["id"])
    check_outcome(submission, kind)
    shown = client.get(body["url"], headers={"Authorization": f"Bearer {token}"}).get_json()
    assert shown["status"] == "graded" and shown["assignment"] == "relu-basics"
    assert shown["score"] == submission.score and shown["max_score"] == submission.max_score
    assert shown["result"]["verdict"] == submission.verdict


def test_hidden_tests_show_points_but_not_inputs(demo, app, api_token):
    client, token = app.test_client(), api_token("student")
    body = submit_by_api(client, token, WRONG_GRAD)
    submission = wait_for_status(body["id"])
    full = submission.current_result.payload["tests"]
    hidden = [t for t in full if t["visibility"] != "visible"]
    assert hidden, "relu-basics must have hidden tests"
    shown = client.get(body["url"], headers={"Authorization": f"Bearer {token}"}).get_json()["result"]["tests"]
    assert len(shown) == len(full)
    shown_hidden = [t for t in shown if t["visibility"] != "visible"]
    assert [t["max_score"] for t in shown_hidden] == [t["max_score"] for t in hidden]
    for original, redacted in zip(hidden, shown_hidden):
        assert redacted["name"].startswith("Hidden test")
        assert original["output"] == "" or original["output"] not in redacted["output"]
    staff_view = client.get(body["url"], headers={"Authorization": f"Bearer {api_token('ta')}"}).get_json()
    assert [t["name"] for t in staff_view["result"]["tests"]] == [t["name"] for t in full]


def test_submission_while_broker_is_down_is_kept_and_graded_later(demo, app, config, data_dir, caplog):
    """The broker is unreachable for this web app: the row is stored, and the worker's sweep sends it."""
    from dataclasses import replace

    from grader.app import create_app
    from tests.conftest import Browser

    offline = create_app(replace(config, broker_url=f"redis+socket://{data_dir}/no-such-redis.sock"))
    try:
        client = Browser(offline.test_client())
        with offline.app_context():
            assert client.login("student").status_code == 302
            submission_id = submit_by_form(client, CORRECT)
    finally:
        app.extensions["celery"].set_current()  # the other tests' Celery app again
        app.extensions["celery"].set_default()
    assert f"could not enqueue submission {submission_id}" in caplog.text
    assert db.session.get(Submission, submission_id) is not None
    graded = wait_for_status(submission_id, timeout_s=180)
    check_outcome(graded, "correct")


def test_worker_killed_mid_grading_loses_nothing(demo, app, api_token, celery_worker):
    slow = "import time\ntime.sleep(6)\n" + CORRECT
    body = submit_by_api(app.test_client(), api_token("student"), slow)
    wait_for_status(body["id"], statuses=("running",), timeout_s=60)
    celery_worker.kill()
    assert db.session.get(Submission, body["id"]).status == "running"
    celery_worker.start()
    submission = wait_for_status(body["id"], timeout_s=180)
    check_outcome(submission, "correct")
    current = db.session.scalar(select(func.count()).select_from(Result).where(
        Result.submission_id == body["id"], Result.is_current))
    assert current == 1
