"""Load an assignment folder: assignment.toml, statement, starter, solution, checks, mutants."""

from __future__ import annotations

import hashlib
import importlib.util
import re
import sys
import tomllib
from dataclasses import dataclass, field, fields
from datetime import datetime, timezone
from pathlib import Path
from types import ModuleType
from typing import Any

from assignments.api import Check, collect_checks

BUILTIN_DIR = Path(__file__).resolve().parent
BUILTIN_SLUGS = ("relu-basics", "mlp-backprop", "two-layer-net", "xor", "sin-fit", "piecewise-linear")
SLUG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
REQUIRED_FILES = ("assignment.toml", "statement.md", "starter.py", "solution.py", "checks.py")
DEFAULT_ALLOWED_IMPORTS = ("numpy", "math")


class AssignmentError(ValueError):
    """An assignment folder is missing, incomplete or malformed; the message says where and why."""


@dataclass(frozen=True)
class Policy:
    """Course-policy defaults; the web side copies them onto a new assignment row."""

    due_in_days: float | None = 14
    """Due this many days after the assignment is added to a course (None: no due date)."""
    due_at: datetime | None = None
    """A fixed due date instead (UTC); wins over ``due_in_days``."""
    late_penalty_per_day: float = 0.0
    """Fraction of the score lost per day (or part of a day) late, 0 to 1."""
    hard_cutoff_days: float | None = None
    """No submissions accepted this many days after the due date (None: no cutoff)."""
    max_per_day: int | None = None
    """Submissions a student may make per day (None: unlimited)."""
    max_total: int | None = None
    """Submissions a student may make in all (None: unlimited)."""
    counting: str = "best"
    """Which submission's score counts: ``best`` or ``last``."""
    reveal_hidden: str = "after_due_date"
    """When students see hidden tests' details: ``never`` or ``after_due_date``."""


@dataclass
class Assignment:
    """One assignment folder, parsed and checked."""

    slug: str
    """The folder's name; unique in a course."""
    title: str
    points: float
    """``points`` from assignment.toml; equal to ``max_score``."""
    max_score: float
    """The sum of the checks' points."""
    statement_md: str
    starter_code: str
    solution_code: str
    limits: Any
    """A :class:`workers.sandbox.SandboxLimits` for one submission's whole session."""
    policy: Policy
    checks: list[Check]
    """In running order; each has ``name``, ``points``, ``visibility``, ``tags``."""
    allowed_imports: tuple[str, ...]
    """Top-level modules a submission may import (checked before it runs)."""
    settings: dict[str, Any]
    """The free-form ``[checks]`` table: thresholds and factors that checks read."""
    path: Path
    """The folder."""
    mutants: list[Path] = field(default_factory=list)
    """Files in ``mutants/``: wrong submissions that must lose points."""
    _reference: ModuleType | None = field(default=None, repr=False)

    def reference_module(self) -> ModuleType:
        """The solution, imported here in the trusted worker (once)."""
        if self._reference is None:
            self._reference = _import_file(self.path / "solution.py", self.slug, "solution")
        return self._reference

    @property
    def hidden_checks(self) -> list[Check]:
        return [c for c in self.checks if c.visibility != "visible"]


def builtin_assignments() -> list[Assignment]:
    """The six built-in assignments, in course order."""
    return [load_assignment(BUILTIN_DIR / slug) for slug in BUILTIN_SLUGS]


def resolve_assignment_path(path_or_slug: str | Path) -> Path:
    """A folder path as it is, or a built-in slug's folder; AssignmentError otherwise."""
    candidate = Path(path_or_slug)
    if candidate.is_dir():
        return candidate.resolve()
    if str(path_or_slug) in BUILTIN_SLUGS:
        return BUILTIN_DIR / str(path_or_slug)
    raise AssignmentError(f"No assignment {str(path_or_slug)!r}: it is not a folder, and the built-in "
                          f"assignments are {', '.join(BUILTIN_SLUGS)}.")


