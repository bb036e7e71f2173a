"""What instructors change on an assignment: settings, publishing, built-ins, extensions."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from grader.db import db, utcnow
from grader.models import Assignment, Course, Extension, User


@dataclass
class AssignmentSettings:
    """The editable fields of an assignment, as the settings form gives them."""

    title: str
    statement_md: str
    max_score: float
    due_at: datetime | None
    late_penalty_per_day: float
    hard_cutoff_at: datetime | None
    max_per_day: int | None
    max_total: int | None
    counting: str
    reveal_hidden: str


def update_settings(assignment: Assignment, settings: AssignmentSettings) -> None:
    """Apply edited settings; ValueError with a message when they contradict each other."""
    finite = math.isfinite(settings.max_score) and math.isfinite(settings.late_penalty_per_day)
    if not finite or settings.max_score <= 0:
        raise ValueError("The points and the late penalty must be finite numbers, the points above zero.")
    if settings.hard_cutoff_at and settings.due_at and settings.hard_cutoff_at < settings.due_at:
        raise ValueError("The hard cutoff must not be before the due date.")
    for name, value in vars(settings).items():
        setattr(assignment, name, value)
    assignment.updated_at = utcnow()
    db.session.commit()


def set_published(assignment: Assignment, published: bool) -> None:
    assignment.published = published
    assignment.updated_at = utcnow()
    db.session.commit()


def available_builtins() -> list:
    """The built-in assignments (loaded specs); empty when the assignments package cannot load them."""
    try:
        from assignments.loader import builtin_assignments

        return builtin_assignments()
    except Exception:
        return []


def add_builtin(course: Course, slug: str) -> Assignment:
    """Add (or refresh) a built-in assignment in ``course``, unpublished if new."""
    from assignments.loader import BUILTIN_SLUGS, resolve_assignment_path
    from grader.catalog import upsert_assignment

    if slug not in BUILTIN_SLUGS:
        raise ValueError(f"No built-in assignment {slug!r}.")
    existing = db.session.scalar(select(Assignment.id).where(Assignment.course_id == course.id,
                                                             Assignment.slug == slug))
    row = upsert_assignment(course, resolve_assignment_path(slug), publish=None if existing else False)
    db.session.commit()
    return row


def extensions(assignment: Assignment) -> list[tuple[Extension, User]]:
    return [tuple(r) for r in db.session.execute(
        select(Extension, User).join(User, User.id == Extension.user_id)
        .where(Extension.assignment_id == assignment.id).order_by(User.username)).all()]


def grant_extension(assignment: Assignment, username: str, due_at: datetime, granted_by: User) -> Extension:
    """Give one enrolled student their own due date (replacing an earlier extension)."""
    from grader.models import Enrolment

    user = db.session.scalar(select(User).join(Enrolment, Enrolment.user_id == User.id).where(
        User.username == username.strip(), Enrolment.course_id == assignment.course_id))
    if user is None:
        raise ValueError(f"No one named {username.strip()!r} is enrolled in this course.")
    extension = db.session.scalar(select(Extension).where(Extension.assignment_id == assignment.id,
                                                          Extension.user_id == user.id))
    if extension is None:
        extension = Extension(assignment_id=assignment.id, user_id=user.id, due_at=due_at)
        db.session.add(extension)
    extension.due_at = due_at
    extension.granted_by_id = granted_by.id
    db.session.commit()
    return extension


def revoke_extension(assignment: Assignment, user_id: int) -> bool:
    extension = db.session.scalar(select(Extension).where(Extension.assignment_id == assignment.id,
                                                          Extension.user_id == user_id))
    if extension is None:
        return False
    db.session.delete(extension)
    db.session.commit()
    return True
