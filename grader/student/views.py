"""Queries behind the student pages (kept out of the view functions)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from grader.db import db
from grader.models import Assignment, Course, Enrolment, Submission, User
from grader.policy import counted_score, due_for
from grader.results import hidden_revealed, result_for_student


@dataclass
class AssignmentRow:
    assignment: Assignment
    due_at: object
    submissions: int
    counted: float | None


def my_courses(user: User) -> list[tuple[Course, str]]:
    rows = db.session.execute(select(Course, Enrolment.role).join(Enrolment).where(
        Enrolment.user_id == user.id).order_by(Course.title))
    return [(course, role) for course, role in rows]


def assignment_rows(course: Course, user: User, *, include_unpublished: bool) -> list[AssignmentRow]:
    rows = []
    for assignment in course.assignments:
        if not assignment.published and not include_unpublished:
            continue
        mine, due = my_submissions(assignment, user), due_for(assignment, user.id)
        rows.append(AssignmentRow(assignment, due, len(mine), counting_score(assignment, mine, due)))
    return rows


def my_submissions(assignment: Assignment, user: User) -> list[Submission]:
    return list(db.session.scalars(select(Submission).where(
        Submission.assignment_id == assignment.id, Submission.user_id == user.id).order_by(Submission.id.desc())))


def counting_score(assignment: Assignment, submissions: list[Submission], due_at) -> float | None:
    """The score that counts among one student's submissions (best or last, late penalty applied)."""
    scores = [counted_score(assignment, s, due_at) for s in sorted(submissions, key=lambda s: s.id)]
    scores = [s for s in scores if s is not None]
    if not scores:
        return None
    return scores[-1] if assignment.counting == "last" else max(scores)


def visible_result(submission: Submission, *, staff: bool) -> dict | None:
    result = submission.current_result
    if result is None:
        return None
    if staff:
        return result.payload
    due = due_for(submission.assignment, submission.user_id)
    return result_for_student(result.payload, revealed=hidden_revealed(submission.assignment, due))
