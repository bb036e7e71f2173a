# Spreads memory over forked children (RLIMIT_AS is per process).
import os
import time

STATUSES = []
children = []
for _ in range(4):
    try:
        pid = os.fork()
    except OSError as error:
        STATUSES.append(f"fork failed: {error.strerror}")
        break
    if pid == 0:
        block = bytearray(300 * 1024 * 1024)
        for i in range(0, len(block), 4096):
            block[i] = 1
        time.sleep(1)
        os._exit(0)
    children.append(pid)
for pid in children:
    STATUSES.append(os.waitpid(pid, 0)[1])


def probe():
    return STATUSES
