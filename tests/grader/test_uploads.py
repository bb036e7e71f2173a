"""Bad uploads get a clear error and store nothing, through the web form and the API."""

import io

import pytest
from sqlalchemy import func, select

from grader.db import db
from grader.models import Submission
from grader.submissions import SubmissionRejected, decode_upload

FORM_URL = "/courses/demo/assignments/relu-basics"
API_URL = "/api/v1/courses/demo/assignments/relu-basics/submissions"

BAD_UPLOADS = [
    pytest.param("answer.txt", b"def relu(x): return x\n", "not_python", 400, ".py", id="not-python"),
    pytest.param("relu.py", b"", "empty", 400, "empty", id="empty"),
    pytest.param("relu.py", b"   \n\n", "empty", 400, "empty", id="blank"),
    pytest.param("relu.py", b"x = 1\n" * 60_000, "too_large", 413, "limit", id="too-large"),
    pytest.param("relu.py", b"def relu(x):\n    return x  # caf\xe9\n", "not_utf8", 400, "UTF-8", id="latin-1"),
    pytest.param("relu.py", b"\x7fELF\x00\x00binary", "binary", 400, "NUL", id="binary"),
]


@pytest.mark.parametrize("filename, data, code, status, words", BAD_UPLOADS)
def test_decode_upload_says_what_is_wrong(filename, data, code, status, words):
    with pytest.raises(SubmissionRejected) as rejected:
        decode_upload(filename, data, 256 * 1024)
    assert rejected.value.code == code
    assert rejected.value.status == status
    assert words in rejected.value.message


def test_utf8_with_bom_is_accepted():
    assert decode_upload("a.py", "\ufeffx = 'é'\n".encode("utf-8"), 1000) == "x = 'é'\n"


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Submission))


@pytest.mark.parametrize("filename, data, code, status, words", BAD_UPLOADS)
def test_web_form_rejects_bad_upload(demo, login, filename, data, code, status, words):
    client = login("student")
    response = client.post_form(FORM_URL, {"file": (io.BytesIO(data), filename)},
                                content_type="multipart/form-data")
    assert response.status_code == status
    assert words in response.get_data(as_text=True)
    assert _count() == 0


@pytest.mark.parametrize("filename, data, code, status, words", BAD_UPLOADS)
def test_api_rejects_bad_upload(demo, api_token, app, filename, data, code, status, words):
    client = app.test_client()
    response = client.post(API_URL, headers={"Authorization": f"Bearer {api_token('student')}"},
                           data={"file": (io.BytesIO(data), filename)}, content_type="multipart/form-data")
    assert response.status_code == status
    body = response.get_json()
    assert body["error"]["code"] == code and words in body["error"]["message"]
    assert _count() == 0


def test_form_with_nothing_chosen_says_so(demo, login):
    response = login("student").post_form(FORM_URL, {"code": ""})
    assert response.status_code == 400
    assert "Choose a .py file" in response.get_data(as_text=True)
    assert _count() == 0


def test_api_without_file_field(demo, api_token, app):
    response = app.test_client().post(API_URL, headers={"Authorization": f"Bearer {api_token('student')}"})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "no_file"
