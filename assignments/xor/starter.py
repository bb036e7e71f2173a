"""XOR with a ReLU network. Replace the `raise NotImplementedError` with your code.

A network is a list of (W, b) pairs: W of shape (d_in, d_out), b of shape (d_out,).
Hidden layers apply ReLU, the last layer is linear. The grader evaluates your
network itself: output > 0.5 means "XOR is true".
"""

import numpy as np

CORNERS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
TARGETS = np.array([[0.0], [1.0], [1.0], [0.0]])


def train_xor(seed):
    """Return the parameters [(W1, b1), (W2, b2), ...] of a network that computes XOR.

    Use `seed` for every random choice (np.random.default_rng(seed)); your
    function must work for every seed, not one lucky one. At most 16 hidden units.
    """
    raise NotImplementedError("train_xor is not written yet")
