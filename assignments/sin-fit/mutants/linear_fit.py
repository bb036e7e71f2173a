# One hidden unit whose kink lies outside [-pi, pi]: the network is a straight line.
import numpy as np


def fit_sin(X, y, seed):
    x = X[:, 0]
    slope, intercept = np.polyfit(x, y[:, 0], 1)
    W1, b1 = np.array([[1.0]]), np.array([10.0])
    W2, b2 = np.array([[slope]]), np.array([intercept - 10.0 * slope])
    return [(W1, b1), (W2, b2)]
