"""Submission view, overrides with their audit log, results.json and the zip, the dashboard, settings, regrades."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date, datetime, timedelta, timezone
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from grader.charts import MAX_TIMELINE_DAYS, score_histogram, timeline
from grader.dashboard import build_dashboard
from grader.db import db
from grader.models import Assignment, Extension, Result, ScoreOverride, Submission
from grader.regrades import regrade_assignment
from tests.staff.conftest import DUE, graded

FAILING = [("relu on random arrays", 2.0, 2.0, ""), ("gradient", 0.0, 3.0, "db2 is zero (max error 0.5 at [1, 2])")]


def test_staff_submission_page_shows_everything(classroom, as_user):
    submission = graded(classroom.alpha, classroom.users["student_a"], 2.0, tests=FAILING)
    page = as_user(classroom.users["ta_a"]).get(f"/staff/courses/course-a/submissions/{submission.id}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "db2 is zero" in text and "printed by the student" in text, "hidden details and stdout shown to staff"
    assert 'class="code' in text and "linenos" in text, "highlighted code with line numbers"
    assert "Attempts" in text and "Override the score" in text


def test_override_needs_a_comment_and_is_logged(classroom, as_user):
    submission = graded(classroom.alpha, classroom.users["student_a"], 2.0)
    client = as_user(classroom.users["ta_a"])
    url = f"/staff/courses/course-a/submissions/{submission.id}/override"
    refused = client.post_action(url, {"score": "9", "comment": ""}, follow_redirects=True)
    assert "required" in refused.get_data(as_text=True).lower()
    assert db.session.get(Submission, submission.id).override_score is None
    client.post_action(url, {"score": "11", "comment": "too much"})
    assert db.session.get(Submission, submission.id).override_score is None
    client.post_action(url, {"score": "9", "comment": "Regraded by hand: the check was too strict."})
    db.session.expire_all()
    assert db.session.get(Submission, submission.id).override_score == 9.0
    client.post_action(url, {"score": "", "comment": "Back to the graded score."})
    db.session.expire_all()
    assert db.session.get(Submission, submission.id).override_score is None
    log = db.session.scalars(select(ScoreOverride).order_by(ScoreOverride.id)).all()
    assert [(e.old_score, e.new_score, e.staff.username) for e in log] == [(2.0, 9.0, "ta_a"), (9.0, 2.0, "ta_a")]
    audit = client.get("/staff/courses/course-a/overrides").get_data(as_text=True)
    assert "the check was too strict" in audit and "Back to the graded score" in audit


def test_gradescope_results_json(classroom, as_user):
    submission = graded(classroom.alpha, classroom.users["student_a"], 2.0, tests=FAILING, override=4.0)
    response = as_user(classroom.users["ta_a"]).get(
        f"/staff/courses/course-a/submissions/{submission.id}/results.json")
    data = json.loads(response.get_data())
    assert data["score"] == 4.0 and data["stdout_visibility"] == "hidden"
    assert [(t["name"], t["status"], t["max_score"]) for t in data["tests"]] == [
        ("relu on random arrays", "passed", 2.0), ("gradient", "failed", 3.0)]
    assert data["extra_data"]["graded_score"] == 2.0 and data["extra_data"]["username"] == "student_a"


def test_export_zip_has_each_students_counting_result(classroom, as_user):
    graded(classroom.alpha, classroom.users["student_a"], 2.0)
    best = graded(classroom.alpha, classroom.users["student_a"], 7.0)
    graded(classroom.alpha, classroom.users["student_a2"], 1.0)
    client = as_user(classroom.users["ta_a"])
    archive = zipfile.ZipFile(io.BytesIO(client.get("/staff/courses/course-a/assignments/alpha/export.zip").data))
    names = set(archive.namelist())
    assert {"index.csv", "student_a/results.json", "student_a2/results.json", "student_a/answer.py"} <= names
    assert json.loads(archive.read("student_a/results.json"))["extra_data"]["submission_id"] == best.id
    every = zipfile.ZipFile(io.BytesIO(client.get(
        "/staff/courses/course-a/assignments/alpha/export.zip?which=all").data))
    assert "student_a/attempt-1/results.json" in every.namelist() and "student_a/attempt-2/results.json" in every.namelist()


def test_dashboard_numbers(classroom, as_user):
    one, two = classroom.users["student_a"], classroom.users["student_a2"]
    graded(classroom.alpha, one, 0.0, tests=[("relu", 0.0, 2.0, "wrong"), ("gradient", 0.0, 3.0, "db2 is zero")],
           at=DUE - timedelta(days=2))
    graded(classroom.alpha, one, 2.0, tests=[("relu", 2.0, 2.0, ""), ("gradient", 0.0, 3.0, "db2 is zero (err 0.5)")])
    graded(classroom.alpha, two, 2.0, tests=[("relu", 2.0, 2.0, ""), ("gradient", 0.0, 3.0, "db2 is zero (err 0.25)")])
    graded(classroom.alpha, two, 0.0, status="queued")
    board = build_dashboard(classroom.alpha)
    assert (board.students, board.submitted, board.submissions) == (2, 2, 4)
    rates = {t.name: (t.passed, t.attempted) for t in board.tests}
    assert rates == {"relu": (2, 2), "gradient": (0, 2)}, "over each student's newest graded submission"
    assert [(f.test, f.count) for f in board.failures] == [("gradient", 2)], "messages differing in numbers merge"
    assert board.queue == {"queued": 1, "running": 0, "graded": 3, "failed": 0}
    assert sorted(board.scores) == [2.0, 2.0]
    page = as_user(classroom.users["ta_a"]).get("/staff/courses/course-a/assignments/alpha").get_data(as_text=True)
    assert "<svg" in page and "Score histogram" in page and "db2 is zero" in page and 'class="marker"' in page
    queue = as_user(classroom.users["ta_a"]).get("/staff/courses/course-a/assignments/alpha/queue.json").get_json()
    assert queue["queued"] == 1


def test_find_a_submission(classroom, as_user):
    graded(classroom.alpha, classroom.users["student_a"], 2.0)
    graded(classroom.alpha, classroom.users["student_a2"], 3.0)
    client = as_user(classroom.users["ta_a"])
    text = client.get("/staff/courses/course-a/assignments/alpha/submissions?q=a2").get_data(as_text=True)
    assert "student_a2" in text and ">student_a<" not in text


def test_settings_and_extension(classroom, as_user):
    client = as_user(classroom.users["instructor_a"])
    url = "/staff/courses/course-a/assignments/alpha/settings"
    response = client.post_action(url, {
        "title": "Alpha, revised", "statement_md": "New words.", "max_score": "20", "due_at": "2030-04-01T23:59",
        "late_penalty_percent": "25", "hard_cutoff_at": "2030-04-03T23:59", "max_per_day": "5", "max_total": "",
        "counting": "last", "reveal_hidden": "never"})
    assert response.status_code == 302
    db.session.refresh(classroom.alpha)
    a = classroom.alpha
    assert (a.title, a.max_score, a.late_penalty_per_day, a.max_per_day, a.max_total, a.counting, a.reveal_hidden) == \
        ("Alpha, revised", 20.0, 0.25, 5, None, "last", "never")
    assert a.due_at.isoformat() == "2030-04-01T23:59:00+00:00"
    bad = client.post_action(url, {"title": "x", "max_score": "10", "late_penalty_percent": "0",
                                   "due_at": "2030-04-05T00:00", "hard_cutoff_at": "2030-04-01T00:00",
                                   "counting": "best", "reveal_hidden": "never"}, follow_redirects=True)
    assert "cutoff must not be before" in bad.get_data(as_text=True)
    client.post_action("/staff/courses/course-a/assignments/alpha/extensions",
                       {"username": "student_a", "due_at": "2030-05-01T12:00"})
    page = client.get(url).get_data(as_text=True)
    assert "student_a" in page and "2030-05-01 12:00" in page
    missing = client.post_action("/staff/courses/course-a/assignments/alpha/extensions",
                                 {"username": "ta_b", "due_at": "2030-05-01T12:00"}, follow_redirects=True)
    assert "No one named" in missing.get_data(as_text=True)


def test_publish_and_unpublish(classroom, as_user):
    client = as_user(classroom.users["instructor_a"])
    client.post_action("/staff/courses/course-a/assignments/alpha/unpublish")
    db.session.refresh(classroom.alpha)
    assert not classroom.alpha.published
    assert as_user(classroom.users["student_a"]).get("/courses/course-a/assignments/alpha").status_code == 404
    client.post_action("/staff/courses/course-a/assignments/alpha/publish")
    db.session.refresh(classroom.alpha)
    assert classroom.alpha.published


def test_regrade_all_requeues_and_keeps_history(classroom):
    first = graded(classroom.alpha, classroom.users["student_a"], 2.0)
    graded(classroom.alpha, classroom.users["student_a2"], 3.0, status="failed")
    graded(classroom.beta, classroom.users["student_a"], 3.0)
    assert regrade_assignment(classroom.alpha) == 2
    db.session.expire_all()
    statuses = dict(db.session.execute(select(Submission.id, Submission.status).where(
        Submission.assignment_id == classroom.alpha.id)).all())
    assert set(statuses.values()) == {"queued"}
    assert db.session.scalar(select(Result.score).where(Result.submission_id == first.id)) == 2.0, "history kept"
    assert db.session.scalar(select(Submission.status).where(Submission.assignment_id == classroom.beta.id)) == "graded"


def test_regrade_all_requeues_a_running_submission_too(classroom):
    running = graded(classroom.alpha, classroom.users["student_a"], 0.0, status="running")
    running.grading_token = "held-by-an-old-worker"
    db.session.commit()
    assert regrade_assignment(classroom.alpha) == 1
    db.session.expire_all()
    row = db.session.get(Submission, running.id)
    assert (row.status, row.grading_token) == ("queued", None)


@pytest.mark.parametrize("target", ["/\t/evil.com", "//evil.com", "/\\evil.com", "https://evil.com/", "/\n/evil.com"])
@pytest.mark.parametrize("action", ["publish", "unpublish"])
def test_publish_buttons_never_redirect_off_the_site(classroom, as_user, action, target):
    client = as_user(classroom.users["instructor_a"])
    response = client.post_action(f"/staff/courses/course-a/assignments/alpha/{action}", {"next": target})
    location = urlsplit(response.headers["Location"])
    assert response.status_code == 302 and location.netloc in ("", "localhost")
    assert location.path == "/staff/courses/course-a/assignments/alpha/settings"


def test_publish_button_goes_back_to_the_page_it_was_on(classroom, as_user):
    client = as_user(classroom.users["instructor_a"])
    back = "/staff/courses/course-a/assignments/alpha/validation"
    response = client.post_action("/staff/courses/course-a/assignments/alpha/unpublish", {"next": back})
    assert response.headers["Location"].endswith(back)


@pytest.mark.parametrize("score", ["sNaN", "NaN", "Infinity", "-Infinity", "1e999", "-1", "10001"])
def test_override_refuses_a_score_that_is_not_a_sane_number(classroom, as_user, score):
    submission = graded(classroom.alpha, classroom.users["student_a"], 5.0)
    client = as_user(classroom.users["ta_a"])
    page = client.post_action(f"/staff/courses/course-a/submissions/{submission.id}/override",
                              {"score": score, "comment": "why"}, follow_redirects=True)
    assert page.status_code == 200 and "New score" in page.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Submission, submission.id).override_score is None


SETTINGS = {"title": "Alpha", "statement_md": "x", "max_score": "10", "late_penalty_percent": "0",
            "counting": "best", "reveal_hidden": "never"}


@pytest.mark.parametrize("field, value", [
    ("max_score", "sNaN"), ("max_score", "NaN"), ("max_score", "Infinity"), ("max_score", "1e999"),
    ("max_score", "10001"), ("late_penalty_percent", "sNaN"), ("late_penalty_percent", "NaN"),
    ("max_per_day", "99999999999999999999"), ("max_total", "1000001"), ("due_at", "0001-01-01T00:00"),
    ("due_at", "9999-12-31T23:59"), ("hard_cutoff_at", "2101-01-01T00:00"),
])
def test_settings_refuse_numbers_and_dates_out_of_range(classroom, as_user, field, value):
    client = as_user(classroom.users["instructor_a"])
    response = client.post_action("/staff/courses/course-a/assignments/alpha/settings",
                                  dict(SETTINGS, **{field: value}))
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(Assignment, classroom.alpha.id).title == "Alpha"


def test_extension_refuses_a_date_out_of_range(classroom, as_user):
    client = as_user(classroom.users["instructor_a"])
    page = client.post_action("/staff/courses/course-a/assignments/alpha/extensions",
                              {"username": "student_a", "due_at": "9999-12-31T23:59"}, follow_redirects=True)
    assert "between 2000 and 2100" in page.get_data(as_text=True)
    assert db.session.scalar(select(Extension).where(Extension.assignment_id == classroom.alpha.id)) is None


def test_submissions_list_clamps_a_huge_page_number(classroom, as_user):
    graded(classroom.alpha, classroom.users["student_a"], 5.0)
    client = as_user(classroom.users["ta_a"])
    for page in ("99999999999999999999", "-5", "x"):
        assert client.get(f"/staff/courses/course-a/assignments/alpha/submissions?page={page}").status_code == 200


def test_dashboard_with_a_far_due_date_draws_a_bounded_timeline(classroom, as_user):
    graded(classroom.alpha, classroom.users["student_a"], 5.0)
    classroom.alpha.due_at = datetime(1, 1, 1, tzinfo=timezone.utc)
    db.session.commit()
    page = as_user(classroom.users["ta_a"]).get("/staff/courses/course-a/assignments/alpha").get_data(as_text=True)
    assert page.count('class="bar"') <= 2 * MAX_TIMELINE_DAYS and "due 0001-01-01, off the chart" in page


def test_charts_survive_non_finite_points():
    assert "Score histogram" in score_histogram([5.0, float("inf"), float("nan")], float("inf"))
    bars = timeline([(date(2030, 1, 1), 3), (date(2031, 6, 1), 1)], date(2030, 1, 2))
    assert bars.count('class="bar"') == MAX_TIMELINE_DAYS
