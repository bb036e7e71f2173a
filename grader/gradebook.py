"""The course gradebook: each student's counting score per assignment, computed in SQL.

One query gives every (student, assignment) cell of a course: the score of the
submission that counts (best or last, per the assignment), with the late
penalty applied against the student's own due date (an extension, else the
assignment's), scaled to the assignment's points, or a staff override as it is.
It agrees with :func:`grader.policy.counted_score` submission by submission.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from sqlalchemy import Float, Integer, and_, case, cast, func, literal, or_, select, union_all
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement

from grader.db import db
from grader.models import Assignment, Course, Enrolment, Extension, Role, Submission, User, UTCDateTime

DAY_MS = 86_400_000


class days_late_sql(FunctionElement):
    """SQL for whole days (a started day counts) from ``due`` to ``submitted``; use only when late."""

    type = Integer()
    inherit_cache = True
    name = "days_late"


@compiles(days_late_sql)
def _days_late_sqlite(element, compiler, **kw):
    submitted, due = (compiler.process(c, **kw) for c in element.clauses)
    # julianday() is in days; whole milliseconds avoid a float landing just above an exact day.
    ms = f"CAST(ROUND((julianday({submitted}) - julianday({due})) * {DAY_MS}) AS INTEGER)"
    return f"(({ms} + {DAY_MS - 1}) / {DAY_MS})"


@compiles(days_late_sql, "postgresql")
def _days_late_postgresql(element, compiler, **kw):
    submitted, due = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST(CEIL(EXTRACT(EPOCH FROM ({submitted} - {due})) * 1000 / {DAY_MS}) AS INTEGER)"


@dataclass
class Cell:
    """One student's standing on one assignment."""

    value: float | None = None
    """The counting score (None: nothing graded yet)."""
    submission_id: int | None = None
    """The submission whose score counts."""
    overridden: bool = False
    late: bool = False
    attempts: int = 0


@dataclass
class CountedCell:
    """One student's submissions to one assignment: how many, and the one whose score counts."""

    user_id: int
    assignment_id: int
    attempts: int
    """Every submission, graded or not."""
    submission_id: int | None
    """None when none of them is graded."""
    value: float | None
    overridden: bool
    late: bool


@dataclass
class StudentRow:
    user_id: int
    username: str
    name: str
    email: str
    cells: list[Cell] = field(default_factory=list)

    @property
    def total(self) -> float:
        return round(sum(c.value or 0.0 for c in self.cells), 4)


@dataclass
class Gradebook:
    assignments: list[Assignment]
    rows: list[StudentRow]

    @property
    def max_total(self) -> float:
        return sum(a.max_score for a in self.assignments)


def _counted_value(assignment: Assignment, with_extensions: bool):
    """SQL for a submission's counted value, with the assignment's policy bound as constants."""
    due = literal(assignment.due_at, UTCDateTime()) if assignment.due_at else None
    if with_extensions:
        due = func.coalesce(Extension.due_at, due) if due is not None else Extension.due_at
    if due is None:
        factor, is_late = literal(1.0, Float), literal(False)
    else:
        is_late = and_(due.isnot(None), Submission.created_at > due)
        penalised = 1.0 - literal(assignment.late_penalty_per_day, Float) * days_late_sql(Submission.created_at, due)
        factor = case((is_late, case((penalised < 0, literal(0.0, Float)), else_=penalised)),
                      else_=literal(1.0, Float))
    scale = case((Submission.max_score > 0, literal(assignment.max_score, Float) / Submission.max_score),
                 else_=literal(1.0, Float))
    value = case((Submission.override_score.isnot(None), Submission.override_score),
                 else_=Submission.score * factor * scale)
    return value, is_late


def _assignment_groups(assignment: Assignment, with_extensions: bool, user_ids, dialect: str):
    """A select of one row per student who submitted to ``assignment``: attempts and the counting pick.

    Its rows are read in the order of ``ix_submissions_gradebook``, which holds
    every column used: no sort, no table read on SQLite.
    """
    value, is_late = _counted_value(assignment, with_extensions)
    key = cast(Submission.id, Float) if assignment.counting == "last" else value
    graded = or_(Submission.score.isnot(None), Submission.override_score.isnot(None))
    overridden = case((Submission.override_score.isnot(None), 1), else_=0)
    late = case((is_late, 1), else_=0)
    query = select(Submission.assignment_id, Submission.user_id, func.count().label("attempts")).where(
        Submission.assignment_id == assignment.id)
    if with_extensions:
        query = query.outerjoin(Extension, and_(Extension.assignment_id == assignment.id,
                                                Extension.user_id == Submission.user_id))
    if user_ids is not None:
        query = query.where(Submission.user_id.in_(user_ids))
    if dialect == "sqlite":
        # SQLite takes the bare columns from the row holding the group's single max() (on a tie, the
        # first read: the oldest submission).
        picked = (func.max(case((graded, key))).label("key"), Submission.id.label("submission_id"),
                  value.label("value"), overridden.label("overridden"), late.label("late"))
    else:
        # PostgreSQL: the largest array is the graded row with the largest key, then the largest id (on a
        # tie, the newest): an arg-max in the same aggregate pass, where DISTINCT ON would sort every row.
        picked = (func.max(postgresql.array([key, cast(Submission.id, Float), value, cast(overridden, Float),
                                             cast(late, Float)])).filter(graded).label("picked"),)
    return query.add_columns(*picked).group_by(Submission.assignment_id, Submission.user_id)


