# Right construction, computed in float32: errors of 1e-7, far above the 1e-9 tolerance.
import numpy as np


def interpolant_network(xs, ys):
    xs, ys = np.asarray(xs, np.float32), np.asarray(ys, np.float32)
    slopes = np.diff(ys) / np.diff(xs)
    changes = np.diff(slopes, prepend=np.float32(0.0))
    W1 = np.ones((1, len(slopes)), np.float32)
    return [(W1, -xs[:-1]), (changes[:, None], np.array([ys[0]], np.float32))]
