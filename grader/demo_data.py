"""A class's worth of activity for the demo course: hundreds of students, thousands of graded submissions.

``grader demo --students 500 --submissions 30`` gives 500 students 30 graded
submissions on each assignment (90,000 submissions, their results and one row
per test) in seconds: rows are built in memory and inserted in bulk with
explicit ids, never one ORM object at a time. The scores are plausible (each
student has a skill, later attempts do better, each test has a difficulty and a
few typical failure messages), so the dashboards have something to show.
Seeded students have no password: they cannot log in.
"""

from __future__ import annotations

import json
import random
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import click
from sqlalchemy import func, insert, select, text

from grader.db import db, utcnow
from grader.models import Assignment, Course, Enrolment, Result, Role, Submission, TestResult, User

STUDENT_PREFIX = "demo-student-"
CHUNK = 10_000
FAILURE_MESSAGES = (
    "{test}: db2 is zero: the gradient of b2 should be the column sums of dY.",
    "{test}: output has shape (4, 1), expected (4,): return a 1-D array.",
    "{test}: largest error {error:.3g} at index [{i}, {j}]: the gradient is off by a factor of 2.",
    "{test}: relu modified its input in place; return a new array.",
    "{test}: the loss is NaN after 12 iterations: is the learning rate too large?",
    "{test}: W1 gradient is transposed: got shape (3, 2), expected (2, 3).",
)


@dataclass(frozen=True)
class TestSpec:
    name: str
    points: float
    visibility: str
    difficulty: float
    """0 (everyone passes) to 1 (few pass)."""


@dataclass
class SeedReport:
    students: int
    submissions: int
    test_rows: int
    seconds: float


def test_specs(assignment: Assignment, rng: random.Random) -> list[TestSpec]:
    """The assignment's real checks when its folder loads, else six made-up tests summing to its points."""
    try:
        from assignments.loader import load_assignment

        checks = [(c.name, c.points, c.visibility) for c in load_assignment(assignment.source_path).checks]
    except Exception:
        total = assignment.max_score or 10.0
        checks = [(f"test {i + 1}", total / 6, "hidden" if i == 5 else "visible") for i in range(6)]
    return [TestSpec(name, float(points), visibility, rng.uniform(0.05, 0.7)) for name, points, visibility in checks]


def _ensure_students(course: Course, count: int) -> list[int]:
    """Create and enrol demo-student-001 ... (those missing); return their ids in order."""
    names = [f"{STUDENT_PREFIX}{i:03d}" for i in range(1, count + 1)]
    existing = dict(db.session.execute(select(User.username, User.id).where(User.username.like(f"{STUDENT_PREFIX}%"))).all())
    now = utcnow()
    new = [{"username": n, "name": f"Student {n[len(STUDENT_PREFIX):]}", "email": f"{n}@example.org",
            "password_hash": None, "can_create_courses": False, "created_at": now} for n in names if n not in existing]
    if new:
        db.session.execute(insert(User.__table__), new)
        existing = dict(db.session.execute(select(User.username, User.id).where(User.username.in_(names))).all())
    ids = [existing[n] for n in names]
    enrolled = set(db.session.scalars(select(Enrolment.user_id).where(Enrolment.course_id == course.id)))
    missing = [{"user_id": i, "course_id": course.id, "role": Role.STUDENT.value, "created_at": now}
               for i in ids if i not in enrolled]
    if missing:
        db.session.execute(insert(Enrolment.__table__), missing)
    return ids


def _next_id(model) -> int:
    return (db.session.scalar(select(func.max(model.id))) or 0) + 1


def _bulk(table, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert tuples through the driver's executemany (the ORM's per-value processing is the slow part)."""
    connection = db.session.connection()
    style = connection.dialect.paramstyle
    marks = ", ".join("?" if style == "qmark" else "%s" for _ in columns)
    sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({marks})"
    for start in range(0, len(rows), CHUNK):
        connection.exec_driver_sql(sql, rows[start:start + CHUNK])


def _timestamp_for(dialect: str):
    """How a UTC datetime goes to the driver: SQLAlchemy's SQLite text format, else the datetime itself."""
    if dialect == "sqlite":
        return lambda value: value.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")
    return lambda value: value


@dataclass
class _TestOutcomes:
    """One test's possible outcomes, serialised once: the seeding only picks among them."""

    spec: TestSpec
    passed: str
    failed: list[tuple[str, str]]
    """(JSON of the test, its message) for each typical failure."""


def _outcomes(spec: TestSpec, rng: random.Random) -> _TestOutcomes:
    def as_json(passed: bool, output: str) -> str:
        return json.dumps({"name": spec.name, "score": spec.points if passed else 0.0, "max_score": spec.points,
                           "status": "passed" if passed else "failed", "output": output,
                           "visibility": spec.visibility, "tags": [], "images": []})

    messages = FAILURE_MESSAGES[:3] if spec.difficulty < 0.4 else FAILURE_MESSAGES
    failed = []
    for template in messages:
        message = template.format(test=spec.name, error=rng.uniform(0.01, 2), i=rng.randrange(4), j=rng.randrange(3))
        failed.append((as_json(False, message), message))
    return _TestOutcomes(spec, as_json(True, ""), failed)


