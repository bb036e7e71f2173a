"""The role check every staff view starts with."""

from __future__ import annotations

from flask import abort
from sqlalchemy import select

from grader.auth.roles import course_or_404, require_instructor, require_staff
from grader.db import db
from grader.models import Assignment, Course, Role, Submission


def staff_course(course_slug: str) -> tuple[Course, Role]:
    """The course, if the current user is a TA or instructor in it (else 404/403)."""
    course = course_or_404(course_slug)
    return course, require_staff(course)


def instructor_course(course_slug: str) -> tuple[Course, Role]:
    """The course, if the current user is an instructor in it (else 404/403)."""
    course = course_or_404(course_slug)
    return course, require_instructor(course)


def may_upload_code(user) -> bool:
    """Whether ``user`` may upload assignment code (checks.py and solution.py run unconfined in the worker).

    Being an instructor of the course is not enough: a roster or the people
    page makes instructors, while ``can_create_courses`` is set only by the
    `grader users add --role instructor` command (and the demo).
    """
    return bool(user.can_create_courses)


def course_assignment(course: Course, slug: str) -> Assignment:
    assignment = db.session.scalar(select(Assignment).where(Assignment.course_id == course.id,
                                                            Assignment.slug == slug))
    if assignment is None:
        abort(404)
    return assignment


def course_submission(course: Course, submission_id: int) -> Submission:
    """A submission to one of ``course``'s assignments (404 for another course's)."""
    submission = db.session.get(Submission, submission_id)
    if submission is None or submission.assignment.course_id != course.id:
        abort(404)
    return submission
