"""Regrading through the queue: one submission, or all of an assignment; earlier results stay as history."""

from __future__ import annotations

import logging

from celery import shared_task
from sqlalchemy import select, update

from grader.db import db, utcnow
from grader.models import Assignment, Status, Submission
from grader.submissions import REQUEUED, request_regrade

log = logging.getLogger(__name__)
SEND_BATCH = 500


def regrade_submission(submission: Submission) -> None:
    """Queue one submission again (grader.submissions.request_regrade keeps its results)."""
    request_regrade(submission)


def regrade_assignment(assignment: Assignment) -> int:
    """Put every graded, failed or running submission of ``assignment`` back in the queue in one statement.

    Returns how many. A running submission is requeued too: clearing its
    grading token means the worker grading it now (with the old checks) cannot
    store its result. The tasks are sent by a worker task (thousands of messages
    do not belong in a web request); should the broker be down, the periodic
    sweep sends them.
    """
    count = db.session.execute(
        update(Submission)
        .where(Submission.assignment_id == assignment.id,
               Submission.status.in_((Status.GRADED.value, Status.FAILED.value, Status.RUNNING.value)))
        .values(**REQUEUED)
    ).rowcount
    db.session.commit()
    try:
        send_queued_submissions.apply_async(args=[assignment.id], retry=False)
    except Exception as error:
        log.warning("could not queue the regrade of assignment %s (the sweep will): %s", assignment.id, error)
    return count


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=240, time_limit=300,
             name="grader.regrades.send_queued_submissions")
def send_queued_submissions(assignment_id: int) -> int:
    """Send the grading task of each queued, unsent submission of an assignment; returns how many."""
    from workers.tasks import grade_submission

    ids = list(db.session.scalars(select(Submission.id).where(
        Submission.assignment_id == assignment_id, Submission.status == Status.QUEUED.value,
        Submission.enqueued_at.is_(None)).order_by(Submission.id)))
    for start in range(0, len(ids), SEND_BATCH):
        batch = ids[start:start + SEND_BATCH]
        for submission_id in batch:
            grade_submission.apply_async(args=[submission_id], retry=False)
        db.session.execute(update(Submission).where(Submission.id.in_(batch), Submission.enqueued_at.is_(None))
                           .values(enqueued_at=utcnow()))
        db.session.commit()
    return len(ids)
