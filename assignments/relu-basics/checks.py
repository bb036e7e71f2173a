"""Checks for relu-basics: values, shapes, dtypes, edge cases, the input untouched, speed."""

import numpy as np

from assignments.api import CheckFailed, Variant, check

SHAPES = [(7,), (4, 5), (2, 3, 4), (1, 1)]
EDGE_INPUTS = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1e-300, -1e-300, 1e308, -1e308, 2.5, -2.5])


def expected_grad(x, got):
    """The reference gradient, taking the student's choice (0 or 1) where x is exactly 0."""
    x = np.asarray(x, dtype=np.float64)
    expected = (x > 0).astype(np.float64)
    at_zero = x == 0
    if np.any(at_zero) and isinstance(got, np.ndarray) and got.shape == x.shape:
        chosen = np.asarray(got, dtype=np.float64)[at_zero]
        expected[at_zero] = np.where((chosen == 0) | (chosen == 1), chosen, 0.0)
    return expected


def grad_variants(x, got):
    reversed_mask = 1.0 - expected_grad(x, got)
    reversed_mask[np.asarray(x) == 0] = expected_grad(x, got)[np.asarray(x) == 0]
    return [Variant("relu_grad(x) is 1 where x < 0 and 0 where x > 0: the comparison is reversed", reversed_mask)]


