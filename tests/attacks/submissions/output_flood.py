# Prints without end.
def relu(x):
    while True:
        print("x" * 1000)
