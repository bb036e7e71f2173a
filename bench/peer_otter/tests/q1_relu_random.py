OK_FORMAT = True

test = {
    "name": "q1_relu_random",
    "points": 2,
    "suites": [
        {
            "cases": [
                {
                    "code": r"""
                    >>> import numpy as np
                    >>> rng = np.random.default_rng(0)
                    >>> xs = [rng.standard_normal(s) * 3 for s in [(7,), (4, 5), (2, 3, 4), (1, 1)]]
                    >>> all(relu(x).shape == x.shape and np.allclose(relu(x), np.maximum(x, 0)) for x in xs)
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
