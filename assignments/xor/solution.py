"""Reference solution: train a small ReLU network on XOR, robustly for any seed."""

import numpy as np

CORNERS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
TARGETS = np.array([[0.0], [1.0], [1.0], [0.0]])


def train_xor(seed):
    """Return [(W1, b1), (W2, b2)]: 8 hidden ReLU units trained by gradient descent on jittered corners.

    Training on points jittered around the corners keeps the network's answer
    right near them too, not only at them.
    """
    rng = np.random.default_rng(seed)
    hidden = 8
    W1 = rng.standard_normal((2, hidden)) * np.sqrt(2.0 / 2)
    b1 = rng.uniform(0.0, 0.5, hidden)  # a small positive bias keeps every unit alive at the start
    W2 = rng.standard_normal((hidden, 1)) * np.sqrt(1.0 / hidden)
    b2 = np.zeros(1)
    learning_rate = 0.1
    for _ in range(2500):
        X = np.repeat(CORNERS, 16, axis=0) + rng.uniform(-0.15, 0.15, (64, 2))
        Y = np.repeat(TARGETS, 16, axis=0)
        Z1 = X @ W1 + b1
        H = np.maximum(Z1, 0)
        error = (H @ W2 + b2 - Y) / len(X)
        dH = (error @ W2.T) * (Z1 > 0)
        W2 -= learning_rate * H.T @ error
        b2 -= learning_rate * error.sum(axis=0)
        W1 -= learning_rate * X.T @ dH
        b1 -= learning_rate * dH.sum(axis=0)
    return [(W1, b1), (W2, b2)]
