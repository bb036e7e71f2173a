# The gradient mask is reversed.
import numpy as np


def relu(x):
    return np.maximum(x, 0)


def relu_grad(x):
    x = np.asarray(x)
    return (x < 0).astype(x.dtype)
