# Clipping in place changes the caller's array.
import numpy as np


def relu(x):
    x[x < 0] = 0
    return x


def relu_grad(x):
    x = np.asarray(x)
    return (x > 0).astype(x.dtype)
