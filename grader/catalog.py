"""Keep assignment rows in step with the assignment folders they come from."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from grader.db import db, utcnow
from grader.models import Assignment, Course


def upsert_assignment(course: Course, folder: Path, *, source: str = "builtin", publish: bool | None = None,
                      position: int | None = None) -> Assignment:
    """Create or refresh ``course``'s assignment from ``folder``; staff edits of policy are kept."""
    from assignments.loader import load_assignment

    spec = load_assignment(folder)
    row = db.session.scalar(select(Assignment).where(Assignment.course_id == course.id,
                                                     Assignment.slug == spec.slug))
    if row is None:
        row = Assignment(course=course, slug=spec.slug, position=position or len(course.assignments) + 1)
        _apply_policy_defaults(row, spec.policy)
        db.session.add(row)
    row.title = row.title or spec.title
    row.source = source
    row.source_path = str(Path(folder).resolve())
    row.statement_md = spec.statement_md
    row.starter_code = spec.starter_code
    row.max_score = float(spec.max_score)
    row.updated_at = utcnow()
    if publish is not None:
        row.published = publish
    return row


def _apply_policy_defaults(row: Assignment, policy) -> None:
    """Copy an assignment.toml's [policy] defaults onto a new row."""
    days = getattr(policy, "due_in_days", None)
    if getattr(policy, "due_at", None) is not None:
        row.due_at = policy.due_at
    elif days is not None:
        row.due_at = (utcnow() + timedelta(days=days)).replace(hour=23, minute=59, second=0, microsecond=0)
    for field in ("late_penalty_per_day", "max_per_day", "max_total", "counting", "reveal_hidden"):
        value = getattr(policy, field, None)
        if value is not None:
            setattr(row, field, value)
    cutoff_days = getattr(policy, "hard_cutoff_days", None)
    if cutoff_days is not None and row.due_at is not None:
        row.hard_cutoff_at = row.due_at + timedelta(days=cutoff_days)


def sync_builtin_assignments(course: Course, *, publish: bool | None = None) -> list[Assignment]:
    """Refresh every built-in assignment in ``course`` from its folder."""
    from assignments.loader import builtin_assignments

    return [upsert_assignment(course, spec.path, publish=publish, position=i + 1)
            for i, spec in enumerate(builtin_assignments())]
