"""sin-fit's leaderboard: each student's best current value, classmates unnamed for students."""

import re

import pytest

from grader.db import db
from grader.models import Assignment, Submission
from grader.submissions import claim, request_regrade, store_result
from tests.conftest import wait_for_status


def graded(assignment, user, mse: float) -> Submission:
    """A submission stored through the worker's own claim/store path with a leaderboard value."""
    submission = Submission(assignment=assignment, user=user, attempt=1 + len(
        db.session.query(Submission).filter_by(assignment_id=assignment.id, user_id=user.id).all()),
        filename="fit.py", code="...")
    db.session.add(submission)
    db.session.commit()
    token = claim(submission.id)
    result = {"score": 5.0, "max_score": 10.0, "status": "graded", "verdict": "ok", "tests": [],
              "leaderboard": [{"name": "mean squared error against sin", "value": mse, "order": "asc"}]}
    assert store_result(submission.id, token, result)
    return submission


@pytest.fixture
def sin_fit(demo) -> Assignment:
    return db.session.query(Assignment).filter_by(course_id=demo.id, slug="sin-fit").one()


def test_best_value_per_student_ranked(sin_fit, demo, make_user, login):
    alice, bob = make_user("alice", demo), make_user("bob", demo)
    graded(sin_fit, alice, 0.02)
    graded(sin_fit, alice, 0.0009)
    graded(sin_fit, bob, 0.004)
    page = login("bob").get("/courses/demo/assignments/sin-fit/leaderboard").get_data(as_text=True)
    ranks = re.findall(r'<td class="num">(\d+)</td>\s*<td>(.*?)</td>\s*<td class="num">(.*?)</td>', page)
    assert [(r, v) for r, _, v in ranks] == [("1", "0.0009"), ("2", "0.004")]
    assert "you" in ranks[1][1] and "alice" not in page.lower()
    staff_page = login("ta").get("/courses/demo/assignments/sin-fit/leaderboard").get_data(as_text=True)
    assert "(alice)" in staff_page and "(bob)" in staff_page
    assert "Leaderboard</a>" in login("bob").get("/courses/demo/assignments/sin-fit").get_data(as_text=True)


def test_regrade_replaces_the_value(sin_fit, demo, make_user, login, celery_worker):
    """Only current results count: regraded by the real worker, this file posts no value any more."""
    alice = make_user("alice", demo)
    submission = graded(sin_fit, alice, 0.5)
    assert "0.5<" in login("alice").get("/courses/demo/assignments/sin-fit/leaderboard").get_data(as_text=True)
    request_regrade(submission)
    regraded = wait_for_status(submission.id)
    assert regraded.verdict != "ok" or regraded.score == 0  # its code is "...": no fit_sin
    page = login("alice").get("/courses/demo/assignments/sin-fit/leaderboard").get_data(as_text=True)
    assert "0.5<" not in page and "No entries yet" in page


def test_leaderboard_needs_enrolment(sin_fit, make_user, login):
    make_user("outsider")
    assert login("outsider").get("/courses/demo/assignments/sin-fit/leaderboard").status_code == 403
