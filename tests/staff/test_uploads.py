"""Assignment zips: unsafe or unexpected entries are refused with a message; good ones are stored and registered."""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path

import pytest

from grader import uploads
from grader.db import db
from grader.models import Assignment
from grader.uploads import (MAX_FILE_BYTES, UploadRejected, can_publish, normalise_report, read_assignment_zip,
                            register_upload, run_validation, store_assignment_files)

GOOD = {
    "assignment.toml": 'title = "Leaky ReLU"\npoints = 4\n[policy]\nlate_penalty_per_day = 0.25\n',
    "statement.md": "Write `leaky(x)`.",
    "starter.py": "def leaky(x):\n    raise NotImplementedError\n",
    "solution.py": "import numpy as np\n\ndef leaky(x):\n    return np.where(x > 0, x, 0.01 * x)\n",
    "checks.py": "from assignments.api import check\n",
    "mutants/identity.py": "def leaky(x):\n    return x\n",
}


def make_zip(files: dict[str, str | bytes], *, prefix: str = "leaky-relu/", symlink: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(prefix + name, content)
        if symlink:
            info = zipfile.ZipInfo(prefix + symlink)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, "/etc/passwd")
    return buffer.getvalue()


def test_good_zip_is_read():
    slug, files = read_assignment_zip(make_zip(GOOD), "upload.zip")
    assert slug == "leaky-relu" and set(files) == set(GOOD)


def test_flat_zip_takes_its_name_from_the_file():
    slug, _ = read_assignment_zip(make_zip(GOOD, prefix=""), "leaky-relu.zip")
    assert slug == "leaky-relu"


BAD = [
    pytest.param(make_zip(dict(GOOD, **{"../../evil.py": "x"}), prefix=""), "'..'", id="zip-slip"),
    pytest.param(make_zip({**GOOD, "/etc/cron.d/x": "x"}, prefix=""), "absolute", id="absolute-path"),
    pytest.param(make_zip(GOOD, symlink="statement.md2"), "symbolic links", id="symlink"),
    pytest.param(make_zip({**GOOD, "data.bin": b"\x00"}), "not part of an assignment folder", id="unexpected-file"),
    pytest.param(make_zip({**GOOD, "mutants/deep/x.py": "x"}), "not part of an assignment folder", id="nested-mutant"),
    pytest.param(make_zip({k: v for k, v in GOOD.items() if k != "checks.py"}), "missing checks.py", id="missing"),
    pytest.param(make_zip({**GOOD, "solution.py": b"\xff\xfe"}), "not UTF-8", id="binary-solution"),
    pytest.param(make_zip({**GOOD, "assignment.toml": "title = 'x'"}), "points", id="no-points"),
    pytest.param(make_zip({**GOOD, "assignment.toml": "title = "}), "not valid TOML", id="bad-toml"),
    pytest.param(make_zip(GOOD, prefix="Bad Name/"), "lower-case", id="bad-slug"),
    pytest.param(make_zip(GOOD, prefix="new/"), "cannot be an assignment's name", id="reserved-slug"),
    pytest.param(b"PK\x03\x04 not really", "not a zip", id="not-a-zip"),
    pytest.param(make_zip({**GOOD, "statement.md": "x" * (MAX_FILE_BYTES + 1)}), "larger than", id="file-too-big"),
]


@pytest.mark.parametrize("data, words", BAD)
def test_bad_zips_are_refused_with_a_reason(data, words):
    with pytest.raises(UploadRejected) as refused:
        read_assignment_zip(data, "upload.zip")
    assert words in str(refused.value)


def test_zip_bomb_is_refused():
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in GOOD.items():
            archive.writestr("leaky-relu/" + name, content)
        for i in range(8):
            archive.writestr(f"leaky-relu/mutants/m{i}.py", "#" * (3 * 1024 * 1024))
    assert len(bomb.getvalue()) < 1024 * 1024
    with pytest.raises(UploadRejected, match="unpacks to more than"):
        read_assignment_zip(bomb.getvalue(), "bomb.zip")


def test_store_and_register(classroom, tmp_path):
    slug, files = read_assignment_zip(make_zip(GOOD), "upload.zip")
    folder = store_assignment_files(tmp_path, classroom.a, slug, files)
    assert folder.name == "leaky-relu" and folder.parent.parent == tmp_path / "assignments" / "course-a"
    assert (folder / "mutants" / "identity.py").read_text() == GOOD["mutants/identity.py"]
    assert store_assignment_files(tmp_path, classroom.a, slug, files) == folder, "same content, same folder"
    row = register_upload(classroom.a, folder, files)
    assert (row.title, row.max_score, row.published, row.source) == ("Leaky ReLU", 4.0, False, "upload")
    assert row.late_penalty_per_day == 0.25
    assert can_publish(row) == (False, "An uploaded assignment can be published only after its validation passed.")
    row.validation = {"state": "passed", "path": str(folder)}
    db.session.commit()
    assert can_publish(row)[0]


