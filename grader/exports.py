"""Results in Gradescope's results.json format: one submission, or a zip for an assignment."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from typing import Any

from sqlalchemy import select

from grader.db import db
from grader.gradebook import counting_cells
from grader.models import Assignment, Result, Submission, User

GRADESCOPE_STATUS = {"passed": "passed"}
GRADESCOPE_VISIBILITY = {"visible": "visible", "hidden": "hidden", "after_due_date": "after_due_date"}


def gradescope_results(submission: Submission, user: User, payload: dict[str, Any] | None) -> dict[str, Any]:
    """A results.json for Gradescope; the score is the staff override when there is one."""
    payload = payload or {}
    tests = []
    for number, test in enumerate(payload.get("tests", []), start=1):
        images = test.get("images") or []
        output = str(test.get("output", ""))
        if images:
            output += f"\n({len(images)} plot(s) not exported: {', '.join(str(i.get('label', '')) for i in images)})"
        tests.append({"name": str(test.get("name", "")), "number": str(number),
                      "score": test.get("score", 0), "max_score": test.get("max_score", 0),
                      "status": GRADESCOPE_STATUS.get(test.get("status"), "failed"),
                      "output": output.strip(), "tags": list(test.get("tags", [])),
                      "visibility": GRADESCOPE_VISIBILITY.get(test.get("visibility"), "visible")})
    overridden = submission.override_score is not None
    result = {
        "score": submission.effective_score if submission.effective_score is not None else 0.0,
        "execution_time": payload.get("execution_time"),
        "output": str(payload.get("output", "")) + ("\nScore set by staff." if overridden else ""),
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
        "extra_data": {"submission_id": submission.id, "username": user.username, "attempt": submission.attempt,
                       "verdict": payload.get("verdict", submission.verdict), "graded_score": submission.score,
                       "override_score": submission.override_score,
                       "max_score": payload.get("max_score", submission.max_score)},
    }
    if payload.get("leaderboard"):
        result["leaderboard"] = payload["leaderboard"]
    result["output"] = result["output"].strip()
    return result


def current_payload(submission: Submission) -> dict[str, Any] | None:
    result = submission.current_result
    return result.payload if result else None


def assignment_results_zip(assignment: Assignment, *, every_attempt: bool = False) -> bytes:
    """A zip of results.json files: each student's counting submission (or every attempt), with an index."""
    if every_attempt:
        ids = select(Submission.id).where(Submission.assignment_id == assignment.id)
    else:
        ids = [c.submission_id for c in counting_cells([assignment]) if c.submission_id is not None]
    rows = db.session.execute(
        select(Submission, User, Result.payload)
        .join(User, User.id == Submission.user_id)
        .outerjoin(Result, (Result.submission_id == Submission.id) & Result.is_current.is_(True))
        .where(Submission.id.in_(ids)).order_by(User.username, Submission.attempt)).all()
    buffer = io.BytesIO()
    index = io.StringIO()
    writer = csv.writer(index)
    writer.writerow(["username", "submission_id", "attempt", "status", "score", "override_score", "path"])
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for submission, user, payload in rows:
            folder = f"{user.username}/attempt-{submission.attempt}" if every_attempt else user.username
            archive.writestr(f"{folder}/results.json",
                             json.dumps(gradescope_results(submission, user, payload), indent=2))
            archive.writestr(f"{folder}/{_safe_filename(submission.filename)}", submission.code)
            writer.writerow([user.username, submission.id, submission.attempt, submission.status,
                             submission.score, submission.override_score, f"{folder}/results.json"])
        archive.writestr("index.csv", index.getvalue())
    return buffer.getvalue()


def _safe_filename(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip() or "submission.py"
    return base if base not in (".", "..", "results.json", "index.csv") else "submission.py"
