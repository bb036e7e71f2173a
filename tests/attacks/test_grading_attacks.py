"""Attacks through the whole grading path: the score must not move.

These go through ``assignments.runner.grade_code`` with the built-in
``relu-basics`` assignment, and a few through the ``grader grade --json``
command, whose output a submission's prints must not be able to forge.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.attacks.conftest import SUBMISSIONS, attack

ROOT = Path(__file__).resolve().parents[2]
GRADER = Path(sys.executable).parent / "grader"


@pytest.fixture(scope="module")
def relu_basics():
    try:
        from assignments.loader import load_assignment
        from assignments.runner import grade_code  # noqa: F401
    except ImportError as error:
        pytest.fail(f"the grading path is not available yet (assignments.runner / loader): {error}")
    return load_assignment("relu-basics")


def grade(assignment, code: str) -> dict:
    from assignments.runner import grade_code

    return grade_code(assignment, code, seed=0)


def test_the_reference_solution_scores_full_marks(relu_basics):
    """Proves the attack tests below can fail: the same path gives full marks when deserved."""
    result = grade(relu_basics, (ROOT / "assignments" / "relu-basics" / "solution.py").read_text())
    assert result["score"] == result["max_score"] > 0, result


@pytest.fixture(scope="module")
def control_score(relu_basics) -> float:
    """The score of the same wrong answers without any trick (performance points may count)."""
    result = grade(relu_basics, attack("grading_honest_wrong"))
    assert result["score"] < result["max_score"]
    return result["score"]


@pytest.mark.parametrize("name", ["grading_patch_numpy", "grading_always_equal", "grading_fake_result",
                                  "grading_steal_solution"])
def test_cheating_does_not_raise_the_score(relu_basics, control_score, name):
    result = grade(relu_basics, attack(name))
    assert result["score"] <= control_score, json.dumps(result, indent=1)[:3000]
    assert result["verdict"] != "internal_error"
    for test in result["tests"]:
        if "vectorised" not in test["name"] and "not modified" not in test["name"]:
            assert test["score"] == 0, test


def test_a_crashing_submission_gets_a_verdict_not_an_internal_error(relu_basics):
    result = grade(relu_basics, attack("grading_exit_at_import"))
    assert result["score"] == 0 and result["verdict"] == "runtime_error", result


def _grader_grade(path: Path) -> subprocess.CompletedProcess:
    done = subprocess.run([str(GRADER), "grade", "relu-basics", str(path), "--json"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    if done.returncode != 0 and ("No such command" in done.stderr or "ModuleNotFoundError" in done.stderr):
        pytest.fail(f"`grader grade` is not wired yet: {done.stderr[-500:]}")
    return done


def test_grader_grade_json_cannot_be_forged_by_prints():
    done = _grader_grade(SUBMISSIONS / "grading_fake_result.py")
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout)
    assert result["max_score"] > 0
    assert all(test["score"] == 0 for test in result["tests"]
               if "vectorised" not in test["name"] and "not modified" not in test["name"])


def test_grader_grade_json_reports_a_crash_as_a_verdict():
    done = _grader_grade(SUBMISSIONS / "grading_exit_at_import.py")
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout)
    assert result["verdict"] == "runtime_error" and result["score"] == 0
