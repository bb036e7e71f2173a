"""Checks for two-layer-net, always with parameters the grader sets itself."""

import time

import numpy as np

from assignments.api import CheckFailed, Variant, check, describe_value, relu_network_forward, require_number
from assignments.plots import decision_regions, loss_curve

KEYS = ("W1", "b1", "W2", "b2")


def grader_params(rng, D, H, C, scale=1.0):
    """Parameters with nonzero biases, so that a missing or misplaced bias shows."""
    return {"W1": rng.standard_normal((D, H)) * scale, "b1": rng.standard_normal(H) * 0.5,
            "W2": rng.standard_normal((H, C)) * scale, "b2": rng.standard_normal(C) * 0.5}


def copy_params(params):
    return {k: np.array(v, dtype=np.float64, copy=True) for k, v in params.items()}


def make_nets(ctx, params):
    """The student's net and the reference net, both holding a copy of ``params``."""
    D, H = params["W1"].shape
    C = params["W2"].shape[1]
    net = ctx.student.TwoLayerNet(D, H, C)
    net.params = copy_params(params)
    reference = ctx.reference.TwoLayerNet(D, H, C)
    reference.params = copy_params(params)
    return net, reference


def classification_data(rng, N, D, C):
    return rng.standard_normal((N, D)), rng.integers(0, C, size=N)


def tolerances(ctx):
    return {"rtol": float(ctx.settings.get("rtol", 1e-6)), "atol": float(ctx.settings.get("atol", 1e-9))}


def student_loss(net, X, y, reg):
    result = net.loss(X, y, reg=reg)
    if not isinstance(result, (tuple, list)) or len(result) != 2 or not isinstance(result[1], dict):
        raise CheckFailed(f"loss(X, y, reg) returned {describe_value(result)}; expected a pair (loss, grads) "
                          f"with grads a dict of W1, b1, W2, b2.")
    return result


def loss_variants(params, X, y, reg):
    """Wrong losses students compute, from the reference's pieces."""
    W1, b1, W2, b2 = (params[k] for k in KEYS)
    scores = np.maximum(X @ W1 + b1, 0) @ W2 + b2
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    data = -log_probs[np.arange(len(y)), y]
    weights = np.sum(W1 ** 2) + np.sum(W2 ** 2)
    biases = np.sum(b1 ** 2) + np.sum(b2 ** 2)
    variants = [Variant("the data loss is summed over the samples, not averaged: divide by N",
                        data.sum() + reg * weights)]
    if reg:
        variants += [
            Variant("the regularisation term is missing: add reg * (sum(W1**2) + sum(W2**2))", data.mean()),
            Variant("the regularisation term has an extra factor 0.5: this assignment uses "
                    "reg * (sum(W1**2) + sum(W2**2))", data.mean() + 0.5 * reg * weights),
            Variant("the biases are regularised; only W1 and W2 should be", data.mean() + reg * (weights + biases)),
        ]
    return variants


def grad_variants(params, expected, reg):
    variants = {}
    for key in ("W1", "W2"):
        variants[key] = [Variant(f"d{key} has reg * {key} where the derivative of reg * sum({key}**2) is "
                                 f"2 * reg * {key}", expected[key] - reg * params[key]),
                         Variant(f"the gradient of the regularisation is missing from d{key}: add 2 * reg * {key}",
                                 expected[key] - 2 * reg * params[key])]
    for key in ("b1", "b2"):
        variants[key] = [Variant(f"d{key} includes 2 * reg * {key}: the bias {key} is regularised; only W1 and W2 "
                                 f"should be",
                                 expected[key] + 2 * reg * params[key])]
    return variants


def compare_grads(ctx, grads, expected, params, reg, N):
    missing = [k for k in KEYS if k not in grads]
    if missing:
        raise CheckFailed(f"grads has keys {sorted(map(str, grads))}; it needs {', '.join(KEYS)} "
                          f"(the same keys as self.params). Missing: {', '.join(missing)}.")
    hints = {f"d{k}": {"zero": f"d{k} is all zeros: the gradient of {k} is missing"} for k in KEYS}
    variants = {f"d{k}": v for k, v in grad_variants(params, expected, reg).items()}
    ctx.require_all_close({f"d{k}": grads[k] for k in KEYS}, {f"d{k}": expected[k] for k in KEYS},
                          batch_size=N, variants=variants, hints=hints, what="gradient", **tolerances(ctx))


@check("constructor: params shapes and initialisation", points=1)
def constructor(ctx):
    net = ctx.student.TwoLayerNet(4, 10, 3, std=0.1)
    params = net.params
    if not isinstance(params, dict) or set(KEYS) - set(params):
        raise CheckFailed(f"self.params is {describe_value(params)}; expected a dict with keys {', '.join(KEYS)}.")
    shapes = {"W1": (4, 10), "b1": (10,), "W2": (10, 3), "b2": (3,)}
    for key, shape in shapes.items():
        if np.shape(params[key]) != shape:
            raise CheckFailed(f"TwoLayerNet(4, 10, 3): params['{key}'] has shape {np.shape(params[key])}; "
                              f"expected {shape}.")
    for key in ("b1", "b2"):
        if np.any(np.asarray(params[key]) != 0):
            raise CheckFailed(f"params['{key}'] should start at zero.")
    spread = float(np.std(np.concatenate([np.ravel(params["W1"]), np.ravel(params["W2"])])))
    if not 0.05 < spread < 0.2:
        raise CheckFailed(f"With std=0.1 the weights should have a standard deviation near 0.1; yours have "
                          f"{spread:.3g}. Draw them as std * np.random.randn(...).")
    return "params holds W1, b1, W2, b2 with the right shapes, zero biases and weights scaled by std."


