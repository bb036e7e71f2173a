"""Checks for mlp-backprop: forward pass, loss, gradients, a gradient check, params untouched."""

import numpy as np

from assignments.api import CheckFailed, Variant, check, describe_value, params_by_name, require_number


def random_network(rng, sizes):
    """He-initialised weights and nonzero biases, so that a missing bias shows."""
    return [(rng.standard_normal((d_in, d_out)) * np.sqrt(2.0 / d_in), rng.standard_normal(d_out) * 0.5)
            for d_in, d_out in zip(sizes[:-1], sizes[1:])]


def random_problem(rng, sizes, n):
    params = random_network(rng, sizes)
    return params, rng.standard_normal((n, sizes[0])), rng.standard_normal((n, sizes[-1]))


def tolerances(ctx):
    return {"rtol": float(ctx.settings.get("rtol", 1e-6)), "atol": float(ctx.settings.get("atol", 1e-9))}


def forward_variants(params, X):
    """Wrong forward passes students write, computed from the reference."""
    def run(relu_hidden=True, bias=True):
        A = X
        for layer, (W, b) in enumerate(params):
            A = A @ W + (b if bias else 0)
            if relu_hidden and layer < len(params) - 1:
                A = np.maximum(A, 0)
        return A
    variants = [Variant("your forward pass leaves out the biases", run(bias=False))]
    if len(params) > 1:
        variants.append(Variant("your forward pass applies no ReLU on the hidden layers", run(relu_hidden=False)))
    return variants


FORWARD_HINTS = {"relu": "your forward pass applies ReLU to the output layer; the last layer must be linear"}


def require_forward(ctx, params, X, label):
    expected = ctx.reference.forward(params, X)
    try:
        ctx.require_close("Yhat", ctx.student.forward(params, X), expected, inputs={"X": X},
                          variants=forward_variants(params, X), hints=FORWARD_HINTS, **tolerances(ctx))
    except CheckFailed as failure:
        raise CheckFailed(f"Yhat = forward(params, X) for {label}:\n{failure.message}") from None


def student_loss_and_grads(ctx, params, X, Y):
    """Call loss_and_grads and check the shape of what comes back."""
    result = ctx.student.loss_and_grads(params, X, Y)
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise CheckFailed(f"loss_and_grads returned {describe_value(result)}; expected a pair (loss, grads).")
    loss, grads = result
    if not isinstance(grads, (list, tuple)) or len(grads) != len(params):
        raise CheckFailed(f"loss_and_grads returned grads as {describe_value(grads)}; expected a list of "
                          f"{len(params)} (dW, db) pairs, one per layer, like params.")
    return loss, grads


def masked_grads(params, X, Y):
    """The gradients of a backward pass that forgets the ReLU derivative."""
    N = X.shape[0]
    inputs, A = [], X
    for layer, (W, b) in enumerate(params):
        inputs.append(A)
        A = A @ W + b
        A = np.maximum(A, 0) if layer < len(params) - 1 else A
    delta, grads = (A - Y) / N, [None] * len(params)
    for layer in reversed(range(len(params))):
        grads[layer] = (inputs[layer].T @ delta, delta.sum(axis=0))
        delta = delta @ params[layer][0].T
    return grads


def grad_options(params, X, Y):
    names = params_by_name(params, prefix="d")
    ignore_mask = params_by_name(masked_grads(params, X, Y), prefix="d")
    variants = {name: [Variant(f"{name} ignores the ReLU derivative: multiply the backpropagated error by "
                               f"(Z > 0), Z being the hidden layer's pre-activation", ignore_mask[name])]
                for name in names}
    hints = {name: {"zero": f"{name} is all zeros: the bias gradient is missing (sum the error over the batch)"}
             for name in names if name.startswith("db")}
    return {"variants": variants, "hints": hints, "batch_size": X.shape[0], "what": "gradient"}


def require_loss_and_grads(ctx, params, X, Y):
    """The student's loss and gradients against the reference, each bug named."""
    loss, grads = student_loss_and_grads(ctx, params, X, Y)
    expected_loss, expected_grads = ctx.reference.loss_and_grads(params, X, Y)
    ctx.require_scalar("loss", loss, expected_loss, batch_size=X.shape[0], **tolerances(ctx))
    ctx.require_all_close(params_by_name(grads, "d"), params_by_name(expected_grads, "d"),
                          **grad_options(params, X, Y), **tolerances(ctx))


@check("forward: one linear layer", points=1)
def forward_single_layer(ctx):
    params, X, _ = random_problem(ctx.rng, [3, 2], 5)
    require_forward(ctx, params, X, "one layer (3 -> 2)")
    return "A single layer is computed as X @ W + b, without ReLU."


@check("forward: random architectures", points=2)
def forward_architectures(ctx):
    for sizes, n in (([3, 5, 2], 7), ([4, 8, 8, 1], 16), ([2, 6, 6, 6, 3], 9)):
        params, X, _ = random_problem(ctx.rng, sizes, n)
        require_forward(ctx, params, X, f"layer sizes {sizes} and N={n}")
    return "forward matches the reference with 1 to 4 hidden layers of several widths."


