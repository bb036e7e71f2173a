# The kinks are placed at xs[1:] instead of xs[:-1]: off by one knot.
import numpy as np


def interpolant_network(xs, ys):
    xs, ys = np.asarray(xs, float), np.asarray(ys, float)
    slopes = np.diff(ys) / np.diff(xs)
    changes = np.diff(slopes, prepend=0.0)
    return [(np.ones((1, len(slopes))), -xs[1:]), (changes[:, None], np.array([ys[0]]))]
