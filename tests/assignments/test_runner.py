"""grade_code through the real sandbox: result format, verdicts, named bugs, plots, determinism."""

import base64

import pytest

from assignments.loader import load_assignment
from assignments.runner import grade_code
from tests.assignments.conftest import DOUBLE_CHECKS, builtin_file

pytestmark = pytest.mark.usefixtures("sandbox_runtime")

RESULT_KEYS = {"score", "max_score", "status", "verdict", "execution_time", "output", "tests", "stdout",
               "stderr", "leaderboard"}
TEST_KEYS = {"name", "score", "max_score", "status", "output", "visibility", "tags", "images"}


def grade_builtin(slug, name, seed=0):
    return grade_code(load_assignment(slug), builtin_file(slug, name), seed)


def test_result_format_for_a_correct_submission(make_assignment):
    result = grade_code(load_assignment(make_assignment(DOUBLE_CHECKS)), "def double(x):\n    print('hi')\n"
                        "    return x + x\n")
    assert RESULT_KEYS <= set(result) and all(TEST_KEYS <= set(t) for t in result["tests"])
    assert (result["score"], result["max_score"], result["status"], result["verdict"]) == (2, 2, "graded", "ok")
    assert [t["visibility"] for t in result["tests"]] == ["visible", "hidden"]
    assert result["stdout"] == "hi\nhi\n" and result["execution_time"] > 0


def test_wrong_crashing_and_broken_submissions(make_assignment):
    spec = load_assignment(make_assignment(DOUBLE_CHECKS))
    wrong = grade_code(spec, "def double(x):\n    return 4 * x\n")
    assert (wrong["score"], wrong["verdict"], wrong["tests"][0]["status"]) == (0, "ok", "failed")
    assert "twice the expected value" in wrong["tests"][0]["output"] and "Input x" in wrong["tests"][0]["output"]
    assert "Input x" not in wrong["tests"][1]["output"], "a hidden test must not show its inputs"
    crashing = grade_code(spec, "def double(x):\n    return x.nope\n")
    assert crashing["verdict"] == "runtime_error" and crashing["tests"][0]["status"] == "error"
    assert "Calling your double raised AttributeError" in crashing["tests"][0]["output"]
    assert 'line 2, in double' in crashing["tests"][0]["output"]
    syntax = grade_code(spec, "def double(x)\n    return x\n")
    assert (syntax["score"], syntax["verdict"]) == (0, "syntax_error") and "line 1" in syntax["output"]
    missing = grade_code(spec, "def triple(x):\n    return 3 * x\n")
    assert "does not define `double`" in missing["tests"][0]["output"]
    refused = grade_code(spec, "import torch\n\ndef double(x):\n    return 2 * x\n")
    assert refused["verdict"] == "import_error" and "Line 1 imports 'torch'" in refused["output"]


def test_a_fatal_failure_zeroes_the_remaining_tests(make_assignment):
    spec = load_assignment(make_assignment(DOUBLE_CHECKS, cpu_s=1.5))
    result = grade_code(spec, "calls = []\n\ndef double(x):\n    calls.append(1)\n    if len(calls) > 1:\n"
                              "        while True:\n            pass\n    return 2 * x\n")
    assert result["verdict"] == "time_limit"
    assert [t["score"] for t in result["tests"]] == [1, 0]
    assert "CPU time" in result["tests"][1]["output"] or "wall-clock" in result["tests"][1]["output"]


def test_a_bug_in_a_check_is_an_internal_error(make_assignment):
    spec = load_assignment(make_assignment(DOUBLE_CHECKS.replace(
        'ctx.require_close("double(x)", ctx.student.double(x), 2 * x, inputs={"x": x})\n\n    @check("hidden',
        'ctx.student.double(x)\n        1 / 0\n\n    @check("hidden')))
    result = grade_code(spec, "def double(x):\n    return 2 * x\n")
    assert (result["verdict"], result["status"]) == ("internal_error", "failed")
    assert "not your fault" in result["tests"][0]["output"] and "ZeroDivisionError" in result["internal"]


