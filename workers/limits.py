"""What one sandbox session may use: ``SandboxLimits`` and its validation.

``[limits]`` in assignment.toml overrides any field through
:meth:`SandboxLimits.from_mapping`; docs/sandbox.md says how each limit is enforced.
"""

from __future__ import annotations

from dataclasses import dataclass, fields


class SandboxLimitsError(ValueError):
    """A ``[limits]`` table (or a SandboxLimits field) is invalid."""


_LIMIT_RANGES = {
    "cpu_s": (0.1, 3600), "wall_s": (0.1, 3600), "memory_mb": (192, 65536), "processes": (1, 1024),
    "file_size_mb": (1, 4096), "open_files": (16, 65536), "output_kb": (1, 1 << 20),
    "tmp_mb": (1, 4096), "reply_mb": (1, 4096),
}


@dataclass(frozen=True)
class SandboxLimits:
    """What one sandbox session may use; ``[limits]`` in assignment.toml overrides any field."""

    cpu_s: float = 10.0
    """CPU seconds for the whole session (RLIMIT_CPU on the harness process)."""
    wall_s: float = 30.0
    """Wall seconds the sandbox may spend working (start, import and calls together)."""
    memory_mb: int = 512
    """Address space per process (RLIMIT_AS) and, with a memory cgroup, the whole sandbox's memory."""
    processes: int = 8
    """Processes and threads (RLIMIT_NPROC in the sandbox's user namespace, and pids cgroup).
    Without a memory cgroup it is lowered to 2, so memory cannot be spread over children."""
    file_size_mb: int = 16
    """Largest file the submission may write (RLIMIT_FSIZE)."""
    open_files: int = 64
    """Open file descriptors (RLIMIT_NOFILE)."""
    output_kb: int = 64
    """stdout and stderr each keep this much; more is cut and reported; 16x this stops the sandbox."""
    tmp_mb: int = 64
    """Size of the private writable /tmp (shared with /dev/shm); at most 4096 files in it."""
    reply_mb: int = 64
    """Largest reply (one return value) accepted over the wire."""

    def __post_init__(self):
        for item in fields(self):
            value = getattr(self, item.name)
            low, high = _LIMIT_RANGES[item.name]
            wants_int = item.type in ("int", int)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or (wants_int and not isinstance(value, int)):
                kind = "an integer" if wants_int else "a number"
                raise SandboxLimitsError(f"limits.{item.name} must be {kind}, got {value!r}")
            if not low <= value <= high:
                raise SandboxLimitsError(f"limits.{item.name} must be between {low:g} and {high:g}, got {value!r}")

    @classmethod
    def from_mapping(cls, mapping) -> "SandboxLimits":
        """Build limits from a ``[limits]`` table; unknown keys and bad values raise SandboxLimitsError."""
        if mapping is None:
            return cls()
        if not isinstance(mapping, dict):
            raise SandboxLimitsError(f"[limits] must be a table, got {type(mapping).__name__}")
        known = [item.name for item in fields(cls)]
        unknown = sorted(set(mapping) - set(known))
        if unknown:
            raise SandboxLimitsError(f"unknown limit(s) {', '.join(map(repr, unknown))} in [limits]; known limits: {', '.join(known)}")
        values = dict(mapping)
        for name in ("cpu_s", "wall_s"):
            if isinstance(values.get(name), int) and not isinstance(values.get(name), bool):
                values[name] = float(values[name])
        return cls(**values)
