"""The attack suite: each submission in ``submissions/`` tries one way to cheat or escape.

Every test runs the real bubblewrap sandbox through SandboxSession and checks
both the outcome the grader sees (a verdict, or a refused operation) and that
nothing outside changed: no marker file on the host, no process left behind,
no secret of the worker visible, the broker untouched.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from tests.attacks.conftest import FAST, assert_cleaned_up, attack, processes_named
from workers.sandbox import (
    SandboxFailure,
    SandboxLimits,
    SandboxSession,
    StudentCodeError,
    TMP_INODES,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("name, function, verdicts, fragment", [
    # On a loaded machine the wall-clock limit may trip before the CPU limit: both are time_limit.
    ("cpu_loop_at_import", None, {"time_limit"}, "while being imported ("),
    ("cpu_loop_in_call", "relu", {"time_limit"}, "in relu ("),
    ("ignore_sigxcpu", "relu", {"time_limit"}, "in relu ("),
    ("sleep_forever", "relu", {"time_limit"}, "in relu (wall-clock limit 4 s)"),
    ("memory_bomb", "relu", {"memory_limit"}, "more than 512 MB of memory in relu"),
    ("output_flood", "relu", {"output_limit"}, "printed more than"),
    ("huge_reply", "relu", {"output_limit"}, "returned more than 1 MB of data in relu"),
    ("os_exit_at_import", None, {"runtime_error"}, "exit status 0"),
    ("sys_exit_at_import", None, {"runtime_error"}, "sys.exit(3)"),
    ("fork_bomb", None, {"time_limit", "runtime_error"}, ""),
    ("forge_reply", "relu", {"protocol_error"}, "in relu"),
    ("close_pipes", "relu", {"protocol_error"}, "connection in relu"),
])
def test_attack_ends_with_a_verdict(name, function, verdicts, fragment):
    session = SandboxSession(attack(name), FAST)
    with pytest.raises(SandboxFailure) as raised:
        with session:
            session.call(function, np.ones(3))
    assert raised.value.verdict in verdicts, raised.value.message
    assert fragment in raised.value.message
    with pytest.raises(SandboxFailure) as again:
        session.call("relu", np.ones(3))
    assert again.value is raised.value, "a dead session keeps failing with the same failure"
    assert_cleaned_up(session)


def test_output_flood_keeps_only_the_first_kilobytes():
    session = SandboxSession(attack("output_flood"), FAST)
    with pytest.raises(SandboxFailure), session:
        session.call("relu", 1)
    assert len(session.stdout) < FAST.output_kb * 1024 + 200
    assert "more bytes cut" in session.stdout


def test_writes_outside_the_sandbox_are_refused(token, tmp_path):
    host_markers = [ROOT / f"PWNED-{token}", Path(f"/tmp/relugrade-pwned-{token}"),
                    Path(f"/var/lib/relugrade/pwned-{token}"), tmp_path / "pwned"]
    inside = ["/submission/submission.py", "/opt/harness/harness.py", f"/opt/runtime/pwned-{token}",
              "/usr/pwned", "/etc/pwned", "/pwned", "/dev/pwned", "/proc/pwned"]
    targets = [str(path) for path in host_markers] + inside
    with SandboxSession(attack("escape_files", TOKEN_TARGETS=repr(targets)), FAST) as session:
        results = session.call("probe")
    assert set(results) == set(targets)
    # /tmp inside is the sandbox's own tmpfs: writing there is allowed, and invisible outside.
    refused = {path: outcome for path, outcome in results.items() if not path.startswith("/tmp/")}
    assert all(outcome != "written" for outcome in refused.values()), refused
    for path in host_markers:
        assert not path.exists()
    assert (ROOT / "workers" / "harness.py").read_text().startswith('"""The harness')


def test_the_worker_environment_and_host_files_stay_hidden(monkeypatch, token):
    secret = f"worker-secret-{token}"
    monkeypatch.setenv("RELUGRADE_ATTACK_SECRET", secret)
    with SandboxSession(attack("read_secrets"), FAST) as session:
        found = session.call("probe")
    assert secret not in repr(found)
    assert "RELUGRADE_ATTACK_SECRET" not in found["environ"]
    assert set(found["environ"]) <= {"PATH", "HOME", "LANG", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS",
                                     "MKL_NUM_THREADS", "MALLOC_ARENA_MAX", "PYTHONDONTWRITEBYTECODE", "LC_CTYPE", "PWD"}
    assert found["/proc/1/environ"] in ("", "PermissionError")
    assert found["/etc/shadow"] == "FileNotFoundError"
    assert not any(path.startswith(("/work", "/root", "/var/lib", "/home")) for path in found["listing"])


