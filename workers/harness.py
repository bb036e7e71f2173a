"""The harness: runs *inside* the sandbox, imports the student module, serves calls.

Started as ``python -I -B harness.py SUBMISSION FILENAME REQUEST_FD REPLY_FD``.
It answers with data only (see :mod:`workers.protocol`); whatever it sends is
treated as untrusted by the worker, so nothing here is a security boundary.
"""

import linecache
import os
import sys
import time
import traceback
import types

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import numpy as np  # noqa: E402  (imported before the student's code runs)

import protocol  # noqa: E402

del sys.path[0]
HARNESS_FILES = {os.path.abspath(__file__), os.path.abspath(protocol.__file__)}
MAX_REQUEST_BYTES = 2**31
MAX_HANDLES = 1_000_000
LOST_CONNECTION = 86  # exit status when the reply pipe is gone (the student closed it)


def _mlp_forward(params, X, *rest, **kwargs):
    out = X
    for i, (W, b) in enumerate(params):
        out = out @ W + b
        if i < len(params) - 1:
            out = np.maximum(out, 0)
    return out


def _copy_arrays(*args, **kwargs):
    return [np.array(a, copy=True) for a in list(args) + list(kwargs.values()) if isinstance(a, np.ndarray)]


BASELINES = {
    "maximum": lambda x, *rest, **kwargs: np.maximum(x, 0),
    "relu_grad": lambda x, *rest, **kwargs: (x > 0).astype(x.dtype),
    "matmul": lambda a, b, *rest, **kwargs: a @ b,
    "mlp_forward": _mlp_forward,
    "copy": _copy_arrays,
    "none": lambda *args, **kwargs: None,
}
"""Calibration workloads for ``time_call``: each takes the student function's arguments."""


class Harness:
    """Serve requests from the worker over two pipes."""

    def __init__(self, module, filename, request_fd, reply_fd):
        self.filename = filename
        self.request_fd = request_fd
        self.reply_fd = reply_fd
        self.reader = protocol.MessageReader(MAX_REQUEST_BYTES)
        self.handles = {0: module}
        self.handle_ids = {id(module): 0}
        self.staged_args = None
        self.ready_args = None

    # -- wire ---------------------------------------------------------------
    def receive(self):
        while True:
            message = self.reader.next_message()
            if message is not None:
                return message
            chunk = os.read(self.request_fd, 1 << 20)
            if not chunk:
                raise EOFError
            self.reader.feed(chunk)

    def send(self, header, value=None):
        try:
            data = protocol.encode_message(header, value, self.make_ref)
        except MemoryError:
            data = protocol.encode_message({"status": "fatal", "verdict": "memory_limit"}, None)
        except BaseException as error:  # a value the wire cannot carry, or the student's __index__ raising
            data = protocol.encode_message(_unsendable(error), None)
        view = memoryview(data)
        try:
            while view:
                view = view[os.write(self.reply_fd, view) :]
        except OSError:
            os._exit(LOST_CONNECTION)

    def make_ref(self, obj):
        key = id(obj)
        if key not in self.handle_ids:
            if len(self.handles) >= MAX_HANDLES:
                raise protocol.WireError(f"more than {MAX_HANDLES} objects handed out")
            self.handle_ids[key] = len(self.handles)
            self.handles[len(self.handles)] = obj
        return protocol.Ref(self.handle_ids[key], type(obj).__name__)

    def resolve_ref(self, ref):
        if ref.id not in self.handles:
            raise protocol.WireError(f"unknown object handle {ref.id}")
        return self.handles[ref.id]

    # -- requests -----------------------------------------------------------
    def serve(self):
        while True:
            try:
                header, arrays = self.receive()
            except (EOFError, OSError):
                return
            except protocol.WireError:
                os._exit(LOST_CONNECTION)
            if header.get("op") == "exit":
                return
            self.handle(header, arrays)

    def handle(self, header, arrays):
        try:
            value = protocol.decode_value(header.get("value"), arrays, self.resolve_ref)
            reply, result = self.dispatch(header, value)
        except MemoryError:
            reply, result = {"status": "fatal", "verdict": "memory_limit"}, None
        except BaseException as error:  # the student's exception, reported as data
            reply, result = self.describe(error), None
        _flush_output()
        self.send(reply, result)

    def dispatch(self, header, value):
        op = header.get("op")
        target = self.handles.get(header.get("target", 0))
        name = header.get("name")
        if target is None:
            raise LookupError(f"unknown object handle {header.get('target')}")
        if op == "call":
            function = getattr(target, name) if name else target
            args, kwargs = value
            return {"status": "ok"}, function(*args, **kwargs)
        if op == "call_returning_args":  # the arguments as the call left them, to see in-place changes
            function = getattr(target, name) if name else target
            args, kwargs = value
            return {"status": "ok"}, (function(*args, **kwargs), args, kwargs)
        if op == "getattr":
            return {"status": "ok"}, getattr(target, name)
        if op == "setattr":
            setattr(target, name, value)
            return {"status": "ok"}, None
        if op == "has":
            return {"status": "ok"}, name in vars(target) if hasattr(target, "__dict__") else hasattr(target, name)
        if op == "stage":
            self.staged_args = value
            return {"status": "ok"}, None
        if op == "prepare":
            self.ready_args = _fresh_copy(self.staged_args)
            return {"status": "ok"}, None
        if op == "run":
            function = BASELINES[header["baseline"]] if header.get("baseline") else getattr(target, name)
            args, kwargs = self.ready_args
            self.ready_args = None
            function(*args, **kwargs)
            return {"status": "ok"}, None
        raise LookupError(f"unknown request {op!r}")

    def describe(self, error):
        return {
            "status": "error",
            "type": type(error).__name__,
            "message": _one_line(error),
            "traceback": format_traceback(error, self.filename),
        }


