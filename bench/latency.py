"""Seconds from submit to score: API POST -> Redis -> Celery worker -> sandbox -> stored result.

Run with `.venv/bin/python bench/latency.py [--runs N] [--assignment SLUG]`. It sets up
a throwaway data dir (SQLite, embedded Redis), starts a real worker, submits the
reference solution N times one after another, and prints medians as a Markdown table.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--assignment", default="relu-basics")
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="relugrade-bench-"))
    os.environ.update(GRADER_DATA_DIR=str(data_dir), GRADER_SECRET_KEY="bench",
                      GRADER_DATABASE_URL=f"sqlite:///{data_dir / 'bench.sqlite3'}")
    os.environ.pop("GRADER_BROKER_URL", None)
    from grader.app import create_app
    from grader.config import Config
    from grader.db import db
    from grader.migrate import upgrade
    from workers.embedded_redis import start_embedded_redis

    config = Config.from_env()
    upgrade(config.database_url)
    redis = start_embedded_redis(config.embedded_redis_socket)
    grader = str(Path(sys.executable).parent / "grader")
    log = open(data_dir / "worker.log", "wb")
    worker = subprocess.Popen([grader, "worker", "--concurrency", "2"], stdout=log, stderr=subprocess.STDOUT)
    try:
        app = create_app(config)
        with app.app_context():
            from grader.accounts import issue_token
            from grader.demo import seed_demo_course
            from grader.models import Submission, User

            seed_demo_course()
            token = issue_token(db.session.query(User).filter_by(username="student").one())
            db.session.commit()
            while b" ready." not in (data_dir / "worker.log").read_bytes():
                time.sleep(0.1)
            code = (ROOT / "assignments" / args.assignment / "solution.py").read_bytes()
            client = app.test_client()
            latencies, sandbox_times = [], []
            for _ in range(args.runs + 1):  # the first run warms the worker up and is not counted
                started = time.perf_counter()
                response = client.post(f"/api/v1/courses/demo/assignments/{args.assignment}/submissions",
                                       headers={"Authorization": f"Bearer {token}"},
                                       data={"file": (io.BytesIO(code), "solution.py")})
                submission_id = response.get_json()["id"]
                while True:
                    db.session.expire_all()
                    submission = db.session.get(Submission, submission_id)
                    if submission.status in ("graded", "failed"):
                        break
                    db.session.rollback()
                    time.sleep(0.01)
                latencies.append(time.perf_counter() - started)
                sandbox_times.append(submission.current_result.execution_time or 0.0)
            latencies, sandbox_times = latencies[1:], sandbox_times[1:]
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        redis.terminate()

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{platform.platform()}")
    print(f"\n| {args.assignment}, {args.runs} runs | median | max |\n|---|---|---|")
    print(f"| submit to stored score | {statistics.median(latencies):.2f} s | {max(latencies):.2f} s |")
    print(f"| of which sandbox + checks | {statistics.median(sandbox_times):.2f} s | {max(sandbox_times):.2f} s |")


if __name__ == "__main__":
    main()
