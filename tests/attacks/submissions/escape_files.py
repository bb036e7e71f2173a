# Tries to write outside the sandbox and to change the grader's own files.
import os

TARGETS = TOKEN_TARGETS


def probe():
    results = {}
    for path in TARGETS:
        try:
            with open(path, "w") as handle:
                handle.write("pwned")
            results[path] = "written"
        except OSError as error:
            results[path] = f"{type(error).__name__}: {error.strerror}"
    return results
