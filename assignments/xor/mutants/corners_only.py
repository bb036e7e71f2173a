# Right at the four corners, but with almost no margin: points near the corners fall on the wrong side.
import numpy as np


def train_xor(seed):
    W1 = np.array([[1.0, 1.0], [1.0, 1.0]])
    b1 = np.array([0.0, -1.0])
    W2 = np.array([[0.55], [-1.1]])
    b2 = np.array([0.0])
    return [(W1, b1), (W2, b2)]
