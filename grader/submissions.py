"""Submissions: check an upload, store it, hand it to the queue, store its result.

A submission row is committed before its task is sent, and a broker that is
down only delays grading: the row stays ``queued`` with ``enqueued_at`` unset
and the sweep (workers.tasks.sweep_submissions) sends it later.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from grader.db import db, utcnow
from grader.models import Assignment, LeaderboardEntry, Result, Status, Submission, TestResult, User
from grader.policy import submission_limit_error

log = logging.getLogger(__name__)


@dataclass
class SubmissionRejected(Exception):
    """An upload we refuse, with a message for the student and an HTTP status."""

    code: str
    message: str
    status: int = 400

    def __str__(self) -> str:
        return self.message


def decode_upload(filename: str | None, data: bytes, max_bytes: int) -> str:
    """Return the upload's text, or raise SubmissionRejected saying what is wrong with it."""
    filename = (filename or "").strip()
    if not filename.lower().endswith(".py"):
        raise SubmissionRejected("not_python", f"Please submit a Python file ending in .py (got {filename or 'no file'!r}).")
    if len(data) > max_bytes:
        raise SubmissionRejected("too_large", f"The file is {len(data):,} bytes; the limit is {max_bytes:,} bytes.", 413)
    if not data.strip():
        raise SubmissionRejected("empty", "The file is empty.")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise SubmissionRejected(
            "not_utf8", f"The file is not valid UTF-8 text (byte {error.start}, line {line}); save it as UTF-8.") from None
    if "\x00" in text:
        raise SubmissionRejected("binary", "The file contains NUL bytes; please submit a plain-text Python file.")
    return text.removeprefix("\ufeff")


def create_submission(assignment: Assignment, user: User, filename: str, code: str) -> Submission:
    """Store a new submission (committed) and try to enqueue it; raises SubmissionRejected."""
    if not assignment.published:
        raise SubmissionRejected("not_published", "This assignment is not open for submissions.", 403)
    for _ in range(5):  # two submissions at once race for the attempt number; the loser checks again
        reason = submission_limit_error(assignment, user.id)
        if reason:
            raise SubmissionRejected("limit", reason, 429)
        attempt = 1 + (db.session.scalar(select(func.max(Submission.attempt)).where(
            Submission.assignment_id == assignment.id, Submission.user_id == user.id)) or 0)
        submission = Submission(assignment=assignment, user=user, attempt=attempt,
                                filename=filename[-255:], code=code, seed=0, status=Status.QUEUED.value)
        db.session.add(submission)
        try:
            db.session.commit()
            break
        except IntegrityError:
            db.session.rollback()
    else:
        raise SubmissionRejected("busy", "Too many submissions at once; please try again.", 429)
    enqueue(submission)
    return submission


def enqueue(submission: Submission) -> bool:
    """Send the grading task; on a broker failure leave it for the sweep. True when sent."""
    from workers.tasks import grade_submission

    try:
        grade_submission.apply_async(args=[submission.id], retry=False)
    except Exception as error:  # the broker is down or unreachable: the sweep will send it
        log.warning("could not enqueue submission %s: %s", submission.id, error)
        return False
    db.session.execute(update(Submission).where(Submission.id == submission.id).values(enqueued_at=utcnow()))
    db.session.commit()
    return True


REQUEUED = dict(status=Status.QUEUED.value, enqueued_at=None, grading_token=None, grading_attempts=0)
"""Column values of a submission put back in the queue for a fresh grading (a regrade)."""


def request_regrade(submission: Submission) -> None:
    """Put a submission back in the queue; its earlier results stay as history."""
    db.session.execute(update(Submission).where(Submission.id == submission.id).values(**REQUEUED))
    db.session.commit()
    db.session.refresh(submission)
    enqueue(submission)


def claim(submission_id: int) -> str | None:
    """Mark a queued submission running and return the token that owns it, or None if not queued."""
    token = str(uuid.uuid4())
    claimed = db.session.execute(
        update(Submission)
        .where(Submission.id == submission_id, Submission.status == Status.QUEUED.value)
        .values(status=Status.RUNNING.value, started_at=utcnow(), grading_token=token,
                grading_attempts=Submission.grading_attempts + 1)
    ).rowcount
    db.session.commit()
    return token if claimed else None


def store_result(submission_id: int, token: str, result: dict[str, Any]) -> bool:
    """Store a finished grading as the current result; False if another worker owns it now."""
    if not _finish(submission_id, token, status=Status.GRADED.value, score=float(result["score"]),
                   max_score=float(result["max_score"]), verdict=result["verdict"], finished_at=utcnow()):
        return False
    submission = db.session.get(Submission, submission_id)
    reason = "regrade" if any(r.reason != "internal_error" for r in submission.results) else "grade"
    for earlier in submission.results:
        earlier.is_current = False
    _add_result(submission, result, reason=reason, current=True)
    db.session.commit()
    return True


def record_internal_error(submission_id: int, token: str, result: dict[str, Any], *, final: bool) -> None:
    """Keep a failed try on record; requeue the submission, or mark it failed after the last try."""
    values = dict(status=Status.FAILED.value, verdict="internal_error", finished_at=utcnow()) if final \
        else dict(status=Status.QUEUED.value)
    if not _finish(submission_id, token, **values):
        return
    _add_result(db.session.get(Submission, submission_id), result, reason="internal_error", current=False)
    db.session.commit()


def _finish(submission_id: int, token: str, **values) -> bool:
    """Leave ``running`` if ``token`` still owns the submission; the row stays locked until commit."""
    owned = db.session.execute(
        update(Submission)
        .where(Submission.id == submission_id, Submission.grading_token == token,
               Submission.status == Status.RUNNING.value)
        .values(grading_token=None, **values)
    ).rowcount
    if not owned:
        db.session.rollback()
    return bool(owned)


def _add_result(submission: Submission, result: dict[str, Any], *, reason: str, current: bool) -> Result:
    row = Result(submission=submission, score=float(result["score"]), max_score=float(result["max_score"]),
                 verdict=result["verdict"], execution_time=result.get("execution_time"),
                 is_current=current, reason=reason, payload=result)
    for position, test in enumerate(result.get("tests", [])):
        row.tests.append(TestResult(
            position=position, name=str(test.get("name", ""))[:200], score=float(test.get("score", 0)),
            max_score=float(test.get("max_score", 0)), status=test.get("status", "failed"),
            visibility=test.get("visibility", "visible"), output=str(test.get("output", ""))))
    if current:
        for entry in result.get("leaderboard") or []:
            row.leaderboard.append(LeaderboardEntry(name=str(entry.get("name", ""))[:100], value=float(entry["value"]),
                                                    order="desc" if entry.get("order") == "desc" else "asc"))
    db.session.add(row)
    return row


def stale_submissions(running_grace: timedelta, queued_grace: timedelta) -> list[Submission]:
    """Submissions nobody is grading: queued but never sent (or sent long ago), or running too long."""
    now = utcnow()
    return list(db.session.scalars(select(Submission).where(
        ((Submission.status == Status.QUEUED.value)
         & ((Submission.enqueued_at.is_(None)) | (Submission.enqueued_at < now - queued_grace)))
        | ((Submission.status == Status.RUNNING.value) & (Submission.started_at < now - running_grace))
    ).order_by(Submission.id)))


def release(submission: Submission) -> None:
    """Give a submission whose worker vanished back to the queue (its token no longer counts)."""
    db.session.execute(update(Submission).where(
        Submission.id == submission.id, Submission.status == submission.status).values(
        status=Status.QUEUED.value, grading_token=None, enqueued_at=None))
    db.session.commit()
