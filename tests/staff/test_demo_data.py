"""The class-sized seeding: the counts asked for, rows that the pages read, scores the policy agrees with."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import func, select

from grader.db import db
from grader.demo_data import seed_class_activity
from grader.gradebook import build_gradebook
from grader.models import Result, Submission
from grader import models
from grader.policy import due_for
from grader.student.views import counting_score, my_submissions


def test_seeding_makes_what_was_asked_and_is_idempotent(classroom, as_user):
    report = seed_class_activity(classroom.a, students=12, submissions=4, seed=1)
    assert (report.students, report.submissions) == (12, 12 * 4 * 2)
    assert db.session.scalar(select(func.count()).select_from(Result)) == report.submissions
    assert db.session.scalar(select(func.count()).select_from(models.TestResult)) == report.test_rows == report.submissions * 6
    again = seed_class_activity(classroom.a, students=12, submissions=4, seed=1)
    assert again.submissions == 0, "a second run adds nothing"
    # The new rows keep working with the ORM (ids and sequences are past the bulk-inserted ones).
    submission = db.session.scalars(select(Submission).order_by(Submission.id.desc())).first()
    assert submission.current_result.payload["tests"][0]["name"] == "test 1"
    book = build_gradebook(classroom.a)
    rng = random.Random(0)
    for row in rng.sample([r for r in book.rows if r.username.startswith("demo-student-")], 4):
        for cell, assignment in zip(row.cells, classroom.a.assignments):
            user = db.session.get(type(submission.user), row.user_id)
            expected = counting_score(assignment, my_submissions(assignment, user), due_for(assignment, user.id))
            assert cell.value == pytest.approx(expected)
    page = as_user(classroom.users["ta_a"]).get("/staff/courses/course-a/assignments/alpha")
    assert page.status_code == 200 and "demo-student" not in page.get_data(as_text=True)[:200]
