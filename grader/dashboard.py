"""The state of one assignment at a glance: who submitted, scores, tests, failures, the queue.

Everything is aggregated in SQL; Python only bins a few hundred counting scores
and merges failure messages that differ only in their numbers.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import case, func, select

from grader.db import db
from grader.gradebook import counting_cells, student_filter
from grader.models import Assignment, Result, Status, Submission, TestResult, User

NUMBER = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")


@dataclass
class TestRate:
    name: str
    visibility: str
    attempted: int
    passed: int
    mean_fraction: float

    @property
    def pass_rate(self) -> float:
        return self.passed / self.attempted if self.attempted else 0.0


@dataclass
class FailureGroup:
    test: str
    message: str
    """One message of the group, as a student saw it."""
    count: int


@dataclass
class Dashboard:
    assignment: Assignment
    students: int
    submitted: int
    submissions: int
    scores: list[float]
    tests: list[TestRate]
    failures: list[FailureGroup]
    per_day: list[tuple[date, int]]
    queue: dict[str, int]
    verdicts: list[tuple[str, int]] = field(default_factory=list)

    @property
    def mean(self) -> float | None:
        return statistics.fmean(self.scores) if self.scores else None

    @property
    def median(self) -> float | None:
        return statistics.median(self.scores) if self.scores else None


def latest_graded_ids(assignment_id: int) -> list[int]:
    """Each student's newest graded submission id (the class's current state)."""
    return list(db.session.scalars(select(func.max(Submission.id)).where(
        Submission.assignment_id == assignment_id, Submission.status == Status.GRADED.value
    ).group_by(Submission.user_id)))


def test_pass_rates(submission_ids: list[int]) -> list[TestRate]:
    """Per test, over the current results of ``submission_ids``: how many ran it, passed it, mean score."""
    fraction = case((TestResult.max_score > 0, TestResult.score / TestResult.max_score), else_=0.0)
    rows = db.session.execute(
        select(TestResult.name, func.min(TestResult.visibility), func.count(),
               func.sum(case((TestResult.status == "passed", 1), else_=0)), func.avg(fraction),
               func.min(TestResult.position))
        .join(Result, Result.id == TestResult.result_id)
        .where(Result.is_current.is_(True), Result.submission_id.in_(submission_ids))
        .group_by(TestResult.name).order_by(func.min(TestResult.position))).all()
    return [TestRate(name, visibility, count, int(passed or 0), float(mean or 0))
            for name, visibility, count, passed, mean, _ in rows]


def common_failures(submission_ids: list[int], limit: int = 12) -> list[FailureGroup]:
    """The most frequent failure messages in the current results of ``submission_ids``."""
    rows = db.session.execute(
        select(TestResult.name, TestResult.output, func.count().label("n"))
        .join(Result, Result.id == TestResult.result_id)
        .where(Result.is_current.is_(True), Result.submission_id.in_(submission_ids),
               TestResult.status != "passed")
        .group_by(TestResult.name, TestResult.output).order_by(func.count().desc()).limit(500)).all()
    groups: Counter[tuple[str, str]] = Counter()
    example: dict[tuple[str, str], str] = {}
    for name, output, count in rows:
        first_line = (output or "").strip().splitlines()[0] if (output or "").strip() else "(no message)"
        key = (name, NUMBER.sub("#", first_line)[:300])
        groups[key] += count
        example.setdefault(key, first_line[:300])
    return [FailureGroup(name, example[(name, shape)], count)
            for (name, shape), count in groups.most_common(limit)]


def submission_activity(assignment_id: int) -> tuple[list[tuple[date, int]], dict[str, int]]:
    """Submissions of the assignment per day (in order) and per status, from one grouped scan."""
    day = func.date(Submission.created_at)
    per_day: Counter[date] = Counter()
    per_status: Counter[str] = Counter()
    for when, status, count in db.session.execute(select(day, Submission.status, func.count()).where(
            Submission.assignment_id == assignment_id).group_by(day, Submission.status)):
        if when is not None:
            per_day[_as_date(when)] += count
        per_status[status] += count
    return sorted(per_day.items()), {status.value: per_status[status.value] for status in Status}


def _as_date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def queue_status(assignment_id: int) -> dict[str, int]:
    """Submissions of the assignment by status (queued, running, graded, failed)."""
    counts = dict(db.session.execute(select(Submission.status, func.count()).where(
        Submission.assignment_id == assignment_id).group_by(Submission.status)).all())
    return {status.value: counts.get(status.value, 0) for status in Status}


def verdict_counts(submission_ids: list[int]) -> list[tuple[str, int]]:
    rows = db.session.execute(select(Submission.verdict, func.count()).where(
        Submission.id.in_(submission_ids)).group_by(Submission.verdict)
        .order_by(func.count().desc())).all()
    return [(verdict or "?", n) for verdict, n in rows]


def build_dashboard(assignment: Assignment) -> Dashboard:
    """Gather every number the assignment dashboard shows."""
    students = student_filter(assignment.course_id)
    n_students = db.session.scalar(select(func.count()).select_from(students.subquery()))
    cells = counting_cells([assignment], user_ids=students)  # one per student who submitted
    scores = [float(c.value) for c in cells if c.value is not None]
    latest = latest_graded_ids(assignment.id)
    per_day, queue = submission_activity(assignment.id)
    return Dashboard(assignment, n_students, len(cells), sum(c.attempts for c in cells), scores,
                     test_pass_rates(latest), common_failures(latest), per_day, queue, verdict_counts(latest))


def find_submissions(assignment: Assignment, *, query: str = "", status: str = "", page: int = 1,
                     per_page: int = 50) -> tuple[list[tuple[Submission, User]], int]:
    """Submissions of an assignment, newest first, filtered by student and status; (page rows, total)."""
    where = [Submission.assignment_id == assignment.id]
    if query:
        pattern = f"%{query.strip()}%"
        where.append(User.username.ilike(pattern) | User.name.ilike(pattern) | User.email.ilike(pattern))
    if status:
        where.append(Submission.status == status)
    base = select(Submission, User).join(User, User.id == Submission.user_id).where(*where)
    total = db.session.scalar(select(func.count()).select_from(base.subquery()))
    rows = db.session.execute(base.order_by(Submission.id.desc()).limit(per_page)
                              .offset((max(page, 1) - 1) * per_page)).all()
    return [(s, u) for s, u in rows], total


@dataclass
class AssignmentSummary:
    assignment: Assignment
    submitted: int = 0
    submissions: int = 0
    waiting: int = 0
    failed: int = 0


def course_overview(course) -> tuple[int, list[AssignmentSummary]]:
    """(number of students, a summary per assignment), in two queries."""
    n_students = db.session.scalar(select(func.count()).select_from(student_filter(course.id).subquery()))
    summaries = {a.id: AssignmentSummary(a) for a in course.assignments}
    waiting = func.sum(case((Submission.status.in_((Status.QUEUED.value, Status.RUNNING.value)), 1), else_=0))
    failed = func.sum(case((Submission.status == Status.FAILED.value, 1), else_=0))
    rows = db.session.execute(
        select(Submission.assignment_id, func.count(func.distinct(Submission.user_id)), func.count(), waiting, failed)
        .where(Submission.assignment_id.in_(list(summaries))).group_by(Submission.assignment_id)).all()
    for assignment_id, submitted, total, queued, failures in rows:
        summary = summaries[assignment_id]
        summary.submitted, summary.submissions = submitted, total
        summary.waiting, summary.failed = int(queued or 0), int(failures or 0)
    return n_students, list(summaries.values())
