"""Run a submission in a bubblewrap sandbox and call into it: ``SandboxSession``.

The worker starts the harness (``workers/harness.py``) inside bwrap, sends it
requests over one pipe and reads replies from another (``workers/protocol.py``).
Every byte that comes back is untrusted: replies are size-capped and parsed
without pickle, output is kept up to a cap and drained, and every wait has a
deadline. A limit that trips becomes a :class:`SandboxFailure` with a verdict
and a message a student can act on. See docs/sandbox.md for the threat model.

Starting and killing the sandbox's processes is ``workers/launcher.py``; what
it may use is ``workers/limits.py``.
"""

from __future__ import annotations

import os
import select
import signal
import statistics
import time
from dataclasses import dataclass
from typing import Any

from workers import protocol
from workers.launcher import (
    CGROUP_PREFIX,
    HARNESS_FILES,
    LAUNCH_SCRIPT,
    PIPE_SIZE,
    ROOT_JOB_BASE,
    SANDBOX_ENV,
    SANDBOX_UID,
    TMP_INODES,
    Launch,
    LaunchError,
    launch,
)
from workers.limits import SandboxLimits, SandboxLimitsError

__all__ = [
    # this module
    "BASELINES", "HARNESS_LOST_CONNECTION", "OUTPUT_KILL_FACTOR", "VERDICTS", "MissingAttribute",
    "RemoteObject", "SandboxFailure", "SandboxSession", "StudentCodeError", "StudentModule", "Timing",
    # re-exported from workers.limits and workers.launcher, where they are defined
    "SandboxLimits", "SandboxLimitsError", "CGROUP_PREFIX", "HARNESS_FILES", "LAUNCH_SCRIPT",
    "PIPE_SIZE", "ROOT_JOB_BASE", "SANDBOX_ENV", "SANDBOX_UID", "TMP_INODES", "Launch", "LaunchError",
    "launch",
]

VERDICTS = ("time_limit", "memory_limit", "output_limit", "runtime_error", "syntax_error",
            "import_error", "protocol_error", "internal_error")
OUTPUT_KILL_FACTOR = 16
"""Output beyond this many times ``output_kb`` (stdout + stderr) stops the sandbox."""
BASELINES = ("maximum", "relu_grad", "matmul", "mlp_forward", "copy", "none")
"""Calibration workloads the harness knows for ``time_call`` (harness.BASELINES)."""
HARNESS_LOST_CONNECTION = 86
"""The harness's exit status when it can no longer write replies (see harness.py)."""


class SandboxFailure(Exception):
    """The sandbox can no longer answer; ``.verdict`` and ``.message`` say why."""

    def __init__(self, verdict: str, message: str):
        assert verdict in VERDICTS, verdict
        super().__init__(message)
        self.verdict = verdict
        self.message = message
        self.stdout = ""
        self.stderr = ""

    def __reduce__(self):
        return (type(self), (self.verdict, self.message))


class StudentCodeError(Exception):
    """A call into student code raised; the session is still alive."""

    def __init__(self, function: str, type_name: str, message: str, traceback: str):
        super().__init__(f"{function} raised {message}")
        self.function = function
        """What was being called, e.g. ``relu`` or ``TwoLayerNet.loss``."""
        self.type = type_name
        """The exception's class name, e.g. ``ValueError``."""
        self.message = message
        """The exception's last line, e.g. ``ValueError: shapes do not match``."""
        self.traceback = traceback
        """The traceback, paths shortened, without harness frames."""

    def __reduce__(self):
        return (type(self), (self.function, self.type, self.message, self.traceback))


class MissingAttribute(StudentCodeError, AttributeError):
    """The student's module or object has no such attribute (also an AttributeError)."""


@dataclass(frozen=True)
class Timing:
    """Median seconds per call of the student's function and of a baseline, same inputs."""

    student_s: float
    baseline_s: float
    ratio: float
    """student_s / baseline_s: 1.0 means as fast as the baseline."""
    repeat: int


