"""The example assignment of docs/authoring.md: it validates, and the page shows its files as they are."""

from pathlib import Path

import pytest

from assignments.validate import validate_assignment

pytestmark = pytest.mark.usefixtures("sandbox_runtime")

EXAMPLE = Path(__file__).parent / "fixtures" / "leaky-relu"
GUIDE = Path(__file__).resolve().parents[2] / "docs" / "authoring.md"


def test_the_example_assignment_validates_and_each_mutant_is_caught_where_the_guide_says():
    report = validate_assignment(EXAMPLE, jobs=2)
    assert report.ok, report.table()
    caught = {row.file: row.caught_by for row in report.rows if row.kind == "mutant"}
    assert caught["mutants/fixed_alpha.py"] == ["hidden: other values of alpha, infinities and NaN"]
    assert caught["mutants/float64_output.py"] == ["leaky_relu keeps the shape and dtype"]
    assert caught["mutants/in_place.py"] == ["the input array is not modified"]
    assert caught["mutants/python_loop.py"] == ["leaky_relu is vectorised"]
    assert "leaky_relu on random arrays" in caught["mutants/plain_relu.py"]


@pytest.mark.parametrize("name", sorted(str(p.relative_to(EXAMPLE)) for p in EXAMPLE.rglob("*")
                                         if p.is_file() and "__pycache__" not in p.parts))
def test_the_guide_shows_each_file_of_the_example_verbatim(name):
    assert (EXAMPLE / name).read_text().strip() in GUIDE.read_text(), f"docs/authoring.md is out of step with {name}"
