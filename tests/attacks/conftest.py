"""Helpers for the attack suite: load an attack submission, check nothing was left behind."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import pytest

from workers import runtime
from workers.launcher import _cgroup_parents
from workers.sandbox import SandboxLimits, SandboxSession

SUBMISSIONS = Path(__file__).parent / "submissions"
FAST = SandboxLimits(cpu_s=2, wall_s=4, reply_mb=1)
"""Tight limits so that attacks trip them quickly."""


@pytest.fixture(scope="session", autouse=True)
def sandbox_runtime():
    """Provision the runtime once (fast when `make install` already did)."""
    return runtime.provision(log=lambda line: None)


@pytest.fixture
def token() -> str:
    return secrets.token_hex(6)


def attack(name: str, **substitutions: str) -> str:
    """The source of ``submissions/<name>.py`` with placeholders replaced."""
    code = (SUBMISSIONS / f"{name}.py").read_text()
    for placeholder, value in substitutions.items():
        code = code.replace(placeholder, value)
    return code


def assert_cleaned_up(session: SandboxSession) -> None:
    """The session left no process, cgroup or job directory behind."""
    launch = session._launch
    assert launch is not None
    assert launch.process.poll() is not None, "the sandbox's launcher is still running"
    assert not launch.job_dir.exists(), f"job directory {launch.job_dir} was not removed"
    for parent in _cgroup_parents().values():
        assert not (parent / f"relugrade-{launch.job_dir.name}").exists(), "the sandbox's cgroup was not removed"


def processes_named(name: str) -> list[int]:
    """Host pids whose command name is ``name`` (prctl PR_SET_NAME)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if Path(f"/proc/{entry}/comm").read_text().strip() == name:
                    found.append(int(entry))
            except OSError:
                pass
    return found
