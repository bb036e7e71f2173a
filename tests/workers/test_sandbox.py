"""SandboxSession: the interface the checks use, against the real sandbox."""

from __future__ import annotations

import numpy as np
import pytest

from workers import runtime
from workers.sandbox import (
    BASELINES,
    MissingAttribute,
    RemoteObject,
    SandboxFailure,
    SandboxLimits,
    SandboxLimitsError,
    SandboxSession,
    StudentCodeError,
    Timing,
)

STUDENT = '''
import numpy as np

print("imported")
HIDDEN = 32


def relu(x):
    return np.maximum(x, 0)


def echo(*args, **kwargs):
    return args[0] if len(args) == 1 and not kwargs else [list(args), kwargs]


def scale_in_place(x):
    x *= 2
    return x


def broken(x):
    return helper(x) + 1


def helper(x):
    raise ValueError(f"no good: {x}")


def shout():
    import sys
    print("to stderr", file=sys.stderr)
    print("to stdout")


class TwoLayerNet:
    def __init__(self, input_size, hidden_size, output_size, std=1e-4):
        rng = np.random.default_rng(0)
        self.params = {"W1": std * rng.standard_normal((input_size, hidden_size)), "b1": np.zeros(hidden_size),
                       "W2": std * rng.standard_normal((hidden_size, output_size)), "b2": np.zeros(output_size)}

    def scores(self, X):
        hidden = np.maximum(X @ self.params["W1"] + self.params["b1"], 0)
        return hidden @ self.params["W2"] + self.params["b2"]

    def same(self, other):
        return other is self

    def clip_in_place(self, X, floor=0.0):
        X[X < floor] = floor
        return X.sum()


def scale_and_report(x, factor=2, *, log):
    x *= factor
    log.append(factor)
    return float(x.sum())
'''


@pytest.fixture(scope="module", autouse=True)
def sandbox_runtime():
    return runtime.provision(log=lambda line: None)


@pytest.fixture(scope="module", params=["bwrap", "none"])
def session(request):
    with SandboxSession(STUDENT, SandboxLimits(), kind=request.param) as session:
        yield session


# -- limits -----------------------------------------------------------------------

def test_limits_from_a_limits_table():
    limits = SandboxLimits.from_mapping({"cpu_s": 20, "wall_s": 40.5, "memory_mb": 1024})
    assert (limits.cpu_s, limits.wall_s, limits.memory_mb) == (20.0, 40.5, 1024)
    assert limits.output_kb == SandboxLimits().output_kb
    assert SandboxLimits.from_mapping(None) == SandboxLimits()


@pytest.mark.parametrize("table, message", [
    ({"cpu": 5}, "unknown limit(s) 'cpu'"),
    ({"cpu_s": "5"}, "limits.cpu_s must be a number"),
    ({"memory_mb": 512.5}, "limits.memory_mb must be an integer"),
    ({"memory_mb": True}, "limits.memory_mb must be an integer"),
    ({"wall_s": -1}, "limits.wall_s must be between"),
    ({"memory_mb": 64}, "limits.memory_mb must be between 192"),
    ([1, 2], "[limits] must be a table"),
])
def test_bad_limits_tables_are_refused_with_a_clear_message(table, message):
    with pytest.raises(SandboxLimitsError) as raised:
        SandboxLimits.from_mapping(table)
    assert message in str(raised.value)


# -- calls ------------------------------------------------------------------------

def test_calls_through_the_module_and_by_name(session):
    x = np.array([[-1.0, -0.0], [2.0, np.nan]])
    for result in (session.module.relu(x), session.call("relu", x)):
        assert result.dtype == x.dtype and result.shape == x.shape
        np.testing.assert_array_equal(result, np.maximum(x, 0))
    assert session.module.HIDDEN == 32


@pytest.mark.parametrize("value", [
    None, True, 3, 2**70, -0.0, float("inf"), "text", [1, [2]], (1, (2.0, None)), {"a": [1], "b": {"c": 2}},
    np.array(1.5), np.zeros((0, 4)), np.arange(6, dtype=np.int32).reshape(2, 3), np.float32(-0.0),
    np.array([True, False]), [(np.ones((2, 2)), np.zeros(2))],
])
def test_values_cross_the_sandbox_unchanged(session, value):
    result = session.call("echo", value)
    assert type(result) is type(value)
    if isinstance(value, (np.ndarray, np.generic)):
        assert result.dtype == value.dtype and result.tobytes() == np.asarray(value).tobytes()
    elif isinstance(value, list) and value and isinstance(value[0], tuple):
        np.testing.assert_array_equal(result[0][0], value[0][0])
    else:
        assert result == value


