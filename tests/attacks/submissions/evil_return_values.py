# Returns values meant to confuse the grader's comparisons or its decoder.
import numpy as np


class AlwaysEqual:
    def __eq__(self, other):
        return True

    __hash__ = object.__hash__


def always_equal(x):
    return AlwaysEqual()


def object_array(x):
    return np.array([AlwaysEqual()], dtype=object)


def huge_int(x):
    return 10 ** 100_000


def deep_list(x):
    value = []
    for _ in range(10_000):
        value = [value]
    return value


def non_string_keys(x):
    return {1: x}
