"""Start and stop the sandbox's process tree: ``launch`` and ``Launch``.

Writes the job directory (harness, submission, /tmp mount point), builds the
bubblewrap command line (or, for kind "none", a plain rlimited subprocess),
gives the sandbox its memory and pids cgroups when the host delegates them,
and kills every process of the sandbox and removes its files when done.
The session that talks to the harness is ``workers.sandbox.SandboxSession``.
"""

from __future__ import annotations

import errno
import fcntl
import functools
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from workers import runtime
from workers.limits import SandboxLimits

HARNESS_FILES = ("harness.py", "protocol.py")
PIPE_SIZE = 1 << 20


class LaunchError(Exception):
    """The sandbox could not be started (our problem, not the student's)."""


TMP_INODES = 4096
"""Files and directories the private /tmp (with /dev/shm) may hold, when the launcher can mount it."""
ROOT_JOB_BASE = Path("/var/lib/relugrade/jobs")
SANDBOX_UID = 65534
CGROUP_PREFIX = "relugrade-"
SANDBOX_ENV = {
    "PATH": "/usr/bin:/bin", "HOME": "/tmp", "LANG": "C.UTF-8", "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "MALLOC_ARENA_MAX": "2",
    "PYTHONDONTWRITEBYTECODE": "1",
}
# Runs as root with an empty environment: join the cgroups, mount the private
# /tmp (a tmpfs with an inode cap, visible only in this mount namespace), exec.
LAUNCH_SCRIPT = r"""set -e
for procs in $1; do echo $$ > "$procs"; done
if [ -n "$2" ]; then
  /bin/mount -t tmpfs -o "$3" relugrade-tmp "$2"
  /bin/mkdir -m 1777 "$2/tmp" "$2/shm"
fi
shift 3
exec /usr/bin/env -i "$@"
"""


class Launch:
    """A started sandbox: its process, pipes, job directory and cgroups."""

    def __init__(self, process, request_fd, reply_fd, job_dir: Path, cgroups: list):
        self.process = process
        self.request_fd = request_fd
        self.reply_fd = reply_fd
        self.stdout_fd = process.stdout.fileno()
        self.stderr_fd = process.stderr.fileno()
        self.job_dir = job_dir
        self.cgroups = cgroups
        for fd in (request_fd, reply_fd, self.stdout_fd, self.stderr_fd):
            os.set_blocking(fd, False)

    def wait_exit(self, timeout: float) -> int | None:
        """The launcher's exit status (bwrap gives 128 + signal), or None if still running."""
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def oom_killed(self) -> bool:
        """Did the memory cgroup's OOM killer kill anything?"""
        for cgroup in self.cgroups:
            for name in ("memory.oom_control", "memory.events"):
                try:
                    for line in (cgroup / name).read_text().splitlines():
                        key, _, value = line.partition(" ")
                        if key == "oom_kill" and int(value) > 0:
                            return True
                except (OSError, ValueError):
                    pass
        return False

    def kill(self) -> None:
        """Kill the sandbox and every process in it."""
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except OSError:
                self.process.kill()
        for cgroup in self.cgroups:
            _kill_cgroup(cgroup)
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            pass

    def cleanup(self) -> None:
        """Remove the cgroups and the job directory; close the pipes."""
        for fd in (self.request_fd, self.reply_fd):
            try:
                os.close(fd)
            except OSError:
                pass
        self.process.stdout.close()
        self.process.stderr.close()
        for cgroup in self.cgroups:
            _remove_cgroup(cgroup)
        shutil.rmtree(self.job_dir, ignore_errors=True)


def launch(code: str, filename: str, limits: SandboxLimits, kind: str) -> Launch:
    """Write the job directory and start the harness in a sandbox of ``kind``."""
    job_dir = _make_job_dir(code, filename)
    cgroups: list = []
    pipes: list = []
    try:
        request_r, request_w = os.pipe()
        reply_r, reply_w = os.pipe()
        pipes = [request_r, request_w, reply_r, reply_w]
        for fd in (request_w, reply_w):
            _grow_pipe(fd)
        harness_args = [filename, str(request_r), str(reply_w)]
        if kind == "none":
            command = _plain_command(job_dir, limits, harness_args)
            env = dict(SANDBOX_ENV, HOME=str(job_dir / "tmp"), PATH=os.defpath)
            extra_fds: tuple = ()
        else:
            the_runtime = runtime.find_runtime()
            if the_runtime is None:
                raise LaunchError("the sandbox runtime is not provisioned: run `grader sandbox provision`")
            if shutil.which("bwrap") is None:
                raise LaunchError("bubblewrap (bwrap) is not installed: apt-get install bubblewrap")
            seccomp_fd = os.open(the_runtime.seccomp_filter, os.O_RDONLY)
            pipes.append(seccomp_fd)
            cgroups = _make_cgroups(job_dir, limits)
            command = _bwrap_command(job_dir, limits, the_runtime, seccomp_fd, harness_args, cgroups)
            env, extra_fds = {}, (seccomp_fd,)
        process = subprocess.Popen(
            command, env=env, cwd="/", stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, pass_fds=(request_r, reply_w, *extra_fds), start_new_session=True)
    except BaseException as error:
        for fd in pipes:
            os.close(fd)
        for cgroup in cgroups:
            _remove_cgroup(cgroup)
        shutil.rmtree(job_dir, ignore_errors=True)
        if isinstance(error, (OSError, LaunchError)):
            raise LaunchError(str(error)) from error
        raise
    for fd in pipes:
        if fd not in (request_w, reply_r):
            os.close(fd)
    return Launch(process, request_w, reply_r, job_dir, cgroups)