@check("scores with grader-set parameters", points=2)
def scores(ctx):
    params = grader_params(ctx.rng, 4, 6, 5)
    net, reference = make_nets(ctx, params)
    X = ctx.rng.standard_normal((7, 4))
    expected = reference.loss(X)
    probabilities = np.exp(expected - expected.max(axis=1, keepdims=True))
    probabilities /= probabilities.sum(axis=1, keepdims=True)
    hidden_linear = (X @ params["W1"] + params["b1"]) @ params["W2"] + params["b2"]
    ctx.require_close("scores", net.loss(X), expected, inputs={"X": X}, **tolerances(ctx),
                      hints={"relu": "your scores have ReLU applied to the output layer; the scores are linear"},
                      variants=[Variant("loss(X) returns softmax probabilities; return the raw scores", probabilities),
                                Variant("your forward pass has no ReLU on the hidden layer", hidden_linear),
                                Variant("your forward pass leaves out the biases",
                                        np.maximum(X @ params["W1"], 0) @ params["W2"])])
    return "loss(X) returns the scores X -> ReLU(X W1 + b1) W2 + b2 for 5 classes and nonzero biases."


@check("softmax loss, with and without regularisation", points=2)
def softmax_loss(ctx):
    params = grader_params(ctx.rng, 5, 7, 4)
    X, y = classification_data(ctx.rng, 8, 5, 4)
    for reg in (0.0, 0.05):
        net, reference = make_nets(ctx, params)
        loss, _ = student_loss(net, X, y, reg)
        expected, _ = reference.loss(X, y, reg=reg)
        ctx.require_scalar(f"loss with reg={reg:g}", loss, expected, batch_size=len(y), inputs={"X": X, "y": y},
                           variants=loss_variants(params, X, y, reg), **tolerances(ctx))
    return "The loss is the mean cross-entropy plus reg * (sum(W1**2) + sum(W2**2))."


@check("gradients", points=3)
def gradients(ctx):
    params = grader_params(ctx.rng, 5, 7, 4)
    X, y = classification_data(ctx.rng, 9, 5, 4)
    for reg in (0.0, 0.05):
        net, reference = make_nets(ctx, params)
        _, grads = student_loss(net, X, y, reg)
        _, expected = reference.loss(X, y, reg=reg)
        compare_grads(ctx, grads, expected, params, reg, len(y))
    return "dW1, db1, dW2, db2 match the reference, with and without regularisation."


@check("numerically stable softmax: scores offset by 1000", points=1)
def stable_softmax(ctx):
    params = grader_params(ctx.rng, 3, 5, 4)
    params["b2"] = params["b2"] + 1000.0
    X, y = classification_data(ctx.rng, 6, 3, 4)
    net, reference = make_nets(ctx, params)
    loss, grads = student_loss(net, X, y, 0.0)
    expected, expected_grads = reference.loss(X, y, reg=0.0)
    value = require_number("loss", loss)
    if not np.isfinite(value):
        raise CheckFailed(f"With every score offset by 1000 your loss is {value}: np.exp(1000) overflows. "
                          f"Subtract each row's maximum score before exponentiating; the softmax does not change.")
    ctx.require_scalar("loss with scores offset by 1000", value, expected, **tolerances(ctx))
    compare_grads(ctx, grads, expected_grads, params, 0.0, len(y))
    return "Large scores do not overflow: the softmax subtracts the row maximum."


@check("predict", points=1)
def predict(ctx):
    params = grader_params(ctx.rng, 4, 6, 5)
    net, reference = make_nets(ctx, params)
    X = ctx.rng.standard_normal((12, 4))
    got, expected = net.predict(X), reference.predict(X)
    ctx.require_close("predict(X)", got, expected, rtol=0, atol=0, inputs={"X": X}, variants=[
        Variant("predict returns the largest score itself; return its index (np.argmax(scores, axis=1))",
                reference.loss(X).max(axis=1))])
    if not np.issubdtype(np.asarray(got).dtype, np.integer):
        raise CheckFailed(f"predict(X) has dtype {np.asarray(got).dtype}; labels are integers "
                          f"(np.argmax returns them).")
    return "predict returns the index of the largest score for each row."


