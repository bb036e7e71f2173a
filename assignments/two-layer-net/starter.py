"""A two-layer network classifier. Replace each `raise NotImplementedError` with your code.

Architecture: input -> fully connected (W1, b1) -> ReLU -> fully connected (W2, b2) -> softmax.
Shapes: X is (N, D), y is (N,) of integer labels in 0..C-1; W1 (D, H), b1 (H,), W2 (H, C), b2 (C,).
"""

import numpy as np


class TwoLayerNet:
    def __init__(self, input_size, hidden_size, output_size, std=1e-4):
        """Store W1, b1, W2, b2 in the dict self.params: weights drawn from N(0, std^2), biases zero."""
        raise NotImplementedError("__init__ is not written yet")

    def loss(self, X, y=None, reg=0.0):
        """If y is None return the scores, an (N, C) array.

        Otherwise return (loss, grads): loss is the mean softmax cross-entropy plus
        reg * (sum(W1**2) + sum(W2**2)); grads is a dict with the same keys as self.params.
        """
        raise NotImplementedError("loss is not written yet")

    def train(self, X, y, X_val, y_val, learning_rate=1e-3, learning_rate_decay=0.95, reg=5e-6,
              num_iters=100, batch_size=200, verbose=False):
        """Train with (minibatch) gradient descent; see the statement for the details.

        Returns {"loss_history": [...], "train_acc_history": [...], "val_acc_history": [...]}.
        """
        raise NotImplementedError("train is not written yet")

    def predict(self, X):
        """Return the predicted label of each row of X: an integer array of shape (N,)."""
        raise NotImplementedError("predict is not written yet")