def _plain_command(job_dir: Path, limits: SandboxLimits, harness_args: list) -> list:
    python = [sys.executable, "-I", "-B", str(job_dir / "harness" / "harness.py"),
              str(job_dir / "submission" / harness_args[0]), *harness_args]
    return _prlimit(limits, limits.processes) + python


def _prlimit(limits: SandboxLimits, processes: int) -> list:
    mib = 1024 * 1024
    cpu = max(1, round(limits.cpu_s))
    return ["/usr/bin/prlimit", f"--cpu={cpu}:{cpu + 1}", f"--as={limits.memory_mb * mib}",
            f"--nproc={processes}", f"--fsize={limits.file_size_mb * mib}",
            f"--nofile={limits.open_files}", "--core=0", "--"]


def _bwrap_command(job_dir, limits, the_runtime, seccomp_fd, harness_args, cgroups) -> list:
    as_root = os.geteuid() == 0
    has_memory_cgroup = any(cgroup.parent in (_cgroup_parents().get("memory"), _cgroup_parents().get("unified"))
                            for cgroup in cgroups)
    processes = limits.processes if has_memory_cgroup else min(limits.processes, 2)
    mib = 1024 * 1024
    command = ["bwrap", "--unshare-all", "--unshare-user", "--disable-userns", "--die-with-parent",
               "--new-session", "--cap-drop", "ALL", "--clearenv"]
    for name, value in SANDBOX_ENV.items():
        command += ["--setenv", name, value]
    command += ["--ro-bind", "/usr", "/usr", "--symlink", "usr/bin", "/bin", "--symlink", "usr/lib", "/lib",
                "--symlink", "usr/lib64", "/lib64", "--ro-bind", "/etc/ld.so.cache", "/etc/ld.so.cache",
                "--ro-bind", str(the_runtime.path), "/opt/runtime",
                "--ro-bind", str(job_dir / "harness"), "/opt/harness",
                "--ro-bind", str(job_dir / "submission"), "/submission",
                "--proc", "/proc", "--dev", "/dev"]
    if as_root:
        command += ["--bind", str(job_dir / "tmp" / "shm"), "/dev/shm", "--bind", str(job_dir / "tmp" / "tmp"), "/tmp"]
    else:
        command += ["--size", str(limits.tmp_mb * mib), "--tmpfs", "/tmp",
                    "--size", str(16 * mib), "--tmpfs", "/dev/shm"]
    command += ["--remount-ro", "/dev", "--remount-ro", "/", "--seccomp", str(seccomp_fd), "--chdir", "/tmp"]
    command += _prlimit(limits, processes)
    command += ["/opt/runtime/bin/python", "-I", "-B", "/opt/harness/harness.py",
                f"/submission/{harness_args[0]}", *harness_args]
    if not as_root:
        return command
    # As root: join the cgroups and mount /tmp in a private mount namespace,
    # then drop to the unprivileged uid before bwrap starts.
    procs = " ".join(str(cgroup / "cgroup.procs") for cgroup in cgroups)
    tmp_options = f"size={limits.tmp_mb * mib},nr_inodes={TMP_INODES},mode=0755"
    setpriv = ["/usr/bin/setpriv", f"--reuid={SANDBOX_UID}", f"--regid={SANDBOX_UID}", "--clear-groups"]
    return ["/usr/bin/unshare", "--mount", "--propagation", "private", "/bin/sh", "-c", LAUNCH_SCRIPT,
            "sh", procs, str(job_dir / "tmp"), tmp_options, *setpriv, *command]


def _grow_pipe(fd: int) -> None:
    try:
        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, PIPE_SIZE)
    except OSError:
        pass


def _job_base() -> Path:
    if os.geteuid() == 0:
        base = ROOT_JOB_BASE
    else:
        base = Path(tempfile.gettempdir()) / f"relugrade-jobs-{os.geteuid()}"
    runtime.make_traversable(base)
    info = os.lstat(base)
    if info.st_uid != os.geteuid() or not os.path.isdir(base) or os.path.islink(base):
        raise LaunchError(f"{base} must be a directory owned by uid {os.geteuid()}")
    os.chmod(base, 0o711)
    return base


