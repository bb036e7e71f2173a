# No hidden layer: least squares on the four corners. A line cannot separate XOR.
import numpy as np


def train_xor(seed):
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    Y = np.array([[0.0], [1.0], [1.0], [0.0]])
    A = np.hstack([X, np.ones((4, 1))])
    coef, *_ = np.linalg.lstsq(A, Y, rcond=None)
    return [(coef[:2], coef[2])]
