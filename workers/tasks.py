"""Celery tasks: grade one submission by id; sweep submissions nobody is grading."""

from __future__ import annotations

import logging
import traceback
from dataclasses import dataclass
from datetime import timedelta

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from celery.signals import worker_ready
from flask import current_app

from grader.db import db
from grader.models import Status, Submission
from grader.submissions import (claim, enqueue, record_internal_error, release, stale_submissions,
                                store_result)
from workers.celery_app import TASK_SOFT_TIME_LIMIT, TASK_TIME_LIMIT

log = logging.getLogger(__name__)
MAX_RETRIES = 3
RUNNING_GRACE = timedelta(seconds=10)
"""A running submission older than this, and active on no live worker, is given back to the queue."""
QUEUED_GRACE = timedelta(minutes=10)
"""A queued submission sent this long ago and still not started is sent again (a lost message)."""


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, ignore_result=True,
             soft_time_limit=TASK_SOFT_TIME_LIMIT, time_limit=TASK_TIME_LIMIT, max_retries=MAX_RETRIES,
             name="workers.tasks.grade_submission")
def grade_submission(self, submission_id: int) -> None:
    """Grade a submission in the sandbox and store the result; an internal error is retried."""
    token = claim(submission_id)
    if token is None:
        log.info("submission %s is not queued (already graded or being graded); skipping", submission_id)
        return
    submission = db.session.get(Submission, submission_id)
    job = GradingJob(submission.id, submission.assignment.source_path, submission.code, submission.seed,
                     submission.assignment.max_score)
    db.session.rollback()  # hold no transaction, and so no locks, while the sandbox runs
    result = run_grading(job)
    if result["verdict"] != "internal_error":
        store_result(submission_id, token, result)
        return
    final = self.request.retries >= self.max_retries
    record_internal_error(submission_id, token, result, final=final)
    if not final:
        raise self.retry(countdown=2 ** self.request.retries)


@dataclass(frozen=True)
class GradingJob:
    """What grading needs of a submission, read before the sandbox starts."""

    submission_id: int
    assignment_path: str
    code: str
    seed: int
    max_score: float


def run_grading(job: GradingJob) -> dict:
    """The result for one submission; our own failures become an internal_error result."""
    from assignments.loader import load_assignment
    from assignments.runner import grade_code

    config = current_app.config["GRADER"]
    try:
        assignment = load_assignment(job.assignment_path)
        return grade_code(assignment, job.code, seed=job.seed, sandbox_kind=config.sandbox)
    except SoftTimeLimitExceeded:
        message = "The grader took too long on this submission; it will be retried."
    except Exception:  # a bug of ours, not the student's: keep it on record and retry
        log.exception("grading submission %s failed", job.submission_id)
        message = "The grader failed on this submission (not your fault); it will be retried.\n" + \
            traceback.format_exc(limit=5)
    return internal_error_result(job.max_score, message)


def internal_error_result(max_score: float, message: str) -> dict:
    return {"score": 0.0, "max_score": max_score, "status": "failed", "verdict": "internal_error",
            "execution_time": None, "tests": [], "stdout": "", "stderr": "", "output": message}


@shared_task(ignore_result=True, name="workers.tasks.sweep_submissions")
def sweep_submissions() -> int:
    """Send submissions that were never sent, and release those whose worker died. Returns how many."""
    stale = stale_submissions(RUNNING_GRACE, QUEUED_GRACE)
    if not stale:
        return 0
    active = active_submission_ids() if any(s.status == Status.RUNNING.value for s in stale) else set()
    sent = 0
    for submission in stale:
        if submission.status == Status.RUNNING.value:
            if active is None or submission.id in active:
                continue  # being graded, or we cannot tell: leave it
            log.warning("submission %s was running on a worker that is gone; requeueing", submission.id)
            release(submission)
        sent += enqueue(submission)
    return sent


def active_submission_ids() -> set[int] | None:
    """Ids being graded on any live worker right now (None when the workers cannot be asked)."""
    try:
        replies = current_app.extensions["celery"].control.inspect(timeout=2.0).active()
    except Exception:
        log.exception("could not ask the workers what they are running")
        return None
    if replies is None:  # no worker answered in time: we cannot tell what is running
        return None
    return {task["args"][0] for tasks in replies.values() for task in tasks
            if task.get("name") == grade_submission.name and task.get("args")}


@worker_ready.connect
def sweep_at_startup(sender=None, **_):
    """A worker that comes up picks up whatever was left behind while none ran."""
    sweep_submissions.apply_async(countdown=1)
