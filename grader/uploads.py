"""Assignment uploads: unpack a zip safely, store it, validate it in the worker before it can be published.

An uploaded folder is stored at ``data_dir/assignments/<course>/<hash>/<slug>/``
(the loader takes the slug from the folder's name); a new upload never
overwrites the folder a published assignment is graded from. Validation runs
the reference, the starter and the mutants in the sandbox (tens of seconds), so
it is a Celery task that records its progress on the assignment row.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import logging
import os
import shutil
import stat
import tempfile
import tomllib
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any

from celery import shared_task
from flask import current_app
from sqlalchemy import select

from assignments.loader import REQUIRED_FILES
from grader.db import db, utcnow
from grader.models import Assignment, Course

log = logging.getLogger(__name__)

MAX_ZIP_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 20 * 1024 * 1024
MAX_FILE_BYTES = 4 * 1024 * 1024
MAX_ENTRIES = 200
SLUG_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789-")
RESERVED_SLUGS = {"new", "builtin"}
"""Names taken by staff URLs (/assignments/new)."""
IGNORED_PARTS = {"__MACOSX", "__pycache__", ".DS_Store"}
VALIDATION_SOFT_LIMIT_S = 900
VALIDATION_JOBS = 2
"""Files (solution, starter, mutants) graded at once during a validation."""


class UploadRejected(ValueError):
    """The zip is unsafe or not an assignment folder; the message says which entry and why."""


def _is_allowed(path: PurePosixPath) -> bool:
    """Only the files of the assignment format: the five at the top, and mutants/*.py."""
    if len(path.parts) == 1:
        return path.name in REQUIRED_FILES
    return len(path.parts) == 2 and path.parts[0] == "mutants" and path.suffix == ".py"


def _entry_path(info: zipfile.ZipInfo) -> PurePosixPath | None:
    """The entry's safe relative path, None for an ignored entry; raises on anything that could escape."""
    name = info.filename
    if "\x00" in name or "\\" in name:
        raise UploadRejected(f"{name!r}: file names may not contain backslashes or NUL bytes.")
    path = PurePosixPath(name)
    if path.is_absolute() or (path.parts and path.parts[0].endswith(":")):
        raise UploadRejected(f"{name!r}: absolute paths are not allowed in the zip.")
    if any(part in ("..", "") for part in path.parts):
        raise UploadRejected(f"{name!r}: '..' is not allowed in the zip.")
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise UploadRejected(f"{name!r}: symbolic links are not allowed in the zip.")
    if info.is_dir() or any(part in IGNORED_PARTS or part.startswith("._") for part in path.parts):
        return None
    return path


def read_assignment_zip(data: bytes, filename: str) -> tuple[str, dict[str, bytes]]:
    """Check a zip and return (slug, {relative path: content}); raises UploadRejected."""
    if len(data) > MAX_ZIP_BYTES:
        raise UploadRejected(f"The zip is {len(data):,} bytes; the limit is {MAX_ZIP_BYTES:,}.")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        raise UploadRejected("This is not a zip file.") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ENTRIES:
            raise UploadRejected(f"The zip has {len(infos)} entries; at most {MAX_ENTRIES} are allowed.")
        entries = [(info, path) for info in infos if (path := _entry_path(info)) is not None]
        if not entries:
            raise UploadRejected("The zip is empty.")
        top = {path.parts[0] for _, path in entries}
        nested = len(top) == 1 and all(len(path.parts) > 1 for _, path in entries)
        slug = (next(iter(top)) if nested else Path(filename or "").stem).lower()
        files: dict[str, bytes] = {}
        total = 0
        for info, path in entries:
            relative = PurePosixPath(*path.parts[1:]) if nested else path
            if not _is_allowed(relative):
                raise UploadRejected(f"{info.filename!r}: not part of an assignment folder (expected "
                                     f"{', '.join(REQUIRED_FILES)} and mutants/*.py).")
            if info.file_size > MAX_FILE_BYTES:
                raise UploadRejected(f"{info.filename!r} is larger than {MAX_FILE_BYTES // 1024 // 1024} MB.")
            content = _read_capped(archive, info, MAX_FILE_BYTES)
            total += len(content)
            if total > MAX_UNPACKED_BYTES:
                raise UploadRejected(f"The zip unpacks to more than {MAX_UNPACKED_BYTES // 1024 // 1024} MB.")
            files[str(relative)] = content
    _check_contents(slug, files)
    return slug, files


def _read_capped(archive: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> bytes:
    """Read an entry, trusting the actual bytes rather than the declared size (zip bombs lie)."""
    try:
        with archive.open(info) as stream:
            content = stream.read(cap + 1)
    except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError) as error:
        raise UploadRejected(f"{info.filename!r} cannot be read: {error}") from None
    if len(content) > cap:
        raise UploadRejected(f"{info.filename!r} is larger than {cap // 1024 // 1024} MB.")
    return content


def _check_contents(slug: str, files: dict[str, bytes]) -> None:
    if not slug or not set(slug) <= SLUG_CHARS or not slug[0].isalnum() or len(slug) > 63:
        raise UploadRejected(f"The assignment's name {slug!r} (the zip's top folder, or the zip's file name) "
                             "must be lower-case letters, digits and hyphens.")
    if slug in RESERVED_SLUGS:
        raise UploadRejected(f"{slug!r} cannot be an assignment's name; rename the folder.")
    missing = [name for name in REQUIRED_FILES if name not in files]
    if missing:
        raise UploadRejected(f"The zip is missing {', '.join(missing)}.")
    for name, content in files.items():
        try:
            content.decode("utf-8")
        except UnicodeDecodeError:
            raise UploadRejected(f"{name} is not UTF-8 text.") from None
    try:
        manifest = tomllib.loads(files["assignment.toml"].decode("utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise UploadRejected(f"assignment.toml is not valid TOML: {error}") from None
    if not isinstance(manifest.get("title"), str) or not manifest["title"].strip():
        raise UploadRejected("assignment.toml needs a `title`.")
    points = manifest.get("points")
    if not isinstance(points, (int, float)) or isinstance(points, bool) or points <= 0:
        raise UploadRejected("assignment.toml needs `points`, a positive number.")


def store_assignment_files(data_dir: Path, course: Course, slug: str, files: dict[str, bytes]) -> Path:
    """Write the files to ``data_dir/assignments/<course>/<hash>/<slug>/`` (atomically) and return it."""
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + hashlib.sha256(files[name]).digest())
    parent = Path(data_dir) / "assignments" / course.slug / digest.hexdigest()[:16]
    target = parent / slug
    if target.is_dir():
        return target  # the same content was uploaded before
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".upload-", dir=parent))
    try:
        for name, content in files.items():
            destination = (staging / name).resolve()
            if staging.resolve() not in destination.parents:
                raise UploadRejected(f"{name!r} would be written outside the assignment folder.")
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_bytes(content)
        os.replace(staging, target)
    except FileExistsError:
        pass  # a concurrent identical upload won
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def register_upload(course: Course, folder: Path, files: dict[str, bytes]) -> Assignment:
    """Create the assignment row for a new upload (unpublished), or note a new version of an existing one.

    An existing assignment keeps grading from its current folder until the new
    version passes validation.
    """
    manifest = tomllib.loads(files["assignment.toml"].decode("utf-8"))
    slug = folder.name
    row = db.session.scalar(select(Assignment).where(Assignment.course_id == course.id, Assignment.slug == slug))
    if row is None:
        row = Assignment(course=course, slug=slug, title=manifest["title"].strip()[:200], source="upload",
                         source_path=str(folder), statement_md=files["statement.md"].decode("utf-8"),
                         starter_code=files["starter.py"].decode("utf-8"), max_score=float(manifest["points"]),
                         published=False, position=len(course.assignments) + 1)
        _apply_policy(row, manifest.get("policy", {}), folder)
        db.session.add(row)
    row.validation = {"state": "queued", "path": str(folder), "source": "upload", "queued_at": utcnow().isoformat()}
    db.session.commit()
    return row


def _apply_policy(row: Assignment, table: Any, folder: Path) -> None:
    """Copy assignment.toml's [policy] defaults onto a new row (parsing only; no code runs)."""
    try:
        from assignments.loader import parse_policy
        from grader.catalog import _apply_policy_defaults

        _apply_policy_defaults(row, parse_policy(table if isinstance(table, dict) else {}, folder))
    except Exception as error:  # a bad [policy] table is reported by validation, not here
        log.info("policy defaults of %s not applied: %s", folder, error)


def request_validation(assignment: Assignment, path: str | None = None, source: str | None = None) -> bool:
    """Queue validation of ``path`` (default: the assignment's folder); False when the broker is down."""
    path = path or (assignment.validation or {}).get("path") or assignment.source_path
    source = source or (assignment.validation or {}).get("source") or assignment.source
    assignment.validation = {"state": "queued", "path": path, "source": source, "queued_at": utcnow().isoformat()}
    db.session.commit()
    try:
        validate_assignment_task.apply_async(args=[assignment.id, path, source], retry=False)
    except Exception as error:
        log.warning("could not queue validation of assignment %s: %s", assignment.id, error)
        _save_validation(assignment.id, state="error", path=path, source=source,
                         message="The validation could not be queued (is the worker's broker running?).")
        return False
    return True


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=VALIDATION_SOFT_LIMIT_S,
             time_limit=VALIDATION_SOFT_LIMIT_S + 60, name="grader.uploads.validate_assignment_task")
def validate_assignment_task(assignment_id: int, path: str, source: str = "upload") -> None:
    """Validate an assignment folder in the worker and record the report on the assignment."""
    run_validation(assignment_id, path, source)


def run_validation(assignment_id: int, path: str, source: str = "upload") -> dict:
    """Run `grader assignments validate` logic on ``path``; on success make it the assignment's folder.

    Only the validation of the folder last queued for the assignment (the path
    in its record) counts: one overtaken by a newer upload, before it starts
    or while it runs, is stale and neither records anything nor is adopted.
    """
    mutants = len(list((Path(path) / "mutants").glob("*.py"))) if (Path(path) / "mutants").is_dir() else 0
    progress = {"done": 0, "total": 3 + mutants,
                "label": f"grading the solution (twice), the starter and {mutants} mutant(s)…"}
    started = _save_validation(assignment_id, if_path=path, state="running", source=source,
                               started_at=utcnow().isoformat(), progress=progress)
    if started is None:
        return _stale(assignment_id, path)
    try:
        report = _call_validator(Path(path), _progress_recorder(assignment_id, path))
        summary = normalise_report(report)
    except Exception as error:  # a broken folder or a validator crash is a failed validation, shown as such
        log.exception("validating %s failed", path)
        summary = {"passed": False, "rows": [], "message": f"{type(error).__name__}: {error}"[:4000]}
    summary["finished_at"] = utcnow().isoformat()
    record = (_adopt_folder(assignment_id, Path(path), source, summary) if summary["passed"]
              else _save_validation(assignment_id, if_path=path, state="failed", **summary))
    return record if record is not None else _stale(assignment_id, path)


def _stale(assignment_id: int, path: str) -> dict:
    log.info("validation of %s for assignment %s is stale: a newer upload replaced it", path, assignment_id)
    return {"state": "stale", "path": path}


def _progress_recorder(assignment_id: int, path: str):
    """A progress(done, total, label) callback; the validator calls it from its own threads."""
    app = current_app._get_current_object()

    def record(done: int, total: int, label: str = "") -> None:
        try:
            with app.app_context():  # a thread of its own: its own app context and session
                _save_validation(assignment_id, if_path=path,
                                 progress={"done": done, "total": total, "label": str(label)[:200]})
        except Exception:  # progress is a courtesy; it must never fail the validation
            log.exception("could not record validation progress of assignment %s", assignment_id)

    return record


def _adopt_folder(assignment_id: int, folder: Path, source: str, summary: dict) -> dict | None:
    """Point the assignment at its validated folder (statement, starter and points refreshed) and record it.

    The check that ``folder`` is still the latest upload, the adoption and the
    record are one transaction on the locked row; None when it is stale.
    """
    from grader.catalog import upsert_assignment

    assignment = _latest_upload(assignment_id, str(folder))
    if assignment is None:
        return None
    try:
        upsert_assignment(assignment.course, folder, source=source)
    except Exception as error:
        db.session.rollback()
        summary = dict(summary, passed=False, message=f"Validation passed but the folder could not be loaded: {error}")
        return _save_validation(assignment_id, if_path=str(folder), state="failed", **summary)
    record = dict(assignment.validation or {}, state="passed", **summary)
    assignment.validation = record
    db.session.commit()
    return record


def _call_validator(path: Path, progress) -> Any:
    """Validate the folder at ``path`` in the sandbox, reporting progress as each file is graded."""
    from assignments.validate import validate_assignment

    return validate_assignment(path, progress=progress, sandbox_kind=current_app.config["GRADER"].sandbox,
                               jobs=VALIDATION_JOBS)


def normalise_report(report: Any) -> dict:
    """A validation report as JSON: {"passed": bool, "rows": [dict, ...], "message": str}."""
    passed = None
    for name in ("passed", "ok", "valid", "success"):
        value = getattr(report, name, None) if not isinstance(report, dict) else report.get(name)
        if isinstance(value, bool):
            passed = value
            break
    if hasattr(report, "as_dict"):
        data = report.as_dict()
    elif hasattr(report, "to_dict"):
        data = report.to_dict()
    elif dataclasses.is_dataclass(report):
        data = dataclasses.asdict(report)
    elif isinstance(report, dict):
        data = report
    elif isinstance(report, (list, tuple)):
        data = {"rows": list(report)}
    else:
        data = {}
    data = json.loads(json.dumps(data, default=_jsonable))
    rows = next((data[k] for k in ("rows", "runs", "results", "entries", "items") if isinstance(data.get(k), list)), [])
    rows = [r if isinstance(r, dict) else {"result": r} for r in rows]
    if passed is None:
        passed = bool(rows) and all(r.get("ok", r.get("passed", False)) for r in rows)
    message = data.get("message") or data.get("summary") or (str(report) if not rows and not data else "")
    if data.get("deterministic") is False:
        message = (message + "\n" if message else "") + \
            "The solution got different scores from two gradings with the same seed (checks must be deterministic)."
    return {"passed": bool(passed), "rows": rows, "message": str(message or "")[:4000]}


def report_columns(rows: list[dict]) -> list[str]:
    """The keys of a validation report's rows, in first-seen order, for the table's header."""
    columns: list[str] = []
    for row in rows:
        columns += [key for key in row if key not in columns]
    return columns


def _jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value):
        return dataclasses.asdict(value)
    if hasattr(value, "to_dict"):
        return value.to_dict()
    return str(value)


def _latest_upload(assignment_id: int, path: str | None) -> Assignment | None:
    """The assignment, locked for this transaction; None if it is gone or ``path`` is no longer its latest folder."""
    db.session.rollback()
    assignment = db.session.get(Assignment, assignment_id, with_for_update=True, populate_existing=True)
    if assignment is None or (path is not None and (assignment.validation or {}).get("path") != path):
        db.session.rollback()
        return None
    return assignment


def _save_validation(assignment_id: int, *, if_path: str | None = None, **changes) -> dict | None:
    """Merge ``changes`` into the assignment's validation record and commit (progress is seen at once).

    With ``if_path``, only while that is still the folder being validated; None (nothing saved) when not.
    """
    assignment = _latest_upload(assignment_id, if_path)
    if assignment is None:
        return None
    record = dict(assignment.validation or {})
    record.update({k: v for k, v in changes.items() if v is not None})
    assignment.validation = record
    db.session.commit()
    return record


def can_publish(assignment: Assignment) -> tuple[bool, str]:
    """Whether the assignment may be published now, and if not, why."""
    if assignment.source != "upload":
        return True, ""
    record = assignment.validation or {}
    if record.get("state") != "passed":
        return False, "An uploaded assignment can be published only after its validation passed."
    if record.get("path") != assignment.source_path:
        return False, "The validated folder is not the one this assignment grades from; validate again."
    return True, ""
