"""docker-compose.yml runs `grader` commands; run the same commands here (no Docker engine on CI)."""

import re
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import worker_env

ROOT = Path(__file__).resolve().parents[2]
GRADER = str(Path(sys.executable).parent / "grader")


def compose_commands() -> dict[str, list[str]]:
    """Each relugrade service's command, read from docker-compose.yml."""
    commands, service = {}, None
    for line in (ROOT / "docker-compose.yml").read_text().splitlines():
        if re.match(r"^  [a-z]+:$", line):
            service = line.strip().rstrip(":")
        match = re.match(r'^\s+command: \[(.*)\]$', line)
        if match and service and '"grader"' in match.group(1):
            commands[service] = re.findall(r'"([^"]*)"', match.group(1))
    return commands


def test_every_service_runs_a_grader_command_that_exists():
    commands = compose_commands()
    assert set(commands) == {"migrate", "web", "worker", "beat"}
    for service, argv in commands.items():
        subcommand = [part for part in argv[1:] if not part.startswith("-")][: 2 if argv[1] == "db" else 1]
        done = subprocess.run([GRADER, *subcommand, "--help"], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, f"{service}: {' '.join(argv)}: {done.stderr}"


def test_beat_sends_the_sweep(config, tmp_path):
    """The compose `beat` service: it schedules the sweep that sends submissions the broker never got."""
    env = worker_env(config)
    env["GRADER_DATA_DIR"] = str(tmp_path)  # its own schedule file
    log = tmp_path / "beat.log"
    with open(log, "wb") as out:
        beat = subprocess.Popen([GRADER, "beat"], env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 60
            while b"Sending due task sweep-submissions" not in log.read_bytes():
                assert beat.poll() is None, log.read_text()
                assert time.monotonic() < deadline, log.read_text()[-2000:]
                time.sleep(0.5)
        finally:
            beat.terminate()
            beat.wait(timeout=30)
