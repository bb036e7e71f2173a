"""Typed SQLAlchemy 2.0 models: people, courses, assignments, submissions, results."""

from __future__ import annotations

import enum
from datetime import datetime, timezone
from typing import Annotated, Any

from flask_login import UserMixin
from sqlalchemy import (JSON, Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text,
                        TypeDecorator, UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from grader.db import db, utcnow


class UTCDateTime(TypeDecorator):
    """A timezone-aware datetime, stored in UTC on SQLite and PostgreSQL alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given; use grader.db.utcnow() or an aware datetime")
        return value.astimezone(timezone.utc) if value is not None else None

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value


intpk = Annotated[int, mapped_column(primary_key=True)]
created = Annotated[datetime, mapped_column(UTCDateTime, default=utcnow, nullable=False)]
when = Annotated[datetime | None, mapped_column(UTCDateTime)]


class Role(str, enum.Enum):
    """A user's role in one course."""

    STUDENT = "student"
    TA = "ta"
    INSTRUCTOR = "instructor"

    @property
    def is_staff(self) -> bool:
        return self in (Role.TA, Role.INSTRUCTOR)


class Status(str, enum.Enum):
    """Where a submission is in its life."""

    QUEUED = "queued"
    RUNNING = "running"
    GRADED = "graded"
    FAILED = "failed"


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[intpk]
    username: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(128), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    password_hash: Mapped[str | None] = mapped_column(String(256))
    can_create_courses: Mapped[bool] = mapped_column(Boolean, default=False)
    """Instructors may create new courses."""
    created_at: Mapped[created]

    enrolments: Mapped[list["Enrolment"]] = relationship(back_populates="user", cascade="all, delete-orphan")

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return self.password_hash is not None and check_password_hash(self.password_hash, password)

    def role_in(self, course: "Course") -> Role | None:
        """This user's role in ``course``, or None when not enrolled."""
        for enrolment in self.enrolments:
            if enrolment.course_id == course.id:
                return Role(enrolment.role)
        return None

    @property
    def display_name(self) -> str:
        return self.name or self.username


class Course(db.Model):
    __tablename__ = "courses"

    id: Mapped[intpk]
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[created]

    enrolments: Mapped[list["Enrolment"]] = relationship(back_populates="course", cascade="all, delete-orphan")
    assignments: Mapped[list["Assignment"]] = relationship(
        back_populates="course", cascade="all, delete-orphan", order_by="Assignment.position")


class Enrolment(db.Model):
    __tablename__ = "enrolments"
    __table_args__ = (UniqueConstraint("user_id", "course_id"),)

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[created]

    user: Mapped[User] = relationship(back_populates="enrolments")
    course: Mapped[Course] = relationship(back_populates="enrolments")


class Assignment(db.Model):
    """An assignment of one course; its checks live in the folder at ``source_path``."""

    __tablename__ = "assignments"
    __table_args__ = (UniqueConstraint("course_id", "slug"),)

    id: Mapped[intpk]
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)
    source: Mapped[str] = mapped_column(String(16), default="builtin")
    """``builtin`` (a folder under assignments/) or ``upload`` (a zip an instructor uploaded)."""
    source_path: Mapped[str] = mapped_column(String(500))
    """The assignment folder: checks, solution, limits are loaded from here by the worker."""
    statement_md: Mapped[str] = mapped_column(Text, default="")
    starter_code: Mapped[str] = mapped_column(Text, default="")
    max_score: Mapped[float] = mapped_column(Float, default=0.0)
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    due_at: Mapped[when]
    late_penalty_per_day: Mapped[float] = mapped_column(Float, default=0.0)
    """Fraction of the score lost per day (or part of a day) late, e.g. 0.1."""
    hard_cutoff_at: Mapped[when]
    """No submissions accepted after this moment (None: no cutoff)."""
    max_per_day: Mapped[int | None] = mapped_column(Integer)
    max_total: Mapped[int | None] = mapped_column(Integer)
    counting: Mapped[str] = mapped_column(String(8), default="best")
    """Which score counts: ``best`` or ``last``."""
    reveal_hidden: Mapped[str] = mapped_column(String(16), default="after_due_date")
    """When students see hidden tests' details: ``never`` or ``after_due_date``."""
    validation: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    """The last `grader assignments validate` report for an uploaded folder."""
    created_at: Mapped[created]
    updated_at: Mapped[created]

    course: Mapped[Course] = relationship(back_populates="assignments")
    extensions: Mapped[list["Extension"]] = relationship(back_populates="assignment", cascade="all, delete-orphan")


class Extension(db.Model):
    """A per-student due date that replaces the assignment's."""

    __tablename__ = "extensions"
    __table_args__ = (UniqueConstraint("assignment_id", "user_id"),)

    id: Mapped[intpk]
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[created]

    assignment: Mapped[Assignment] = relationship(back_populates="extensions")
    user: Mapped[User] = relationship(foreign_keys=[user_id])


