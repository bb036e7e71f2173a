"""An uploaded assignment is validated by the real worker in the real sandbox before it can be published."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import pytest

from grader.db import db
from grader.models import Assignment
from grader.uploads import run_validation

ROOT = Path(__file__).resolve().parents[2]
RELU = ROOT / "assignments" / "relu-basics"


def zip_folder(folder: Path, name: str, replace: dict[str, str] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(folder.rglob("*")):
            relative = path.relative_to(folder).as_posix()
            if path.is_file() and "__pycache__" not in relative:
                archive.writestr(f"{name}/{relative}", (replace or {}).get(relative, path.read_bytes()))
    return buffer.getvalue()


def wait_for_validation(assignment_id: int, timeout_s: float = 180) -> dict:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        db.session.expire_all()
        record = db.session.get(Assignment, assignment_id).validation or {}
        if record.get("state") in ("passed", "failed", "error"):
            return record
        db.session.rollback()
        time.sleep(0.5)
    raise AssertionError(f"validation did not finish: {record}")


@pytest.mark.usefixtures("celery_worker")
def test_upload_validate_publish(classroom, as_user):
    client = as_user(classroom.users["instructor_a"])
    response = client.post_action("/staff/courses/course-a/assignments/new",
                                  {"file": (io.BytesIO(zip_folder(RELU, "my-relu")), "my-relu.zip")},
                                  content_type="multipart/form-data")
    assert response.status_code == 302 and response.headers["Location"].endswith("/assignments/my-relu/validation")
    assignment = db.session.query(Assignment).filter_by(course_id=classroom.a.id, slug="my-relu").one()
    record = wait_for_validation(assignment.id)
    assert record["state"] == "passed", record
    kinds = [row["kind"] for row in record["rows"]]
    assert kinds[:2] == ["solution", "starter"] and kinds.count("mutant") >= 1
    page = client.get("/staff/courses/course-a/assignments/my-relu/validation").get_data(as_text=True)
    assert "validation-table" in page and "mutants/" in page
    client.post_action("/staff/courses/course-a/assignments/my-relu/publish")
    db.session.expire_all()
    assignment = db.session.get(Assignment, assignment.id)
    assert assignment.published and assignment.max_score == 12.0
    assert Path(assignment.source_path).parent.parent.name == "course-a"


def test_a_solution_that_loses_points_fails_validation(classroom, tmp_path, app):
    from grader.uploads import read_assignment_zip, register_upload, store_assignment_files

    broken = (RELU / "starter.py").read_text()
    slug, files = read_assignment_zip(zip_folder(RELU, "broken-relu", {"solution.py": broken}), "x.zip")
    folder = store_assignment_files(tmp_path, classroom.a, slug, files)
    row = register_upload(classroom.a, folder, files)
    record = run_validation(row.id, str(folder))
    assert record["state"] == "failed"
    assert record["progress"]["done"] == record["progress"]["total"] >= 3, "progress recorded from the validator's threads"
    # The gated checks call the reference too, so a broken reference may also crash them.
    assert any("the solution loses points" in r.get("problem", "") or "reference solution fails" in r.get("problem", "")
               for r in record["rows"])
    db.session.refresh(row)
    assert not row.published and row.source_path == str(folder)
