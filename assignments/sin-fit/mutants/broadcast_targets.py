# y is flattened to (N,) while the output is (N, 1): the error broadcasts to (N, N) and the fit collapses.
import numpy as np


def fit_sin(X, y, seed):
    rng = np.random.default_rng(seed)
    y = y.ravel()
    W1 = rng.standard_normal((1, 16))
    b1 = rng.uniform(-np.pi, np.pi, 16) * np.abs(W1[0])
    W2 = rng.standard_normal((16, 1)) * 0.1
    b2 = np.zeros(1)
    for _ in range(300):
        Z = X @ W1 + b1
        H = np.maximum(Z, 0)
        error = (H @ W2 + b2 - y) / len(X)          # (N, 1) - (N,) -> (N, N)
        dout = error.sum(axis=1, keepdims=True) / len(X)
        dH = (dout @ W2.T) * (Z > 0)
        W2 -= 0.02 * H.T @ dout
        b2 -= 0.02 * dout.sum(axis=0)
        W1 -= 0.02 * X.T @ dH
        b1 -= 0.02 * dH.sum(axis=0)
    return [(W1, b1), (W2, b2)]
