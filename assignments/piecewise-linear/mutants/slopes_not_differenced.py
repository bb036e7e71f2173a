# Each unit gets the segment's slope, not the change of slope: the slopes pile up.
import numpy as np


def interpolant_network(xs, ys):
    xs, ys = np.asarray(xs, float), np.asarray(ys, float)
    slopes = np.diff(ys) / np.diff(xs)
    return [(np.ones((1, len(slopes))), -xs[:-1]), (slopes[:, None], np.array([ys[0]]))]
