"""The ``grader sandbox`` commands: provision and check the sandbox runtime."""

from __future__ import annotations

import shutil
import time

import click

from workers import runtime


@click.group("sandbox")
def sandbox() -> None:
    """Manage the sandbox that runs student code."""


@sandbox.command("provision")
@click.option("--force", is_flag=True, help="Rebuild the runtime even if it exists.")
@click.option("--check/--no-check", default=True, help="Run a trivial submission in the sandbox afterwards.")
def provision(force: bool, check: bool) -> None:
    """Create the sandbox's Python runtime (idempotent) and check that a sandbox starts."""
    if shutil.which("bwrap") is None:
        raise click.ClickException("bubblewrap is not installed (apt-get install bubblewrap)")
    try:
        the_runtime = runtime.provision(force=force, log=lambda line: click.echo(line, err=True))
    except runtime.RuntimeMissing as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"sandbox runtime: {the_runtime.path}")
    if check:
        _check_sandbox()


def _check_sandbox() -> None:
    from workers.launcher import _cgroup_parents
    from workers.sandbox import SandboxFailure, SandboxLimits, SandboxSession

    started = time.perf_counter()
    try:
        with SandboxSession("def ping(x):\n    return x\n", SandboxLimits()) as session:
            assert session.call("ping", 41) == 41
    except SandboxFailure as failure:
        raise click.ClickException(f"the sandbox does not work: {failure.message}") from None
    controllers = ", ".join(_cgroup_parents()) or "none (rlimits only; processes capped at 2)"
    click.echo(f"sandbox check passed in {time.perf_counter() - started:.2f} s; cgroups: {controllers}")