def _unsendable(error):
    message = f"returned {_one_line(error) if not isinstance(error, protocol.WireError) else error}, which cannot be sent back to the grader (it accepts None, bool, int, float, str, list, tuple, dict with str keys, numeric NumPy arrays and objects)"
    return {"status": "error", "type": "TypeError", "message": message, "traceback": ""}


def _fresh_copy(value):
    if isinstance(value, np.ndarray):
        return value.copy()
    if type(value) in (list, tuple):
        return type(value)(_fresh_copy(v) for v in value)
    if type(value) is dict:
        return {k: _fresh_copy(v) for k, v in value.items()}
    return value


def _flush_output():
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:
            pass


def _one_line(error):
    try:
        return traceback.format_exception_only(type(error), error)[-1].strip()[:2000]
    except BaseException:
        return type(error).__name__


def format_traceback(error, filename):
    """Format ``error``'s traceback without harness frames, with short paths."""
    tb = error.__traceback__
    while tb is not None and os.path.abspath(tb.tb_frame.f_code.co_filename) in HARNESS_FILES:
        tb = tb.tb_next
    try:
        lines = traceback.format_exception(type(error), error, tb)
    except BaseException:
        return _one_line(error)
    return "".join(_shorten(line) for line in lines)[-20000:]


def _shorten(line):
    for marker in ("/site-packages/", "/lib/python3."):
        if marker in line and 'File "' in line:
            head, _, rest = line.partition('File "')
            path, _, tail = rest.partition('"')
            if marker == "/lib/python3.":
                short = "python3." + path.split(marker, 1)[1]
            else:
                short = path.split(marker, 1)[1]
            return f'{head}File "{short}"{tail}'
    return line


def _student_line(error, filename):
    line = None
    tb = error.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == filename:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def import_student(path, filename):
    """Import the submission; return (module, None) or (None, failure header)."""
    with open(path, encoding="utf-8", errors="replace") as source_file:
        source = source_file.read()
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    name = os.path.splitext(filename)[0] or "submission"
    module = types.ModuleType(name)
    module.__file__ = path
    sys.modules[name] = module
    try:
        code = compile(source, filename, "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as error:
        detail = "".join(traceback.format_exception_only(type(error), error)).rstrip()
        return None, {"status": "failed", "verdict": "syntax_error", "message": f"Your code has a syntax error:\n{detail}"}
    try:
        exec(code, module.__dict__)
    except MemoryError:
        return None, {"status": "failed", "verdict": "memory_limit"}
    except ImportError as error:
        where = _where(error, filename)
        message = f"Your code failed to import a module{where}: {_one_line(error)}"
        return None, {"status": "failed", "verdict": "import_error", "message": message}
    except SystemExit as error:
        message = f"Your code called sys.exit({error.code!r}) while being imported{_where(error, filename)}; remove it or put it under `if __name__ == \"__main__\":`"
        return None, {"status": "failed", "verdict": "runtime_error", "message": message}
    except BaseException as error:
        trace = format_traceback(error, filename)
        message = f"Your code raised an exception while being imported{_where(error, filename)}:\n{trace}"
        return None, {"status": "failed", "verdict": "runtime_error", "message": message}
    return module, None


def _where(error, filename):
    line = _student_line(error, filename)
    return f" ({filename}, line {line})" if line else ""


def main(argv):
    path, filename, request_fd, reply_fd = argv[1], argv[2], int(argv[3]), int(argv[4])
    sys.argv = [filename]
    sys.dont_write_bytecode = True
    os.closerange(3, min(request_fd, reply_fd))
    os.closerange(max(request_fd, reply_fd) + 1, 1024)
    harness = Harness(None, filename, request_fd, reply_fd)
    harness.send({"status": "hello"})  # the sandbox is up; from here on, failures are the student's
    started = time.perf_counter()
    module, failure = import_student(path, filename)
    _flush_output()
    if failure is not None:
        harness.send(failure)
        return
    harness.handles[0] = module
    harness.handle_ids = {id(module): 0}
    harness.send({"status": "ready", "import_s": time.perf_counter() - started})
    harness.serve()


if __name__ == "__main__":
    main(sys.argv)
    _flush_output()
    os._exit(0)  # do not run the student's atexit handlers or thread joins
