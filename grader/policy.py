"""Course policy: due dates with extensions, late penalties, submission limits, counting scores."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from sqlalchemy import func, select

from grader.db import db, utcnow
from grader.models import Assignment, Extension, Status, Submission


def due_for(assignment: Assignment, user_id: int) -> datetime | None:
    """The due date that applies to one student: their extension, else the assignment's."""
    extended = db.session.scalar(select(Extension.due_at).where(
        Extension.assignment_id == assignment.id, Extension.user_id == user_id))
    return extended or assignment.due_at


def days_late(submitted_at: datetime, due_at: datetime | None) -> int:
    """Whole days late, counting a started day as a day (0 when on time or no due date)."""
    if due_at is None or submitted_at <= due_at:
        return 0
    return math.ceil((submitted_at - due_at) / timedelta(days=1))


def late_factor(assignment: Assignment, submitted_at: datetime, due_at: datetime | None) -> float:
    """Multiplier applied to a late submission's score (1.0 when on time)."""
    return max(0.0, 1.0 - assignment.late_penalty_per_day * days_late(submitted_at, due_at))


def counted_score(assignment: Assignment, submission: Submission, due_at: datetime | None) -> float | None:
    """The score that counts for one submission: an override as it is, else score x late factor.

    A score is rescaled to the assignment's current points, in case an instructor changed them.
    """
    if submission.override_score is not None:
        return submission.override_score
    if submission.score is None:
        return None
    scale = assignment.max_score / submission.max_score if submission.max_score else 1.0
    return round(submission.score * late_factor(assignment, submission.created_at, due_at) * scale, 4)


def submission_limit_error(assignment: Assignment, user_id: int, now: datetime | None = None) -> str | None:
    """Why this student may not submit now, or None when they may."""
    now = now or utcnow()
    if assignment.hard_cutoff_at is not None and now > assignment.hard_cutoff_at:
        due = due_for(assignment, user_id)
        if due is None or now > max(due, assignment.hard_cutoff_at):
            return f"Submissions closed on {assignment.hard_cutoff_at:%Y-%m-%d %H:%M} UTC."
    # A submission the grader failed on (status failed: internal_error) costs no attempt.
    mine = select(func.count()).select_from(Submission).where(
        Submission.assignment_id == assignment.id, Submission.user_id == user_id,
        Submission.status != Status.FAILED.value)
    if assignment.max_total is not None and db.session.scalar(mine) >= assignment.max_total:
        return f"You have used all {assignment.max_total} submissions for this assignment."
    if assignment.max_per_day is not None:
        today = db.session.scalar(mine.where(Submission.created_at > now - timedelta(days=1)))
        if today >= assignment.max_per_day:
            return (f"You have made {today} submissions in the last 24 hours "
                    f"(limit {assignment.max_per_day} per day); try again later.")
    return None
