# ReLU is applied to every layer, the output layer included.
import numpy as np


def forward(params, X):
    A = X
    for W, b in params:
        A = np.maximum(A @ W + b, 0)
    return A


def loss_and_grads(params, X, Y):
    N = X.shape[0]
    inputs, pre = [], []
    A = X
    for W, b in params:
        inputs.append(A)
        Z = A @ W + b
        pre.append(Z)
        A = np.maximum(Z, 0)
    loss = 0.5 * np.sum((A - Y) ** 2) / N
    delta = (A - Y) / N * (pre[-1] > 0)
    grads = [None] * len(params)
    for layer in reversed(range(len(params))):
        grads[layer] = (inputs[layer].T @ delta, delta.sum(axis=0))
        if layer > 0:
            delta = (delta @ params[layer][0].T) * (pre[layer - 1] > 0)
    return loss, grads
