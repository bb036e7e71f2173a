OK_FORMAT = True

test = {
    "name": "q3_relu_edges",
    "points": 1,
    "suites": [
        {
            "cases": [
                {
                    "code": r"""
                    >>> import numpy as np
                    >>> x = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1e-300, -1e-300, 1e308, -1e308, 2.5, -2.5])
                    >>> np.array_equal(relu(x), np.maximum(x, 0), equal_nan=True)
                    True
                    >>> all(relu(np.zeros(s)).shape == s for s in [(0,), (0, 3)])
                    True
                    >>> all(np.allclose(relu(np.array(v)), max(v, 0.0)) and np.allclose(relu(v), max(v, 0.0)) for v in (-2.5, 3.0, 0.0))
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
