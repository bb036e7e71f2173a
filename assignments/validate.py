"""Prove an assignment before release: solution full marks, starter zero, every mutant caught."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

from assignments.loader import Assignment, load_assignment
from assignments.runner import grade_code


@dataclass
class ValidationRow:
    """One graded file and whether it met its expectation."""

    kind: str
    """``solution``, ``starter`` or ``mutant``."""
    file: str
    score: float
    max_score: float
    verdict: str
    ok: bool
    expectation: str
    """``full marks``, ``zero`` or ``loses points``."""
    caught_by: list[str] = field(default_factory=list)
    """The checks that took points off (for a mutant: the checks that catch it)."""
    problem: str = ""
    """Why the row is not ok, in a sentence."""


@dataclass
class ValidationReport:
    """The outcome of :func:`validate_assignment`."""

    slug: str
    title: str
    path: str
    max_score: float
    checks: int
    hidden_checks: int
    rows: list[ValidationRow]
    deterministic: bool
    """The solution, graded twice with the same seed, got the same score on every test."""

    @property
    def ok(self) -> bool:
        return self.deterministic and all(row.ok for row in self.rows)

    def as_dict(self) -> dict:
        return {**asdict(self), "ok": self.ok}

    def table(self) -> str:
        """A plain-text table, one line per graded file."""
        header = (f"{self.slug}: {self.title} ({self.max_score:g} points, {self.checks} checks, "
                  f"{self.hidden_checks} hidden)")
        widths = (8, max([len(r.file) for r in self.rows] + [4]), 11, 14, 12)
        line = "  {:<%d}  {:<%d}  {:>%d}  {:<%d}  {:<%d}  {:<4}  {}" % widths
        out = [header, line.format("kind", "file", "score", "verdict", "expected", "ok", "caught by / problem")]
        for row in self.rows:
            detail = row.problem or " | ".join(row.caught_by)
            out.append(line.format(row.kind, row.file, f"{row.score:g}/{row.max_score:g}", row.verdict,
                                   row.expectation, "ok" if row.ok else "FAIL", detail))
        if not self.deterministic:
            out.append("  FAIL: the solution got different scores from two gradings with the same seed")
        out.append(f"  {'valid' if self.ok else 'NOT VALID'}")
        return "\n".join(out)


def validate_assignment(path_or_assignment: str | Path | Assignment, *, seed: int = 0, sandbox_kind: str = "bwrap",
                        jobs: int = 1, progress: Callable[[int, int, str], None] | None = None) -> ValidationReport:
    """Grade the solution (twice), the starter and every mutant; report what each scored.

    ``progress(done, total, label)`` is called after each graded file.
    """
    assignment = path_or_assignment if isinstance(path_or_assignment, Assignment) \
        else load_assignment(path_or_assignment)
    files = [("solution", "solution.py", assignment.solution_code),
             ("solution", "solution.py", assignment.solution_code),
             ("starter", "starter.py", assignment.starter_code)]
    files += [("mutant", f"mutants/{p.name}", p.read_text(encoding="utf-8")) for p in assignment.mutants]
    lock, done = threading.Lock(), [0]

    def grade_one(item):
        result = grade_code(assignment, item[2], seed, sandbox_kind=sandbox_kind)
        if progress is not None:
            with lock:
                done[0] += 1
                progress(done[0], len(files), f"graded {item[1]}")
        return result

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        results = list(pool.map(grade_one, files))
    first, second = results[0], results[1]
    deterministic = [t["score"] for t in first["tests"]] == [t["score"] for t in second["tests"]]
    rows = [judge(kind, name, result) for (kind, name, _), result in zip(files[1:], results[1:])]
    return ValidationReport(assignment.slug, assignment.title, str(assignment.path), assignment.max_score,
                            len(assignment.checks), len(assignment.hidden_checks), rows, deterministic)


def judge(kind: str, name: str, result: dict) -> ValidationRow:
    """Hold one result to what its kind of file must score."""
    score, max_score, verdict = result["score"], result["max_score"], result["verdict"]
    lost = [t["name"] for t in result["tests"] if t["score"] < t["max_score"]]
    row = ValidationRow(kind, name, score, max_score, verdict, True,
                        {"solution": "full marks", "starter": "zero", "mutant": "loses points"}[kind], lost)
    if verdict == "internal_error":
        row.ok, row.problem = False, ("internal error (a bug in a check, or the reference solution fails?): "
                                      + result.get("internal", "")[-300:])
    elif kind == "solution" and (score != max_score or verdict != "ok"):
        row.ok, row.problem = False, f"the solution loses points in: {' | '.join(lost) or verdict}"
    elif kind == "starter" and score != 0:
        passed = [t["name"] for t in result["tests"] if t["score"] > 0]
        row.ok, row.problem = False, f"the starter earns points in: {' | '.join(passed)}"
    elif kind == "mutant" and score >= max_score:
        row.ok, row.problem = False, "no check catches this mutant"
    if kind != "mutant":
        row.caught_by = []
    return row
