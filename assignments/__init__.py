"""Assignments: the check API, the loader, the runner and the built-in assignments."""