def test_keyword_arguments(session):
    assert session.call("echo", 1, flag=True) == [[1], {"flag": True}]


def test_the_callers_arrays_are_never_modified(session):
    x = np.ones(3)
    assert np.array_equal(session.call("scale_in_place", x), 2 * np.ones(3))
    assert np.array_equal(x, np.ones(3))


def test_call_returning_args_sends_back_the_arguments_as_the_call_left_them(session):
    x, log = np.ones(3), ["start"]
    result, args, kwargs = session.call_returning_args("scale_and_report", x, 3, log=log)
    assert result == 9.0
    assert type(args) is list and np.array_equal(args[0], 3 * np.ones(3)) and args[1] == 3
    assert kwargs == {"log": ["start", 3]}
    assert np.array_equal(x, np.ones(3)) and log == ["start"], "the caller's values are never modified"
    unchanged, args, _ = session.call_returning_args("relu", np.array([-1.0, 2.0]))
    assert np.array_equal(unchanged, [0.0, 2.0]) and np.array_equal(args[0], [-1.0, 2.0])


def test_call_returning_args_on_a_method(session):
    net = session.module.TwoLayerNet(2, 3, 2)
    X = np.array([[-1.0, 2.0], [3.0, -4.0]])
    total, args, kwargs = session.call_returning_args(net.clip_in_place, X, floor=0.5)
    assert total == pytest.approx(0.5 + 2 + 3 + 0.5) and kwargs == {"floor": 0.5}
    assert np.array_equal(args[0], [[0.5, 2.0], [3.0, 0.5]])


def test_call_returning_args_reports_student_exceptions_without_extra_frames(session):
    with pytest.raises(StudentCodeError) as raised:
        session.call_returning_args("broken", 7)
    error = raised.value
    assert error.function == "broken" and error.message == "ValueError: no good: 7"
    frames = [line for line in error.traceback.splitlines() if line.strip().startswith("File ")]
    assert frames == ['  File "submission.py", line 22, in broken', '  File "submission.py", line 26, in helper']
    with pytest.raises(StudentCodeError):
        session.call_returning_args("relu_grad", 1.0)
    assert session.call("relu", 1.0) == 1.0


@pytest.mark.parametrize("kind", ["bwrap", "none"])
def test_a_forged_call_returning_args_reply_is_a_protocol_error(kind):
    forger = ("import __main__\n"
              "_dispatch = __main__.Harness.dispatch\n"
              "def dispatch(self, header, value):\n"
              "    if header.get('op') == 'call_returning_args':\n"
              "        return {'status': 'ok'}, 'full marks'\n"
              "    return _dispatch(self, header, value)\n"
              "__main__.Harness.dispatch = dispatch\n"
              "def f(x):\n    return x\n")
    with SandboxSession(forger, kind=kind) as session:
        assert session.call("f", 1) == 1
        with pytest.raises(SandboxFailure) as raised:
            session.call_returning_args("f", 1)
    assert raised.value.verdict == "protocol_error" and "in f" in raised.value.message


def test_has(session):
    assert session.has("relu") and session.has("TwoLayerNet") and session.has("HIDDEN")
    assert not session.has("relu_grad") and not session.has("np_relu")


def test_a_student_exception_keeps_the_session_alive(session):
    with pytest.raises(StudentCodeError) as raised:
        session.call("broken", 7)
    error = raised.value
    assert error.function == "broken" and error.type == "ValueError"
    assert error.message == "ValueError: no good: 7"
    assert 'File "submission.py", line 22, in broken' in error.traceback
    assert 'File "submission.py", line 26, in helper' in error.traceback
    assert "harness" not in error.traceback and "/submission/" not in error.traceback
    assert session.call("relu", 1.0) == 1.0


