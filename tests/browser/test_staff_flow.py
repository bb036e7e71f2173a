"""The course from the browser: roster and publishing, a student's submission, a TA's override in the CSV."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from grader.db import db
from grader.models import Assignment
from tests.browser.conftest import log_in

ROOT = Path(__file__).resolve().parents[2]
ROSTER = "username,name,email,role\nnewbie,New Bie,newbie@example.org,student\nbroken,,not-an-email,student\n"

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("celery_worker")]


def test_instructor_student_and_ta_run_the_course(demo, new_page):
    xor = db.session.query(Assignment).filter_by(course_id=demo.id, slug="xor").one()
    xor.published = False
    db.session.commit()

    # The instructor enrols a student from a roster (one bad row is shown and skipped) and publishes xor.
    instructor = new_page()
    log_in(instructor, "instructor", "instructor")
    instructor.goto("/staff/courses/demo/roster")
    instructor.fill("textarea[name=text]", ROSTER)
    instructor.click("#roster-upload button[type=submit]")
    preview = instructor.locator("#roster-preview")
    assert "new account, enrolled" in preview.inner_text()
    assert "not an e-mail address" in preview.inner_text()
    instructor.click("#confirm-roster")
    password = instructor.locator("#new-accounts td code").first.inner_text()
    instructor.goto("/staff/courses/demo/assignments/xor/settings")
    instructor.click("#publish")
    assert "is published" in instructor.locator(".flash").inner_text()

    # The new student submits the reference solution through the web form and sees the feedback and a plot.
    student = new_page()
    log_in(student, "newbie", password)
    student.goto("/courses/demo/assignments/xor")
    student.fill("textarea[name=code]", (ROOT / "assignments/xor/solution.py").read_text())
    student.click("form.card button[type=submit]")
    student.wait_for_url("**/submissions/*")
    student.locator("#score").wait_for(timeout=180_000)
    assert student.locator("#verdict").inner_text() == "ok"
    assert student.locator(".test.passed").count() >= 1
    plot = student.locator("figure.plots img").first
    assert plot.get_attribute("src").startswith("data:image/png;base64,")
    assert plot.evaluate("img => img.naturalWidth") > 0

    # The TA finds the submission, overrides its score, and the gradebook CSV carries the override.
    ta = new_page()
    log_in(ta, "ta", "ta")
    ta.goto("/staff/courses/demo/assignments/xor")
    ta.click("text=Find a submission")
    ta.fill("input[name=q]", "newbie")
    ta.click("button:has-text('Find')")
    ta.click("#submissions a:has-text('newbie')")
    ta.fill("#override-form input[name=score]", "3.5")
    ta.fill("#override-form textarea[name=comment]", "Copied the reference solution: discussed in office hours.")
    ta.click("#override-form button[type=submit]")
    assert "Score set to 3.5" in ta.locator(".flash").inner_text()
    assert "office hours" in ta.locator("aside").inner_text()
    ta.goto("/staff/courses/demo/gradebook")
    with ta.expect_download() as download:
        ta.click("#export-csv")
    rows = {r["username"]: r for r in csv.DictReader(io.StringIO(Path(download.value.path()).read_text()))}
    assert rows["newbie"]["xor"] == "3.5"
    assert float(rows["newbie"]["total"]) == 3.5