class Submission(db.Model):
    __tablename__ = "submissions"
    __table_args__ = (
        UniqueConstraint("assignment_id", "user_id", "attempt", name="uq_submissions_attempt"),
        Index("ix_submissions_status", "status"),
        Index("ix_submissions_assignment_created", "assignment_id", "created_at"),
        # Covers the gradebook's and the dashboards' per-(assignment, student) aggregates (no table reads).
        Index("ix_submissions_gradebook", "assignment_id", "user_id", "id", "status", "created_at", "score",
              "override_score", "max_score"),
    )

    id: Mapped[intpk]
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    attempt: Mapped[int] = mapped_column(Integer)
    """1 for a student's first submission to this assignment, then 2, 3, ..."""
    filename: Mapped[str] = mapped_column(String(255))
    code: Mapped[str] = mapped_column(Text)
    seed: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16), default=Status.QUEUED.value)
    created_at: Mapped[created]
    enqueued_at: Mapped[when]
    """When its task was last handed to the broker (None: not yet sent)."""
    started_at: Mapped[when]
    finished_at: Mapped[when]
    grading_token: Mapped[str | None] = mapped_column(String(36))
    """Set when a worker claims the submission; only that worker may store its result."""
    grading_attempts: Mapped[int] = mapped_column(Integer, default=0)
    score: Mapped[float | None] = mapped_column(Float)
    """Score of the current result (before late penalty and override)."""
    max_score: Mapped[float | None] = mapped_column(Float)
    verdict: Mapped[str | None] = mapped_column(String(32))
    override_score: Mapped[float | None] = mapped_column(Float)
    """A score set by staff; replaces ``score`` where it counts."""

    assignment: Mapped[Assignment] = relationship()
    user: Mapped[User] = relationship()
    results: Mapped[list["Result"]] = relationship(
        back_populates="submission", cascade="all, delete-orphan", order_by="Result.id")

    @property
    def current_result(self) -> "Result | None":
        current = [r for r in self.results if r.is_current]
        return current[-1] if current else None

    @property
    def effective_score(self) -> float | None:
        return self.override_score if self.override_score is not None else self.score


class Result(db.Model):
    """One grading of a submission; regrades add rows and keep the history."""

    __tablename__ = "results"

    id: Mapped[intpk]
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[created]
    score: Mapped[float] = mapped_column(Float)
    max_score: Mapped[float] = mapped_column(Float)
    verdict: Mapped[str] = mapped_column(String(32))
    execution_time: Mapped[float | None] = mapped_column(Float)
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    reason: Mapped[str] = mapped_column(String(16), default="grade")
    """``grade``, ``regrade`` or ``internal_error`` (a failed try, kept for the record)."""
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    """The whole result in DESIGN.md's format."""

    submission: Mapped[Submission] = relationship(back_populates="results")
    tests: Mapped[list["TestResult"]] = relationship(
        back_populates="result", cascade="all, delete-orphan", order_by="TestResult.position")
    leaderboard: Mapped[list["LeaderboardEntry"]] = relationship(back_populates="result", cascade="all, delete-orphan")


class TestResult(db.Model):
    """One test of one result, as a row for dashboards (pass rates, common failures)."""

    __tablename__ = "test_results"
    __table_args__ = (Index("ix_test_results_name", "name"),)

    id: Mapped[intpk]
    result_id: Mapped[int] = mapped_column(ForeignKey("results.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    score: Mapped[float] = mapped_column(Float)
    max_score: Mapped[float] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(16))
    visibility: Mapped[str] = mapped_column(String(16))
    output: Mapped[str] = mapped_column(Text, default="")

    result: Mapped[Result] = relationship(back_populates="tests")


class LeaderboardEntry(db.Model):
    """A value a result posts to its assignment's leaderboard (e.g. sin-fit's mean squared error)."""

    __tablename__ = "leaderboard_entries"

    id: Mapped[intpk]
    result_id: Mapped[int] = mapped_column(ForeignKey("results.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    value: Mapped[float] = mapped_column(Float)
    order: Mapped[str] = mapped_column(String(4), default="asc")
    """``asc``: smaller is better; ``desc``: larger is better."""

    result: Mapped[Result] = relationship(back_populates="leaderboard")


class ScoreOverride(db.Model):
    """Audit log of manual score changes: who, when, old and new score, why."""

    __tablename__ = "score_overrides"

    id: Mapped[intpk]
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    old_score: Mapped[float | None] = mapped_column(Float)
    new_score: Mapped[float | None] = mapped_column(Float)
    comment: Mapped[str] = mapped_column(Text)
    created_at: Mapped[created]

    staff: Mapped[User | None] = relationship()


class ApiToken(db.Model):
    """A bearer token for the JSON API; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[created]
    last_used_at: Mapped[when]

    user: Mapped[User] = relationship()
