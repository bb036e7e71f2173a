"""Provision the sandbox's own Python runtime: a venv of Debian's python3 with NumPy.

The worker's interpreter may live under a directory the sandbox's uid (65534)
cannot enter (pyenv under /root), so the sandbox gets its own: a virtual
environment of ``/usr/bin/python3`` with the worker's NumPy version installed
by pip, plus the compiled seccomp filter. Root provisions it machine-wide under
``/var/lib/relugrade/runtime`` (world-readable, whatever the checkout's
permissions, and shared by every data dir and test run); other users under
``<data dir>/runtime``. One folder per (Python, NumPy) pair, so provisioning
is idempotent and fast once done.
"""

from __future__ import annotations

import fcntl
import functools
import json
import os
import shutil
import stat
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy

SYSTEM_PYTHON = Path("/usr/bin/python3")
SHARED_BASE = Path("/var/lib/relugrade/runtime")
SECCOMP_BUILDER = Path(__file__).with_name("seccomp_filter.py")
COMPLETE_MARKER = "runtime.json"


class RuntimeMissing(RuntimeError):
    """The sandbox runtime is not provisioned, or cannot be."""


@dataclass(frozen=True)
class Runtime:
    """A provisioned sandbox runtime."""

    path: Path
    """The venv's root (bound read-only at /opt/runtime inside the sandbox)."""

    @property
    def python(self) -> Path:
        return self.path / "bin" / "python"

    @property
    def seccomp_filter(self) -> Path:
        return self.path / "seccomp.bpf"


def runtime_key() -> str:
    """Name of the runtime folder: the system Python's version and the worker's NumPy."""
    python_name = os.path.basename(os.path.realpath(SYSTEM_PYTHON))  # e.g. python3.11
    return f"{python_name.replace('python', 'py')}-numpy{numpy.__version__}"


def traversable_by_others(path: Path) -> bool:
    """Can any user reach ``path`` (every existing ancestor has o+x)?"""
    for part in [path, *path.parents]:
        if part.exists() and not part.stat().st_mode & stat.S_IXOTH:
            return False
    return True


@functools.cache
def _default_data_dir() -> Path:
    from grader.config import PROJECT_ROOT, Config, ConfigError

    try:
        return Config.from_env().data_dir
    except ConfigError:
        return PROJECT_ROOT / "var"


def candidate_bases(data_dir: Path | None = None) -> list[Path]:
    """Where a runtime may live, in order of preference (only places uid 65534 can reach)."""
    from grader.config import PROJECT_ROOT

    data_dir = Path(data_dir) if data_dir else _default_data_dir()
    bases = [SHARED_BASE]
    for directory in dict.fromkeys([data_dir, PROJECT_ROOT / "var"]):
        if traversable_by_others(directory):
            bases.append(directory / "runtime")
    return bases


def _provision_base(data_dir: Path | None) -> Path:
    """Root provisions the machine-wide runtime; anyone else the one in the data dir."""
    if os.geteuid() == 0:
        return SHARED_BASE
    return (Path(data_dir) if data_dir else _default_data_dir()) / "runtime"


def find_runtime(data_dir: Path | None = None) -> Runtime | None:
    """Return the provisioned runtime for this worker, or None."""
    for base in candidate_bases(data_dir):
        path = base / runtime_key()
        if (path / COMPLETE_MARKER).is_file():
            return Runtime(path)
    return None


def provision(data_dir: Path | None = None, *, force: bool = False, log=print) -> Runtime:
    """Create the runtime if missing (idempotent; safe to run concurrently)."""
    if not force and (existing := find_runtime(data_dir)) is not None:
        return existing
    if not SYSTEM_PYTHON.exists():
        raise RuntimeMissing(f"{SYSTEM_PYTHON} is missing: install Debian's python3 and python3-venv")
    base = _provision_base(data_dir)
    make_traversable(base)
    with open(base / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        target = base / runtime_key()
        if not force and (target / COMPLETE_MARKER).is_file():
            return Runtime(target)
        log(f"provisioning the sandbox runtime at {target} (NumPy {numpy.__version__})")
        build = Path(tempfile.mkdtemp(prefix=".build-", dir=base))
        try:
            _build(build)
            shutil.rmtree(target, ignore_errors=True)
            os.rename(build, target)
        except BaseException:
            shutil.rmtree(build, ignore_errors=True)
            raise
    # A venv records its own path; rebuild in place so scripts point at the final path.
    _finish(target)
    return Runtime(target)


def _build(path: Path) -> None:
    _run([str(SYSTEM_PYTHON), "-m", "venv", str(path)], "create the venv (is python3-venv installed?)")
    _run([str(path / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check",
          f"numpy=={numpy.__version__}"], "install NumPy into the sandbox runtime")
    _run([str(SYSTEM_PYTHON), str(SECCOMP_BUILDER), str(path / "seccomp.bpf")],
         "build the seccomp filter (is python3-seccomp installed?)")


def _finish(path: Path) -> None:
    # The venv was created under a temporary name; only pyvenv.cfg and the bin
    # scripts mention it, and the sandbox only runs bin/python (a symlink).
    check = subprocess.run(
        [str(path / "bin" / "python"), "-I", "-c", "import numpy, sys; print(numpy.__version__, sys.prefix)"],
        capture_output=True, text=True)
    if check.returncode != 0 or check.stdout.split()[0] != numpy.__version__:
        raise RuntimeMissing(f"the sandbox runtime at {path} does not import NumPy: {check.stderr.strip()[-500:]}")
    _make_world_readable(path)
    info = {"numpy": numpy.__version__, "python": str(SYSTEM_PYTHON), "key": runtime_key()}
    (path / COMPLETE_MARKER).write_text(json.dumps(info) + "\n")
    os.chmod(path / COMPLETE_MARKER, 0o644)


def make_traversable(path: Path) -> None:
    """Create ``path`` and give o+x to it and to the ancestors we own (a umask of 077 must not lock out uid 65534)."""
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:  # the sandbox then runs as this same user
        return
    for part in [path, *path.parents]:
        info = part.stat()
        if info.st_uid != os.geteuid() or part == Path("/"):
            break
        if not info.st_mode & stat.S_IXOTH:
            os.chmod(part, info.st_mode | 0o711)


def _make_world_readable(path: Path) -> None:
    for root, dirs, files in os.walk(path):
        for name in dirs:
            os.chmod(os.path.join(root, name), 0o755)
        for name in files:
            full = os.path.join(root, name)
            if not os.path.islink(full):
                mode = os.stat(full).st_mode
                os.chmod(full, mode | stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH | (0o055 if mode & 0o100 else 0))
    os.chmod(path, 0o755)


def _run(command: list[str], purpose: str) -> None:
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeMissing(f"could not {purpose}: {' '.join(command)} exited {done.returncode}\n{done.stderr[-2000:]}")