def counting_cells(assignments: list[Assignment], user_ids=None) -> list[CountedCell]:
    """Every (student, assignment) with a submission: attempts and the submission that counts, in one query.

    ``user_ids`` (a list or a select of ids) restricts the students.
    """
    if not assignments:
        return []
    extended = set(db.session.scalars(select(Extension.assignment_id).distinct().where(
        Extension.assignment_id.in_([a.id for a in assignments]))))
    dialect = db.session.get_bind().dialect.name
    query = union_all(*[_assignment_groups(a, a.id in extended, user_ids, dialect) for a in assignments])
    cells = []
    for row in db.session.execute(query).all():
        if dialect == "sqlite":
            pick = (row.key, row.submission_id, row.value, row.overridden, row.late) if row.key is not None else None
        else:
            pick = row.picked
        if pick is None:  # nothing graded yet
            cells.append(CountedCell(row.user_id, row.assignment_id, row.attempts, None, None, False, False))
        else:
            _, submission_id, value, overridden, late = pick
            cells.append(CountedCell(row.user_id, row.assignment_id, row.attempts, int(submission_id), value,
                                     bool(overridden), bool(late)))
    return cells


def student_filter(course_id: int, query: str = ""):
    """A select of the ids of the course's students, optionally matching ``query``."""
    students = select(Enrolment.user_id).where(Enrolment.course_id == course_id,
                                               Enrolment.role == Role.STUDENT.value)
    if query:
        pattern = f"%{query.strip()}%"
        students = students.join(User, User.id == Enrolment.user_id).where(
            or_(User.username.ilike(pattern), User.name.ilike(pattern), User.email.ilike(pattern)))
    return students


def build_gradebook(course: Course, *, query: str = "", published_only: bool = False) -> Gradebook:
    """Every student of ``course`` (matching ``query``) by every assignment, in three queries."""
    assignments = [a for a in course.assignments if a.published or not published_only]
    students = student_filter(course.id, query)
    users = db.session.execute(select(User.id, User.username, User.name, User.email).where(
        User.id.in_(students)).order_by(User.username)).all()
    rows = {u.id: StudentRow(u.id, u.username, u.name, u.email, [Cell() for _ in assignments]) for u in users}
    column = {a.id: i for i, a in enumerate(assignments)}
    for counted in counting_cells(assignments, user_ids=students if query else None):
        row = rows.get(counted.user_id)
        if row is not None:
            value = round(float(counted.value), 4) if counted.value is not None else None
            row.cells[column[counted.assignment_id]] = Cell(value, counted.submission_id, counted.overridden,
                                                            counted.late, counted.attempts)
    return Gradebook(assignments, list(rows.values()))


def sort_rows(gradebook: Gradebook, key: str, descending: bool) -> None:
    """Sort in place by ``username``, ``name``, ``total`` or an assignment slug (missing scores last)."""
    slugs = [a.slug for a in gradebook.assignments]
    if key in slugs:
        index = slugs.index(key)
        present = [r for r in gradebook.rows if r.cells[index].value is not None]
        missing = [r for r in gradebook.rows if r.cells[index].value is None]
        present.sort(key=lambda r: (r.cells[index].value, r.username), reverse=descending)
        gradebook.rows[:] = present + missing
    elif key == "total":
        gradebook.rows.sort(key=lambda r: (r.total, r.username), reverse=descending)
    elif key == "name":
        gradebook.rows.sort(key=lambda r: ((r.name or r.username).lower(), r.username), reverse=descending)
    else:
        gradebook.rows.sort(key=lambda r: r.username, reverse=descending)


def gradebook_csv(gradebook: Gradebook) -> str:
    """One row per student, a column per assignment (its slug) and the total, for an LMS."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["username", "name", "email", *[a.slug for a in gradebook.assignments], "total"])
    writer.writerow(["", "(points possible)", "", *[_number(a.max_score) for a in gradebook.assignments],
                     _number(gradebook.max_total)])
    for row in gradebook.rows:
        writer.writerow([_safe_cell(row.username), _safe_cell(row.name), _safe_cell(row.email),
                         *[_number(c.value) for c in row.cells], _number(row.total)])
    return out.getvalue()


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:.4f}".rstrip("0").rstrip(".")


def _safe_cell(text: str) -> str:
    """Neutralise a spreadsheet formula (a name starting with = + - @ runs as one in Excel)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