def test_no_network_and_the_broker_is_untouched(token):
    redis_client = _redis_client()
    if redis_client is not None:
        redis_client.set(f"relugrade-sentinel-{token}", "still here", ex=300)
    with SandboxSession(attack("network"), FAST) as session:
        results = session.call("probe")
    assert "connected" not in results.values(), results
    if redis_client is not None:
        assert redis_client.get(f"relugrade-sentinel-{token}") == b"still here"
        redis_client.delete(f"relugrade-sentinel-{token}")


def _redis_client():
    url = os.environ.get("REDIS_URL")
    if not url:
        return None
    import redis

    client = redis.Redis.from_url(url, socket_timeout=5)
    client.ping()
    return client


def test_the_kernel_refuses_escapes():
    with SandboxSession(attack("kernel_escape"), FAST) as session:
        results = session.call("probe")
    assert all(outcome != "ok" for outcome in results.values()), results


def test_system_calls_of_other_abis_kill_the_sandbox():
    session = SandboxSession(attack("kernel_escape"), FAST)
    with pytest.raises(SandboxFailure) as raised, session:
        session.call("x32_syscall")
    assert raised.value.verdict == "runtime_error"
    assert "system call that the sandbox does not allow in x32_syscall" in raised.value.message


def test_tmp_is_capped_in_files_and_bytes():
    with SandboxSession(attack("tmp_inodes"), FAST) as session:
        made, error = session.call("probe")
    assert error is not None
    if os.geteuid() == 0:
        assert made <= TMP_INODES
    with SandboxSession(attack("big_file"), FAST) as session:
        assert session.call("probe") in ("File too large", "No space left on device")


def test_a_background_process_does_not_outlive_the_session(token):
    name = f"rgleak{token}"[:15]
    session = SandboxSession(attack("background_process", TOKEN_NAME=name), FAST)
    with session:
        deadline = time.monotonic() + 5
        while not processes_named(name) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert processes_named(name), "the attack should have started its daemon"
        assert session.call("relu", 2) == 2
    assert processes_named(name) == []
    assert_cleaned_up(session)


def test_nothing_outlives_a_killed_worker(token, tmp_path):
    """SIGKILL the process that holds the session: the sandbox must die with it."""
    name = f"rgorph{token}"[:15]
    script = tmp_path / "worker.py"
    script.write_text(textwrap.dedent(f"""
        import sys, time
        from tests.attacks.conftest import attack
        from workers.sandbox import SandboxSession, SandboxLimits
        session = SandboxSession(attack("background_process", TOKEN_NAME={name!r}), SandboxLimits(wall_s=60))
        session.__enter__()
        print("started", flush=True)
        time.sleep(120)
    """))
    worker = subprocess.Popen([sys.executable, str(script)], cwd=ROOT, stdout=subprocess.PIPE, text=True,
                              env=dict(os.environ, PYTHONPATH=str(ROOT)))
    try:
        assert worker.stdout.readline().strip() == "started"
        assert processes_named(name)
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait()
    deadline = time.monotonic() + 10
    while processes_named(name) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert processes_named(name) == []


def test_memory_spread_over_children_is_capped():
    try:
        with SandboxSession(attack("memory_spread_fork"), SandboxLimits(cpu_s=5, wall_s=10)) as session:
            statuses = session.call("probe")
    except SandboxFailure as failure:  # the OOM killer may pick the harness itself
        assert failure.verdict == "memory_limit", failure.message
        return
    # Either fork is refused (no memory cgroup: at most 2 processes) or the OOM killer
    # stopped some children: 4 x 300 MB never all fit.
    assert any(isinstance(status, str) or status != 0 for status in statuses), statuses


def test_faked_clocks_do_not_make_slow_code_look_fast():
    with SandboxSession(attack("fake_fast_timing"), SandboxLimits()) as session:
        timing = session.time_call("relu", (np.ones(1000),), baseline="maximum", repeat=3)
    assert timing.student_s >= 0.02
    assert timing.ratio > 10


@pytest.mark.parametrize("function, expected", [
    ("object_array", "RemoteObject"),
    ("always_equal", "RemoteObject"),
    ("huge_int", "StudentCodeError"),
    ("deep_list", "StudentCodeError"),
    ("non_string_keys", "StudentCodeError"),
])
def test_return_values_that_are_not_data_never_pass_as_data(function, expected):
    from workers.sandbox import RemoteObject

    with SandboxSession(attack("evil_return_values"), FAST) as session:
        if expected == "RemoteObject":
            value = session.call(function, 1)
            assert isinstance(value, RemoteObject)
            assert value != 1 and not isinstance(value, np.ndarray)
        else:
            with pytest.raises(StudentCodeError) as raised:
                session.call(function, 1)
            assert "cannot be sent back to the grader" in raised.value.message
        assert session.call("always_equal", 1) is not True  # the session is still alive
