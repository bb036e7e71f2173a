"""Fixtures of the staff tests: two courses, a user per role, graded submissions made directly."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import pytest

from grader.accounts import enrol, get_or_create_user
from grader.db import db
from grader.models import Assignment, Course, Result, Role, Status, Submission, TestResult, User
from tests.conftest import Browser

DUE = datetime(2030, 3, 1, 12, 0, tzinfo=timezone.utc)


@dataclass
class Classroom:
    a: Course
    b: Course
    alpha: Assignment
    """Course A's first assignment: best counts, 10 % off per day late, due DUE."""
    beta: Assignment
    """Course A's second assignment: the last submission counts."""
    users: dict[str, User]


def make_assignment(course: Course, slug: str, *, position: int = 1, max_score: float = 10.0, **policy) -> Assignment:
    assignment = Assignment(course=course, slug=slug, title=slug.title(), position=position,
                            source_path=f"/nonexistent/{slug}", statement_md=f"Write {slug}.",
                            starter_code="def f():\n    pass\n", max_score=max_score, published=True, **policy)
    db.session.add(assignment)
    return assignment


@pytest.fixture
def classroom(app) -> Classroom:
    """Courses A and B; instructor_a, ta_a, student_a, student_a2 in A; ta_b, instructor_b in B; outsider nowhere.

    Users have no password (no slow hashing); tests log in with ``as_user``.
    """
    a = Course(slug="course-a", title="Course A")
    b = Course(slug="course-b", title="Course B")
    db.session.add_all([a, b])
    roles = {"instructor_a": (a, Role.INSTRUCTOR), "ta_a": (a, Role.TA), "student_a": (a, Role.STUDENT),
             "student_a2": (a, Role.STUDENT), "ta_b": (b, Role.TA), "instructor_b": (b, Role.INSTRUCTOR),
             "outsider": (None, None)}
    users = {}
    for username, (course, role) in roles.items():
        user = get_or_create_user(username, name=username.replace("_", " ").title(), email=f"{username}@example.org")
        user.can_create_courses = role is Role.INSTRUCTOR
        db.session.flush()
        if course is not None:
            enrol(user, course, role)
        users[username] = user
    alpha = make_assignment(a, "alpha", due_at=DUE, late_penalty_per_day=0.1, counting="best")
    beta = make_assignment(a, "beta", position=2, due_at=DUE, counting="last")
    make_assignment(b, "gamma")
    db.session.commit()
    return Classroom(a, b, alpha, beta, users)


def graded(assignment: Assignment, user: User, score: float, *, at: datetime = DUE - timedelta(days=1),
           tests: list[tuple[str, float, float, str]] | None = None, override: float | None = None,
           status: str = Status.GRADED.value) -> Submission:
    """A submission graded ``score`` (tests: (name, score, max, output)), stored as the worker would."""
    attempt = 1 + len([s for s in db.session.query(Submission).filter_by(assignment_id=assignment.id,
                                                                          user_id=user.id)])
    tests = tests if tests is not None else [("only test", score, assignment.max_score, "")]
    payload = {"score": score, "max_score": assignment.max_score, "status": "graded", "verdict": "ok",
               "execution_time": 0.5, "stdout": "printed by the student", "stderr": "",
               "tests": [{"name": n, "score": s, "max_score": m, "status": "passed" if s == m else "failed",
                          "output": o, "visibility": "visible", "tags": [], "images": []} for n, s, m, o in tests]}
    submission = Submission(assignment=assignment, user=user, attempt=attempt, filename="answer.py",
                            code="def f():\n    return 1\n", status=status, created_at=at,
                            score=score if status == Status.GRADED.value else None,
                            max_score=assignment.max_score, verdict="ok", override_score=override)
    db.session.add(submission)
    if status == Status.GRADED.value:
        result = Result(submission=submission, score=score, max_score=assignment.max_score, verdict="ok",
                        is_current=True, reason="grade", payload=payload)
        for position, test in enumerate(payload["tests"]):
            result.tests.append(TestResult(position=position, name=test["name"], score=test["score"],
                                           max_score=test["max_score"], status=test["status"],
                                           visibility="visible", output=test["output"]))
        db.session.add(result)
    db.session.commit()
    return submission


class StaffBrowser(Browser):
    """A client logged in by session (no password check); ``token()`` is a CSRF token for its session."""

    def token(self) -> str:
        for url in ("/staff/courses/no-such-course", "/login"):  # logged in: the logout form; else the login form
            page = self.get(url).get_data(as_text=True)
            match = re.search(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"', page)
            if match:
                return match.group(1)
        raise AssertionError("no CSRF token found")

    def post_action(self, url: str, data: dict | None = None, **kwargs):
        return self.post(url, data=dict(data or {}, csrf_token=self.token()), **kwargs)


@pytest.fixture
def as_user(app):
    """as_user(user or None) -> a StaffBrowser logged in as that user (None: anonymous)."""

    def make(user: User | None) -> StaffBrowser:
        client = app.test_client()
        if user is not None:
            with client.session_transaction() as session:
                session["_user_id"] = str(user.id)
                session["_fresh"] = True
        return StaffBrowser(client)

    return make
