"""Leaderboards: each student's best posted value per board of one assignment (e.g. sin-fit's error)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import func, select

from grader.db import db
from grader.models import Assignment, LeaderboardEntry, Result, Status, Submission, User


@dataclass
class Standing:
    rank: int
    user_id: int
    username: str
    display_name: str
    value: float


@dataclass
class Board:
    name: str
    order: str
    standings: list[Standing]


def leaderboards(assignment: Assignment) -> list[Board]:
    """Every board of ``assignment``, best first, one standing per student (their best current result)."""
    rows = db.session.execute(
        select(LeaderboardEntry.name, LeaderboardEntry.order, Submission.user_id, User.username, User.name,
               func.min(LeaderboardEntry.value), func.max(LeaderboardEntry.value))
        .join(Result, LeaderboardEntry.result_id == Result.id)
        .join(Submission, Result.submission_id == Submission.id)
        .join(User, Submission.user_id == User.id)
        .where(Submission.assignment_id == assignment.id, Result.is_current,
               Submission.status == Status.GRADED.value)
        .group_by(LeaderboardEntry.name, LeaderboardEntry.order, Submission.user_id, User.username, User.name))
    boards: dict[tuple[str, str], list[Standing]] = {}
    for name, order, user_id, username, display, smallest, largest in rows:
        value = largest if order == "desc" else smallest
        if value is None or math.isnan(value):
            continue
        boards.setdefault((name, order), []).append(Standing(0, user_id, username, display or username, value))
    result = []
    for (name, order), standings in sorted(boards.items()):
        standings.sort(key=lambda s: (-s.value if order == "desc" else s.value, s.username))
        for rank, standing in enumerate(standings, start=1):
            standing.rank = rank
        result.append(Board(name, order, standings))
    return result


def has_leaderboard(assignment: Assignment) -> bool:
    """Whether any graded result of ``assignment`` posted a leaderboard value."""
    return db.session.scalar(
        select(LeaderboardEntry.id).join(Result, LeaderboardEntry.result_id == Result.id)
        .join(Submission, Result.submission_id == Submission.id)
        .where(Submission.assignment_id == assignment.id).limit(1)) is not None
