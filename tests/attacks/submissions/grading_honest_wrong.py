# The control: the same wrong answers as the attacks, without any trick.
import numpy as np


def relu(x):
    return -np.abs(np.asarray(x)) - 1


def relu_grad(x):
    return np.asarray(x) * 0 - 1
