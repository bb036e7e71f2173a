"""Fixtures for the assignments tests: the real sandbox and small assignment folders."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from assignments.loader import BUILTIN_DIR


@pytest.fixture(scope="session")
def sandbox_runtime():
    """The provisioned sandbox runtime (idempotent; `make install` has usually done it)."""
    from workers import runtime

    if shutil.which("bwrap") is None:
        pytest.fail("bubblewrap is not installed: the assignments are tested through the real sandbox")
    return runtime.provision(log=lambda line: None)


@pytest.fixture
def make_assignment(tmp_path):
    """Write a small assignment folder; ``checks`` is the body of checks.py."""

    def make(checks: str, *, solution: str = "def double(x):\n    return 2 * x\n",
             starter: str = "def double(x):\n    raise NotImplementedError\n", points: float = 2,
             toml_extra: str = "", slug: str = "tiny", mutants: dict[str, str] | None = None,
             cpu_s: float = 5) -> Path:
        folder = tmp_path / slug
        folder.mkdir()
        (folder / "assignment.toml").write_text(
            f'title = "Tiny"\npoints = {points}\n{toml_extra}\n[limits]\ncpu_s = {cpu_s}\nwall_s = 10\n')
        (folder / "statement.md").write_text("# Tiny\n")
        (folder / "solution.py").write_text(solution)
        (folder / "starter.py").write_text(starter)
        (folder / "checks.py").write_text(textwrap.dedent(checks))
        if mutants:
            (folder / "mutants").mkdir()
            for name, code in mutants.items():
                (folder / "mutants" / name).write_text(code)
        return folder

    return make


def builtin_file(slug: str, name: str) -> str:
    """The text of a built-in assignment's file (solution.py, mutants/x.py, ...)."""
    return (BUILTIN_DIR / slug / name).read_text()


DOUBLE_CHECKS = """
    import numpy as np
    from assignments.api import check

    @check("doubles", points=1)
    def doubles(ctx):
        x = ctx.rng.standard_normal(4)
        ctx.require_close("double(x)", ctx.student.double(x), 2 * x, inputs={"x": x})

    @check("hidden: doubles a matrix", points=1, visibility="hidden")
    def doubles_matrix(ctx):
        x = ctx.rng.standard_normal((3, 3))
        ctx.require_close("double(x)", ctx.student.double(x), 2 * x, inputs={"x": x})
"""
