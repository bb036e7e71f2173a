"""What a viewer may see of a result: staff see everything, students what visibility allows."""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

from grader.db import utcnow
from grader.models import Assignment

HIDDEN_OUTPUT = "This is a hidden test: its inputs and messages are not shown."
HIDDEN_STREAMS = "(not shown while this assignment has hidden tests: your output could contain their inputs)"


def hidden_revealed(assignment: Assignment, due_at: datetime | None, now: datetime | None = None) -> bool:
    """Whether hidden tests' details are shown to students now."""
    if assignment.reveal_hidden != "after_due_date" or due_at is None:
        return False
    return (now or utcnow()) > due_at


def result_for_student(payload: dict[str, Any], *, revealed: bool) -> dict[str, Any]:
    """A copy of ``payload`` with unrevealed hidden tests reduced to their name, points and score."""
    shown = copy.deepcopy(payload)
    any_hidden = False
    hidden_number = 0
    for test in shown.get("tests", []):
        visibility = test.get("visibility", "visible")
        if visibility == "visible" or revealed:
            continue
        any_hidden = True
        hidden_number += 1
        test["name"] = f"Hidden test {hidden_number}"
        test["output"] = HIDDEN_OUTPUT
        test["images"] = []
        test["tags"] = []
    if any_hidden:
        shown["stdout"] = HIDDEN_STREAMS if shown.get("stdout") else ""
        shown["stderr"] = HIDDEN_STREAMS if shown.get("stderr") else ""
    shown.pop("internal", None)
    return shown