class RemoteObject:
    """A handle to an object inside the sandbox: attribute reads, writes and calls are proxied.

    Reading an attribute returns its *value* (a copy) when it is data, so
    ``net.params["W1"] = W`` changes only the copy; assign the attribute
    instead (``net.params = {...}`` or ``session.setattr(net, "params", ...)``).
    """

    __slots__ = ("_session", "_ref", "_label")

    def __init__(self, session: "SandboxSession", ref: protocol.Ref, label: str):
        object.__setattr__(self, "_session", session)
        object.__setattr__(self, "_ref", ref)
        object.__setattr__(self, "_label", label)

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        return self._session.getattr(self, name)

    def __setattr__(self, name: str, value) -> None:
        self._session.setattr(self, name, value)

    def __call__(self, *args, **kwargs):
        return self._session._request("call", self._ref.id, None, (list(args), kwargs), self._label)

    def __repr__(self) -> str:
        return f"<remote {self._ref.cls} {self._label}>"


class StudentModule(RemoteObject):
    """The student's module: ``session.module.relu(x)`` calls ``relu`` in the sandbox."""

    __slots__ = ()


class SandboxSession:
    """One running sandbox for one submission; use it as a context manager."""

    def __init__(self, code: str, limits: SandboxLimits | None = None, *, kind: str = "bwrap",
                 filename: str = "submission.py"):
        if kind not in ("bwrap", "none"):
            raise ValueError(f"sandbox kind must be 'bwrap' or 'none', got {kind!r}")
        if "/" in filename or not filename.endswith(".py") or filename.startswith("."):
            raise ValueError(f"filename must be a plain name ending in .py, got {filename!r}")
        self.code = code
        self.limits = limits or SandboxLimits()
        self.kind = kind
        self.filename = filename
        self.module = StudentModule(self, protocol.Ref(0, "module"), filename[:-3])
        self._launch: Launch | None = None
        self._failure: SandboxFailure | None = None
        self._busy_s = 0.0
        self._working_since: float | None = None
        self._closed = False
        self._out = _OutputBuffer(self.limits.output_kb * 1024)
        self._err = _OutputBuffer(self.limits.output_kb * 1024)
        self._reader = protocol.MessageReader(self.limits.reply_mb * 1024 * 1024)
        self.import_s = 0.0

    # -- lifecycle ------------------------------------------------------------
    def __enter__(self) -> "SandboxSession":
        try:
            self.start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def start(self) -> None:
        """Start the sandbox and import the submission (raises SandboxFailure)."""
        started = time.perf_counter()
        try:
            self._launch = launch(self.code, self.filename, self.limits, self.kind)
        except LaunchError as error:
            self._fail("internal_error", str(error))
        finally:
            self._busy_s += time.perf_counter() - started
        hello, _ = self._receive("while starting", started_here=True)
        if hello.get("status") != "hello":
            self._fail("internal_error", f"the harness did not start properly (got {str(hello)[:100]})")
        reply, _ = self._receive("while being imported", started_here=True)
        if reply.get("status") == "failed":
            self._fail_from_harness(reply, "while being imported")
        if reply.get("status") != "ready":
            self._fail("protocol_error", "Your code sent something unexpected to the grader while being imported")
        self.import_s = float(reply.get("import_s") or 0.0)

    def close(self) -> None:
        """Stop the sandbox and everything it started; remove its files."""
        if self._closed:
            return
        self._closed = True
        if self._launch is not None:
            self._launch.kill()
            self._drain_output(final=True)
            self._launch.cleanup()

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass

    # -- the student-facing API -------------------------------------------------
    def call(self, name: str, *args, **kwargs):
        """Call the student's module-level function ``name``."""
        return self._request("call", 0, name, (list(args), kwargs), name)

    def call_returning_args(self, name, /, *args, **kwargs) -> tuple[Any, list, dict]:
        """Call ``name(*args, **kwargs)``; return ``(result, args_after, kwargs_after)``.

        ``name`` is a module-level function's name or a callable
        :class:`RemoteObject` (a method: ``net.loss``). Arguments travel by
        value, so a plain call cannot show that the function changed them in
        place; this one sends them back as the call left them. Same caps and
        value rules as :meth:`call`; a student exception raises StudentCodeError.
        """
        target, name, label = (name._ref.id, None, name._label) if isinstance(name, RemoteObject) else (0, name, name)
        reply = self._request("call_returning_args", target, name, (list(args), kwargs), label)
        if not (type(reply) is tuple and len(reply) == 3 and type(reply[1]) is list and type(reply[2]) is dict
                and len(reply[1]) == len(args) and set(reply[2]) == set(kwargs)):
            self._fail("protocol_error", f"Your code sent something unexpected to the grader in {label}")
        return reply

    def has(self, name: str) -> bool:
        """Does the student's module define ``name``?"""
        return bool(self._request("has", 0, name, None, name, f"while looking up {name}"))

    def getattr(self, obj: RemoteObject, name: str):
        """Read attribute ``name`` of a remote object (data comes back as a copy)."""
        label = f"{obj._label}.{name}"
        return self._request("getattr", obj._ref.id, name, None, label)

    def setattr(self, obj: RemoteObject, name: str, value) -> None:
        """Set attribute ``name`` of a remote object to ``value``."""
        self._request("setattr", obj._ref.id, name, value, f"{obj._label}.{name}")

    def time_call(self, name, args, *, baseline: str, repeat: int = 5, kwargs: dict | None = None) -> Timing:
        """Time the student's ``name(*args)`` against a baseline workload on the same inputs.

        ``args`` is sent once; before each timed run the harness makes a fresh
        copy, so neither side can reuse a result. The worker measures each
        run's round trip itself. ``baseline`` names a workload of the harness
        (``maximum``, ``relu_grad``, ``matmul``, ``mlp_forward``, ``copy``, ``none``).
        """
        if baseline not in BASELINES:
            raise ValueError(f"unknown baseline {baseline!r}; known: {', '.join(BASELINES)}")
        if repeat < 1:
            raise ValueError("repeat must be at least 1")
        target, name, label = (name._ref.id, None, name._label) if isinstance(name, RemoteObject) else (0, name, name)
        self._request("stage", 0, None, (list(args), kwargs or {}), label)
        runs = {"student": [], "baseline": []}
        for index in range(repeat + 1):  # the first round warms caches and is discarded
            for which in ("student", "baseline"):
                self._request("prepare", 0, None, None, label)
                extra = {"baseline": baseline} if which == "baseline" else {}
                started = time.perf_counter()
                self._request("run", target, name, None, label if which == "student" else f"{label} (timing baseline)", **extra)
                if index:
                    runs[which].append(time.perf_counter() - started)
        student, base = statistics.median(runs["student"]), statistics.median(runs["baseline"])
        return Timing(student, base, student / max(base, 1e-9), repeat)

    @property
    def stdout(self) -> str:
        """What the submission printed (up to ``output_kb``, with a note of what was cut)."""
        self._drain_output()
        return self._out.text()

    @property
    def stderr(self) -> str:
        self._drain_output()
        return self._err.text()

    @property
    def execution_time(self) -> float:
        """Seconds the sandbox spent working for the submission (start, import, calls)."""
        if self._working_since is not None:
            return self._busy_s + time.perf_counter() - self._working_since
        return self._busy_s

    @property
    def failure(self) -> SandboxFailure | None:
        """The failure that ended this session, if any."""
        return self._failure

    # -- the wire ---------------------------------------------------------------
    def _request(self, op: str, target: int, name, value, label: str, where: str = "", **extra):
        if self._failure is not None:
            raise self._failure
        if self._launch is None or self._closed:
            raise RuntimeError("the sandbox session is not running (use it inside `with`)")
        header = {"op": op, "target": target, "name": name, **extra}
        try:
            message = protocol.encode_message(header, value, self._ref_of)
        except protocol.WireError as error:
            raise TypeError(f"cannot send {error} into the sandbox") from None
        where = where or f"in {label}"
        reply, result = self._exchange(message, where)
        status = reply.get("status")
        if status == "ok":
            return result
        if status == "error":
            error_class = MissingAttribute if reply.get("type") == "AttributeError" and op == "getattr" else StudentCodeError
            raise error_class(label, str(reply.get("type", "Exception")), str(reply.get("message", "")),
                              str(reply.get("traceback", "")))
        if status == "fatal":
            self._fail_from_harness(reply, where)
        self._fail("protocol_error", f"Your code sent something unexpected to the grader {where}")

    def _ref_of(self, obj):
        if isinstance(obj, RemoteObject) and obj._session is self:
            return obj._ref
        raise protocol.WireError(f"a value of type {type(obj).__name__}")

    def _decode(self, header, arrays):
        def resolve(ref):
            return RemoteObject(self, ref, ref.cls if ref.cls not in ("method", "function") else f"{ref.cls} #{ref.id}")

        return protocol.decode_value(header.get("value"), arrays, resolve)

    def _exchange(self, message: bytes, where: str):
        """Send one request and wait for its reply, draining output meanwhile."""
        started = time.perf_counter()
        self._working_since = started
        try:
            self._send(message, where, started)
            return self._receive(where, started_here=False, started=started)
        finally:
            self._working_since = None
            self._busy_s += time.perf_counter() - started

    def _send(self, message: bytes, where: str, started: float) -> None:
        view = memoryview(message)
        fd = self._launch.request_fd
        while view:
            self._wait({fd: select.POLLOUT}, where, started)
            try:
                view = view[os.write(fd, view[:PIPE_SIZE]) :]
            except BlockingIOError:
                continue
            except (BrokenPipeError, OSError):
                self._died(where)

    def _receive(self, where: str, *, started_here: bool, started: float | None = None):
        started = time.perf_counter() if started is None else started
        if started_here:
            self._working_since = started
        fd = self._launch.reply_fd
        try:
            while True:
                message = self._reader.next_message()
                if message is not None:
                    header, arrays = message
                    return header, self._decode(header, arrays)
                self._wait({fd: select.POLLIN}, where, started)
                try:
                    chunk = os.read(fd, PIPE_SIZE)
                except BlockingIOError:
                    continue
                if not chunk:
                    self._died(where)
                self._reader.feed(chunk)
        except protocol.MessageTooLarge:
            self._fail("output_limit", f"Your code returned more than {self.limits.reply_mb} MB of data {where} (limit {self.limits.reply_mb} MB)")
        except protocol.WireError as error:
            self._fail("protocol_error", f"Your code sent malformed data to the grader {where} ({error})")
        finally:
            if started_here:
                self._working_since = None
                self._busy_s += time.perf_counter() - started

    def _wait(self, wanted: dict, where: str, started: float) -> None:
        """Wait until a wanted fd is ready, draining output; enforce the wall-clock limit."""
        poller = select.poll()
        outputs = {self._launch.stdout_fd: self._out, self._launch.stderr_fd: self._err}
        for fd, events in wanted.items():
            poller.register(fd, events)
        for fd, buffer in outputs.items():
            if not buffer.closed:
                poller.register(fd, select.POLLIN)
        while True:
            remaining = self.limits.wall_s - self._busy_s - (time.perf_counter() - started)
            if remaining <= 0:
                self._busy_s = max(self._busy_s, self.limits.wall_s)
                self._fail("time_limit", f"Your code ran for more than {self.limits.wall_s:g} s {where} (wall-clock limit {self.limits.wall_s:g} s)")
            ready = poller.poll(min(remaining, 1.0) * 1000)
            for fd, event in ready:
                if fd in outputs:
                    if not self._read_output(fd, outputs[fd]):
                        poller.unregister(fd)
                    self._check_output(where)
                else:
                    return

    def _read_output(self, fd: int, buffer: "_OutputBuffer") -> bool:
        try:
            chunk = os.read(fd, 65536)
        except BlockingIOError:
            return True
        except OSError:
            chunk = b""
        if not chunk:
            buffer.closed = True
            return False
        buffer.append(chunk)
        return True

    def _check_output(self, where: str) -> None:
        total = self._out.total + self._err.total
        if total > OUTPUT_KILL_FACTOR * self.limits.output_kb * 1024:
            kb = OUTPUT_KILL_FACTOR * self.limits.output_kb
            self._fail("output_limit", f"Your code printed more than {kb} KB {where} (limit {kb} KB; the first {self.limits.output_kb} KB are kept)")

    def _drain_output(self, final: bool = False) -> None:
        if self._launch is None:
            return
        deadline = time.perf_counter() + (1.0 if final else 0.0)
        for fd, buffer in ((self._launch.stdout_fd, self._out), (self._launch.stderr_fd, self._err)):
            while not buffer.closed and buffer.total <= OUTPUT_KILL_FACTOR * self.limits.output_kb * 1024:
                if not select.select([fd], [], [], max(0.0, deadline - time.perf_counter()))[0]:
                    break
                if not self._read_output(fd, buffer):
                    break

    # -- failures ---------------------------------------------------------------
    def _fail(self, verdict: str, message: str):
        """Record the failure that ends this session, stop the sandbox, raise."""
        if self._failure is None:
            failure = SandboxFailure(verdict, message)
            self._failure = failure
            if self._launch is not None:
                self._launch.kill()
                self._drain_output(final=True)
            failure.stdout, failure.stderr = self._out.text(), self._err.text()
        raise self._failure

    def _fail_from_harness(self, reply: dict, where: str):
        verdict = reply.get("verdict")
        if verdict == "memory_limit":
            self._fail("memory_limit", self._memory_message(where))
        if verdict in ("syntax_error", "import_error", "runtime_error"):
            self._fail(verdict, str(reply.get("message", ""))[:20000])
        self._fail("protocol_error", f"Your code sent something unexpected to the grader {where}")

    def _memory_message(self, where: str) -> str:
        mb = self.limits.memory_mb
        return f"Your code used more than {mb} MB of memory {where} (limit {mb} MB)"

    def _died(self, where: str):
        """The harness stopped answering: find out why and fail accordingly."""
        launch_ = self._launch
        status = launch_.wait_exit(timeout=2.0)
        if status is None:  # alive but the reply pipe is closed: the code closed it
            self._fail("protocol_error", f"Your code closed the grader's connection {where}")
        limits = self.limits
        if where == "while starting":
            detail = self._err.text().strip()[-2000:] or "no message"
            self._fail("internal_error", f"the sandbox did not start (exit status {status}): {detail}")
        signal_number = status - 128 if status > 128 else -status if status < 0 else 0
        if signal_number == signal.SIGXCPU or (signal_number == signal.SIGKILL and not launch_.oom_killed()
                                                and self.execution_time >= limits.cpu_s):
            self._fail("time_limit", f"Your code used more than {limits.cpu_s:.1f} s of CPU time {where} (limit {limits.cpu_s:g} s)")
        if signal_number == signal.SIGKILL and launch_.oom_killed():
            self._fail("memory_limit", self._memory_message(where))
        if signal_number == signal.SIGXFSZ:
            self._fail("output_limit", f"Your code wrote a file larger than {limits.file_size_mb} MB {where} (limit {limits.file_size_mb} MB)")
        if signal_number == signal.SIGSYS:
            self._fail("runtime_error", f"Your code made a system call that the sandbox does not allow {where}")
        if signal_number:
            name = signal.Signals(signal_number).name if signal_number in signal.valid_signals() else str(signal_number)
            self._fail("runtime_error", f"Your code's Python process was killed by signal {name} {where}")
        if status == HARNESS_LOST_CONNECTION:
            self._fail("protocol_error", f"Your code closed or broke the grader's connection {where}")
        hint = "; remove calls to os._exit() and exit() from the top level" if where == "while being imported" else ""
        self._fail("runtime_error", f"Your code ended the Python process (exit status {status}) {where}{hint}")


class _OutputBuffer:
    """Keep the first ``limit`` bytes of a stream; count the rest."""

    def __init__(self, limit: int):
        self.limit = limit
        self.kept = bytearray()
        self.total = 0
        self.closed = False

    def append(self, chunk: bytes) -> None:
        self.total += len(chunk)
        room = self.limit - len(self.kept)
        if room > 0:
            self.kept += chunk[:room]

    def text(self) -> str:
        text = self.kept.decode("utf-8", errors="replace")
        cut = self.total - len(self.kept)
        if cut > 0:
            text += f"\n[... {cut} more bytes cut: only the first {self.limit // 1024} KB are kept ...]\n"
        return text
