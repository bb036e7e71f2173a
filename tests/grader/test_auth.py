def test_login_with_wrong_password_is_refused(demo, browser):
    response = browser.login("student", "not-the-password")
    assert response.status_code == 401
    assert "Wrong username or password" in response.get_data(as_text=True)


def test_pages_need_login(demo, browser):
    response = browser.get("/courses/demo")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_login_then_logout(demo, login):
    client = login("student")
    assert client.get("/courses/demo").status_code == 200
    assert client.post("/logout").status_code == 400  # no CSRF token: refused
    assert client.post_form("/logout", {}, form_url="/courses/demo").status_code == 302
    assert client.get("/courses/demo").status_code == 302


def test_forms_without_csrf_token_are_refused(demo, browser):
    response = browser.post("/login", data={"username": "student", "password": "student"})
    assert response.status_code == 400
    assert browser.get("/courses/demo").status_code == 302  # not logged in


def test_login_does_not_redirect_off_site(demo, browser):
    token = browser.csrf_token("/login")
    response = browser.post("/login?next=https://evil.example/", data={
        "username": "student", "password": "student", "csrf_token": token})
    assert response.status_code == 302
    assert "evil.example" not in response.headers["Location"]


def test_passwords_are_hashed(demo):
    from sqlalchemy import select

    from grader.db import db
    from grader.models import User

    user = db.session.scalar(select(User).where(User.username == "student"))
    assert user.password_hash and "student" not in user.password_hash
