"""Forward and backward passes of a ReLU network. Replace each `raise NotImplementedError`.

A network is a list of (W, b) pairs: W of shape (d_in, d_out), b of shape (d_out,).
Data is row-major: X has one sample per row, shape (N, d_in).
Hidden layers apply ReLU; the last layer is linear.
"""

import numpy as np


def forward(params, X):
    """Return Yhat, the network's output for X: an array of shape (N, d_out)."""
    raise NotImplementedError("forward is not written yet")


def loss_and_grads(params, X, Y):
    """Return (loss, grads).

    loss = 0.5 * sum((Yhat - Y)**2) / N, a float.
    grads: a list of (dW, db) pairs shaped like params: the gradient of the loss.
    Do not modify params, X or Y.
    """
    raise NotImplementedError("loss_and_grads is not written yet")
