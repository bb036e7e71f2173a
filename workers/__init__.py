"""Celery workers, the sandbox launcher, and the harness that runs inside the sandbox."""
