"""Checks for piecewise-linear: the network must equal the interpolant, and its kinks tell why not."""

import numpy as np

from assignments.api import CheckFailed, check, diagnose, network_kinks, relu_network_forward, require_params
from assignments.plots import fitted_curve

SIMPLE_XS = np.array([0.0, 1.0, 2.0, 3.0])
SIMPLE_YS = np.array([0.0, 1.0, 0.0, 2.0])


def student_network(ctx, xs, ys):
    value = ctx.student.interpolant_network(xs, ys)
    return require_params(value, function="interpolant_network(xs, ys)", input_dim=1, output_dim=1,
                          hidden_layers=1, max_hidden_units=len(xs))


def knot_kinks(xs, ys):
    """The interior knots where the interpolant's slope really changes."""
    slopes = np.diff(ys) / np.diff(xs)
    changes = np.abs(np.diff(slopes)) > 1e-12 * np.maximum(1.0, np.abs(slopes[1:]))
    return xs[1:-1][changes]


def format_positions(values, limit=8):
    shown = ", ".join(f"{v:.4g}" for v in values[:limit])
    return shown + (f", ... ({len(values)} in all)" if len(values) > limit else "") if len(values) else "none"


def pieces(count):
    return f"{count} linear piece{'s' if count != 1 else ''}"


def first_wrong_slope(params, xs, ys):
    """Name the first segment between knots on which the network's slope is wrong."""
    slopes = np.diff(ys) / np.diff(xs)
    for k in range(len(slopes)):
        left, right = xs[k] + 0.25 * (xs[k + 1] - xs[k]), xs[k] + 0.75 * (xs[k + 1] - xs[k])
        values = relu_network_forward(params, np.array([[left], [right]]))[:, 0]
        slope = (values[1] - values[0]) / (right - left)
        if not np.isclose(slope, slopes[k], rtol=1e-6, atol=1e-9):
            return (f"  The first segment with a wrong slope is [{xs[k]:.6g}, {xs[k + 1]:.6g}]: yours is "
                    f"{slope:.6g}, the interpolant's {slopes[k]:.6g}.")
    return None


def require_interpolant(ctx, xs, ys, *, plot_label=None):
    """Evaluate the student's network on a dense grid; fail with the pieces, kinks and worst error."""
    params = student_network(ctx, xs, ys)
    grid = np.linspace(xs[0], xs[-1], int(ctx.settings.get("grid_points", 4001)))
    grid = np.union1d(grid, xs)
    got = relu_network_forward(params, grid[:, None])[:, 0]
    expected = np.interp(grid, xs, ys)
    if plot_label:
        ctx.add_image(plot_label, fitted_curve(params, title="your network and the knots",
                                               x_range=(float(xs[0]), float(xs[-1])), knots=(xs, ys)))
    error = np.abs(got - expected)
    tolerance = float(ctx.settings.get("max_error", 1e-9)) * max(1.0, float(np.max(np.abs(ys))))
    worst = int(np.argmax(error))
    if error[worst] <= tolerance:
        return params, grid
    yours, wanted = network_kinks(params, xs[0], xs[-1]), knot_kinks(xs, ys)
    lines = [f"Your network differs from the interpolant by up to {error[worst]:.3g} (allowed: {tolerance:.3g}), "
             f"at x = {grid[worst]:.6g}: yours {got[worst]:.10g}, the interpolant {expected[worst]:.10g}.",
             f"  Your network has {pieces(len(yours) + 1)} on [{xs[0]:.4g}, {xs[-1]:.4g}], with kinks at "
             f"x = {format_positions(yours)}.",
             f"  The interpolant has {pieces(len(wanted) + 1)}, with kinks at the knots x = {format_positions(wanted)}."]
    segment = first_wrong_slope(params, xs, ys)
    if segment:
        lines.append(segment)
    diagnosis = diagnose(got, expected, hints={
        "offset": "your network is off by the constant {c} everywhere: check the output bias (f(xs[0]) must be ys[0])"})
    if diagnosis:
        lines.append(f"  Likely cause: {diagnosis.text('your output')}.")
    elif len(yours) == len(wanted) and np.allclose(yours, wanted) and error[worst] < 1e-4 * max(1.0, np.ptp(ys)):
        lines.append("  The kinks are in the right places and the error is tiny: compute in float64.")
    if ctx.visible:
        lines.append(f"  Knots xs = {np.array2string(xs, precision=6, separator=', ')}, "
                     f"ys = {np.array2string(ys, precision=6, separator=', ')}.")
    raise CheckFailed("\n".join(lines))


def random_knots(rng, count, low=-3.0, high=3.0):
    xs = np.sort(rng.uniform(low, high, count))
    while np.min(np.diff(xs)) < 1e-2:
        xs = np.sort(rng.uniform(low, high, count))
    return xs, rng.standard_normal(count)


@check("one hidden layer, at most as many units as points", points=1)
def network_shape(ctx):
    params = student_network(ctx, SIMPLE_XS, SIMPLE_YS)
    return f"For 4 points your network has {params[0][0].shape[1]} hidden units (at most 4)."


@check("equals the interpolant of 4 points", points=2)
def simple_example(ctx):
    require_interpolant(ctx, SIMPLE_XS, SIMPLE_YS, plot_label="your network and the knots (4 points)")
    return "Your network equals the interpolant of (0, 0), (1, 1), (2, 0), (3, 2) to within 1e-9."


@check("equals the interpolant of 8 random points", points=3)
def random_points(ctx):
    xs, ys = random_knots(ctx.rng, 8)
    params, _ = require_interpolant(ctx, xs, ys, plot_label="your network and the knots (8 random points)")
    return f"Exact on 8 random knots, with {params[0][0].shape[1]} hidden units."


@check("hidden: two points, close knots, large values", points=2, visibility="hidden")
def edge_cases(ctx):
    require_interpolant(ctx, np.array([-1.0, 2.5]), np.array([3.0, -1.0]))
    xs = np.array([0.0, 1e-3, 2e-3, 1.0, 1.001])
    require_interpolant(ctx, xs, ctx.rng.standard_normal(len(xs)))
    xs, ys = random_knots(ctx.rng, 6, low=-1000.0, high=1000.0)
    require_interpolant(ctx, xs, ys * 1000.0)
    return "Exact for a single segment, knots 0.001 apart, and values in the thousands."


@check("hidden: 50 random points", points=2, visibility="hidden")
def many_points(ctx):
    xs, ys = random_knots(ctx.rng, 50, low=-10.0, high=10.0)
    require_interpolant(ctx, xs, ys)
    return "Exact on 50 random knots."
