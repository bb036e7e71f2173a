"""Reference solution: a two-layer ReLU network with a softmax loss, trained by gradient descent."""

import numpy as np


class TwoLayerNet:
    """input -> fully connected -> ReLU -> fully connected -> softmax."""

    def __init__(self, input_size, hidden_size, output_size, std=1e-4):
        rng = np.random.default_rng(0)
        self.params = {
            "W1": std * rng.standard_normal((input_size, hidden_size)),
            "b1": np.zeros(hidden_size),
            "W2": std * rng.standard_normal((hidden_size, output_size)),
            "b2": np.zeros(output_size),
        }

    def loss(self, X, y=None, reg=0.0):
        """Scores (N, C) when y is None; else (loss, grads) for the softmax loss plus L2 on W1, W2."""
        W1, b1, W2, b2 = (self.params[k] for k in ("W1", "b1", "W2", "b2"))
        N = X.shape[0]
        hidden_in = X @ W1 + b1
        hidden = np.maximum(hidden_in, 0)
        scores = hidden @ W2 + b2
        if y is None:
            return scores
        shifted = scores - scores.max(axis=1, keepdims=True)  # softmax is shift-invariant; exp cannot overflow
        log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        loss = -log_probs[np.arange(N), y].mean() + reg * (np.sum(W1 * W1) + np.sum(W2 * W2))
        dscores = np.exp(log_probs)
        dscores[np.arange(N), y] -= 1
        dscores /= N
        dhidden = (dscores @ W2.T) * (hidden_in > 0)
        grads = {
            "W2": hidden.T @ dscores + 2 * reg * W2,
            "b2": dscores.sum(axis=0),
            "W1": X.T @ dhidden + 2 * reg * W1,
            "b1": dhidden.sum(axis=0),
        }
        return float(loss), grads

    def train(self, X, y, X_val, y_val, learning_rate=1e-3, learning_rate_decay=0.95, reg=5e-6,
              num_iters=100, batch_size=200, verbose=False):
        """Minibatch gradient descent; returns the loss and accuracy histories."""
        num_train = X.shape[0]
        iterations_per_epoch = max(num_train // batch_size, 1)
        rng = np.random.default_rng(0)
        loss_history, train_acc_history, val_acc_history = [], [], []
        for it in range(num_iters):
            if batch_size >= num_train:
                X_batch, y_batch = X, y
            else:
                indices = rng.choice(num_train, batch_size, replace=True)
                X_batch, y_batch = X[indices], y[indices]
            loss, grads = self.loss(X_batch, y=y_batch, reg=reg)
            loss_history.append(loss)
            for name in self.params:
                self.params[name] -= learning_rate * grads[name]
            if verbose and it % 100 == 0:
                print(f"iteration {it} / {num_iters}: loss {loss:f}")
            if it % iterations_per_epoch == 0:
                train_acc_history.append(float((self.predict(X_batch) == y_batch).mean()))
                val_acc_history.append(float((self.predict(X_val) == y_val).mean()))
                learning_rate *= learning_rate_decay
        return {"loss_history": loss_history, "train_acc_history": train_acc_history,
                "val_acc_history": val_acc_history}

    def predict(self, X):
        """The class with the largest score, for each row of X."""
        return np.argmax(self.loss(X), axis=1)
