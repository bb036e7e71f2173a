# predict returns the best score instead of the label.
import numpy as np


class TwoLayerNet:
    def __init__(self, input_size, hidden_size, output_size, std=1e-4):
        self.params = {"W1": std * np.random.randn(input_size, hidden_size), "b1": np.zeros(hidden_size),
                       "W2": std * np.random.randn(hidden_size, output_size), "b2": np.zeros(output_size)}

    def loss(self, X, y=None, reg=0.0):
        W1, b1, W2, b2 = self.params["W1"], self.params["b1"], self.params["W2"], self.params["b2"]
        N = X.shape[0]
        z1 = X @ W1 + b1
        h = np.maximum(z1, 0)
        scores = h @ W2 + b2
        if y is None:
            return scores
        exp = np.exp(scores - scores.max(axis=1, keepdims=True))
        probs = exp / exp.sum(axis=1, keepdims=True)
        loss = -np.log(probs[np.arange(N), y]).mean() + reg * (np.sum(W1 ** 2) + np.sum(W2 ** 2))
        d = probs.copy()
        d[np.arange(N), y] -= 1
        d /= N
        dh = (d @ W2.T) * (z1 > 0)
        return loss, {"W1": X.T @ dh + 2 * reg * W1, "b1": dh.sum(0), "W2": h.T @ d + 2 * reg * W2, "b2": d.sum(0)}

    def train(self, X, y, X_val, y_val, learning_rate=1e-3, learning_rate_decay=0.95, reg=5e-6,
              num_iters=100, batch_size=200, verbose=False):
        num_train = X.shape[0]
        per_epoch = max(num_train // batch_size, 1)
        losses, train_acc, val_acc = [], [], []
        for it in range(num_iters):
            if batch_size >= num_train:
                xb, yb = X, y
            else:
                idx = np.random.choice(num_train, batch_size)
                xb, yb = X[idx], y[idx]
            loss, grads = self.loss(xb, yb, reg)
            losses.append(loss)
            for k in self.params:
                self.params[k] -= learning_rate * grads[k]
            if it % per_epoch == 0:
                train_acc.append((self.predict(xb) == yb).mean())
                val_acc.append((self.predict(X_val) == y_val).mean())
                learning_rate *= learning_rate_decay
        return {"loss_history": losses, "train_acc_history": train_acc, "val_acc_history": val_acc}

    def predict(self, X):
        return np.max(self.loss(X), axis=1)
