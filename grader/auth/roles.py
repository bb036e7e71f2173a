"""Role checks: every course-scoped route goes through one of these."""

from __future__ import annotations

from flask import abort
from flask_login import current_user
from sqlalchemy import select

from grader.db import db
from grader.models import Assignment, Course, Enrolment, Role, Submission


def course_or_404(slug: str) -> Course:
    course = db.session.scalar(select(Course).where(Course.slug == slug))
    if course is None:
        abort(404)
    return course


def role_in(course: Course, user=None) -> Role | None:
    """The role of ``user`` (default: the current user) in ``course``."""
    user = user or current_user
    if not user.is_authenticated:
        return None
    role = db.session.scalar(select(Enrolment.role).where(
        Enrolment.user_id == user.id, Enrolment.course_id == course.id))
    return Role(role) if role else None


def require_role(course: Course, *allowed: Role) -> Role:
    """Abort with 403 unless the current user has one of ``allowed`` in ``course``."""
    role = role_in(course)
    if role is None or role not in allowed:
        abort(403)
    return role


def require_enrolled(course: Course) -> Role:
    return require_role(course, Role.STUDENT, Role.TA, Role.INSTRUCTOR)


def require_staff(course: Course) -> Role:
    return require_role(course, Role.TA, Role.INSTRUCTOR)


def require_instructor(course: Course) -> Role:
    return require_role(course, Role.INSTRUCTOR)


def assignment_or_404(course: Course, slug: str, *, published_only: bool) -> Assignment:
    assignment = db.session.scalar(select(Assignment).where(
        Assignment.course_id == course.id, Assignment.slug == slug))
    if assignment is None or (published_only and not assignment.published):
        abort(404)
    return assignment


def can_view_submission(submission: Submission, user=None) -> bool:
    """Its author, or staff of its course."""
    user = user or current_user
    if not user.is_authenticated:
        return False
    if submission.user_id == user.id:
        return True
    role = role_in(submission.assignment.course, user)
    return role is not None and role.is_staff