@check("forward and loss_and_grads on a batch of one", points=1)
def batch_of_one(ctx):
    params, X, Y = random_problem(ctx.rng, [3, 4, 2], 1)
    require_forward(ctx, params, X, "a batch of one sample")
    require_loss_and_grads(ctx, params, X, Y)
    return "With N = 1 the output, loss and gradients are right (no accidental squeeze of the batch axis)."


@check("loss", points=2)
def loss_value(ctx):
    for sizes, n in (([3, 5, 3], 6), ([2, 4, 4, 2], 10)):
        params, X, Y = random_problem(ctx.rng, sizes, n)
        loss, _ = student_loss_and_grads(ctx, params, X, Y)
        expected, _ = ctx.reference.loss_and_grads(params, X, Y)
        Yhat = ctx.reference.forward(params, X)
        ctx.require_scalar("loss", loss, expected, batch_size=n, inputs={"X": X, "Y": Y}, variants=[
            Variant("the loss averages over all N * d_out entries (np.mean); divide the sum by N only",
                    0.5 * np.mean((Yhat - Y) ** 2)),
            Variant("the loss has no square root: loss = 0.5 * sum((Yhat - Y)**2) / N",
                    0.5 * np.sqrt(np.sum((Yhat - Y) ** 2)) / n)], **tolerances(ctx))
    return "loss = 0.5 * sum((Yhat - Y)**2) / N, as specified."


@check("gradients against the reference", points=3)
def gradients(ctx):
    for sizes, n in (([3, 5, 2], 6), ([4, 6, 5, 3], 8), ([2, 3, 3, 3, 1], 5)):
        params, X, Y = random_problem(ctx.rng, sizes, n)
        _, grads = student_loss_and_grads(ctx, params, X, Y)
        _, expected = ctx.reference.loss_and_grads(params, X, Y)
        ctx.require_all_close(params_by_name(grads, "d"), params_by_name(expected, "d"),
                              **grad_options(params, X, Y), **tolerances(ctx))
    return "Every dW and db matches the reference for networks of 1 to 3 hidden layers."


@check("gradient check: your gradients agree with central differences of your loss", points=2)
def gradient_check(ctx, h=1e-5):
    for _ in range(100):  # draw until no pre-activation sits within reach of a kink
        params, X, Y = random_problem(ctx.rng, [3, 4, 2], 5)
        hidden = X @ params[0][0] + params[0][1]
        if np.min(np.abs(hidden)) > 1e-2:
            break
    _, grads = student_loss_and_grads(ctx, params, X, Y)
    numerical = {}
    for layer, pair in enumerate(params):
        for slot, label in ((0, "dW"), (1, "db")):
            value = pair[slot]
            estimate = np.zeros_like(value)
            for index in np.ndindex(value.shape):
                losses = []
                for step in (h, -h):
                    shifted = [(W.copy(), b.copy()) for W, b in params]
                    shifted[layer][slot][index] += step
                    loss, _ = student_loss_and_grads(ctx, shifted, X, Y)
                    losses.append(require_number("loss", loss))
                estimate[index] = (losses[0] - losses[1]) / (2 * h)
            numerical[f"{label}{layer + 1}"] = estimate
    ctx.require_all_close(params_by_name(grads, "d"), numerical, rtol=1e-4, atol=1e-7, batch_size=5,
                          what="gradient", against="central differences of your own loss")
    return "Each gradient entry agrees with (loss(p + h) - loss(p - h)) / 2h of your own loss."


@check("params, X and Y are not modified", points=1)
def inputs_untouched(ctx):
    params, X, Y = random_problem(ctx.rng, [3, 5, 2], 4)
    graded = "whether it leaves its arguments unchanged"
    ctx.require_correct_with("forward", lambda: require_forward(ctx, params, X, "layer sizes [3, 5, 2]"),
                             graded=graded)
    ctx.require_correct_with("loss_and_grads", lambda: require_loss_and_grads(ctx, params, X, Y), graded=graded)
    advice = "work on new arrays (e.g. A = A @ W + b, not A += ...) and leave the caller's data alone."
    ctx.require_unmodified("forward", (params, X), names=("params", "X"), advice=advice)
    ctx.require_unmodified("loss_and_grads", (params, X, Y), names=("params", "X", "Y"), advice=advice)
    return "forward and loss_and_grads leave their arguments unchanged."


@check("hidden: deep, narrow and wide networks", points=2, visibility="hidden")
def hidden_architectures(ctx):
    for sizes, n in (([1, 3, 3, 3, 3, 1], 11), ([10, 64, 5], 33)):
        params, X, Y = random_problem(ctx.rng, sizes, n)
        require_forward(ctx, params, X, f"layer sizes {sizes}")
        require_loss_and_grads(ctx, params, X, Y)
    return "Forward, loss and gradients are right for a deep narrow and a wide network."
