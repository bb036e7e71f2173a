"""The ``grader grade`` command and the ``grader assignments`` group (list, validate)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from assignments.loader import AssignmentError, builtin_assignments, load_assignment


def _sandbox_kind() -> str:
    from grader.config import Config, ConfigError

    try:
        return Config.from_env().sandbox
    except ConfigError as error:
        raise click.UsageError(str(error)) from None


def _load(assignment: str):
    try:
        return load_assignment(assignment)
    except AssignmentError as error:
        raise click.UsageError(str(error)) from None


def _read_submission(file: Path) -> str:
    if not file.is_file():
        raise click.UsageError(f"{file}: no such file")
    try:
        return file.read_bytes().decode("utf-8")
    except UnicodeDecodeError as error:
        raise click.UsageError(f"{file}: not UTF-8 text (byte {error.start} cannot be decoded)") from None
    except OSError as error:
        raise click.UsageError(f"{file}: cannot be read ({error.strerror})") from None


@click.command("grade")
@click.argument("assignment")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON (the stored format).")
@click.option("--seed", default=0, show_default=True, type=int, help="Seed for the checks' random inputs.")
def grade(assignment: str, file: Path, as_json: bool, seed: int) -> None:
    """Grade FILE against ASSIGNMENT (a built-in slug or a folder) in the sandbox.

    Exits 0 when a result was produced (whatever the score), 2 on a usage
    error, 1 when the grader itself failed (verdict internal_error).
    """
    from assignments.runner import grade_code

    spec = _load(assignment)
    code = _read_submission(file)
    result = grade_code(spec, code, seed, sandbox_kind=_sandbox_kind())
    click.echo(json.dumps(result, indent=2) if as_json else format_result(spec, result))
    if result["verdict"] == "internal_error":
        sys.exit(1)


def format_result(spec, result: dict) -> str:
    """A result as a person reads it: score, verdict, one block per test."""
    seconds = result.get("execution_time")
    lines = [f"{spec.slug}: {spec.title}",
             f"score {result['score']:g} / {result['max_score']:g}   verdict {result['verdict']}"
             + (f"   ({seconds:.2f} s in the sandbox)" if seconds is not None else "")]
    if result.get("output") and result["verdict"] != "ok":
        lines += ["", result["output"]]
    for test in result["tests"]:
        mark = {"passed": "PASS", "failed": "FAIL", "error": "ERROR"}[test["status"]]
        hidden = "" if test["visibility"] == "visible" else f"  [{test['visibility']}]"
        lines.append(f"\n{mark:<5} {test['score']:g}/{test['max_score']:g}  {test['name']}{hidden}")
        if test["output"] and test["status"] != "passed":
            lines += ["      " + line for line in test["output"].splitlines()]
        for image in test.get("images", []):
            lines.append(f"      [plot: {image['label']}]")
    for entry in result.get("leaderboard", []):
        lines.append(f"\nleaderboard: {entry['name']} = {entry['value']:.6g}")
    for stream in ("stdout", "stderr"):
        if result.get(stream):
            lines += [f"\n{stream}:", result[stream].rstrip()]
    if result.get("internal"):
        lines += ["\ninternal error details:", result["internal"]]
    return "\n".join(lines)


@click.group("assignments")
def assignments() -> None:
    """List and validate assignment folders."""


@assignments.command("list")
def list_assignments() -> None:
    """List the built-in assignments."""
    for spec in builtin_assignments():
        hidden = len(spec.hidden_checks)
        click.echo(f"{spec.slug:<18} {spec.max_score:>5g} points  {len(spec.checks):>2} checks "
                   f"({hidden} hidden)  {len(spec.mutants):>2} mutants  {spec.title}")


@assignments.command("validate")
@click.argument("path")
@click.option("--seed", default=0, show_default=True, type=int)
@click.option("--jobs", default=1, show_default=True, type=click.IntRange(1, 16),
              help="Grade this many files at once.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def validate(path: str, seed: int, jobs: int, as_json: bool) -> None:
    """Grade PATH's solution, starter and mutants; exit 1 unless all behave.

    The solution must get full marks (twice, identically), the starter zero,
    and every file in mutants/ must lose points; the table names the checks
    that catch each mutant.
    """
    from assignments.validate import validate_assignment

    report = validate_assignment(_load(path), seed=seed, sandbox_kind=_sandbox_kind(), jobs=jobs)
    click.echo(json.dumps(report.as_dict(), indent=2) if as_json else report.table())
    if not report.ok:
        sys.exit(1)
