"""Checks for xor: the student's network is evaluated by the reference forward pass."""

import numpy as np

from assignments.api import CheckFailed, check, format_array, relu_network_forward, require_params
from assignments.plots import decision_regions

CORNERS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR = np.array([0, 1, 1, 0])


def network(ctx, seed, *, max_hidden_units=None):
    """train_xor(seed), called once per seed per grading, checked for shape and finiteness."""
    value = ctx.memo(f"train_xor({seed})", lambda: ctx.student.train_xor(seed))
    return require_params(value, function=f"train_xor({seed})", input_dim=2, output_dim=1,
                          max_hidden_units=max_hidden_units)


def noisy_points(ctx):
    per_corner = int(ctx.settings.get("noisy_points_per_corner", 25))
    noise = float(ctx.settings.get("noise", 0.1))
    X = np.repeat(CORNERS, per_corner, axis=0) + ctx.rng.uniform(-noise, noise, (4 * per_corner, 2))
    return X, np.repeat(XOR, per_corner)


def misclassified(params, X, labels):
    outputs = relu_network_forward(params, X)[:, 0]
    return np.flatnonzero((outputs > 0.5) != labels.astype(bool)), outputs


def describe_errors(X, outputs, wrong, labels, limit=4):
    lines = [f"  at ({X[i, 0]:.3f}, {X[i, 1]:.3f}) your network outputs {outputs[i]:.4g}, but XOR is "
             f"{'true (needs > 0.5)' if labels[i] else 'false (needs <= 0.5)'}" for i in wrong[:limit]]
    if len(wrong) > limit:
        lines.append(f"  ... and {len(wrong) - limit} more")
    return "\n".join(lines)


@check("train_xor returns a network: (W, b) pairs, 2 inputs, 1 output, finite", points=1)
def network_shape(ctx):
    params = network(ctx, ctx.seed)
    sizes = [2] + [W.shape[1] for W, _ in params]
    return f"train_xor({ctx.seed}) returned a network with layer sizes {sizes}."


@check("at most 16 hidden units", points=1)
def unit_limit(ctx):
    limit = int(ctx.settings.get("max_hidden_units", 16))
    params = network(ctx, ctx.seed, max_hidden_units=limit)
    return f"Your network has {sum(W.shape[1] for W, _ in params[:-1])} hidden units (at most {limit})."


@check("the four XOR points", points=3)
def four_points(ctx):
    params = network(ctx, ctx.seed)
    wrong, outputs = misclassified(params, CORNERS, XOR)
    ctx.add_image(f"decision regions of train_xor({ctx.seed})", decision_regions(
        params, CORNERS, XOR, title=f"train_xor({ctx.seed}): red where output > 0.5"))
    if len(params) == 1:
        raise CheckFailed("Your network has no hidden layer: a linear function cannot separate XOR. "
                          "Add a hidden layer of ReLU units.")
    if len(wrong):
        raise CheckFailed(f"train_xor({ctx.seed}) gets {len(wrong)} of the 4 corners wrong:\n"
                          + describe_errors(CORNERS, outputs, wrong, XOR)
                          + f"\n  Outputs at (0,0), (0,1), (1,0), (1,1): {format_array(outputs)}.")
    return f"Outputs at (0,0), (0,1), (1,0), (1,1): {format_array(outputs)}."


@check("noisy points around the corners", points=2)
def noisy_corners(ctx):
    params = network(ctx, ctx.seed)
    X, labels = noisy_points(ctx)
    wrong, outputs = misclassified(params, X, labels)
    noise = float(ctx.settings.get("noise", 0.1))
    if len(wrong):
        corners_right = not len(misclassified(params, CORNERS, XOR)[0])
        why = " (the corners themselves are right: the network has too little margin around them)" \
            if corners_right else ""
        raise CheckFailed(f"{len(wrong)} of {len(X)} points within {noise:g} of a corner are misclassified"
                          f"{why}:\n" + describe_errors(X, outputs, wrong, labels))
    return f"All {len(X)} points within {noise:g} of a corner are classified like their corner."


@check("hidden: more seeds", points=3, visibility="hidden")
def more_seeds(ctx):
    seeds = [int(s) for s in ctx.rng.choice(10_000, size=int(ctx.settings.get("hidden_seeds", 5)), replace=False)]
    X, labels = noisy_points(ctx)
    failing = []
    for seed in seeds:
        params = network(ctx, seed)
        corners, _ = misclassified(params, CORNERS, XOR)
        noisy, _ = misclassified(params, X, labels)
        if len(corners) or len(noisy):
            failing.append(seed)
    if failing:
        raise CheckFailed(f"The network fails for {len(failing)} of {len(seeds)} seeds: "
                          f"{', '.join(f'seed {s}' for s in failing)}. A training loop that works for one "
                          f"lucky seed is not enough: watch for dead ReLU units and the learning rate.",
                          points=0.0)
    return f"The network works for each of {len(seeds)} other seeds."
