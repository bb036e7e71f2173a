OK_FORMAT = True

test = {
    "name": "q2_relu_dtypes",
    "points": 1,
    "suites": [
        {
            "cases": [
                {
                    "code": r"""
                    >>> import numpy as np
                    >>> rng = np.random.default_rng(1)
                    >>> ok = []
                    >>> for dtype in (np.float64, np.float32, np.int64):
                    ...     x = (rng.standard_normal((3, 4)) * 5).astype(dtype)
                    ...     got = relu(x)
                    ...     ok.append(got.dtype == dtype and got.shape == x.shape and np.allclose(got, np.maximum(x, 0)))
                    >>> all(ok)
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
