"""Every staff route checks the role in *its* course: a table over app.url_map, so a new route must join it."""

from __future__ import annotations

import pytest

from tests.staff.conftest import graded

TA_AND_INSTRUCTOR = {
    "staff.course_home", "staff.gradebook", "staff.gradebook_export", "staff.people", "staff.audit_log",
    "staff.dashboard", "staff.submissions", "staff.queue", "staff.export_zip", "staff.submission",
    "staff.override", "staff.regrade", "staff.results_json",
}
INSTRUCTOR_ONLY = {
    "staff.add_person", "staff.remove_person", "staff.roster", "staff.roster_confirm", "staff.new_assignment",
    "staff.add_builtin_assignment", "staff.settings", "staff.publish", "staff.unpublish", "staff.validation",
    "staff.validation_status", "staff.validate", "staff.add_extension", "staff.delete_extension",
    "staff.regrade_all",
}
COURSE_CREATORS = {"staff.new_course"}
"""Not about one course: needs the user's can_create_courses flag."""

ROLES = ["anonymous", "outsider", "student_a", "ta_b", "instructor_b", "ta_a", "instructor_a"]


def staff_rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("staff.")]


def test_every_staff_route_is_in_the_table(app):
    endpoints = {rule.endpoint for rule in staff_rules(app)}
    unclassified = endpoints - TA_AND_INSTRUCTOR - INSTRUCTOR_ONLY - COURSE_CREATORS
    assert not unclassified, f"add these endpoints to the access table: {sorted(unclassified)}"
    assert not (TA_AND_INSTRUCTOR | INSTRUCTOR_ONLY | COURSE_CREATORS) - endpoints, "stale entries in the table"


def expected_denial(endpoint: str, role: str) -> int | None:
    """The status a role must get (302 to the login page, 403), or None when it is allowed in."""
    if role == "anonymous":
        return 302
    if endpoint in COURSE_CREATORS:
        return None if role.startswith("instructor") else 403
    if role in ("outsider", "student_a", "ta_b", "instructor_b"):
        return 403
    if role == "ta_a" and endpoint in INSTRUCTOR_ONLY:
        return 403
    return None


@pytest.mark.parametrize("role", ROLES)
def test_each_staff_route_with_each_role(app, classroom, as_user, role):
    submission = graded(classroom.alpha, classroom.users["student_a"], 5.0)
    values = {"course_slug": classroom.a.slug, "slug": classroom.alpha.slug, "submission_id": submission.id,
              "user_id": classroom.users["student_a2"].id}
    client = as_user(classroom.users.get(role))
    token = client.token()
    rules = sorted(staff_rules(app), key=lambda r: ("POST" in r.methods and "GET" not in r.methods, r.rule))
    wrong = []
    for rule in rules:
        url = rule.build({k: v for k, v in values.items() if k in rule.arguments}, append_unknown=False)[1]
        for method in sorted(rule.methods & {"GET", "POST"}):
            if method == "POST":
                response = client.post(url, data={"csrf_token": token})
            else:
                response = client.get(url)
            denial = expected_denial(rule.endpoint, role)
            status = response.status_code
            if denial == 302:
                ok = status == 302 and "/login" in response.headers.get("Location", "")
            elif denial == 403:
                ok = status == 403
            else:
                ok = status not in (401, 403, 404) and status < 500
            if not ok:
                wrong.append(f"{method} {url} ({rule.endpoint}): {status}, expected "
                             f"{denial or 'to be let in'}")
    assert not wrong, f"{role}:\n" + "\n".join(wrong)


def test_submission_of_another_course_is_404_even_for_its_staff(classroom, as_user):
    """A TA of course B cannot reach A's submission through B's URL either."""
    submission = graded(classroom.alpha, classroom.users["student_a"], 5.0)
    client = as_user(classroom.users["ta_b"])
    assert client.get(f"/staff/courses/course-b/submissions/{submission.id}").status_code == 404
    assert client.get(f"/staff/courses/course-b/assignments/alpha").status_code == 404
