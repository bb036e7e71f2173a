"""Grade one submission: start its sandbox, run the assignment's checks, build the result.

``grade_code`` never raises for anything the student did. Its result is the
dict of DESIGN.md's "Result format"; the overall verdict is the worst event:
a fatal sandbox failure's verdict, else ``runtime_error`` when a call into the
student's code raised, else ``ok``. A bug in a check, or a sandbox that cannot
start, gives ``internal_error`` (ours; the task retries it).
"""

from __future__ import annotations

import ast
import logging
import traceback
import zlib
from dataclasses import dataclass, field

import numpy as np

from assignments.api import Check, CheckContext, CheckFailed, Partial, StudentModule
from assignments.loader import Assignment

log = logging.getLogger(__name__)

OUTPUT_LIMIT = 20_000
"""Characters of one test's output kept in the result."""
ALWAYS_ALLOWED_IMPORTS = ("__future__", "typing", "math", "functools", "itertools", "collections",
                          "dataclasses", "abc", "enum", "numbers", "random", "time", "warnings")
"""Harmless standard modules a submission may import whatever the assignment allows."""
INTERNAL_MESSAGE = "The grader failed on this test (not your fault); the submission will be graded again."


@dataclass
class TestResult:
    """One check's outcome, and what kind of event it was for the overall verdict."""

    check: Check
    score: float
    status: str
    output: str
    event: str = "ok"
    """``ok``, ``student_error`` (a call raised), ``fatal`` (the sandbox died) or ``internal``."""
    images: list = field(default_factory=list)
    timings: list = field(default_factory=list)
    details: str = ""
    """For an internal event: the traceback, kept for staff in the result's ``internal`` field."""

    def as_dict(self) -> dict:
        entry = {"name": self.check.name, "score": round(self.score, 4), "max_score": self.check.points,
                 "status": self.status, "output": _clip(self.output), "visibility": self.check.visibility,
                 "tags": list(self.check.tags), "images": self.images}
        if self.timings:
            entry["timings"] = [record.as_dict() for record in self.timings]
        return entry


def grade_code(assignment: Assignment, code: str, seed: int = 0, *, sandbox_kind: str = "bwrap") -> dict:
    """Run ``code`` against ``assignment``'s checks in a fresh sandbox; return the result dict."""
    try:
        return _grade(assignment, code, seed, sandbox_kind)
    except Exception:  # our bug: keep the details for staff, retry the submission
        log.exception("grading %s failed inside the grader", assignment.slug)
        return internal_error_result(assignment, traceback.format_exc())


def internal_error_result(assignment: Assignment, details: str) -> dict:
    """The result of a grading that failed through our fault."""
    tests = [TestResult(c, 0.0, "error", INTERNAL_MESSAGE, "internal").as_dict() for c in assignment.checks]
    return _result(assignment, tests, "internal_error", output=INTERNAL_MESSAGE, internal=details)


def _grade(assignment: Assignment, code: str, seed: int, sandbox_kind: str) -> dict:
    from workers.sandbox import SandboxFailure, SandboxSession

    refused = disallowed_import(code, assignment.allowed_imports)
    if refused:
        tests = [TestResult(c, 0.0, "error", refused, "fatal").as_dict() for c in assignment.checks]
        return _result(assignment, tests, "import_error", output=refused)
    session = SandboxSession(code, assignment.limits, kind=sandbox_kind)
    try:
        try:
            session.start()
        except SandboxFailure as failure:
            tests = [TestResult(c, 0.0, "error", failure.message, "fatal").as_dict() for c in assignment.checks]
            details = failure.message if failure.verdict == "internal_error" else None
            return _result(assignment, tests, failure.verdict, output=failure.message, internal=details,
                           stdout=failure.stdout or session.stdout, stderr=failure.stderr or session.stderr,
                           execution_time=session.execution_time)
        results, leaderboard = run_checks(assignment, session, seed)
        verdict, output, internal = _overall(results, session)
        return _result(assignment, [r.as_dict() for r in results], verdict, output=output, internal=internal,
                       stdout=session.stdout, stderr=session.stderr, execution_time=session.execution_time,
                       leaderboard=leaderboard)
    finally:
        session.close()