def _make_job_dir(code: str, filename: str) -> Path:
    """Create the per-session directory: harness files, the submission, a /tmp mount point."""
    base = _job_base()
    _sweep_stale_jobs(base)
    job_dir = base / f"{os.getpid()}-{secrets.token_hex(8)}"
    job_dir.mkdir(mode=0o755)
    os.chmod(job_dir, 0o755)
    for sub in ("harness", "submission", "tmp"):
        (job_dir / sub).mkdir(mode=0o755)
        os.chmod(job_dir / sub, 0o755)
    here = Path(__file__).parent
    for name in HARNESS_FILES:
        shutil.copyfile(here / name, job_dir / "harness" / name)
        os.chmod(job_dir / "harness" / name, 0o644)
    (job_dir / "submission" / filename).write_text(code, encoding="utf-8", errors="surrogateescape")
    os.chmod(job_dir / "submission" / filename, 0o644)
    if os.geteuid() != 0:  # no private mount: the host-side /tmp of the job is used directly only by kind "none"
        (job_dir / "tmp").chmod(0o700)
    return job_dir


def _sweep_stale_jobs(base: Path) -> None:
    """Remove job directories whose worker process is gone (a crashed worker's leftovers)."""
    for entry in base.iterdir():
        pid = entry.name.split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(entry, ignore_errors=True)
            for parent in _cgroup_parents().values():
                for cgroup in parent.glob(f"{CGROUP_PREFIX}{entry.name}*"):
                    _kill_cgroup(cgroup)
                    _remove_cgroup(cgroup)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# -- cgroups ------------------------------------------------------------------

@functools.cache
def _cgroup_parents() -> dict:
    """Writable cgroup directories (by controller) under which sandboxes get their own cgroup.

    cgroup v1: the worker's own ``memory`` and ``pids`` cgroups. cgroup v2: the
    worker's cgroup when it already delegates ``memory`` and ``pids`` to children.
    Empty when neither is available (the sandbox then relies on rlimits only).
    """
    if os.geteuid() != 0:
        return {}
    mounts = {}
    try:
        with open("/proc/self/mountinfo") as mountinfo:
            for line in mountinfo:
                left, _, right = line.partition(" - ")
                fstype, _, super_options = right.split()[:3]
                mount_point = left.split()[4]
                if fstype == "cgroup":
                    for controller in ("memory", "pids"):
                        if controller in super_options.split(","):
                            mounts[controller] = Path(mount_point)
                elif fstype == "cgroup2":
                    mounts.setdefault("unified", Path(mount_point))
        own = {}
        with open("/proc/self/cgroup") as cgroup_file:
            for line in cgroup_file:
                _, controllers, path = line.rstrip("\n").split(":", 2)
                for controller in controllers.split(",") if controllers else ["unified"]:
                    own[controller] = path.lstrip("/")
    except OSError:
        return {}
    parents = {}
    for controller in ("memory", "pids"):
        if controller in mounts and controller in own:
            parent = mounts[controller] / own[controller]
            if (parent / "cgroup.procs").exists() and os.access(parent, os.W_OK):
                parents[controller] = parent
    if not parents and "unified" in mounts and "unified" in own:
        parent = mounts["unified"] / own["unified"]
        try:
            delegated = (parent / "cgroup.subtree_control").read_text().split()
        except OSError:
            delegated = []
        if {"memory", "pids"} <= set(delegated) and os.access(parent, os.W_OK):
            parents["unified"] = parent
    return parents


def _make_cgroups(job_dir: Path, limits: SandboxLimits) -> list:
    """Create the sandbox's cgroups with its limits; [] when cgroups are unavailable."""
    memory = (limits.memory_mb + limits.tmp_mb + 64) * 1024 * 1024
    settings = {
        "memory": {"memory.limit_in_bytes": memory, "memory.memsw.limit_in_bytes": memory},
        "pids": {"pids.max": limits.processes + 4},
        "unified": {"memory.max": memory, "memory.swap.max": 0, "pids.max": limits.processes + 4},
    }
    made = []
    try:
        for controller, parent in _cgroup_parents().items():
            cgroup = parent / f"{CGROUP_PREFIX}{job_dir.name}"
            cgroup.mkdir()
            made.append(cgroup)
            for name, value in settings[controller].items():
                try:
                    (cgroup / name).write_text(str(value))
                except OSError as error:
                    if name in ("memory.limit_in_bytes", "memory.max", "pids.max"):
                        raise
                    if error.errno not in (errno.ENOENT, errno.EACCES, errno.EINVAL, errno.EPERM):
                        raise
    except OSError:
        for cgroup in made:
            _remove_cgroup(cgroup)
        _cgroup_parents.cache_clear()
        return []
    return made


def _kill_cgroup(cgroup: Path) -> None:
    """SIGKILL every process in ``cgroup`` until it is empty (or a few seconds pass)."""
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:
        try:
            pids = [int(pid) for pid in (cgroup / "cgroup.procs").read_text().split()]
        except (OSError, ValueError):
            return
        if not pids:
            return
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        time.sleep(0.005)


def _remove_cgroup(cgroup: Path) -> None:
    for _ in range(200):
        try:
            cgroup.rmdir()
            return
        except FileNotFoundError:
            return
        except OSError:
            time.sleep(0.005)
