"""The gradebook's SQL agrees with the policy functions, marks overrides, filters, sorts and exports."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from grader.authoring import grant_extension
from grader.gradebook import build_gradebook, sort_rows
from grader.policy import counted_score, due_for
from grader.student.views import counting_score, my_submissions
from tests.staff.conftest import DUE, graded

LATE_CASES = [
    pytest.param(timedelta(hours=-1), 8.0, id="on-time"),
    pytest.param(timedelta(0), 8.0, id="exactly-at-due"),
    pytest.param(timedelta(seconds=1), 7.2, id="one-second-late-is-a-day"),
    pytest.param(timedelta(days=1), 7.2, id="exactly-one-day"),
    pytest.param(timedelta(days=1, seconds=1), 6.4, id="into-the-second-day"),
    pytest.param(timedelta(days=30), 0.0, id="penalty-floors-at-zero"),
]


@pytest.mark.parametrize("offset, expected", LATE_CASES)
def test_late_penalty_matches_policy(classroom, offset, expected):
    student = classroom.users["student_a"]
    submission = graded(classroom.alpha, student, 8.0, at=DUE + offset)
    cell = build_gradebook(classroom.a).rows[0].cells[0]
    assert cell.value == pytest.approx(expected)
    assert cell.value == pytest.approx(counted_score(classroom.alpha, submission, due_for(classroom.alpha, student.id)))
    assert cell.late == (offset > timedelta(0))


def test_best_and_last_counting_agree_with_the_student_page(classroom):
    student = classroom.users["student_a"]
    for score in (3.0, 9.0, 6.0):
        graded(classroom.alpha, student, score)
        graded(classroom.beta, student, score)
    row = next(r for r in build_gradebook(classroom.a).rows if r.username == "student_a")
    best, last = row.cells
    assert (best.value, last.value) == (9.0, 6.0)
    for cell, assignment in ((best, classroom.alpha), (last, classroom.beta)):
        assert cell.value == counting_score(assignment, my_submissions(assignment, student), DUE)
    assert row.total == 15.0 and best.attempts == 3


def test_extension_removes_the_penalty_for_that_student_only(classroom):
    one, two = classroom.users["student_a"], classroom.users["student_a2"]
    graded(classroom.alpha, one, 10.0, at=DUE + timedelta(hours=30))
    graded(classroom.alpha, two, 10.0, at=DUE + timedelta(hours=30))
    grant_extension(classroom.alpha, "student_a", DUE + timedelta(days=2), classroom.users["instructor_a"])
    cells = {r.username: r.cells[0] for r in build_gradebook(classroom.a).rows}
    assert cells["student_a"].value == 10.0 and not cells["student_a"].late
    assert cells["student_a2"].value == pytest.approx(8.0) and cells["student_a2"].late


def test_override_counts_as_it_is_and_is_marked(classroom):
    student = classroom.users["student_a"]
    graded(classroom.alpha, student, 9.0)
    overridden = graded(classroom.alpha, student, 2.0, at=DUE + timedelta(days=3), override=9.5)
    cell = build_gradebook(classroom.a).rows[0].cells[0]
    assert (cell.value, cell.submission_id, cell.overridden) == (9.5, overridden.id, True)


def test_points_rescale_graded_scores(classroom):
    graded(classroom.alpha, classroom.users["student_a"], 5.0)
    classroom.alpha.max_score = 20.0
    assert build_gradebook(classroom.a).rows[0].cells[0].value == 10.0


def test_ungraded_and_failed_submissions_do_not_count(classroom):
    student = classroom.users["student_a"]
    graded(classroom.alpha, student, 0.0, status="queued")
    graded(classroom.alpha, student, 0.0, status="failed")
    cell = build_gradebook(classroom.a).rows[0].cells[0]
    assert cell.value is None and cell.attempts == 2


def test_student_helper_and_gradebook_agree_on_random_histories(classroom):
    """Many submissions at random times: the SQL and the student page's Python give the same score."""
    import random

    rng = random.Random(4)
    student = classroom.users["student_a"]
    for _ in range(12):
        graded(classroom.alpha, student, round(rng.uniform(0, 10), 2), at=DUE + timedelta(hours=rng.uniform(-50, 80)))
    expected = counting_score(classroom.alpha, my_submissions(classroom.alpha, student), due_for(classroom.alpha, student.id))
    assert build_gradebook(classroom.a).rows[0].cells[0].value == pytest.approx(expected)


def test_filter_and_sort(classroom):
    graded(classroom.alpha, classroom.users["student_a"], 4.0)
    graded(classroom.alpha, classroom.users["student_a2"], 7.0)
    assert [r.username for r in build_gradebook(classroom.a, query="a2").rows] == ["student_a2"]
    assert [r.username for r in build_gradebook(classroom.a, query="A2@EXAMPLE").rows] == ["student_a2"]
    book = build_gradebook(classroom.a)
    sort_rows(book, "alpha", descending=True)
    assert [r.username for r in book.rows] == ["student_a2", "student_a"]
    sort_rows(book, "total", descending=False)
    assert [r.username for r in book.rows] == ["student_a", "student_a2"]
    assert all(r.username.startswith("student") for r in book.rows), "staff are not in the gradebook"


def test_gradebook_page_and_csv(classroom, as_user):
    graded(classroom.alpha, classroom.users["student_a"], 4.0, override=6.5)
    graded(classroom.beta, classroom.users["student_a"], 3.0)
    client = as_user(classroom.users["ta_a"])
    page = client.get("/staff/courses/course-a/gradebook?sort=total&dir=desc").get_data(as_text=True)
    assert "student_a2" in page and "cell-overridden" in page and "6.5" in page
    response = client.get("/staff/courses/course-a/gradebook.csv")
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0]["name"] == "(points possible)" and rows[0]["total"] == "20"
    by_name = {r["username"]: r for r in rows[1:]}
    assert by_name["student_a"] == {"username": "student_a", "name": "Student A", "email": "student_a@example.org",
                                    "alpha": "6.5", "beta": "3", "total": "9.5"}
    assert by_name["student_a2"]["alpha"] == "" and by_name["student_a2"]["total"] == "0"


def test_csv_neutralises_formulas(classroom, as_user):
    classroom.users["student_a"].name = "=HYPERLINK(\"http://evil\")"
    from grader.db import db

    db.session.commit()
    text = as_user(classroom.users["ta_a"]).get("/staff/courses/course-a/gradebook.csv").get_data(as_text=True)
    assert "'=HYPERLINK" in text
