# Leaves a daemon behind that would outlive the session and write to the host.
import ctypes
import os
import time

pid = os.fork()
if pid == 0:
    os.setsid()
    if os.fork() == 0:
        ctypes.CDLL(None).prctl(15, b"TOKEN_NAME", 0, 0, 0)  # PR_SET_NAME: findable from the host
        while True:
            time.sleep(0.05)
    os._exit(0)
os.waitpid(pid, 0)


def relu(x):
    return x
