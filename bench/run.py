"""Time the staff pages on a class-sized course; print a Markdown table for the README.

    .venv/bin/python bench/run.py [--students 500] [--submissions 30] [--runs 7] [--database-url URL ...]
                                  [--no-vacuum]

It runs on a temporary SQLite database and on each ``--database-url`` (a
PostgreSQL database, e.g. postgresql+psycopg://postgres@127.0.0.1:5432/relugrade_bench,
whose public schema it DROPS and recreates: never point it at data you keep).
Each database is migrated and seeded with the demo course, ``--students``
students and ``--submissions`` graded submissions per assignment
(grader.demo_data); PostgreSQL then gets the VACUUM ANALYZE that autovacuum
would run after such a bulk load (``--no-vacuum`` skips it). The gradebook page, its CSV export and each
assignment dashboard are timed with the Flask test client: the median of
``--runs`` runs after one warm-up, one column per database.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, text  # noqa: E402

from grader.app import create_app  # noqa: E402
from grader.config import Config  # noqa: E402
from grader.db import db, utcnow  # noqa: E402
from grader.migrate import reset_database  # noqa: E402


def make_course():
    """The demo course with the built-in assignments; six stand-ins when they cannot be loaded here."""
    from grader.models import Assignment, Course

    try:
        from grader.demo import seed_demo_course

        return seed_demo_course()
    except Exception as error:
        db.session.rollback()
        print(f"(built-in assignments unavailable: {error}; using six stand-ins)", file=sys.stderr)
    course = Course(slug="demo", title="Benchmark course")
    db.session.add(course)
    due = utcnow().replace(microsecond=0) - timedelta(days=1)
    for i, slug in enumerate(("relu-basics", "mlp-backprop", "two-layer-net", "xor", "sin-fit", "piecewise-linear")):
        db.session.add(Assignment(course=course, slug=slug, title=slug, position=i + 1, source_path=f"/nonexistent/{slug}",
                                  max_score=10.0, published=True, due_at=due + timedelta(days=i),
                                  late_penalty_per_day=0.1, counting="best" if i % 2 == 0 else "last"))
    db.session.commit()
    return course


def staff_client(app, course):
    """A test client logged in as a TA of the course (session set directly: no password hashing)."""
    from grader.accounts import enrol, get_or_create_user
    from grader.models import Role

    user = get_or_create_user("bench-ta", name="Bench TA")
    db.session.flush()
    enrol(user, course, Role.TA)
    db.session.commit()
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
        session["_fresh"] = True
    return client


def time_get(client, url: str, runs: int) -> tuple[float, int]:
    """Median milliseconds of ``runs`` GETs (after one warm-up) and the response size."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    return statistics.median(samples), len(response.data)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} CPUs, Python {platform.python_version()}, {platform.system()}"


def vacuum(url: str) -> None:
    """Set PostgreSQL's visibility map and statistics, as autovacuum would after a bulk load."""
    if url.startswith("postgresql"):
        engine = create_engine(url, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text("VACUUM ANALYZE"))
        engine.dispose()


def bench_database(url: str, workdir: Path, args) -> tuple[str, list[tuple[str, float, int]]]:
    """Seed the database at ``url`` and time every page: (seeding summary, [(page, median ms, bytes)])."""
    reset_database(url)
    config = Config.from_env(data_dir=workdir, database_url=url, broker_url="redis://127.0.0.1:1/0",
                             secret_key="bench", testing=True)
    app = create_app(config)
    with app.app_context():
        from grader.demo_data import seed_class_activity

        course = make_course()
        report = seed_class_activity(course, args.students, args.submissions)
        client = staff_client(app, course)
        if not args.no_vacuum:
            vacuum(url)
        rows = [("gradebook page", f"/staff/courses/{course.slug}/gradebook"),
                ("gradebook CSV export", f"/staff/courses/{course.slug}/gradebook.csv")]
        rows += [(f"dashboard: {a.slug}", f"/staff/courses/{course.slug}/assignments/{a.slug}")
                 for a in course.assignments]
        results = [(label, *time_get(client, path, args.runs)) for label, path in rows]
        summary = (f"{report.students} students × {len(course.assignments)} assignments × {args.submissions} "
                   f"submissions = {report.submissions:,} graded submissions and {report.test_rows:,} test "
                   f"results, seeded in {report.seconds:.1f} s")
        db.session.remove()
        db.engine.dispose()
    return summary, results


def database_name(url: str) -> str:
    return "SQLite" if url.startswith("sqlite") else "PostgreSQL" if url.startswith("postgresql") else url.split(":")[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=500)
    parser.add_argument("--submissions", type=int, default=30)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--database-url", action="append", default=[],
                        help="also run on this PostgreSQL database (its public schema is dropped); repeatable")
    parser.add_argument("--no-vacuum", action="store_true",
                        help="time PostgreSQL straight after the bulk load, before any VACUUM")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="relugrade-bench-") as tmp:
        workdir = Path(tmp)
        urls = [f"sqlite:///{workdir / 'bench.sqlite3'}", *args.database_url]
        runs = [(database_name(url), *bench_database(url, workdir, args)) for url in urls]

    for name, summary, _ in runs:
        print(f"{name}: {summary}.")
    postgresql = "" if len(runs) == 1 else " (PostgreSQL without VACUUM)" if args.no_vacuum else \
        " (PostgreSQL after VACUUM ANALYZE)"
    print(f"\nMachine: {machine()}. Median of {args.runs} runs after a warm-up, Flask test client{postgresql}.\n")
    print("| page | " + " | ".join(f"{name} ms" for name, _, _ in runs) + " | response KB |")
    print("|---|" + "---:|" * len(runs) + "---:|")
    for i, (label, _, size) in enumerate(runs[0][2]):
        medians = " | ".join(f"{results[i][1]:.0f}" for _, _, results in runs)
        print(f"| {label} | {medians} | {size / 1024:.0f} |")


if __name__ == "__main__":
    main()