@check("train on fewer samples than the batch size", points=2)
def train_small(ctx):
    params = grader_params(ctx.rng, 3, 6, 3, scale=0.5)
    X, y = classification_data(ctx.rng, 30, 3, 3)
    X_val, y_val = classification_data(ctx.rng, 10, 3, 3)
    net, reference = make_nets(ctx, params)
    options = dict(learning_rate=0.5, learning_rate_decay=1.0, reg=1e-3, num_iters=15, batch_size=200)
    history = net.train(X, y, X_val, y_val, **options)
    expected = reference.train(X, y, X_val, y_val, **options)
    if not isinstance(history, dict) or "loss_history" not in history:
        raise CheckFailed(f"train returned {describe_value(history)}; expected a dict with loss_history, "
                          f"train_acc_history and val_acc_history.")
    ctx.require_close("loss_history", history["loss_history"], expected["loss_history"], rtol=1e-6, atol=1e-9,
                      variants=[Variant("loss_history holds the losses after each update; record the loss "
                                        "before updating", expected["loss_history"][1:] + [np.nan])])
    after = net.params
    ctx.require_all_close({k: after[k] for k in KEYS}, reference.params, what="trained parameter",
                          rtol=1e-6, atol=1e-9)
    return ("With 30 samples and batch_size=200 every iteration uses the whole training set, and 15 "
            "iterations of gradient descent match the reference step by step.")


def spiral(rng, per_class, classes=3, noise=0.2):
    """Interleaved spiral arms: no linear classifier separates them."""
    X, y = [], []
    for label in range(classes):
        radius = np.linspace(0.0, 1.0, per_class)
        angle = np.linspace(label * 4, (label + 1) * 4, per_class) + rng.standard_normal(per_class) * noise
        X.append(np.column_stack([radius * np.sin(angle), radius * np.cos(angle)]))
        y.append(np.full(per_class, label))
    return np.concatenate(X), np.concatenate(y)


@check("spiral data set: validation accuracy in time", points=2, tags=("performance",))
def spiral_accuracy(ctx):
    settings = ctx.settings
    hidden = int(settings.get("spiral_hidden", 100))
    X, y = spiral(ctx.rng, 100)
    X_val, y_val = spiral(ctx.rng, 50)
    params = {"W1": ctx.rng.standard_normal((2, hidden)) * 2, "b1": ctx.rng.standard_normal(hidden) * 0.1,
              "W2": ctx.rng.standard_normal((hidden, 3)) * 0.1, "b2": np.zeros(3)}
    net = ctx.student.TwoLayerNet(2, hidden, 3)
    net.params = copy_params(params)
    started = time.perf_counter()
    history = net.train(X, y, X_val, y_val, learning_rate=float(settings.get("spiral_learning_rate", 1.0)),
                        learning_rate_decay=1.0, reg=float(settings.get("spiral_reg", 1e-3)),
                        num_iters=int(settings.get("spiral_iters", 800)), batch_size=len(y))
    elapsed = time.perf_counter() - started
    trained = net.params
    stacked = [(np.asarray(trained["W1"], dtype=float), np.asarray(trained["b1"], dtype=float)),
               (np.asarray(trained["W2"], dtype=float), np.asarray(trained["b2"], dtype=float))]
    if isinstance(history, dict) and history.get("loss_history"):
        ctx.add_image("training loss on the spiral", loss_curve(
            history["loss_history"], title="training loss (spiral)",
            accuracies={k: history.get(k, []) for k in ("train_acc_history", "val_acc_history")}))
    predictions = np.argmax(relu_network_forward(stacked, X_val), axis=1)
    accuracy = float(np.mean(predictions == y_val))
    ctx.add_image("decision regions on the spiral", decision_regions(
        stacked, X_val, y_val, title=f"your trained network: validation accuracy {accuracy:.1%}",
        threshold=None, padding=0.2, resolution=150))
    ctx.leaderboard("spiral validation accuracy", accuracy, order="desc")
    minimum, limit = float(settings.get("spiral_min_accuracy", 0.9)), float(settings.get("spiral_time_s", 10.0))
    if accuracy < minimum:
        raise CheckFailed(f"After training, your network classifies {accuracy:.1%} of the validation spiral "
                          f"correctly; at least {minimum:.0%} is needed. Check train's updates (params -= "
                          f"learning_rate * grads) and that the whole set is used when batch_size >= N.")
    if elapsed > limit:
        raise CheckFailed(f"train took {elapsed:.1f} s on 300 samples (limit {limit:g} s): vectorise the "
                          f"forward and backward passes instead of looping over samples.")
    return f"Validation accuracy {accuracy:.1%} on the spiral after {elapsed:.2f} s of training."


@check("hidden: ten classes and a batch of one", points=1, visibility="hidden")
def hidden_many_classes(ctx):
    params = grader_params(ctx.rng, 6, 8, 10)
    for N in (1, 13):
        X, y = classification_data(ctx.rng, N, 6, 10)
        net, reference = make_nets(ctx, params)
        loss, grads = student_loss(net, X, y, 0.01)
        expected, expected_grads = reference.loss(X, y, reg=0.01)
        ctx.require_scalar(f"loss for N={N}", loss, expected, batch_size=N, **tolerances(ctx))
        compare_grads(ctx, grads, expected_grads, params, 0.01, N)
    return "Loss and gradients are right for 10 classes, with N = 1 and N = 13."
