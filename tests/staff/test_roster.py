"""Courses and rosters: a preview with an error per bad row, nothing changed until confirmed; staff in and out."""

from __future__ import annotations

import io

from sqlalchemy import select

from grader.db import db
from grader.models import Course, Enrolment, User
from grader.roster import parse_roster

ROSTER = """username,name,email,role
ada,Ada Lovelace,ada@example.org,student
bob,Bob,bob-at-example,student
,No Name,x@example.org,student
carol,Carol,carol@example.org,professor
ada,Ada Again,ada2@example.org,student
student_a,Student A,student_a@example.org,ta
dan,Dan,,student
"""


def test_preview_names_the_problem_of_each_bad_row(classroom):
    preview = parse_roster(ROSTER, classroom.a)
    errors = {row.line: row.errors for row in preview.rows}
    assert errors[2] == [] and errors[8] == []
    assert "not an e-mail address" in errors[3][0]
    assert errors[4] == ["username is empty"]
    assert "not one of student, ta, instructor" in errors[5][0]
    assert "already appears on line 2" in errors[6][0]
    existing = next(r for r in preview.rows if r.username == "student_a")
    assert existing.ok and existing.exists and existing.current_role == "student"


def test_upload_previews_then_confirm_applies(classroom, as_user):
    client = as_user(classroom.users["instructor_a"])
    page = client.post_action("/staff/courses/course-a/roster", {"file": (io.BytesIO(ROSTER.encode()), "roster.csv")},
                              content_type="multipart/form-data")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "4</strong> have errors" in text and "new account, enrolled" in text
    assert db.session.scalar(select(User).where(User.username == "ada")) is None, "the preview changes nothing"
    done = client.post_action("/staff/courses/course-a/roster/confirm", {"roster": ROSTER})
    assert done.status_code == 200 and "Initial passwords" in done.get_data(as_text=True)
    roles = dict(db.session.execute(select(User.username, Enrolment.role).join(Enrolment).where(
        Enrolment.course_id == classroom.a.id)).all())
    assert roles["ada"] == "student" and roles["dan"] == "student" and roles["student_a"] == "ta"
    assert "bob" not in roles and "carol" not in roles
    ada = db.session.scalar(select(User).where(User.username == "ada"))
    assert ada.name == "Ada Lovelace" and ada.password_hash


def test_roster_without_the_header_is_refused(classroom, as_user):
    client = as_user(classroom.users["instructor_a"])
    page = client.post_action("/staff/courses/course-a/roster", {"text": "ada,Ada,ada@example.org,student\n"})
    assert "must name the columns" in page.get_data(as_text=True)


def test_add_and_remove_a_ta(classroom, as_user):
    client = as_user(classroom.users["instructor_a"])
    client.post_action("/staff/courses/course-a/people/add", {"username": "student_a2", "role": "ta"})
    student = classroom.users["student_a2"]
    assert db.session.scalar(select(Enrolment.role).where(Enrolment.user_id == student.id,
                                                          Enrolment.course_id == classroom.a.id)) == "ta"
    assert as_user(student).get("/staff/courses/course-a/gradebook").status_code == 200
    client.post_action(f"/staff/courses/course-a/people/{student.id}/remove")
    assert as_user(student).get("/staff/courses/course-a/gradebook").status_code == 403
    me = classroom.users["instructor_a"]
    response = client.post_action(f"/staff/courses/course-a/people/{me.id}/remove", follow_redirects=True)
    assert "cannot remove yourself" in response.get_data(as_text=True)


def test_instructor_creates_a_course(classroom, as_user):
    client = as_user(classroom.users["instructor_a"])
    response = client.post_action("/staff/courses/new", {"slug": "nn-2031", "title": "NN 2031"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/staff/courses/nn-2031")
    course = db.session.scalar(select(Course).where(Course.slug == "nn-2031"))
    assert course.title == "NN 2031"
    taken = client.post_action("/staff/courses/new", {"slug": "nn-2031", "title": "again"})
    assert "already exists" in taken.get_data(as_text=True)
    bad = client.post_action("/staff/courses/new", {"slug": "Bad Slug!", "title": "x"})
    assert "lower-case" in bad.get_data(as_text=True)


def test_roster_of_another_course_cannot_rename_an_existing_account(classroom, as_user):
    """An instructor of course B enrols student_a but cannot change their name or e-mail; new accounts get theirs."""
    roster = ("username,name,email,role\nstudent_a,Mallory,mallory@evil.example,student\n"
              "erin,Erin New,erin@example.org,student\n")
    client = as_user(classroom.users["instructor_b"])
    preview = client.post_action("/staff/courses/course-b/roster", {"text": roster}).get_data(as_text=True)
    assert "existing account, enrolled; its name and e-mail stay as they are" in preview
    client.post_action("/staff/courses/course-b/roster/confirm", {"roster": roster})
    db.session.expire_all()
    student = db.session.scalar(select(User).where(User.username == "student_a"))
    assert (student.name, student.email) == ("Student A", "student_a@example.org")
    assert db.session.scalar(select(Enrolment.role).where(Enrolment.user_id == student.id,
                                                          Enrolment.course_id == classroom.b.id)) == "student"
    erin = db.session.scalar(select(User).where(User.username == "erin"))
    assert (erin.name, erin.email) == ("Erin New", "erin@example.org")


def test_neither_roster_nor_add_person_lets_anyone_create_courses(classroom, as_user):
    """Instructors named by a roster or added on the people page are not course creators (nor code uploaders)."""
    client = as_user(classroom.users["instructor_a"])
    roster = "username,role\nfiona,instructor\nstudent_a,instructor\n"
    client.post_action("/staff/courses/course-a/roster/confirm", {"roster": roster})
    client.post_action("/staff/courses/course-a/people/add", {"username": "gus", "role": "instructor"})
    client.post_action("/staff/courses/course-a/people/add", {"username": "student_a2", "role": "instructor"})
    db.session.expire_all()
    flags = dict(db.session.execute(select(User.username, User.can_create_courses).where(
        User.username.in_(["fiona", "student_a", "gus", "student_a2"]))).all())
    assert flags == {"fiona": False, "student_a": False, "gus": False, "student_a2": False}


def test_a_field_beyond_the_csv_limit_is_a_roster_error(classroom, as_user):
    client = as_user(classroom.users["instructor_a"])
    huge = "username,role\n" + "a" * 200_000 + ",student\n"  # csv.field_size_limit() is 131,072
    page = client.post_action("/staff/courses/course-a/roster", {"text": huge})
    assert page.status_code == 200 and "cannot be read as CSV" in page.get_data(as_text=True)
