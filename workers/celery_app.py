"""The Celery application, bound to a Flask app so tasks run inside its app context."""

from __future__ import annotations

from celery import Celery, Task
from flask import Flask

TASK_SOFT_TIME_LIMIT = 240
"""Seconds; above any assignment's sandbox wall limit, so the sandbox trips first."""
TASK_TIME_LIMIT = 300
SWEEP_EVERY_S = 15.0


def celery_init_app(app: Flask) -> Celery:
    """Create the Celery app for ``app`` (Flask's documented pattern) and make it the default."""
    config = app.config["GRADER"]

    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.conf.update(
        broker_url=config.celery_broker_url,
        broker_connection_retry_on_startup=True,
        broker_connection_timeout=3,
        # A message is restored to the queue if its worker vanished without acking it;
        # longer than any task so a slow grading is never handed out twice.
        broker_transport_options={"visibility_timeout": 2 * TASK_TIME_LIMIT},
        task_ignore_result=True,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_default_queue="grading",
        worker_prefetch_multiplier=1,
        worker_hijack_root_logger=False,
        beat_schedule={"sweep-submissions": {"task": "workers.tasks.sweep_submissions",
                                              "schedule": SWEEP_EVERY_S}},
        beat_schedule_filename=str(config.data_dir / "celerybeat-schedule"),
        include=["workers.tasks", "grader.uploads", "grader.regrades"],
    )
    celery_app.set_default()
    app.extensions["celery"] = celery_app
    return celery_app
