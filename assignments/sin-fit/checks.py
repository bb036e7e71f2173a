"""Checks for sin-fit: the student's network, evaluated by the reference forward pass, against sin."""

import time

import numpy as np

from assignments.api import CheckFailed, Partial, check, network_kinks, relu_network_forward, require_params
from assignments.plots import fitted_curve


def samples(ctx, rng):
    n, noise = int(ctx.settings.get("samples", 200)), float(ctx.settings.get("noise", 0.03))
    X = np.sort(rng.uniform(-np.pi, np.pi, (n, 1)), axis=0)
    return X, np.sin(X) + rng.normal(0.0, noise, X.shape)


def fit(ctx, X, y, seed):
    """fit_sin(X, y, seed) and how long it took (once per grading per data set)."""
    def run():
        started = time.perf_counter()
        value = ctx.student.fit_sin(X, y, seed)
        return value, time.perf_counter() - started
    return ctx.memo(f"fit_sin(seed={seed}, n={len(X)})", run)


def visible_fit(ctx):
    """The fit on the visible data set: drawn from the grading seed, the same for every check."""
    X, y = samples(ctx, np.random.default_rng([ctx.seed, 1]))
    return X, y, fit(ctx, X, y, ctx.seed)


def network(ctx, value, seed):
    return require_params(value, function=f"fit_sin(X, y, {seed})", input_dim=1, output_dim=1, hidden_layers=1,
                          max_hidden_units=int(ctx.settings.get("max_hidden_units", 32)))


def grid_error(ctx, params):
    grid = np.linspace(-np.pi, np.pi, int(ctx.settings.get("grid_points", 2001)))[:, None]
    error = relu_network_forward(params, grid) - np.sin(grid)
    worst = int(np.argmax(np.abs(error)))
    return float(np.mean(error ** 2)), float(grid[worst, 0]), float(error[worst, 0])


def tier(ctx, mse):
    """The fraction of points earned for ``mse`` and the tiers, as text."""
    tiers = [(float(limit), float(fraction)) for limit, fraction in ctx.settings.get(
        "mse_tiers", [[1e-3, 1.0], [3e-3, 0.75], [1e-2, 0.5], [3e-2, 0.25]])]
    table = ", ".join(f"<= {limit:g}: {fraction:.0%}" for limit, fraction in tiers)
    for limit, fraction in tiers:
        if mse <= limit:
            return fraction, table
    return 0.0, table


def shape_advice(params):
    """Why the fit is poor, read off the network's shape."""
    grid = np.linspace(-np.pi, np.pi, 401)[:, None]
    output = relu_network_forward(params, grid)[:, 0]
    kinks = network_kinks(params, -np.pi, np.pi)
    if np.std(output) < 0.05:
        return (f" Your network's output is nearly constant (about {np.mean(output):.3f}): training did not "
                f"follow the curve. A common cause: y has shape (N, 1), and subtracting an (N,) array from the "
                f"(N, 1) output broadcasts to an (N, N) error.")
    if len(kinks) == 0:
        return " Your network has no kink inside [-pi, pi], so it is a straight line there: place the kinks inside."
    return (f" Your network has {len(kinks)} kinks inside [-pi, pi]. Train longer or with a better learning "
            f"rate, or place the kinks yourself and solve for the output layer: kinks spread over [-pi, pi] "
            f"let the line bend with the curve.")


@check("one hidden layer of at most 32 ReLU units", points=1)
def network_shape(ctx):
    _, _, (value, _) = visible_fit(ctx)
    params = network(ctx, value, ctx.seed)
    return f"Your network has one hidden layer of {params[0][0].shape[1]} units."


@check("mean squared error against sin(x) on [-pi, pi]", points=6)
def mean_squared_error(ctx):
    X, y, (value, _) = visible_fit(ctx)
    params = network(ctx, value, ctx.seed)
    mse, where, error = grid_error(ctx, params)
    ctx.add_image("your network against sin(x)", fitted_curve(
        params, title=f"fit_sin: MSE {mse:.2e}", x_range=(-np.pi, np.pi), target=np.sin,
        target_label="sin(x)", samples=(X, y)))
    ctx.leaderboard("mean squared error against sin", mse, order="asc")
    fraction, table = tier(ctx, mse)
    summary = (f"Mean squared error {mse:.3g} on a grid of {int(ctx.settings.get('grid_points', 2001))} points; "
               f"the largest error is {abs(error):.3g} at x = {where:.3f}. Tiers: {table}.")
    if fraction == 1.0:
        return summary
    advice = shape_advice(params)
    if fraction == 0.0:
        raise CheckFailed(summary + advice)
    return Partial(6 * fraction, summary + advice)


def require_some_fit(ctx, value):
    """The network is allowed and its error earns at least the lowest tier (a gate before timing it)."""
    mse, _, _ = grid_error(ctx, network(ctx, value, ctx.seed))
    fraction, table = tier(ctx, mse)
    if fraction == 0.0:
        raise CheckFailed(f"Its mean squared error {mse:.3g} earns no points (tiers: {table}).")


@check("fit_sin returns in time", points=1, tags=("performance",))
def time_limit(ctx):
    _, _, (value, elapsed) = visible_fit(ctx)
    ctx.require_correct_with("fit_sin", lambda: require_some_fit(ctx, value), graded="its running time")
    limit = float(ctx.settings.get("time_limit_s", 5.0))
    if elapsed > limit:
        raise CheckFailed(f"fit_sin took {elapsed:.1f} s (limit {limit:g} s): vectorise the training loop "
                          f"(whole-batch matrix products) or use fewer iterations.")
    return f"fit_sin took {elapsed:.2f} s (limit {limit:g} s)."


@check("hidden: another data set and seed", points=2, visibility="hidden")
def another_data_set(ctx):
    seed = int(ctx.rng.integers(1, 10_000))
    X, y = samples(ctx, ctx.rng)
    value, _ = fit(ctx, X, y, seed)
    mse, _, _ = grid_error(ctx, network(ctx, value, seed))
    fraction, table = tier(ctx, mse)
    message = f"Mean squared error {mse:.3g} for another sample of the data and seed {seed}. Tiers: {table}."
    if fraction == 0.0:
        raise CheckFailed(message)
    return Partial(2 * fraction, message) if fraction < 1.0 else message