def with_zeros(ctx, shape):
    """Random values with some exact zeros and a -0.0, where a ReLU bends."""
    x = ctx.rng.standard_normal(shape) * 3
    flat = x.reshape(-1)
    flat[ctx.rng.choice(flat.size, size=max(1, flat.size // 5), replace=False)] = 0.0
    flat[-1] = -0.0
    return x


@check("relu on random arrays", points=2)
def relu_random(ctx):
    for shape in SHAPES:
        x = ctx.rng.standard_normal(shape) * 3
        ctx.require_close("relu(x)", ctx.student.relu(x), np.maximum(x, 0), inputs={"x": x},
                          hints={"sign": "relu(x) has the wrong sign: relu keeps the positive entries"})
    return f"relu matches max(0, x) on random arrays of shapes {', '.join(map(str, SHAPES))}."


@check("relu keeps the shape and dtype", points=1)
def relu_dtypes(ctx):
    for dtype in (np.float64, np.float32, np.int64):
        x = (ctx.rng.standard_normal((3, 4)) * 5).astype(dtype)
        try:
            ctx.require_close("relu(x)", ctx.student.relu(x), np.maximum(x, 0), dtype=dtype, inputs={"x": x})
        except CheckFailed as failure:
            raise CheckFailed(f"With x of dtype {np.dtype(dtype).name}: {failure.message}") from None
    return "relu returns arrays of the input's shape and dtype (float64, float32, int64)."


@check("relu edge cases: 0, -0.0, inf, nan, empty arrays, scalars", points=1)
def relu_edges(ctx):
    relu = ctx.student.relu
    ctx.require_close("relu(x)", relu(EDGE_INPUTS), np.maximum(EDGE_INPUTS, 0), inputs={"x": EDGE_INPUTS},
                      atol=0, rtol=0)
    for shape in [(0,), (0, 3)]:
        ctx.require_close(f"relu of an empty array of shape {shape}", relu(np.zeros(shape)), np.zeros(shape))
    for value in (-2.5, 3.0, 0.0):
        ctx.require_close(f"relu({value}) for a 0-d array", relu(np.array(value)), np.maximum(value, 0.0))
        ctx.require_close(f"relu({value}) for a Python float", relu(value), np.maximum(value, 0.0))
    return "relu handles 0, -0.0, +-inf, NaN (kept as NaN), tiny and huge values, empty arrays and scalars."


@check("relu_grad on random arrays", points=2)
def relu_grad_random(ctx):
    for shape in SHAPES:
        x = with_zeros(ctx, shape)
        got = ctx.student.relu_grad(x)
        ctx.require_close("relu_grad(x)", got, expected_grad(x, got), inputs={"x": x},
                          variants=grad_variants(x, got))
        values = np.asarray(got, dtype=np.float64)
        if np.any(values[x > 0] != 1) or np.any(values[x < 0] != 0):
            raise CheckFailed("relu_grad(x) must be exactly 1 where x > 0 and 0 where x < 0.")
    return "relu_grad is 1 where x > 0 and 0 where x < 0 (either value accepted at exactly 0)."


@check("relu_grad keeps the dtype and handles inf and empty arrays", points=1)
def relu_grad_dtypes(ctx):
    for dtype in (np.float64, np.float32):
        x = with_zeros(ctx, (3, 4)).astype(dtype)
        got = ctx.student.relu_grad(x)
        hint = " Convert the mask to numbers, e.g. (x > 0).astype(x.dtype)." \
            if isinstance(got, np.ndarray) and got.dtype == bool else ""
        try:
            ctx.require_close("relu_grad(x)", got, expected_grad(x, got), dtype=dtype, inputs={"x": x},
                              variants=grad_variants(x, got))
        except CheckFailed as failure:
            raise CheckFailed(f"With x of dtype {np.dtype(dtype).name}: {failure.message}{hint}") from None
    x = np.array([np.inf, -np.inf, 1e-300, -1e-300])
    ctx.require_close("relu_grad(x)", ctx.student.relu_grad(x), [1.0, 0.0, 1.0, 0.0], inputs={"x": x})
    ctx.require_close("relu_grad of an empty array", ctx.student.relu_grad(np.zeros((0, 2))), np.zeros((0, 2)))
    return "relu_grad returns float arrays of the input's dtype and handles infinities and empty arrays."


NEW_ARRAY = {"relu": "np.maximum(x, 0)", "relu_grad": "(x > 0).astype(x.dtype)"}


def require_correct(ctx, function, graded):
    """Speed and leaving the input alone earn points only for a function that is right on a small input."""
    x = ctx.rng.standard_normal((3, 4)) * 3
    ctx.require_correct(function, (x,), getattr(ctx.reference, function)(x), graded=graded, label=f"{function}(x)")


@check("the input array is not modified", points=1)
def input_untouched(ctx):
    for function in ("relu", "relu_grad"):
        require_correct(ctx, function, "whether it leaves its input unchanged")
        x = with_zeros(ctx, (4, 5))
        ctx.require_unmodified(function, (x,), names=("x",),
                               advice=f"compute a new array ({NEW_ARRAY[function]}) instead of assigning into x.")
    return "relu and relu_grad leave their input unchanged."


def require_vectorised(ctx, function, baseline, workload):
    require_correct(ctx, function, "its speed")
    size = int(ctx.settings.get("performance_size", 1_000_000))
    x = ctx.rng.standard_normal(size)
    record = ctx.require_fast(function, (x,), baseline=baseline, factor=float(ctx.settings.get(
        "performance_factor", 10)), workload=f"{workload} on 10^{int(round(np.log10(size)))} elements",
        advice="replace the Python loop with a vectorised NumPy call.", repeat=3)
    return (f"{function} took {record.ratio:.1f}x as long as {workload} on {size:,} elements "
            f"(allowed: {record.factor:g}x).")


@check("relu is vectorised", points=1, tags=("performance",))
def relu_fast(ctx):
    return require_vectorised(ctx, "relu", "maximum", "np.maximum(x, 0)")


@check("relu_grad is vectorised", points=1, tags=("performance",))
def relu_grad_fast(ctx):
    return require_vectorised(ctx, "relu_grad", "relu_grad", "(x > 0).astype(x.dtype)")


@check("hidden: larger arrays with special values", points=2, visibility="hidden")
def hidden_large(ctx):
    x = with_zeros(ctx, (50, 40))
    x[3, 7], x[10, 1], x[20, 20] = np.inf, -np.inf, np.nan
    ctx.require_close("relu(x)", ctx.student.relu(x), np.maximum(x, 0))
    x = with_zeros(ctx, (30, 20))
    got = ctx.student.relu_grad(x)
    ctx.require_close("relu_grad(x)", got, expected_grad(x, got))
    return "relu and relu_grad are right on a larger array with zeros, infinities and NaN."
