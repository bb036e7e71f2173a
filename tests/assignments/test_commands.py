"""`grader grade` and `grader assignments`: output, exit codes, usage errors."""

import json

import pytest
from click.testing import CliRunner

from assignments.commands import assignments, grade
from assignments.loader import BUILTIN_DIR
from tests.assignments.conftest import DOUBLE_CHECKS

pytestmark = pytest.mark.usefixtures("sandbox_runtime")


@pytest.fixture
def runner(tmp_path, monkeypatch):
    monkeypatch.setenv("GRADER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("GRADER_SANDBOX", raising=False)
    return CliRunner()


def test_grade_json_and_text(runner, tmp_path):
    wrong = tmp_path / "wrong.py"
    wrong.write_text((BUILTIN_DIR / "mlp-backprop" / "mutants" / "missing_db.py").read_text())
    result = runner.invoke(grade, ["mlp-backprop", str(wrong), "--json", "--seed", "2"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["max_score"] == 14 and 0 < data["score"] < 14 and data["verdict"] == "ok"
    text = runner.invoke(grade, ["mlp-backprop", str(wrong)])
    assert text.exit_code == 0
    # 5: the gradients are wrong, so "params, X and Y are not modified" is not graded either
    assert "score 5 / 14" in text.output and "FAIL  0/3  gradients against the reference" in text.output
    assert "the bias gradient is missing" in text.output


def test_grade_usage_errors_exit_2(runner, tmp_path):
    binary = tmp_path / "latin1.py"
    binary.write_bytes(b"x = '\xe9'\n")
    good = tmp_path / "good.py"
    good.write_text("x = 1\n")
    for args, words in ((["xor", str(tmp_path / "missing.py")], "no such file"),
                        (["no-such-assignment", str(good)], "No assignment 'no-such-assignment'"),
                        (["xor", str(binary)], "not UTF-8")):
        result = runner.invoke(grade, args)
        assert result.exit_code == 2 and words in result.output, result.output


def test_grade_internal_error_exits_1(runner, tmp_path, make_assignment):
    folder = make_assignment(DOUBLE_CHECKS.replace("x = ctx.rng.standard_normal(4)", "1 / 0"))
    submission = tmp_path / "s.py"
    submission.write_text("def double(x):\n    return 2 * x\n")
    result = runner.invoke(grade, [str(folder), str(submission)])
    assert result.exit_code == 1 and "internal_error" in result.output


def test_assignments_list_and_validate(runner, make_assignment):
    listing = runner.invoke(assignments, ["list"])
    assert listing.exit_code == 0
    assert [line.split()[0] for line in listing.output.splitlines()] == [
        "relu-basics", "mlp-backprop", "two-layer-net", "xor", "sin-fit", "piecewise-linear"]
    folder = make_assignment(DOUBLE_CHECKS, mutants={"wrong.py": "def double(x):\n    return x\n"})
    valid = runner.invoke(assignments, ["validate", str(folder)])
    assert valid.exit_code == 0 and "valid" in valid.output and "mutants/wrong.py" in valid.output
    broken = make_assignment(DOUBLE_CHECKS, slug="broken", mutants={"same.py": "def double(x):\n    return x * 2\n"})
    invalid = runner.invoke(assignments, ["validate", str(broken)])
    assert invalid.exit_code == 1 and "no check catches this mutant" in invalid.output