def test_a_sandbox_that_cannot_start_is_an_internal_error(make_assignment):
    result = grade_code(load_assignment(make_assignment(DOUBLE_CHECKS)), "x = 1\n", sandbox_kind="firecracker")
    assert result["verdict"] == "internal_error" and result["score"] == 0


@pytest.mark.parametrize("slug, mutant, words", [
    ("mlp-backprop", "no_divide_by_n.py", "did you forget to divide by N?"),
    ("mlp-backprop", "missing_db.py", "the bias gradient is missing"),
    ("mlp-backprop", "wrong_sign.py", "Every gradient has the wrong sign"),
    ("mlp-backprop", "missing_half.py", "is a factor 0.5 missing?"),
    ("mlp-backprop", "relu_on_output.py", "applies ReLU to the output layer"),
    ("mlp-backprop", "mask_after_relu.py", "ignores the ReLU derivative"),
    ("two-layer-net", "regularised_biases.py", "the biases are regularised"),
    ("two-layer-net", "unstable_softmax.py", "Subtract each row's maximum score"),
    ("relu-basics", "grad_bool.py", "relu_grad(x) has dtype bool; expected dtype float64"),
    ("relu-basics", "in_place.py", "relu modified its input x: x["),
    ("mlp-backprop", "error_in_y.py", "loss_and_grads modified its input Y: Y["),
    ("xor", "lucky_seed.py", "The network fails for"),
    ("xor", "linear_model.py", "a linear function cannot separate XOR"),
    ("sin-fit", "broadcast_targets.py", "broadcasts to an (N, N) error"),
    ("piecewise-linear", "missing_offset.py", "check the output bias"),
    ("piecewise-linear", "float32.py", "compute in float64"),
])
def test_feedback_names_the_bug(slug, mutant, words):
    result = grade_builtin(slug, f"mutants/{mutant}")
    assert result["score"] < result["max_score"]
    assert any(words in t["output"] for t in result["tests"]), [t["output"] for t in result["tests"]]


UNMODIFIED_CHECKS = """
    import numpy as np
    from assignments.api import check

    @check("double leaves x alone", points=1)
    def untouched(ctx):
        ctx.require_unmodified("double", (np.arange(4.0),), names=("x",), advice="return a new array")

    @check("the module holds only the student's names", points=1)
    def only_student_names(ctx):
        extra = [name for name in ctx.student.names() if name not in ("double", "names") and not name.startswith("__")]
        if extra or any("relugrade" in name for name in ctx.student.names()):
            ctx.fail(f"unexpected names {ctx.student.names()}")
"""


def test_in_place_changes_are_seen_without_touching_the_students_file(make_assignment):
    spec = load_assignment(make_assignment(UNMODIFIED_CHECKS))
    names = "\n\ndef names():\n    return sorted(globals())\n"
    result = grade_code(spec, "def double(x):\n    x *= 2\n    return x\n" + names)
    assert [t["score"] for t in result["tests"]] == [0, 1]
    assert result["tests"][0]["output"] == ("double modified its input x: x[1] was 1 before the call and 2 after "
                                            "it. Return a new array.")
    crashing = grade_code(spec, "def double(x):\n    return x.nope\n" + names)
    output = crashing["tests"][0]["output"]
    assert output.startswith("Calling your double raised AttributeError")
    assert [line.strip() for line in output.splitlines() if line.strip().startswith("File ")] == \
        ['File "submission.py", line 2, in double']
    assert grade_code(spec, "def double(x):\n    return 2 * x\n" + names)["score"] == 2


