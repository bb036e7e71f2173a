# Correct, but a Python loop over every element: far too slow for training.
import numpy as np


def relu(x):
    x = np.asarray(x)
    out = np.empty_like(x)
    flat_in, flat_out = x.reshape(-1), out.reshape(-1)
    for i in range(flat_in.size):
        value = flat_in[i]
        flat_out[i] = value if value > 0 or value != value else 0
    return out


def relu_grad(x):
    x = np.asarray(x)
    out = np.empty_like(x)
    flat_in, flat_out = x.reshape(-1), out.reshape(-1)
    for i in range(flat_in.size):
        flat_out[i] = 1 if flat_in[i] > 0 else 0
    return out
