"""Nobody sees what is not theirs: pages, live panels and the API check ownership and role."""

import pytest

from grader.db import db
from grader.models import Assignment, Status, Submission


@pytest.fixture
def someone_elses_submission(demo, make_user):
    other = make_user("alice", demo, "student")
    assignment = db.session.query(Assignment).filter_by(slug="relu-basics").one()
    submission = Submission(assignment=assignment, user=other, attempt=1, filename="relu.py",
                            code="def relu(x):\n    return x\n", status=Status.QUEUED.value)
    db.session.add(submission)
    db.session.commit()
    return submission


@pytest.mark.parametrize("path", ["/submissions/{id}", "/submissions/{id}/panel", "/submissions/{id}/status.json"])
def test_student_cannot_open_another_students_submission(someone_elses_submission, login, path):
    response = login("student").get(path.format(id=someone_elses_submission.id))
    assert response.status_code == 403


def test_author_and_staff_can_open_it(someone_elses_submission, login):
    url = f"/submissions/{someone_elses_submission.id}"
    assert login("alice").get(url).status_code == 200
    assert login("ta").get(url).status_code == 200


def test_api_refuses_another_students_submission(someone_elses_submission, api_token, app):
    client = app.test_client()
    response = client.get(f"/api/v1/submissions/{someone_elses_submission.id}",
                          headers={"Authorization": f"Bearer {api_token('student')}"})
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"
    mine = client.get(f"/api/v1/submissions/{someone_elses_submission.id}",
                      headers={"Authorization": f"Bearer {api_token('alice')}"})
    assert mine.status_code == 200 and mine.get_json()["status"] == "queued"


def test_missing_submission_is_404(demo, login, api_token, app):
    assert login("student").get("/submissions/999999").status_code == 404
    response = app.test_client().get("/api/v1/submissions/999999",
                                     headers={"Authorization": f"Bearer {api_token('student')}"})
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer not-a-token", "Basic c3R1ZGVudDpzdHVkZW50"])
def test_api_needs_a_valid_token(demo, app, header):
    headers = {"Authorization": header} if header else {}
    response = app.test_client().get("/api/v1/submissions/1", headers=headers)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_unenrolled_user_gets_403(demo, make_user, login, api_token, app):
    make_user("outsider")
    client = login("outsider")
    assert client.get("/courses/demo").status_code == 403
    assert client.get("/courses/demo/assignments/relu-basics").status_code == 403
    response = app.test_client().post("/api/v1/courses/demo/assignments/relu-basics/submissions",
                                      headers={"Authorization": f"Bearer {api_token('outsider')}"})
    assert response.status_code == 403


def test_unpublished_assignment_is_hidden_from_students(demo, login):
    assignment = db.session.query(Assignment).filter_by(slug="xor").one()
    assignment.published = False
    db.session.commit()
    assert login("student").get("/courses/demo/assignments/xor").status_code == 404
    assert "/assignments/xor\"" not in login("student").get("/courses/demo").get_data(as_text=True)
    assert login("instructor").get("/courses/demo/assignments/xor").status_code == 200


def test_student_sees_courses_assignments_and_starter(demo, login):
    client = login("student")
    page = client.get("/courses/demo").get_data(as_text=True)
    for assignment in demo.assignments:
        assert assignment.title in page
    statement = client.get("/courses/demo/assignments/relu-basics").get_data(as_text=True)
    assert "<h" in statement and "Submit for grading" in statement
    starter = client.get("/courses/demo/assignments/relu-basics/starter.py")
    assert starter.status_code == 200
    assert "attachment" in starter.headers["Content-Disposition"]
    assert "def relu" in starter.get_data(as_text=True)


def test_api_errors_are_json_even_for_routing(demo, app, api_token):
    client, headers = app.test_client(), {"Authorization": f"Bearer {api_token('student')}"}
    missing = client.get("/api/v1/no-such-thing", headers=headers)
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "not_found"
    wrong_method = client.delete("/api/v1/submissions/1", headers=headers)
    assert wrong_method.status_code == 405 and wrong_method.get_json()["error"]["code"] == "method_not_allowed"


@pytest.mark.parametrize("path", ["/submissions/99999999999999999999", "/api/v1/submissions/99999999999999999999"])
def test_ids_beyond_the_database_are_404(demo, login, api_token, path):
    client = login("student")
    response = client.get(path, headers={"Authorization": f"Bearer {api_token('student')}"})
    assert response.status_code == 404