def test_a_python_loop_relu_loses_only_the_performance_points():
    result = grade_builtin("relu-basics", "mutants/python_loop.py")
    lost = {t["name"]: t for t in result["tests"] if t["score"] < t["max_score"]}
    assert set(lost) == {"relu is vectorised", "relu_grad is vectorised"}
    message = lost["relu is vectorised"]["output"]
    assert "as long as np.maximum(x, 0) on 10^6 elements" in message
    assert "replace the Python loop with a vectorised NumPy call" in message
    timing = lost["relu is vectorised"]["timings"][0]
    assert timing["ratio"] > timing["allowed_ratio"] == 10 and timing["repeat"] == 3


JUNK_RELU = """
import numpy as np


class Junk:
    def __eq__(self, other):
        return True


def relu(x):
    return Junk()


def relu_grad(x):
    return -np.asarray(x)
"""
CONSTANT_FIT = "import numpy as np\n\ndef fit_sin(X, y, seed):\n    return [(np.ones((1, 2)), np.zeros(2)), (np.zeros((2, 1)), np.zeros(1))]\n"


@pytest.mark.parametrize("slug, code, gated", [
    ("relu-basics", JUNK_RELU, {"relu is vectorised": "relu is not correct yet, so its speed is not graded",
                                "relu_grad is vectorised": "relu_grad is not correct yet, so its speed is not graded",
                                "the input array is not modified": "relu is not correct yet, so whether it leaves "
                                                                   "its input unchanged is not graded"}),
    ("mlp-backprop", builtin_file("mlp-backprop", "mutants/missing_half.py"),
     {"params, X and Y are not modified": "loss_and_grads is not correct yet, so whether it leaves its arguments "
                                          "unchanged is not graded"}),
    ("sin-fit", CONSTANT_FIT, {"fit_sin returns in time": "fit_sin is not correct yet, so its running time is not "
                                                          "graded"}),
])
def test_speed_and_side_conditions_earn_points_only_for_correct_code(slug, code, gated):
    result = grade_code(load_assignment(slug), code)
    tests = {t["name"]: t for t in result["tests"]}
    for name, words in gated.items():
        assert tests[name]["score"] == 0 and tests[name]["output"].startswith(words), tests[name]["output"]
        assert "the tests of its values say what to fix" in tests[name]["output"]
        assert not tests[name].get("timings"), "a wrong function is not timed"


@pytest.mark.parametrize("slug, labels", [
    ("xor", ["decision regions of train_xor(0)"]),
    ("sin-fit", ["your network against sin(x)"]),
    ("piecewise-linear", ["your network and the knots (4 points)", "your network and the knots (8 random points)"]),
    ("two-layer-net", ["training loss on the spiral", "decision regions on the spiral"]),
])
def test_plots_are_attached_as_png_data_urls(slug, labels):
    result = grade_builtin(slug, "solution.py")
    images = [image for test in result["tests"] for image in test["images"]]
    assert [image["label"] for image in images] == labels
    for image in images:
        prefix = "data:image/png;base64,"
        assert image["url"].startswith(prefix)
        assert base64.b64decode(image["url"][len(prefix):])[:8] == b"\x89PNG\r\n\x1a\n"


def test_leaderboard_entries():
    result = grade_builtin("sin-fit", "solution.py")
    [entry] = result["leaderboard"]
    assert entry["name"] == "mean squared error against sin" and entry["order"] == "asc"
    assert 0 < entry["value"] < 1e-3


def without_timings(result):
    """A result without what measures time (timings, and the messages of performance tests)."""
    tests = [{k: v for k, v in t.items() if k != "timings" and (k != "output" or "performance" not in t["tags"])}
             for t in result["tests"]]
    return {**{k: v for k, v in result.items() if k != "execution_time"}, "tests": tests}


def test_grading_is_deterministic_for_a_seed():
    first, second = grade_builtin("xor", "mutants/lucky_seed.py", 3), grade_builtin("xor", "mutants/lucky_seed.py", 3)
    assert without_timings(first) == without_timings(second)
    other = grade_builtin("sin-fit", "mutants/few_iterations.py", 1)
    assert without_timings(other) == without_timings(grade_builtin("sin-fit", "mutants/few_iterations.py", 1))
