# Plain gradient descent, stopped after too few iterations: the fit is rough.
import numpy as np


def fit_sin(X, y, seed):
    rng = np.random.default_rng(seed)
    hidden = 32
    W1 = rng.standard_normal((1, hidden))
    b1 = rng.uniform(-np.pi, np.pi, hidden) * np.abs(W1[0])
    W2 = rng.standard_normal((hidden, 1)) * 0.1
    b2 = np.zeros(1)
    for _ in range(ITERATIONS):
        Z = X @ W1 + b1
        H = np.maximum(Z, 0)
        error = (H @ W2 + b2 - y) / len(X)
        dH = (error @ W2.T) * (Z > 0)
        W2 -= 0.02 * H.T @ error
        b2 -= 0.02 * error.sum(axis=0)
        W1 -= 0.02 * X.T @ dH
        b1 -= 0.02 * dH.sum(axis=0)
    return [(W1, b1), (W2, b2)]


ITERATIONS = 500