def test_upload_page_refuses_a_bad_zip(classroom, as_user):
    client = as_user(classroom.users["instructor_a"])
    bad = make_zip({**GOOD, "../x.py": "x"}, prefix="")
    response = client.post_action("/staff/courses/course-a/assignments/new",
                                  {"file": (io.BytesIO(bad), "x.zip")}, content_type="multipart/form-data")
    assert response.status_code == 400 and "&#39;..&#39; is not allowed" in response.get_data(as_text=True)


def test_publish_is_refused_until_validation_passes(classroom, as_user, tmp_path):
    slug, files = read_assignment_zip(make_zip(GOOD), "upload.zip")
    row = register_upload(classroom.a, store_assignment_files(tmp_path, classroom.a, slug, files), files)
    client = as_user(classroom.users["instructor_a"])
    page = client.post_action(f"/staff/courses/course-a/assignments/{row.slug}/publish", follow_redirects=True)
    assert "only after its validation passed" in page.get_data(as_text=True)
    db.session.refresh(row)
    assert not row.published


@pytest.mark.parametrize("report, passed, rows", [
    ({"passed": True, "rows": [{"file": "solution.py", "ok": True}]}, True, 1),
    ({"rows": [{"file": "solution.py", "ok": True}, {"file": "starter.py", "ok": False}]}, False, 2),
    ([{"file": "a", "passed": True}], True, 1),
])
def test_reports_of_any_shape_are_normalised(report, passed, rows):
    summary = normalise_report(report)
    assert summary["passed"] is passed and len(summary["rows"]) == rows


def test_uploading_code_needs_the_course_creator_flag(classroom, as_user):
    """Assignment code runs unconfined in the worker: an instructor by roster alone may not upload it."""
    instructor = classroom.users["instructor_a"]
    instructor.can_create_courses = False
    db.session.commit()
    client = as_user(instructor)
    page = client.get("/staff/courses/course-a/assignments/new").get_data(as_text=True)
    assert "Only instructors who may create courses can upload assignment code" in page
    assert 'id="upload-assignment"' not in page and 'id="add-builtin"' in page
    response = client.post_action("/staff/courses/course-a/assignments/new",
                                  {"file": (io.BytesIO(make_zip(GOOD)), "x.zip")}, content_type="multipart/form-data")
    assert response.status_code == 403
    assert db.session.query(Assignment).filter_by(course_id=classroom.a.id, slug="leaky-relu").count() == 0


def two_versions(classroom, tmp_path) -> tuple[Assignment, str, str]:
    """relu-basics uploaded twice: (row, the older folder, the newer folder), neither validated yet."""
    relu = Path(__file__).resolve().parents[2] / "assignments" / "relu-basics"
    real = {p.relative_to(relu).as_posix(): p.read_bytes() for p in relu.rglob("*.py") if "__pycache__" not in p.parts}
    real["assignment.toml"] = (relu / "assignment.toml").read_bytes()
    paths = []
    for statement in ("Version 1.", "Version 2."):
        slug, files = read_assignment_zip(make_zip(dict(real, **{"statement.md": statement})), "upload.zip")
        folder = store_assignment_files(tmp_path, classroom.a, slug, files)
        row = register_upload(classroom.a, folder, files)
        paths.append(str(folder))
    return row, paths[0], paths[1]


def test_a_stale_validation_finishing_last_does_not_replace_the_newer_upload(classroom, tmp_path, monkeypatch):
    monkeypatch.setattr(uploads, "_call_validator", lambda path, progress: {"passed": True, "rows": [{"ok": True}]})
    row, older, newer = two_versions(classroom, tmp_path)
    run_validation(row.id, newer)
    assert run_validation(row.id, older)["state"] == "stale"
    db.session.expire_all()
    row = db.session.get(Assignment, row.id)
    assert (row.statement_md, row.validation["path"], row.validation["state"]) == ("Version 2.", newer, "passed")
    assert can_publish(row)[0]


def test_a_validation_overtaken_while_running_is_not_adopted(classroom, tmp_path, monkeypatch):
    row, older, newer = two_versions(classroom, tmp_path)
    row.validation = dict(row.validation, path=older)  # the older upload's validation is the current one...
    row.statement_md = "as before"
    db.session.commit()

    def validator(path, progress):
        uploads._save_validation(row.id, path=newer, state="queued")  # ...until the newer one is uploaded
        progress(1, 3, "stale progress")
        return {"passed": True, "rows": [{"ok": True}]}

    monkeypatch.setattr(uploads, "_call_validator", validator)
    assert run_validation(row.id, older)["state"] == "stale"
    db.session.expire_all()
    row = db.session.get(Assignment, row.id)
    assert row.statement_md == "as before" and "finished_at" not in row.validation, "never adopted"
    assert row.validation["path"] == newer and row.validation["state"] == "queued"
    assert "progress" not in row.validation or row.validation["progress"].get("label") != "stale progress"