def load_assignment(path_or_slug: str | Path) -> Assignment:
    """Parse and check an assignment folder (or a built-in slug)."""
    folder = resolve_assignment_path(path_or_slug)
    slug = folder.name
    if not SLUG_PATTERN.match(slug):
        raise AssignmentError(f"{folder}: the folder name is the slug and must be lower-case letters, "
                              f"digits and hyphens (got {slug!r}).")
    missing = [name for name in REQUIRED_FILES if not (folder / name).is_file()]
    if missing:
        raise AssignmentError(f"{folder}: missing {', '.join(missing)} (an assignment folder holds "
                              f"{', '.join(REQUIRED_FILES)}).")
    config = _read_toml(folder / "assignment.toml")
    title = _require(config, "title", str, folder)
    points = _require(config, "points", (int, float), folder)
    checks = collect_checks(_import_file(folder / "checks.py", slug, "checks"))
    if not checks:
        raise AssignmentError(f"{folder / 'checks.py'}: defines no checks (decorate functions with @check).")
    max_score = round(sum(c.points for c in checks), 6)
    if abs(max_score - points) > 1e-9:
        listing = ", ".join(f"{c.name!r} {c.points:g}" for c in checks)
        raise AssignmentError(f"{folder / 'assignment.toml'}: points = {points:g}, but the checks add up "
                              f"to {max_score:g} ({listing}).")
    return Assignment(
        slug=slug, title=title, points=float(points), max_score=max_score,
        statement_md=_read_text(folder / "statement.md"), starter_code=_read_text(folder / "starter.py"),
        solution_code=_read_text(folder / "solution.py"),
        limits=parse_limits(config.get("limits", {}), folder),
        policy=parse_policy(config.get("policy", {}), folder),
        checks=checks, allowed_imports=_allowed_imports(config, folder),
        settings=dict(config.get("checks", {})), path=folder,
        mutants=sorted((folder / "mutants").glob("*.py")) if (folder / "mutants").is_dir() else [])


def parse_limits(table: dict, folder: Path):
    """The ``[limits]`` table as SandboxLimits (unknown keys are errors)."""
    from workers.sandbox import SandboxLimits

    if not isinstance(table, dict):
        raise AssignmentError(f"{folder / 'assignment.toml'}: [limits] must be a table.")
    try:
        if hasattr(SandboxLimits, "from_mapping"):
            return SandboxLimits.from_mapping(table)
        known = {f.name for f in fields(SandboxLimits)}
        unknown = sorted(set(table) - known)
        if unknown:
            raise ValueError(f"unknown limit(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        return SandboxLimits(**table)
    except (TypeError, ValueError) as error:
        raise AssignmentError(f"{folder / 'assignment.toml'}: [limits]: {error}") from None


def parse_policy(table: dict, folder: Path) -> Policy:
    """The ``[policy]`` table as a Policy, every value checked."""
    where = f"{folder / 'assignment.toml'}: [policy]"
    if not isinstance(table, dict):
        raise AssignmentError(f"{where} must be a table.")
    known = {f.name for f in fields(Policy)}
    unknown = sorted(set(table) - known)
    if unknown:
        raise AssignmentError(f"{where}: unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}.")
    values = dict(table)
    due_at = values.get("due_at")
    if due_at is not None:
        if not isinstance(due_at, datetime):
            raise AssignmentError(f"{where}: due_at must be a TOML date-time, e.g. 2025-03-01T23:59:00Z.")
        values["due_at"] = due_at if due_at.tzinfo else due_at.replace(tzinfo=timezone.utc)
    for name in ("due_in_days", "hard_cutoff_days", "late_penalty_per_day"):
        value = values.get(name)
        if value is not None and (not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0):
            raise AssignmentError(f"{where}: {name} must be a number >= 0, got {value!r}.")
    if values.get("late_penalty_per_day", 0) > 1:
        raise AssignmentError(f"{where}: late_penalty_per_day is a fraction of the score (0 to 1).")
    for name in ("max_per_day", "max_total"):
        value = values.get(name)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 1):
            raise AssignmentError(f"{where}: {name} must be a positive integer, got {value!r}.")
    for name, allowed in (("counting", ("best", "last")), ("reveal_hidden", ("never", "after_due_date"))):
        if name in values and values[name] not in allowed:
            raise AssignmentError(f"{where}: {name} must be one of {', '.join(allowed)}, got {values[name]!r}.")
    return Policy(**values)


def _allowed_imports(config: dict, folder: Path) -> tuple[str, ...]:
    value = config.get("allowed_imports", list(DEFAULT_ALLOWED_IMPORTS))
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise AssignmentError(f"{folder / 'assignment.toml'}: allowed_imports must be a list of module names.")
    return tuple(value)


def _read_toml(path: Path) -> dict:
    try:
        return tomllib.loads(_read_text(path))
    except tomllib.TOMLDecodeError as error:
        raise AssignmentError(f"{path}: not valid TOML: {error}") from None


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise AssignmentError(f"{path}: not UTF-8 text.") from None


def _require(config: dict, key: str, kind, folder: Path):
    value = config.get(key)
    if value is None or not isinstance(value, kind) or isinstance(value, bool):
        raise AssignmentError(f"{folder / 'assignment.toml'}: `{key}` is required "
                              f"({'a string' if kind is str else 'a number'}).")
    return value


def _import_file(path: Path, slug: str, role: str) -> ModuleType:
    """Import a trusted file of an assignment under a name unique to its folder."""
    digest = hashlib.sha1(str(path.parent).encode()).hexdigest()[:10]
    name = f"relugrade_assignment_{slug.replace('-', '_')}_{digest}_{role}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as error:
        sys.modules.pop(name, None)
        raise AssignmentError(f"{path}: importing it failed: {type(error).__name__}: {error}") from error
    return module
