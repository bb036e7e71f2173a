# relu never returns and burns CPU.
def relu(x):
    while True:
        pass
