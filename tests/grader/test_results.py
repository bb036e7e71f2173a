"""What students see of results, and who may store one."""

from datetime import timedelta

import pytest

from grader.db import db, utcnow
from grader.models import Assignment, Status, Submission
from grader.results import hidden_revealed, result_for_student
from grader.submissions import claim, release, store_result

PAYLOAD = {"score": 3.0, "max_score": 5.0, "status": "graded", "verdict": "ok", "stdout": "secret input 42",
           "stderr": "", "internal": "Traceback (most recent call last) ...",
           "tests": [{"name": "visible one", "score": 1, "max_score": 1, "status": "passed", "output": "ok",
                      "visibility": "visible", "tags": ["a"], "images": []},
                     {"name": "relu on x = [7, -3]", "score": 2, "max_score": 4, "status": "failed",
                      "output": "relu([7, -3]) returned [7, 3]", "visibility": "hidden", "tags": ["edge"],
                      "images": [{"label": "plot", "url": "data:image/png;base64,AAAA"}],
                      "timings": [{"function": "relu", "workload": "SECRET WORKLOAD"}]}]}


def test_unrevealed_hidden_test_keeps_only_points_and_status():
    shown = result_for_student(PAYLOAD, revealed=False)
    hidden = shown["tests"][1]
    assert hidden == {"score": 2, "max_score": 4, "status": "failed", "visibility": "hidden",
                      "name": "Hidden test 1", "output": hidden["output"], "images": [], "tags": []}
    assert "7" not in hidden["output"] and "secret" not in shown["stdout"]
    assert "internal" not in shown and shown["tests"][0] == PAYLOAD["tests"][0]
    revealed = result_for_student(PAYLOAD, revealed=True)
    assert revealed["tests"] == PAYLOAD["tests"] and "internal" not in revealed


@pytest.fixture
def relu(demo) -> Assignment:
    return db.session.query(Assignment).filter_by(course_id=demo.id, slug="relu-basics").one()


def test_hidden_tests_are_revealed_only_when_resubmitting_cannot_help(relu):
    now = utcnow()
    due = now - timedelta(hours=1)
    relu.reveal_hidden, relu.late_penalty_per_day = "after_due_date", 0.1
    relu.hard_cutoff_at = now + timedelta(days=2)
    assert not hidden_revealed(relu, due, now)  # late submissions still earn points
    assert hidden_revealed(relu, due, now + timedelta(days=3))
    relu.hard_cutoff_at = None
    assert not hidden_revealed(relu, due, now + timedelta(days=9))  # 10 % a day: worth something until day 10
    assert hidden_revealed(relu, due, now + timedelta(days=11))
    relu.late_penalty_per_day = 0.0
    assert not hidden_revealed(relu, due, now + timedelta(days=365))  # late work counts in full: never
    relu.reveal_hidden = "never"
    relu.hard_cutoff_at = now - timedelta(minutes=1)
    assert not hidden_revealed(relu, due, now)


def test_only_the_current_owner_stores_a_result(relu, make_user, demo):
    student = make_user("dave", demo)
    submission = Submission(assignment=relu, user=student, attempt=1, filename="a.py", code="x = 1\n")
    db.session.add(submission)
    db.session.commit()
    presumed_dead = claim(submission.id)
    release(submission)  # the sweep gave it back to the queue
    owner = claim(submission.id)
    result = {"score": 1.0, "max_score": 12.0, "status": "graded", "verdict": "ok", "tests": []}
    assert not store_result(submission.id, presumed_dead, result)
    assert store_result(submission.id, owner, dict(result, score=2.0))
    db.session.expire_all()
    stored = db.session.get(Submission, submission.id)
    assert stored.status == Status.GRADED.value and stored.score == 2.0 and len(stored.results) == 1
    assert not store_result(submission.id, owner, result)  # and only once
