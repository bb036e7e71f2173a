# Ends the interpreter while being imported, with only allowed imports.
import numpy as np

exit(0)
