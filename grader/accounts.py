"""Users, enrolments and API tokens."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select

from grader.db import db, utcnow
from grader.models import ApiToken, Course, Enrolment, Role, User


def get_or_create_user(username: str, *, name: str = "", email: str = "", password: str | None = None) -> User:
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        user = User(username=username, name=name, email=email)
        db.session.add(user)
    if name:
        user.name = name
    if email:
        user.email = email
    if password is not None:
        user.set_password(password)
    return user


def enrol(user: User, course: Course, role: Role) -> Enrolment:
    """Give ``user`` ``role`` in ``course`` (changing the role if already enrolled)."""
    enrolment = db.session.scalar(select(Enrolment).where(Enrolment.user_id == user.id,
                                                          Enrolment.course_id == course.id)) if user.id else None
    if enrolment is None:
        enrolment = Enrolment(user=user, course=course, role=role.value)
        db.session.add(enrolment)
    enrolment.role = role.value
    return enrolment


def _sha256(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: User) -> str:
    """Create an API token for ``user``; the token itself is shown once and only its hash is kept."""
    token = "rg_" + secrets.token_urlsafe(32)
    db.session.add(ApiToken(user=user, token_sha256=_sha256(token)))
    return token


def user_for_token(token: str) -> User | None:
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_sha256 == _sha256(token)))
    if row is None:
        return None
    row.last_used_at = utcnow()
    return row.user
