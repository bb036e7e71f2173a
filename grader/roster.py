"""Courses and who is in them: create a course, import a roster CSV, add or remove staff."""

from __future__ import annotations

import csv
import io
import re
import secrets
from dataclasses import dataclass, field

from sqlalchemy import case, func, select

from grader.accounts import enrol, get_or_create_user
from grader.db import db
from grader.models import Course, Enrolment, Role, Submission, User

USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$")
COURSE_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
ROSTER_COLUMNS = ("username", "name", "email", "role")
MAX_ROSTER_BYTES = 1024 * 1024
MAX_ROSTER_ROWS = 5000


class RosterError(ValueError):
    """The roster file as a whole cannot be read (the message says why)."""


@dataclass
class RosterRow:
    """One line of a roster, parsed; ``errors`` empty when it can be applied."""

    line: int
    username: str
    name: str
    email: str
    role: str
    errors: list[str] = field(default_factory=list)
    exists: bool = False
    """A user with this username already exists (they are enrolled as they are: name and e-mail unchanged)."""
    current_role: str | None = None
    """Their role in the course now, if enrolled."""

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class RosterPreview:
    rows: list[RosterRow]

    @property
    def valid(self) -> list[RosterRow]:
        return [r for r in self.rows if r.ok]

    @property
    def invalid(self) -> list[RosterRow]:
        return [r for r in self.rows if not r.ok]


@dataclass
class RosterOutcome:
    created: list[tuple[str, str]]
    """(username, initial password) of each account made by this import; shown once."""
    enrolled: int
    updated: int


def create_course(slug: str, title: str, creator: User) -> Course:
    """A new course with ``creator`` as its instructor; ValueError with a message when the slug is bad or taken."""
    slug = slug.strip().lower()
    if not COURSE_SLUG.match(slug):
        raise ValueError("The short name must be lower-case letters, digits and hyphens (e.g. nn-2025).")
    if slug == "new" or db.session.scalar(select(Course.id).where(Course.slug == slug)) is not None:
        raise ValueError(f"A course named {slug!r} already exists.")
    course = Course(slug=slug, title=title.strip() or slug)
    db.session.add(course)
    db.session.flush()
    enrol(creator, course, Role.INSTRUCTOR)
    db.session.commit()
    return course


def parse_roster(text: str, course: Course) -> RosterPreview:
    """Parse a roster CSV (username, name, email, role) and say what is wrong with each bad row."""
    if len(text.encode("utf-8")) > MAX_ROSTER_BYTES:
        raise RosterError(f"The roster is larger than {MAX_ROSTER_BYTES // 1024} KB.")
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    try:
        header = next(reader, None)
    except csv.Error as error:
        raise RosterError(f"The first line cannot be read as CSV: {error}.") from None
    if header is None:
        raise RosterError("The roster is empty.")
    header = [h.strip().lower() for h in header]
    missing = [c for c in ("username", "role") if c not in header]
    if missing:
        raise RosterError(f"The first line must name the columns {', '.join(ROSTER_COLUMNS)}; "
                          f"missing {', '.join(missing)} (got {', '.join(header) or 'nothing'}).")
    try:
        rows = _read_rows(reader, header)
    except csv.Error as error:  # e.g. a field longer than csv.field_size_limit(), or a stray quote at the end
        raise RosterError(f"Line {reader.line_num} cannot be read as CSV: {error}.") from None
    _mark_duplicates(rows)
    _mark_existing(rows, course)
    return RosterPreview(rows)


def _read_rows(reader, header: list[str]) -> list[RosterRow]:
    """The rows after the header, each checked on its own (blank lines skipped)."""
    rows: list[RosterRow] = []
    for values in reader:
        if not any(v.strip() for v in values):
            continue
        if len(rows) >= MAX_ROSTER_ROWS:
            raise RosterError(f"The roster has more than {MAX_ROSTER_ROWS} rows.")
        record = {h: (values[i].strip() if i < len(values) else "") for i, h in enumerate(header)}
        row = RosterRow(reader.line_num, record.get("username", ""), record.get("name", ""),
                        record.get("email", ""), record.get("role", "").lower())
        if len(values) > len(header):
            row.errors.append(f"{len(values)} fields, but the header names {len(header)}")
        _check_row(row)
        rows.append(row)
    return rows


