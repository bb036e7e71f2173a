OK_FORMAT = True

test = {
    "name": "q5_relu_grad_dtypes",
    "points": 1,
    "suites": [
        {
            "cases": [
                {
                    "code": r"""
                    >>> import numpy as np
                    >>> rng = np.random.default_rng(3)
                    >>> ok = []
                    >>> for dtype in (np.float64, np.float32):
                    ...     x = (rng.standard_normal((3, 4)) * 3).astype(dtype)
                    ...     g = relu_grad(x)
                    ...     ok.append(g.dtype == dtype and np.allclose(g, (x > 0).astype(dtype)))
                    >>> all(ok)
                    True
                    >>> np.allclose(relu_grad(np.array([np.inf, -np.inf, 1e-300, -1e-300])), [1.0, 0.0, 1.0, 0.0])
                    True
                    >>> relu_grad(np.zeros((0, 2))).shape
                    (0, 2)
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
