# Uses no CPU, just never answers.
import time


def relu(x):
    time.sleep(10_000)
