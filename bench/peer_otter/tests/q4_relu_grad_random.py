OK_FORMAT = True

test = {
    "name": "q4_relu_grad_random",
    "points": 2,
    "suites": [
        {
            "cases": [
                {
                    "code": r"""
                    >>> import numpy as np
                    >>> rng = np.random.default_rng(2)
                    >>> ok = []
                    >>> for s in [(7,), (4, 5), (2, 3, 4), (1, 1)]:
                    ...     x = rng.standard_normal(s) * 3
                    ...     flat = x.reshape(-1)
                    ...     flat[rng.choice(flat.size, size=max(1, flat.size // 5), replace=False)] = 0.0
                    ...     g = np.asarray(relu_grad(x), dtype=np.float64)
                    ...     ok.append(g.shape == x.shape and np.all(g[x > 0] == 1) and np.all(g[x < 0] == 0)
                    ...               and np.all((g[x == 0] == 0) | (g[x == 0] == 1)))
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
