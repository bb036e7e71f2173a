"""Otter-Grader's local `otter run` against relugrade's submit-to-score, measured in one run.

    .venv/bin/python bench/peer_otter.py [--runs 10] [--otter-spec otter-grader==7.0.0] [--otter-venv DIR]

What it does, all on this machine, one after the other:

1. Creates a throwaway virtual environment in a temporary directory and
   pip-installs Otter-Grader (``--otter-spec``, pinned to 7.0.0 by default),
   ipykernel (``otter run`` executes the submission in a Jupyter kernel and
   fails with "No such kernel named python3" without it) and NumPy. With
   ``--otter-venv DIR`` the environment is made there (or reused if Otter is
   already installed there) and kept; put DIR outside the repository.
2. Builds an Otter autograder zip with ``otter generate`` from the six
   OK-format tests in ``bench/peer_otter/tests/`` (relu on random arrays,
   relu's dtypes, relu's edge cases, relu_grad on random arrays with zeros,
   relu_grad's dtypes/infinities/empty arrays, input left unchanged: the
   non-timing checks of ``assignments/relu-basics/checks.py``, 8 points).
3. Times ``otter run -a autograder.zip`` (local mode: no Docker) as a
   subprocess on the reference solution ``assignments/relu-basics/solution.py``,
   wall clock from spawn to exit, ``--runs`` times after one uncounted
   warm-up run; every run must score full marks or the script stops.
4. Runs ``bench/latency.py --runs N`` (same Python as this script) and reads
   its table: relugrade's submit-to-stored-score time and, of that, the
   sandbox + checks time.

It prints the machine and one Markdown table with medians, maxima and the
ratio of Otter's median to each of relugrade's (progress goes to stderr).

What is measured is not the same work, and the difference favours Otter:

- ``otter run`` starts the Otter CLI, starts a Jupyter kernel, executes the
  student's file in that kernel and runs the doctests *in the same process*
  as the student's code: there is no isolation at all (a submission can
  replace ``np.allclose`` or the test globals and give itself full marks),
  no resource limits, no queue and no database. Its six tests do no timing.
- relugrade's submit-to-score time covers an HTTP POST to the API, a stored
  submission row, a Redis queue, a Celery worker, a bubblewrap sandbox with
  seccomp and resource limits, all of the assignment's checks (including the
  two vectorisation checks that time relu and relu_grad on 10^6 elements
  against NumPy, and a hidden check), and writing the result to the
  database, up to the moment the client sees the stored score.
  "Sandbox + checks" is the part of that spent in the sandbox.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TESTS_DIR = Path(__file__).resolve().parent / "peer_otter" / "tests"
ASSIGNMENT = "relu-basics"
PIP_TIMEOUT_S = 1200
RUN_TIMEOUT_S = 300


class BenchError(Exception):
    """A step failed; the message says which and why."""


def log(message: str) -> None:
    print(f"[peer_otter] {message}", file=sys.stderr, flush=True)


def tail(text: str, lines: int = 25) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def venv_bin(env_dir: Path) -> Path:
    return env_dir / ("Scripts" if os.name == "nt" else "bin")


def clean_env(env_dir: Path, work: Path) -> dict[str, str]:
    """The environment for Otter's commands: its venv first on PATH, nothing of ours, no user Jupyter kernels."""
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")}
    env["PATH"] = f"{venv_bin(env_dir)}{os.pathsep}{env.get('PATH', '')}"
    # A python3 kernelspec in the user's Jupyter dirs would win over the venv's own kernel.
    for name in ("JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "JUPYTER_CONFIG_DIR", "IPYTHONDIR"):
        path = work / "jupyter" / name.lower()
        path.mkdir(parents=True, exist_ok=True)
        env[name] = str(path)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def otter_installed(env_dir: Path, env: dict[str, str]) -> str | None:
    """Otter's version if Otter and ipykernel import in env_dir, else None."""
    python = venv_bin(env_dir) / "python"
    if not python.exists():
        return None
    probe = subprocess.run([str(python), "-c", "import ipykernel, numpy, otter; print(otter.__version__)"],
                           capture_output=True, text=True, env=env)
    return probe.stdout.strip() if probe.returncode == 0 else None


def install_otter(env_dir: Path, spec: str, env: dict[str, str]) -> str:
    """Create a venv at env_dir (unless Otter is already there) and pip-install Otter into it; return its version."""
    version = otter_installed(env_dir, env)
    if version:
        log(f"reusing Otter-Grader {version} in {env_dir}")
        return version
    log(f"creating a virtual environment in {env_dir}")
    try:
        venv.EnvBuilder(with_pip=True, clear=False).create(env_dir)
    except Exception as error:  # ensurepip missing, disk full, ...
        raise BenchError(f"could not create a virtual environment in {env_dir}: {error}\n"
                         "(On Debian, `apt-get install python3-venv` provides ensurepip.)") from error
    python = venv_bin(env_dir) / "python"
    packages = [spec, "ipykernel", "numpy"]
    log(f"pip install {' '.join(packages)} (this takes a minute or two)")
    started = time.perf_counter()
    try:
        result = subprocess.run([str(python), "-m", "pip", "install", "--disable-pip-version-check",
                                 "--no-input", *packages],
                                capture_output=True, text=True, env=env, timeout=PIP_TIMEOUT_S)
    except subprocess.TimeoutExpired as error:
        raise BenchError(f"pip install {' '.join(packages)} did not finish within {PIP_TIMEOUT_S} s "
                         "(is the package index reachable?)") from error
    if result.returncode != 0:
        raise BenchError(f"pip install {' '.join(packages)} failed (exit status {result.returncode}). "
                         "Is PyPI reachable, and does the spec name an existing version?\n"
                         f"Last lines of pip's output:\n{tail(result.stdout + result.stderr)}")
    log(f"installed in {time.perf_counter() - started:.0f} s")
    version = otter_installed(env_dir, env)
    if not version:
        raise BenchError(f"pip reported success but `import otter, ipykernel, numpy` fails in {env_dir}")
    return version


def build_autograder(work: Path, env_dir: Path, env: dict[str, str]) -> Path:
    """Run `otter generate` on the OK-format tests; return the autograder zip."""
    tests = sorted(TESTS_DIR.glob("*.py"))
    if not tests:
        raise BenchError(f"no Otter tests found in {TESTS_DIR}")
    build = work / "build"
    shutil.copytree(TESTS_DIR, build / "tests")
    zip_path = work / "autograder.zip"
    result = subprocess.run([str(venv_bin(env_dir) / "otter"), "generate", "-t", "tests", "-o", str(zip_path),
                             "--no-config", "--no-requirements", "--no-environment"],
                            cwd=build, capture_output=True, text=True, env=env)
    if result.returncode != 0 or not zip_path.exists():
        raise BenchError(f"otter generate failed (exit status {result.returncode}):\n"
                         f"{tail(result.stdout + result.stderr)}")
    log(f"built {zip_path.name} from {len(tests)} OK-format tests")
    return zip_path


def otter_run_once(work: Path, env_dir: Path, env: dict[str, str], autograder: Path) -> float:
    """Time one `otter run` on the reference solution; fail unless it scores full marks."""
    submission = work / "submission" / "relu.py"
    submission.parent.mkdir(exist_ok=True)
    shutil.copyfile(ROOT / "assignments" / ASSIGNMENT / "solution.py", submission)
    out = work / "out"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    command = [str(venv_bin(env_dir) / "otter"), "run", "-a", str(autograder), "-o", str(out), "--no-logo",
               str(submission)]
    started = time.perf_counter()
    try:
        result = subprocess.run(command, cwd=work, capture_output=True, text=True, env=env, timeout=RUN_TIMEOUT_S)
    except subprocess.TimeoutExpired as error:
        raise BenchError(f"otter run did not finish within {RUN_TIMEOUT_S} s") from error
    elapsed = time.perf_counter() - started
    results_path = out / "results.json"
    if result.returncode != 0 or not results_path.exists():
        raise BenchError(f"otter run failed (exit status {result.returncode}):\n{tail(result.stdout + result.stderr)}")
    tests = [t for t in json.loads(results_path.read_text())["tests"] if "max_score" in t]
    score, max_score = sum(t["score"] for t in tests), sum(t["max_score"] for t in tests)
    if len(tests) != len(list(TESTS_DIR.glob("*.py"))) or max_score == 0 or score != max_score:
        raise BenchError(f"otter run graded the reference solution {score}/{max_score} over {len(tests)} tests, "
                         f"expected full marks:\n{tail(result.stdout)}")
    return elapsed


def run_relugrade(runs: int) -> dict[str, tuple[float, float]]:
    """Run bench/latency.py --runs N; return {row: (median, max)} from its table."""
    command = [sys.executable, str(ROOT / "bench" / "latency.py"), "--runs", str(runs), "--assignment", ASSIGNMENT]
    log(f"running {' '.join(command[1:])}")
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        raise BenchError(f"bench/latency.py failed (exit status {result.returncode}); run this script with the "
                         f"project's Python (.venv/bin/python).\n{tail(result.stdout + result.stderr)}")
    rows = {}
    for label, median, maximum in re.findall(r"^\| ([^|]+?) \| ([\d.]+) s \| ([\d.]+) s \|$", result.stdout, re.M):
        rows[label] = (float(median), float(maximum))
    for needed in ("submit to stored score", "of which sandbox + checks"):
        if needed not in rows:
            raise BenchError(f"bench/latency.py printed no '{needed}' row:\n{result.stdout}")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="counted runs of each grader (after one warm-up)")
    parser.add_argument("--otter-spec", default="otter-grader==7.0.0", help="pip requirement for Otter")
    parser.add_argument("--otter-venv", type=Path, help="make (or reuse) Otter's venv here and keep it")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    started = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="relugrade-peer-otter-"))
    env_dir = args.otter_venv.resolve() if args.otter_venv else work / "venv"
    try:
        env = clean_env(env_dir, work)
        otter_version = install_otter(env_dir, args.otter_spec, env)
        autograder = build_autograder(work, env_dir, env)
        otter_times = []
        for i in range(args.runs + 1):  # the first run warms up the disk cache and is not counted
            elapsed = otter_run_once(work, env_dir, env, autograder)
            log(f"otter run {'warm-up' if i == 0 else f'{i}/{args.runs}'}: {elapsed:.2f} s")
            if i:
                otter_times.append(elapsed)
        relugrade = run_relugrade(args.runs)
    except BenchError as error:
        sys.exit(f"peer_otter: {error}")
    finally:
        shutil.rmtree(work, ignore_errors=True)

    checks = (ROOT / "assignments" / ASSIGNMENT / "checks.py").read_text()
    n_checks = len(re.findall(r"^@check\(", checks, re.M))
    n_tests = len(list(TESTS_DIR.glob("*.py")))
    otter_median = statistics.median(otter_times)
    rows = [
        (f"Otter-Grader {otter_version}, `otter run` (local, no isolation), {n_tests} tests",
         otter_median, max(otter_times)),
        (f"relugrade, submit to stored score ({n_checks} checks)", *relugrade["submit to stored score"]),
        ("relugrade, of which sandbox + checks", *relugrade["of which sandbox + checks"]),
    ]
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{platform.platform()}")
    print(f"\n| {ASSIGNMENT} reference solution, {args.runs} runs each | median | max | Otter's median ÷ this |")
    print("|---|---|---|---|")
    for i, (label, median, maximum) in enumerate(rows):
        ratio = "—" if i == 0 else f"{otter_median / median:.1f}×" if median > 0 else "n/a"
        print(f"| {label} | {median:.2f} s | {maximum:.2f} s | {ratio} |")
    log(f"done in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
