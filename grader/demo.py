"""The demo course: every built-in assignment published, and three demo accounts."""

from __future__ import annotations

from sqlalchemy import select

from grader.accounts import enrol, get_or_create_user
from grader.catalog import sync_builtin_assignments
from grader.db import db
from grader.models import Course, Role

DEMO_ACCOUNTS = {"student": Role.STUDENT, "ta": Role.TA, "instructor": Role.INSTRUCTOR}
"""Username -> role; each demo account's password is its username."""


def seed_demo_course() -> Course:
    """Create (or refresh) the `demo` course, its assignments and the demo accounts."""
    course = db.session.scalar(select(Course).where(Course.slug == "demo"))
    if course is None:
        course = Course(slug="demo", title="ReLU networks: from max(0, x) to any curve")
        db.session.add(course)
        db.session.flush()
    for username, role in DEMO_ACCOUNTS.items():
        user = get_or_create_user(username, name=f"Demo {role.value}", password=username)
        user.can_create_courses = role is Role.INSTRUCTOR
        db.session.flush()
        enrol(user, course, role)
    sync_builtin_assignments(course, publish=True)
    db.session.commit()
    return course
