"""Course policy as a student meets it: limits, cutoffs, extensions, late penalties."""

from datetime import timedelta

import pytest

from grader.db import db, utcnow
from grader.models import Assignment, Extension, Status, Submission
from grader.policy import counted_score, days_late, late_factor
from grader.submissions import SubmissionRejected, create_submission

CODE = "def relu(x):\n    return x\n"


@pytest.fixture
def relu(demo) -> Assignment:
    return db.session.query(Assignment).filter_by(course_id=demo.id, slug="relu-basics").one()


@pytest.fixture
def student(demo, make_user):
    return make_user("bob", demo, "student")


def test_total_limit_is_enforced_with_a_clear_message(relu, student):
    relu.max_total, relu.max_per_day = 2, None
    db.session.commit()
    create_submission(relu, student, "a.py", CODE)
    create_submission(relu, student, "a.py", CODE)
    with pytest.raises(SubmissionRejected) as rejected:
        create_submission(relu, student, "a.py", CODE)
    assert rejected.value.status == 429 and "all 2 submissions" in rejected.value.message


def test_daily_limit_counts_the_last_24_hours(relu, student):
    relu.max_per_day, relu.max_total = 1, None
    db.session.commit()
    first = create_submission(relu, student, "a.py", CODE)
    with pytest.raises(SubmissionRejected, match="limit 1 per day"):
        create_submission(relu, student, "a.py", CODE)
    first.created_at = utcnow() - timedelta(days=1, minutes=1)
    db.session.commit()
    assert create_submission(relu, student, "a.py", CODE).attempt == 2


def test_hard_cutoff_closes_submissions_unless_extended(relu, student, login):
    relu.due_at = utcnow() - timedelta(days=2)
    relu.hard_cutoff_at = utcnow() - timedelta(days=1)
    db.session.commit()
    with pytest.raises(SubmissionRejected, match="Submissions closed"):
        create_submission(relu, student, "a.py", CODE)
    response = login("bob").post_form("/courses/demo/assignments/relu-basics", {"code": CODE})
    assert response.status_code == 429 and "Submissions closed" in response.get_data(as_text=True)
    db.session.add(Extension(assignment=relu, user=student, due_at=utcnow() + timedelta(days=1)))
    db.session.commit()
    assert create_submission(relu, student, "a.py", CODE).status in {s.value for s in Status}


def test_unpublished_assignment_takes_no_submissions(relu, student):
    relu.published = False
    db.session.commit()
    with pytest.raises(SubmissionRejected) as rejected:
        create_submission(relu, student, "a.py", CODE)
    assert rejected.value.status == 403


def test_late_penalty_per_started_day(relu, student):
    due = utcnow()
    assert days_late(due, due) == 0
    assert days_late(due + timedelta(minutes=1), due) == 1
    assert days_late(due + timedelta(days=1, seconds=1), due) == 2
    relu.late_penalty_per_day = 0.25
    assert late_factor(relu, due + timedelta(days=3), due) == 0.25
    assert late_factor(relu, due + timedelta(days=9), due) == 0.0
    late = Submission(assignment=relu, user=student, attempt=1, filename="a.py", code=CODE,
                      created_at=due + timedelta(hours=5), score=8.0, max_score=12.0)
    assert counted_score(relu, late, due) == 6.0
    late.override_score = 11.0
    assert counted_score(relu, late, due) == 11.0  # an override counts as it is


def test_attempt_numbers_count_up_per_student(relu, student, make_user, demo):
    other = make_user("carol", demo, "student")
    relu.max_per_day = None
    db.session.commit()
    attempts = [create_submission(relu, student, "a.py", CODE).attempt for _ in range(3)]
    assert attempts == [1, 2, 3]
    assert create_submission(relu, other, "a.py", CODE).attempt == 1