def run_checks(assignment: Assignment, session, seed: int) -> tuple[list[TestResult], list[dict]]:
    """Run every check in order; after a fatal sandbox failure the rest score 0 with its message."""
    from workers.sandbox import SandboxFailure

    reference = assignment.reference_module()
    student = StudentModule(session)
    memo: dict = {}
    results: list[TestResult] = []
    leaderboard: list[dict] = []
    for check in assignment.checks:
        failure = session.failure
        if isinstance(failure, SandboxFailure):
            results.append(TestResult(check, 0.0, "error", f"Not run: {failure.message}", "fatal"))
            continue
        ctx = CheckContext(session=session, student=student, reference=reference, rng=check_rng(seed, check),
                           seed=seed, visible=check.visible, settings=assignment.settings, memo=memo)
        result = run_check(check, ctx)
        result.images, result.timings = ctx.images, ctx.timings
        results.append(result)
        leaderboard.extend(ctx.leaderboard_entries)
    return results, leaderboard


def check_rng(seed: int, check: Check) -> np.random.Generator:
    """A generator for one check: the same seed and check name give the same inputs."""
    return np.random.default_rng([int(seed) & 0xFFFFFFFF, zlib.crc32(check.name.encode("utf-8"))])


def run_check(check: Check, ctx: CheckContext) -> TestResult:
    """Run one check and turn whatever happens into a TestResult."""
    from workers.sandbox import SandboxFailure, StudentCodeError

    try:
        returned = check.function(ctx)
    except CheckFailed as failed:
        score = min(max(float(failed.points), 0.0), check.points)
        return TestResult(check, score, "passed" if score >= check.points else "failed", failed.message)
    except SandboxFailure as failure:
        return TestResult(check, 0.0, "error", failure.message, "fatal")
    except StudentCodeError as error:
        return TestResult(check, 0.0, "error", describe_student_error(error), "student_error")
    except Exception:
        log.exception("check %r failed inside the grader", check.name)
        return _internal(check, traceback.format_exc())
    if returned is None or isinstance(returned, str):
        return TestResult(check, check.points, "passed", returned or "Passed.")
    if isinstance(returned, Partial):
        score = min(max(float(returned.points), 0.0), check.points)
        return TestResult(check, score, "passed" if score >= check.points else "failed", returned.message)
    return _internal(check, f"check {check.name!r} returned {type(returned).__name__}; "
                            f"return None, a message or Partial(points, message)")


def _internal(check: Check, details: str) -> TestResult:
    return TestResult(check, 0.0, "error", INTERNAL_MESSAGE, "internal", details=details)


def describe_student_error(error) -> str:
    """What a student needs when their function raised: which call, the exception, the traceback."""
    trace = (error.traceback or "").strip()
    head = f"Calling your {error.function} raised {error.message}"
    return f"{head}\n{trace}" if trace else head


def disallowed_import(code: str, allowed: tuple[str, ...]) -> str | None:
    """Say which import the assignment does not allow, or None (syntax errors are the sandbox's to report)."""
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):
        return None
    permitted = set(allowed) | set(ALWAYS_ALLOWED_IMPORTS)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""] if node.level == 0 else ["." * node.level + (node.module or "")]
        else:
            continue
        for name in names:
            if name.split(".")[0] not in permitted:
                return (f"Line {node.lineno} imports {name!r}, which this assignment does not allow. "
                        f"You may import {', '.join(allowed)} (and standard modules such as "
                        f"{', '.join(ALWAYS_ALLOWED_IMPORTS[1:6])}).")
    return None


def _overall(results: list[TestResult], session) -> tuple[str, str, str | None]:
    internal = [r for r in results if r.event == "internal"]
    if internal:
        details = "\n\n".join(f"{r.check.name}:\n{r.details}" for r in internal)
        return "internal_error", INTERNAL_MESSAGE, details
    failure = session.failure
    if failure is not None:
        return failure.verdict, failure.message, failure.message if failure.verdict == "internal_error" else None
    if any(r.event == "student_error" for r in results):
        return "runtime_error", "Some of your functions raised exceptions; see the tests below.", None
    return "ok", "", None


def _result(assignment: Assignment, tests: list[dict], verdict: str, *, output: str = "",
            internal: str | None = None, stdout: str = "", stderr: str = "", execution_time: float | None = None,
            leaderboard: list[dict] | None = None) -> dict:
    result = {
        "score": round(sum(t["score"] for t in tests), 4),
        "max_score": assignment.max_score,
        "status": "failed" if verdict == "internal_error" else "graded",
        "verdict": verdict,
        "execution_time": None if execution_time is None else round(execution_time, 3),
        "output": _clip(output),
        "tests": tests,
        "stdout": stdout,
        "stderr": stderr,
        "leaderboard": leaderboard or [],
    }
    if internal:
        result["internal"] = _clip(internal)
    return result


def _clip(text: str) -> str:
    text = text or ""
    return text if len(text) <= OUTPUT_LIMIT else text[:OUTPUT_LIMIT] + "\n[... cut ...]"
