"""The check API's diagnostics, on plain NumPy: they must name the bug."""

import numpy as np
import pytest

from assignments.api import (CheckFailed, Variant, check, collect_checks, compare_arrays, compare_named_arrays,
                             describe_modification, diagnose, name_the_bug, network_kinks, relu_network_forward,
                             require_params, require_scalar)

RNG = np.random.default_rng(7)
X = RNG.standard_normal((4, 3))


@pytest.mark.parametrize("got, kind, words", [
    (np.zeros_like(X), "zero", "all zeros"),
    (-X, "sign", "wrong sign"),
    (5 * X, "batch", "forget to divide by N"),
    (X / 5, "batch_inverse", "divide by N twice"),
    (2 * X, "double", "factor 0.5 missing"),
    (0.5 * X, "half", "extra factor 0.5"),
    (3.7 * X, "scale", "3.7 times"),
    (X + 1.25, "offset", "off by the constant 1.25"),
    (np.maximum(X, 0), "relu", "as if ReLU were applied"),
    (X.T, "transposed", "transpose"),
])
def test_diagnose_names_each_transformation(got, kind, words):
    diagnosis = diagnose(got, X, batch_size=5)
    assert diagnosis is not None and diagnosis.kind == kind
    assert words in diagnosis.text("dW1")


def test_diagnose_says_nothing_for_an_unrelated_error():
    assert diagnose(X + RNG.standard_normal(X.shape), X, batch_size=5) is None


def test_variants_and_hints_come_first():
    linear = X @ np.ones((3, 2))
    assert name_the_bug("Yhat", linear, np.maximum(linear, 0) - 1,
                        variants=[Variant("no ReLU on the hidden layer", linear)]) == "no ReLU on the hidden layer"
    text = name_the_bug("db2", np.zeros(3), np.ones(3), hints={"zero": "{name} is zero: the bias gradient is missing"})
    assert text == "db2 is zero: the bias gradient is missing"


def test_scalars_are_only_named_for_known_factors():
    assert "factor 0.5 missing" in name_the_bug("loss", 2.4, 1.2)
    assert "6 times too large" in name_the_bug("loss", 7.2, 1.2, batch_size=6)
    assert name_the_bug("loss", 3.7, 1.2) is None


def test_compare_arrays_reports_shape_dtype_worst_error_and_input():
    x = np.array([[-1.0, 2.0], [3.0, -4.0]])
    got = np.maximum(x, 0)
    got[1, 0] = 3.5
    message = compare_arrays("relu(x)", got, np.maximum(x, 0), inputs={"x": x}).message
    assert "1 of 4 entries" in message and "relu(x)[1, 0]: got 3.5, expected 3" in message
    assert "x[1, 0] = 3" in message
    assert "has shape (2, 1); expected shape (1, 2)" in compare_arrays("b", np.ones((2, 1)), np.ones((1, 2))).message
    assert "dtype bool; expected dtype float64" in compare_arrays("g", x > 0, (x > 0) * 1.0, dtype=np.float64).message
    assert "None (is a `return` statement missing?)" in compare_arrays("relu(x)", None, x).message


def test_compare_arrays_reports_nan_and_hides_inputs_of_hidden_tests():
    x = np.array([1.0, -np.inf, 2.0])
    with np.errstate(invalid="ignore"):
        masked = x * (x > 0)
    message = compare_arrays("relu(x)", masked, np.maximum(x, 0), inputs={"x": x}, show_inputs=False).message
    assert "NaN value(s) where the expected values are not" in message
    assert "Input" not in message and "-inf" not in message
    assert "is NaN, but yours is 0" in compare_arrays("relu(x)", [0.0], [np.nan]).message
    assert compare_arrays("relu(x)", [np.nan, 1.0], [np.nan, 1.0]).ok


def test_a_shared_diagnosis_is_said_once_for_every_gradient():
    expected = {"dW1": X, "db1": np.arange(1.0, 4.0)}
    comparison = compare_named_arrays({k: 4 * v for k, v in expected.items()}, expected, batch_size=4)
    assert not comparison.ok
    assert "Every gradient is 4 times too large (4 is the batch size N): did you forget to divide by N?" \
        in comparison.message


def test_require_scalar_rejects_non_numbers():
    with pytest.raises(CheckFailed, match="expected a single number"):
        require_scalar("loss", "1.0", 1.0)
    with pytest.raises(CheckFailed, match="twice the expected value"):
        require_scalar("loss", 2.0, 1.0)


@pytest.mark.parametrize("value, words", [
    (None, "expected a non-empty list of (W, b) pairs"),
    ([(np.ones((3, 2)), np.zeros(3))], "It looks transposed"),
    ([(np.ones((2, 3)), np.zeros((1, 3)))], "Use a 1-D bias"),
    ([(np.ones((2, 3)), np.zeros(3)), (np.ones((4, 1)), np.zeros(1))], "W2 must have 3 rows"),
    ([(np.full((2, 3), np.nan), np.zeros(3)), (np.ones((3, 1)), np.zeros(1))], "NaN"),
    ([(np.ones((2, 20)), np.zeros(20)), (np.ones((20, 1)), np.zeros(1))], "at most 16 are allowed"),
])
def test_require_params_explains_what_is_wrong(value, words):
    with pytest.raises(CheckFailed, match=__import__("re").escape(words)):
        require_params(value, function="train_xor(0)", input_dim=2, output_dim=1, max_hidden_units=16)


def test_network_kinks_merge_and_cancel():
    params = [(np.ones((1, 4)), -np.array([0.0, 1.0, 1.0, 5.0])), (np.array([[1.0], [-2.0], [2.0], [1.0]]), np.zeros(1))]
    assert network_kinks(params, -1.0, 3.0).tolist() == [0.0]
    assert relu_network_forward(params, np.array([[2.0]]))[0, 0] == 2.0


def test_check_declares_points_visibility_and_order():
    namespace = type("module", (), {})
    namespace.first = check("first", 1)(lambda ctx: None)
    namespace.second = check("second", 2.5, visibility="hidden", tags=("speed",))(lambda ctx: None)
    checks = collect_checks(namespace)
    assert [(c.name, c.points, c.visibility, c.tags) for c in checks] == [
        ("first", 1.0, "visible", ()), ("second", 2.5, "hidden", ("speed",))]
    with pytest.raises(ValueError):
        check("bad", 1, visibility="sometimes")
    with pytest.raises(ValueError):
        check("bad", 0)


@pytest.mark.parametrize("before, after, expected", [
    (np.array([1.0, np.nan]), np.array([1.0, np.nan]), None),
    (np.array([[1.0, 2.0], [3.0, -4.0]]), np.array([[1.0, 2.0], [3.0, 0.0]]),
     "x[1, 1] was -4 before the call and 0 after it"),
    (np.ones(3), np.ones(2), "x was an array of shape (3,) and dtype float64 before the call and an array of "
                             "shape (2,) and dtype float64 after it"),
    ([(np.ones(2), np.zeros(2))], [(np.ones(2), np.array([0.0, 5.0]))], "x[0][1][1] was 0 before the call and 5 after it"),
    ({"W1": np.ones(1)}, {"W1": np.ones(1), "extra": 1}, "x was a dict with keys ['W1'] before the call and a dict "
                                                         "with keys ['W1', 'extra'] after it"),
    ([1, "a"], [1, "b"], "x[1] was 'a' before the call and 'b' after it"),
])
def test_describe_modification_names_the_first_change(before, after, expected):
    assert describe_modification("x", before, after) == expected
