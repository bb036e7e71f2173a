# A classic: the mask itself is returned, so the gradient is an array of booleans.
import numpy as np


def relu(x):
    return np.maximum(x, 0)


def relu_grad(x):
    return x >= 0