def test_a_missing_function_is_an_attribute_error(session):
    with pytest.raises(MissingAttribute) as raised:
        session.module.relu_grad
    assert isinstance(raised.value, AttributeError) and isinstance(raised.value, StudentCodeError)
    assert not hasattr(session.module, "relu_grad")
    with pytest.raises(StudentCodeError):
        session.call("relu_grad", 1.0)


def test_objects_come_back_as_remote_handles(session):
    net = session.module.TwoLayerNet(4, 10, 3)
    assert isinstance(net, RemoteObject)
    params = net.params
    assert set(params) == {"W1", "b1", "W2", "b2"} and params["W1"].shape == (4, 10)
    X = np.ones((5, 4))
    assert net.scores(X).shape == (5, 3)

    params["W2"] = np.ones((10, 3))  # a copy: does not write through
    assert np.allclose(net.scores(X), 0, atol=1e-3)
    net.params = params
    session.setattr(net, "params", dict(params, b2=np.full(3, 5.0)))
    assert net.scores(X)[0, 0] == pytest.approx(5.0 + 10 * np.maximum(X @ params["W1"], 0)[0].sum() / 10, rel=1e-6)
    assert net.same(net) is True
    assert session.getattr(net, "params")["b2"][0] == 5.0


def test_a_handle_from_another_session_is_refused(session):
    with SandboxSession(STUDENT, kind="none") as other:
        foreign = other.module.TwoLayerNet(2, 2, 2)
        with pytest.raises(TypeError):
            session.call("echo", foreign)


def test_output_is_captured(session):
    session.call("shout")
    assert "imported\n" in session.stdout and "to stdout\n" in session.stdout
    assert "to stderr\n" in session.stderr
    assert session.execution_time > 0


def test_time_call_reports_medians_and_a_ratio(session):
    x = np.random.default_rng(0).standard_normal(10_000)
    timing = session.time_call("relu", (x,), baseline="maximum", repeat=3)
    assert isinstance(timing, Timing) and timing.repeat == 3
    assert timing.student_s > 0 and timing.baseline_s > 0
    assert timing.ratio == pytest.approx(timing.student_s / timing.baseline_s)
    with pytest.raises(ValueError, match="unknown baseline"):
        session.time_call("relu", (x,), baseline="nope")


def test_the_baseline_table_matches_the_harness():
    from workers import harness

    assert set(harness.BASELINES) == set(BASELINES)


# -- failures at import -----------------------------------------------------------

@pytest.mark.parametrize("kind", ["bwrap", "none"])
@pytest.mark.parametrize("code, verdict, fragments", [
    ("x = 1\ndef relu(x)\n    return x\n", "syntax_error", ["submission.py", "line 2"]),
    ("import numpy\nimport torch\n", "import_error", ["line 2", "No module named 'torch'"]),
    ("x = 1\nraise RuntimeError('at import')\n", "runtime_error", ["line 2", "RuntimeError: at import"]),
    ("import sys\nsys.exit(0)\n", "runtime_error", ["sys.exit(0)", "line 2"]),
])
def test_import_failures_have_verdicts_with_line_numbers(kind, code, verdict, fragments):
    session = SandboxSession("print('before')\n" + code, kind=kind)
    with pytest.raises(SandboxFailure) as raised:
        with session:
            pass
    assert raised.value.verdict == verdict
    for fragment in fragments:
        fragment = fragment.replace("line 2", "line 3")  # the print() added above
        assert fragment in raised.value.message
    printed = "" if verdict == "syntax_error" else "before\n"  # a syntax error means nothing ran
    assert session.stdout == printed and raised.value.stdout == printed


def test_a_custom_file_name_is_used_in_tracebacks():
    with SandboxSession("def f():\n    return 1 / 0\n", filename="relu.py") as session:
        with pytest.raises(StudentCodeError) as raised:
            session.call("f")
    assert 'File "relu.py", line 2, in f' in raised.value.traceback


def test_main_guard_does_not_run():
    code = "if __name__ == '__main__':\n    raise SystemExit('ran')\ndef f():\n    return __name__\n"
    with SandboxSession(code) as session:
        assert session.call("f") == "submission"


def test_sessions_must_be_entered():
    session = SandboxSession("x = 1")
    with pytest.raises(RuntimeError, match="not running"):
        session.call("f")
    with pytest.raises(ValueError):
        SandboxSession("x = 1", kind="docker")
