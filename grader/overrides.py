"""Manual score overrides, each kept in an audit log (who, when, old and new score, why)."""

from __future__ import annotations

from sqlalchemy import select

from grader.db import db
from grader.models import Assignment, ScoreOverride, Submission, User


class OverrideRejected(ValueError):
    """The override form is incomplete or out of range; the message says what to fix."""


def set_override(submission: Submission, staff: User, new_score: float | None, comment: str) -> ScoreOverride:
    """Set (or, with None, clear) a submission's score override and log it; a comment is required."""
    comment = (comment or "").strip()
    if not comment:
        raise OverrideRejected("Say why the score changes: the comment is required and kept in the audit log.")
    maximum = submission.assignment.max_score
    if new_score is not None and not (0 <= new_score <= maximum):
        raise OverrideRejected(f"The score must be between 0 and {maximum:g}.")
    entry = ScoreOverride(submission_id=submission.id, staff_id=staff.id, old_score=submission.effective_score,
                          new_score=new_score if new_score is not None else submission.score, comment=comment[:2000])
    submission.override_score = new_score
    db.session.add(entry)
    db.session.commit()
    return entry


def submission_overrides(submission: Submission) -> list[ScoreOverride]:
    return list(db.session.scalars(select(ScoreOverride).where(ScoreOverride.submission_id == submission.id)
                                   .order_by(ScoreOverride.id.desc())))


def course_overrides(course_id: int, limit: int = 500) -> list[tuple[ScoreOverride, Submission, User, Assignment]]:
    """The course's audit log, newest first: (entry, submission, student, assignment)."""
    rows = db.session.execute(
        select(ScoreOverride, Submission, User, Assignment)
        .join(Submission, Submission.id == ScoreOverride.submission_id)
        .join(User, User.id == Submission.user_id)
        .join(Assignment, Assignment.id == Submission.assignment_id)
        .where(Assignment.course_id == course_id)
        .order_by(ScoreOverride.id.desc()).limit(limit)).all()
    return [tuple(row) for row in rows]
