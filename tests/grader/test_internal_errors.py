"""A failure of the grader is data: stored as internal_error, retried, never the student's fault."""

import io
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from grader.catalog import upsert_assignment
from grader.db import db
from grader.models import Result
from tests.conftest import wait_for_status

ROOT = Path(__file__).resolve().parents[2]
CORRECT = (ROOT / "assignments/relu-basics/solution.py").read_text()

FLAKY_CHECKS = '''"""A check with a bug that shows on its first {failures} run(s) only: the retries must get past it."""

from pathlib import Path

import numpy as np

from assignments.api import check

RUNS = Path(__file__).with_name("runs.txt")


@check("relu on a small array", points=12)
def relu_small(ctx):
    runs = int(RUNS.read_text()) if RUNS.exists() else 0
    RUNS.write_text(str(runs + 1))
    if runs < {failures}:
        raise KeyError("a bug in the check, not in the student's code")
    x = np.array([-1.0, 0.0, 2.0])
    got = ctx.student.relu(x)
    if not np.array_equal(got, np.maximum(x, 0)):
        ctx.fail("relu is wrong")
'''


def flaky_assignment(course, tmp_path: Path, failures: int):
    folder = tmp_path / "flaky-relu"
    shutil.copytree(ROOT / "assignments/relu-basics", folder, ignore=shutil.ignore_patterns("mutants", "__pycache__"))
    (folder / "checks.py").write_text(FLAKY_CHECKS.format(failures=failures))
    row = upsert_assignment(course, folder, source="folder", publish=True)
    row.max_per_day = 1
    db.session.commit()
    return row


def submit(app, token, slug):
    response = app.test_client().post(f"/api/v1/courses/demo/assignments/{slug}/submissions",
                                      headers={"Authorization": f"Bearer {token}"},
                                      data={"file": (io.BytesIO(CORRECT.encode()), "relu.py")})
    return response


pytestmark = pytest.mark.usefixtures("celery_worker")


def test_internal_error_is_retried_then_graded(demo, app, api_token, tmp_path):
    flaky_assignment(demo, tmp_path, failures=1)
    response = submit(app, api_token("student"), "flaky-relu")
    assert response.status_code == 202
    submission = wait_for_status(response.get_json()["id"], timeout_s=120)
    assert submission.status == "graded" and submission.score == 12 and submission.verdict == "ok"
    results = list(db.session.scalars(select(Result).where(Result.submission_id == submission.id).order_by(Result.id)))
    assert [(r.verdict, r.reason, r.is_current) for r in results] == [
        ("internal_error", "internal_error", False), ("ok", "grade", True)]
    assert "a bug in the check" in results[0].payload["internal"]


def test_grader_failure_after_every_retry_costs_no_attempt(demo, app, api_token, login, tmp_path):
    flaky_assignment(demo, tmp_path, failures=100)
    token = api_token("student")
    response = submit(app, token, "flaky-relu")
    submission = wait_for_status(response.get_json()["id"], timeout_s=180)
    assert submission.status == "failed" and submission.verdict == "internal_error"
    tries = list(db.session.scalars(select(Result).where(Result.submission_id == submission.id)))
    assert len(tries) == 4 and not any(r.is_current for r in tries)  # the first try and three retries
    shown = app.test_client().get(f"/api/v1/submissions/{submission.id}",
                                  headers={"Authorization": f"Bearer {token}"}).get_json()
    assert shown["status"] == "failed" and shown["result"] is None
    page = login("student").get(f"/submissions/{submission.id}").get_data(as_text=True)
    assert "It cost you no attempt" in page and "KeyError" not in page
    # max_per_day is 1, and the failed submission does not count against it.
    assert submit(app, token, "flaky-relu").status_code == 202