def seed_class_activity(course: Course, students: int = 500, submissions: int = 30, *, seed: int = 0,
                        now: datetime | None = None) -> SeedReport:
    """Give ``course`` ``students`` students with ``submissions`` graded attempts on each assignment."""
    started = time.perf_counter()
    rng = random.Random(seed)
    now = now or utcnow()
    user_ids = _ensure_students(course, students)
    skill = {uid: rng.betavariate(4, 2) for uid in user_ids}
    already = set(db.session.execute(select(Submission.user_id, Submission.assignment_id).join(
        Assignment, Assignment.id == Submission.assignment_id).where(Assignment.course_id == course.id)).all())
    stamp = _timestamp_for(db.session.get_bind().dialect.name)
    sub_id, res_id, test_id = _next_id(Submission), _next_id(Result), _next_id(TestResult)
    sub_rows, res_rows, test_rows = [], [], []
    for assignment in course.assignments:
        tests = [_outcomes(spec, rng) for spec in test_specs(assignment, rng)]
        max_score = sum(t.spec.points for t in tests)
        due = assignment.due_at or now
        code = [_code(assignment.slug, attempt) for attempt in range(1, submissions + 1)]
        for uid in user_ids:
            if (uid, assignment.id) in already:
                continue
            start = due - timedelta(days=rng.uniform(3, 14))
            for attempt in range(1, submissions + 1):
                progress = attempt / submissions
                created = start + (due + timedelta(hours=rng.uniform(-30, 20)) - start) * progress
                finished = stamp(created + timedelta(seconds=3))
                score, parts = 0.0, []
                for position, outcome in enumerate(tests):
                    chance = skill[uid] * (0.35 + 0.75 * progress) * (1.15 - outcome.spec.difficulty)
                    if rng.random() < chance:
                        score += outcome.spec.points
                        parts.append(outcome.passed)
                        row = (outcome.spec.points, "passed", "")
                    else:
                        fragment, message = outcome.failed[int(rng.random() * len(outcome.failed))]
                        parts.append(fragment)
                        row = (0.0, "failed", message)
                    test_rows.append((test_id, res_id, position, outcome.spec.name, row[0], outcome.spec.points,
                                      row[1], outcome.spec.visibility, row[2]))
                    test_id += 1
                score = round(score, 4)
                seconds = round(0.3 + 2.2 * rng.random(), 3)
                payload = (f'{{"score": {score}, "max_score": {max_score}, "status": "graded", "verdict": "ok", '
                           f'"execution_time": {seconds}, "tests": [{", ".join(parts)}], "stdout": "", '
                           f'"stderr": "", "output": ""}}')
                sub_rows.append((sub_id, assignment.id, uid, attempt, "submission.py", code[attempt - 1], 0, "graded",
                                 stamp(created), stamp(created), stamp(created), finished, 1, score, max_score, "ok"))
                res_rows.append((res_id, sub_id, finished, score, max_score, "ok", seconds, True, "grade", payload))
                sub_id, res_id = sub_id + 1, res_id + 1
    _bulk(Submission.__table__, ("id", "assignment_id", "user_id", "attempt", "filename", "code", "seed", "status",
                                 "created_at", "enqueued_at", "started_at", "finished_at", "grading_attempts",
                                 "score", "max_score", "verdict"), sub_rows)
    _bulk(Result.__table__, ("id", "submission_id", "created_at", "score", "max_score", "verdict",
                             "execution_time", "is_current", "reason", "payload"), res_rows)
    _bulk(TestResult.__table__, ("id", "result_id", "position", "name", "score", "max_score", "status",
                                 "visibility", "output"), test_rows)
    _fix_sequences()
    db.session.commit()
    _analyze()
    return SeedReport(len(user_ids), len(sub_rows), len(test_rows), time.perf_counter() - started)


def _code(slug: str, attempt: int) -> str:
    return (f"# {slug}, attempt {attempt}\nimport numpy as np\n\n\ndef relu(x):\n"
            f"    return np.maximum(x, 0)\n\n\ndef relu_grad(x):\n    return (x > 0).astype(float)\n")


def _fix_sequences() -> None:
    """Explicit ids bypass PostgreSQL's sequences; move them past the new rows."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for table in ("users", "enrolments", "submissions", "results", "test_results"):
        db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                f"COALESCE((SELECT MAX(id) FROM {table}), 1))"))


def _analyze() -> None:
    """Refresh the planner's statistics after a bulk load (autovacuum would, minutes later)."""
    if db.session.get_bind().dialect.name == "postgresql":
        for table in ("users", "enrolments", "submissions", "results", "test_results"):
            db.session.execute(text(f"ANALYZE {table}"))
        db.session.commit()


def seed_demo_with_activity(students: int, submissions: int, *, seed: int = 0) -> tuple[Course, SeedReport]:
    """The demo course (grader.demo) plus seeded class activity."""
    from grader.demo import seed_demo_course

    course = seed_demo_course()
    return course, seed_class_activity(course, students, submissions, seed=seed)


@click.command("demo")
@click.option("--students", default=0, show_default=True, type=click.IntRange(0, 100_000),
              help="Also seed this many demo students (demo-student-001, ...) with graded submissions.")
@click.option("--submissions", default=30, show_default=True, type=click.IntRange(1, 1000),
              help="Graded submissions per seeded student and assignment.")
@click.option("--seed", default=0, show_default=True, type=int, help="Random seed of the seeded activity.")
def demo(students: int, submissions: int, seed: int) -> None:
    """Seed the demo course (every built-in assignment published), the demo accounts, and optionally a class."""
    from grader.cli import _app
    from grader.demo import DEMO_ACCOUNTS, seed_demo_course

    with _app().app_context():
        course = seed_demo_course()
        click.echo(f"demo course '{course.slug}' with {len(course.assignments)} assignments")
        if students:
            report = seed_class_activity(course, students, submissions, seed=seed)
            click.echo(f"seeded {report.students} students, {report.submissions} submissions, "
                       f"{report.test_rows} test results in {report.seconds:.1f} s")
    click.echo("demo logins (password = username): " + ", ".join(DEMO_ACCOUNTS))
