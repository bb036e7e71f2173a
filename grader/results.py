"""What a viewer may see of a result: staff see everything, students what visibility allows."""

from __future__ import annotations

import copy
import math
from datetime import datetime, timedelta
from typing import Any

from grader.db import utcnow
from grader.models import Assignment

HIDDEN_OUTPUT = "This is a hidden test: its inputs and messages are not shown."
HIDDEN_STREAMS = "(not shown while this assignment has hidden tests: your output could contain their inputs)"


def submissions_close_at(assignment: Assignment, due_at: datetime | None) -> datetime | None:
    """When a student with this due date can no longer earn points by submitting (None: never)."""
    if due_at is None:
        return None
    if assignment.hard_cutoff_at is not None:
        return max(due_at, assignment.hard_cutoff_at)
    if assignment.late_penalty_per_day > 0:  # late submissions stop earning points once the penalty reaches 100%
        return due_at + timedelta(days=math.ceil(1 / assignment.late_penalty_per_day))
    return None


def hidden_revealed(assignment: Assignment, due_at: datetime | None, now: datetime | None = None) -> bool:
    """Whether hidden tests' details are shown to students now: only once resubmitting cannot help."""
    if assignment.reveal_hidden != "after_due_date":
        return False
    closes = submissions_close_at(assignment, due_at)
    return closes is not None and (now or utcnow()) > closes


HIDDEN_TEST_FIELDS = ("score", "max_score", "status", "visibility")
"""All a student sees of an unrevealed hidden test (besides its number and a fixed message)."""


def result_for_student(payload: dict[str, Any], *, revealed: bool) -> dict[str, Any]:
    """A copy of ``payload`` with unrevealed hidden tests reduced to their points, score and status."""
    shown = copy.deepcopy(payload)
    shown.pop("internal", None)
    if revealed:
        return shown
    tests, hidden_number = [], 0
    for test in shown.get("tests", []):
        if test.get("visibility", "visible") == "visible":
            tests.append(test)
            continue
        hidden_number += 1
        tests.append({**{key: test.get(key) for key in HIDDEN_TEST_FIELDS},
                      "name": f"Hidden test {hidden_number}", "output": HIDDEN_OUTPUT, "images": [], "tags": []})
    shown["tests"] = tests
    if hidden_number:
        shown["stdout"] = HIDDEN_STREAMS if shown.get("stdout") else ""
        shown["stderr"] = HIDDEN_STREAMS if shown.get("stderr") else ""
    return shown