def _check_row(row: RosterRow) -> None:
    if not row.username:
        row.errors.append("username is empty")
    elif not USERNAME.match(row.username):
        row.errors.append(f"username {row.username!r} may hold only letters, digits and _ . @ - (64 at most)")
    if row.role not in {r.value for r in Role}:
        row.errors.append(f"role {row.role!r} is not one of student, ta, instructor")
    if row.email and not EMAIL.match(row.email):
        row.errors.append(f"email {row.email!r} is not an e-mail address")
    if len(row.name) > 128:
        row.errors.append("name is longer than 128 characters")


def _mark_duplicates(rows: list[RosterRow]) -> None:
    seen: dict[str, int] = {}
    for row in rows:
        key = row.username.lower()
        if key and key in seen:
            row.errors.append(f"username {row.username!r} already appears on line {seen[key]}")
        seen.setdefault(key, row.line)


def _mark_existing(rows: list[RosterRow], course: Course) -> None:
    names = [r.username for r in rows if r.username]
    known = {}
    for start in range(0, len(names), 500):
        known.update(db.session.execute(select(User.username, User.id).where(
            User.username.in_(names[start:start + 500]))).all())
    roles = dict(db.session.execute(select(Enrolment.user_id, Enrolment.role).where(
        Enrolment.course_id == course.id)).all())
    for row in rows:
        if row.username in known:
            row.exists = True
            row.current_role = roles.get(known[row.username])


def apply_roster(text: str, course: Course) -> RosterOutcome:
    """Create and enrol every valid row of the roster (re-parsed: the preview is not trusted).

    The name and e-mail of a row apply only to an account this import creates:
    an existing account is shared by every course, so a course's roster only
    enrols it.
    """
    preview = parse_roster(text, course)
    created, enrolled, updated = [], 0, 0
    for row in preview.valid:
        if row.exists:
            user = db.session.scalar(select(User).where(User.username == row.username))
        else:
            password = secrets.token_urlsafe(9)
            created.append((row.username, password))
            user = get_or_create_user(row.username, name=row.name, email=row.email, password=password)
            db.session.flush()
        if row.current_role is None:
            enrolled += 1
        elif row.current_role != row.role:
            updated += 1
        enrol(user, course, Role(row.role))
    db.session.commit()
    return RosterOutcome(created, enrolled, updated)


@dataclass
class Member:
    user_id: int
    username: str
    name: str
    email: str
    role: str
    submissions: int


def members(course: Course) -> list[Member]:
    """Everyone in the course with their role and how many submissions they made (one query)."""
    counts = select(Submission.user_id, func.count().label("n")).where(
        Submission.assignment_id.in_([a.id for a in course.assignments])).group_by(Submission.user_id).subquery()
    rows = db.session.execute(
        select(User.id, User.username, User.name, User.email, Enrolment.role, func.coalesce(counts.c.n, 0))
        .join(Enrolment, Enrolment.user_id == User.id).outerjoin(counts, counts.c.user_id == User.id)
        .where(Enrolment.course_id == course.id)
        .order_by(case_role_order(Enrolment.role), User.username)).all()
    return [Member(*row) for row in rows]


def case_role_order(role_column):
    """Instructors first, then TAs, then students."""
    return case((role_column == Role.INSTRUCTOR.value, 0), (role_column == Role.TA.value, 1), else_=2)


def add_staff(course: Course, username: str, role: Role) -> tuple[User, str | None]:
    """Give an existing or new user a staff role; returns (user, initial password if the account is new)."""
    username = username.strip()
    if not USERNAME.match(username):
        raise ValueError(f"{username!r} is not a valid username.")
    user = db.session.scalar(select(User).where(User.username == username))
    password = None
    if user is None:
        password = secrets.token_urlsafe(9)
        user = get_or_create_user(username, password=password)
        db.session.flush()
    enrol(user, course, role)
    db.session.commit()
    return user, password


def remove_member(course: Course, user_id: int, acting: User) -> str:
    """Take someone out of the course (their submissions stay); returns their username."""
    enrolment = db.session.scalar(select(Enrolment).where(Enrolment.course_id == course.id,
                                                          Enrolment.user_id == user_id))
    if enrolment is None:
        raise LookupError("not enrolled")
    if user_id == acting.id:
        raise ValueError("You cannot remove yourself from the course.")
    username = enrolment.user.username
    db.session.delete(enrolment)
    db.session.commit()
    return username
