# Weights stored as (d_out, d_in), the column-major habit.
import numpy as np


def train_xor(seed):
    W1 = np.array([[1.0, 1.0], [1.0, 1.0]])
    b1 = np.array([0.0, -1.0])
    W2 = np.array([[1.0, -2.0]])
    b2 = np.array([0.0])
    return [(W1.T.copy(), b1), (W2, b2)]
