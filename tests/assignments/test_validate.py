"""Every built-in assignment proves itself through the real sandbox: solution, starter, mutants."""

import pytest

from assignments.loader import BUILTIN_SLUGS
from assignments.validate import validate_assignment
from tests.assignments.conftest import DOUBLE_CHECKS

pytestmark = pytest.mark.usefixtures("sandbox_runtime")


@pytest.mark.parametrize("slug", BUILTIN_SLUGS)
def test_builtin_assignment_is_valid(slug):
    report = validate_assignment(slug, jobs=2)
    assert report.ok, report.table()
    kinds = [row.kind for row in report.rows]
    assert kinds[:2] == ["solution", "starter"] and kinds.count("mutant") >= 5
    for row in report.rows:
        if row.kind == "mutant":
            assert row.caught_by and row.score < row.max_score, row


def test_an_uncaught_mutant_and_a_scoring_starter_are_reported(make_assignment):
    folder = make_assignment(DOUBLE_CHECKS, starter="def double(x):\n    return x * 2\n",
                             mutants={"same.py": "def double(x):\n    return x + x\n",
                                      "wrong.py": "def double(x):\n    return x\n"})
    calls = []
    report = validate_assignment(folder, progress=lambda done, total, label: calls.append((done, total, label)))
    assert [c[:2] for c in calls] == [(1, 5), (2, 5), (3, 5), (4, 5), (5, 5)]
    assert not report.ok
    rows = {row.file: row for row in report.rows}
    assert rows["starter.py"].problem.startswith("the starter earns points in: doubles")
    assert rows["mutants/same.py"].problem == "no check catches this mutant"
    assert rows["mutants/wrong.py"].ok and rows["mutants/wrong.py"].caught_by == ["doubles", "hidden: doubles a matrix"]
    table = report.table()
    assert "NOT VALID" in table and "no check catches this mutant" in table
