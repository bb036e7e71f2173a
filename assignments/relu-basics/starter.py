"""ReLU and its gradient. Replace each `raise NotImplementedError` with your code.

Use NumPy's vectorised operations: a Python loop over the elements is correct
but far too slow for training networks (and loses the performance points).
"""

import numpy as np


def relu(x):
    """Return max(0, x) elementwise.

    x: a NumPy array of any shape (or a scalar).
    Returns an array of the same shape and dtype; x itself is not modified.
    """
    raise NotImplementedError("relu is not written yet")


def relu_grad(x):
    """Return the derivative of relu at x, elementwise: 1 where x > 0, 0 where x < 0.

    At exactly 0 either 0 or 1 is accepted. Same shape and dtype as x.
    """
    raise NotImplementedError("relu_grad is not written yet")
