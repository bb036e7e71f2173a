# Returns far more data than asked for.
import numpy as np


def relu(x):
    return np.zeros(4_000_000)
