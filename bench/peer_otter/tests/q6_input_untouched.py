OK_FORMAT = True

test = {
    "name": "q6_input_untouched",
    "points": 1,
    "suites": [
        {
            "cases": [
                {
                    "code": r"""
                    >>> import numpy as np
                    >>> rng = np.random.default_rng(4)
                    >>> x = rng.standard_normal((4, 5)) * 3
                    >>> x[0, 0] = 0.0
                    >>> before = x.copy()
                    >>> _ = relu(x)
                    >>> _ = relu_grad(x)
                    >>> np.array_equal(x, before)
                    True
                    """,
                    "hidden": False,
                    "locked": False,
                }
            ],
            "scored": True,
            "setup": "",
            "teardown": "",
            "type": "doctest",
        }
    ],
}
