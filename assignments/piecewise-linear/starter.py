"""A ReLU network that equals a piecewise linear interpolant exactly. Replace the `raise NotImplementedError`.

A network is [(W1, b1), (W2, b2)]: W1 (1, H), b1 (H,), W2 (H, 1), b2 (1,).
The grader evaluates it as  relu(x @ W1 + b1) @ W2 + b2.
"""

import numpy as np


def interpolant_network(xs, ys):
    """Return a one-hidden-layer ReLU network equal to the linear interpolant of the points.

    xs: (K,) strictly increasing knots; ys: (K,) values. On [xs[0], xs[-1]] the
    network must equal np.interp(x, xs, ys) (to 1e-9), with at most K hidden units.
    No training needed: where must the kinks be, and how much must the slope change at each?
    """
    raise NotImplementedError("interpolant_network is not written yet")
