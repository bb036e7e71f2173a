"""The check API instructors write against.

A check is a small decorated function in an assignment's ``checks.py``::

    @check("relu on random arrays", points=2)
    def relu_random(ctx):
        x = ctx.rng.standard_normal((4, 5))
        require_close("relu(x)", ctx.student.relu(x), np.maximum(x, 0), inputs={"x": x})
        return "relu matches np.maximum(x, 0)"

It receives a :class:`CheckContext`: ``ctx.student`` (the student's module,
each call runs in the sandbox), ``ctx.reference`` (the reference solution,
imported here in the trusted worker), ``ctx.rng`` (a seeded generator) and
ways to attach plots, timings and leaderboard entries. A check passes by
returning (``None`` or a message), scores part of its points by returning
:class:`Partial`, and fails by raising :class:`CheckFailed` (``ctx.fail``,
``require_close`` and ``require_params`` raise it with a message that names
the bug).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping, Sequence

import numpy as np

VISIBILITIES = ("visible", "hidden", "after_due_date")
_definition_order = itertools.count()


# --- declaring checks -------------------------------------------------------


@dataclass(frozen=True)
class Check:
    """One graded test of an assignment."""

    name: str
    """Shown to the student as the test's title; unique within an assignment."""
    points: float
    """Points a fully passing submission earns."""
    visibility: str
    """``visible``, ``hidden`` (never shown in detail) or ``after_due_date``."""
    tags: tuple[str, ...]
    """Free labels, e.g. ``performance``; copied into the result."""
    function: Callable[["CheckContext"], Any] = field(repr=False, compare=False)
    """The check itself: ``function(ctx) -> None | str | Partial``."""
    order: int = field(default=0, repr=False, compare=False)
    """Position in the checks module; checks run and are listed in this order."""

    @property
    def visible(self) -> bool:
        """Whether the student may see this check's inputs in its messages."""
        return self.visibility == "visible"


def check(name: str, points: float, *, visibility: str = "visible",
          tags: Iterable[str] = ()) -> Callable[[Callable], Check]:
    """Declare a check worth ``points``; decorate a function ``f(ctx)``."""
    if not name or not isinstance(name, str):
        raise ValueError("a check needs a non-empty name")
    if not isinstance(points, (int, float)) or points <= 0:
        raise ValueError(f"check {name!r}: points must be a positive number, got {points!r}")
    if visibility not in VISIBILITIES:
        raise ValueError(f"check {name!r}: visibility must be one of {', '.join(VISIBILITIES)}")

    def decorate(function: Callable) -> Check:
        return Check(name, float(points), visibility, tuple(tags), function, next(_definition_order))

    return decorate


def collect_checks(module) -> list[Check]:
    """Return the checks a module defines, in definition order."""
    checks = sorted((v for v in vars(module).values() if isinstance(v, Check)), key=lambda c: c.order)
    names = [c.name for c in checks]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ValueError(f"check names must be unique; repeated: {', '.join(duplicates)}")
    return checks


class CheckFailed(Exception):
    """Raised inside a check: the check scores ``points`` (default 0) with ``message``."""

    def __init__(self, message: str, *, points: float = 0.0):
        super().__init__(message)
        self.message = message
        self.points = points


@dataclass(frozen=True)
class Partial:
    """Returned by a check that earns some of its points."""

    points: float
    message: str


@dataclass(frozen=True)
class TimingRecord:
    """A performance measurement, reported in the result next to its test."""

    function: str
    workload: str
    student_s: float
    baseline_s: float
    ratio: float
    factor: float
    repeat: int

    def as_dict(self) -> dict:
        return {"function": self.function, "workload": self.workload,
                "student_s": round(self.student_s, 6), "baseline_s": round(self.baseline_s, 6),
                "ratio": round(self.ratio, 2), "allowed_ratio": self.factor, "repeat": self.repeat}


# --- the context a check receives -------------------------------------------


def _headline(message: str) -> str:
    """The first sentence of a failure message (with the line it introduces, if it ends in a colon)."""
    lines = []
    for line in message.strip().splitlines():
        lines.append(line)
        if not line.rstrip().endswith(":"):
            break
    return "\n".join(lines)


def _relabelled(error, label: str):
    """The same StudentCodeError, naming ``label`` as the function that raised."""
    return type(error)(label, error.type, error.message, error.traceback)


class StudentFunction:
    """A name in the student's module; calling it calls into the sandbox (one round trip).

    An object it returns (an instance of the student's class) comes back as a
    :class:`StudentObject`.
    """

    def __init__(self, session, name: str):
        self._session = session
        self._name = name

    def __call__(self, *args, **kwargs):
        value = self._session.call(self._name, *args, **kwargs)
        return StudentObject(value, self._name) if _is_remote(value) else value

    def __repr__(self) -> str:
        return f"<student {self._name}>"


def _is_remote(value) -> bool:
    from workers.sandbox import RemoteObject

    return isinstance(value, RemoteObject)


class StudentObject:
    """An object living in the sandbox (``net = ctx.student.TwoLayerNet(...)``).

    ``net.params`` reads a copy, ``net.params = {...}`` assigns, and
    ``net.loss(X)`` calls the method; errors name ``TwoLayerNet.loss``.
    """

    def __init__(self, remote, class_name: str):
        object.__setattr__(self, "_remote", remote)
        object.__setattr__(self, "_class_name", class_name)

    def __getattr__(self, name: str):
        from workers.sandbox import StudentCodeError

        if name.startswith("__"):
            raise AttributeError(name)
        label = f"{self._class_name}.{name}"
        try:
            value = getattr(self._remote, name)
        except StudentCodeError as error:
            if isinstance(error, AttributeError):
                raise CheckFailed(f"Your {self._class_name} has no attribute `{name}`, which the statement "
                                  f"asks for.") from None
            raise _relabelled(error, label) from None
        return _StudentMethod(value, label) if _is_remote(value) else value

    def __setattr__(self, name: str, value) -> None:
        from workers.sandbox import StudentCodeError

        try:
            setattr(self._remote, name, value)
        except StudentCodeError as error:
            raise _relabelled(error, f"{self._class_name}.{name} = ...") from None


class _StudentMethod:
    def __init__(self, remote, label: str):
        self._remote = remote
        self._label = label

    def __call__(self, *args, **kwargs):
        from workers.sandbox import StudentCodeError

        try:
            value = self._remote(*args, **kwargs)
        except StudentCodeError as error:
            raise _relabelled(error, self._label) from None
        return StudentObject(value, self._label) if _is_remote(value) else value


class StudentModule:
    """The student's module as a check sees it; a missing name fails the check plainly."""

    def __init__(self, session):
        self._session = session
        self._defined: dict[str, bool] = {}

    def require(self, name: str) -> None:
        """Fail the check unless the student's module defines ``name``."""
        if name not in self._defined:
            self._defined[name] = bool(self._session.has(name))
        if not self._defined[name]:
            raise CheckFailed(f"Your file does not define `{name}`, which the statement asks for.")

    def __getattr__(self, name: str) -> StudentFunction:
        if name.startswith("_"):
            raise AttributeError(name)
        self.require(name)
        return StudentFunction(self._session, name)


class CheckContext:
    """What a check receives: the student, the reference, a seeded generator, outputs."""

    def __init__(self, *, session, student: StudentModule, reference, rng: np.random.Generator, seed: int,
                 visible: bool, settings: Mapping[str, Any], memo: dict):
        self.session = session
        """The sandbox session (``time_call``, ``has``); prefer ``student`` for calls."""
        self.student = student
        """Proxy to the student's module: ``ctx.student.relu(x)`` runs in the sandbox."""
        self.reference = reference
        """The assignment's ``solution.py``, imported in the trusted worker."""
        self.rng = rng
        """A generator seeded from the grading seed and the check's name."""
        self.seed = seed
        """The grading seed (the same for every check of one grading)."""
        self.visible = visible
        """Whether messages may show the inputs (False for hidden tests)."""
        self.settings = settings
        """The ``[checks]`` table of assignment.toml (thresholds, factors)."""
        self.images: list[dict] = []
        self.timings: list[TimingRecord] = []
        self.leaderboard_entries: list[dict] = []
        self._memo = memo

    def fail(self, message: str, *, points: float = 0.0):
        """Stop the check with ``message``, scoring ``points``."""
        raise CheckFailed(message, points=points)

    def call_returning_args(self, function, *args, **kwargs) -> tuple[Any, list, dict]:
        """Call the student's ``function``; return ``(result, args_after, kwargs_after)``.

        Arguments travel by value, so an in-place change in the sandbox is
        invisible to a plain call; this sends them back as the call left them.
        ``function`` is a name in the student's module or a method of a
        student object (``net.loss``).
        """
        from workers.sandbox import StudentCodeError

        if isinstance(function, _StudentMethod):
            remote, label = function._remote, function._label
        else:
            self.student.require(function)
            remote, label = function, function
        try:
            result, args_after, kwargs_after = self.session.call_returning_args(remote, *args, **kwargs)
        except StudentCodeError as error:
            raise _relabelled(error, label) from None
        return (StudentObject(result, label) if _is_remote(result) else result), args_after, kwargs_after

    def require_unmodified(self, function, args: Sequence, *, names: Sequence[str] | None = None,
                           advice: str = "work on new arrays and leave the caller's data alone.") -> Any:
        """Call ``function(*args)`` and fail if it changed any argument in place; return its result.

        ``names`` labels the arguments in the message (``x``, ``params``);
        the first changed entry is named with its value before and after.
        """
        result, after, _ = self.call_returning_args(function, *args)
        label = function._label if isinstance(function, _StudentMethod) else function
        names = list(names or []) + [f"argument {i + 1}" for i in range(len(names or []), len(args))]
        for name, before, now in zip(names, args, after):
            change = describe_modification(name, before, now)
            if change:
                advice = _sentence(advice[:1].upper() + advice[1:]) if advice else ""
                raise CheckFailed(f"{label} modified its input {name}: {change}. {advice}".rstrip())
        return result

    def require_correct(self, function: str, args: Sequence, expected: Any, *, graded: str = "its speed",
                        label: str | None = None, **options) -> Any:
        """Fail unless ``function(*args)`` matches ``expected``: a gate before speed and side-condition checks.

        A function that is wrong (or returns junk) should not earn points for
        being fast or for leaving its input alone. Call this with a small input
        first; on a mismatch the check fails with "relu is not correct yet, so
        its speed is not graded" and the first line of the difference.
        ``label`` names the call in that line (default ``relu(...)``);
        ``options`` go to :func:`compare_arrays` (``rtol``, ``atol``, ...).
        Returns the student's value.
        """
        def verify():
            got = getattr(self.student, function)(*args)
            self.require_close(f"{label or function + '(...)'} on a small input", got, expected, **options)
            return got
        return self.require_correct_with(function, verify, graded=graded)

    def require_correct_with(self, function: str, verify: Callable[[], Any], *, graded: str = "its speed") -> Any:
        """Like :meth:`require_correct`, with any test: ``verify()`` raises CheckFailed when ``function`` is wrong.

        Returns what ``verify`` returns. Use it when a value comparison is not
        one call (a loss and its gradients, a trained network's error).
        """
        try:
            return verify()
        except CheckFailed as failure:
            raise CheckFailed(f"{function} is not correct yet, so {graded} is not graded; the tests of its "
                              f"values say what to fix.\n{_headline(failure.message)}".rstrip()) from None

    def require_close(self, name: str, got: Any, expected: Any, **options) -> np.ndarray:
        """:func:`require_close`, showing inputs only in visible checks."""
        options.setdefault("show_inputs", self.visible)
        return require_close(name, got, expected, **options)

    def require_scalar(self, name: str, got: Any, expected: float, **options) -> float:
        """:func:`require_scalar`, showing inputs only in visible checks."""
        options.setdefault("show_inputs", self.visible)
        return require_scalar(name, got, expected, **options)

    def require_all_close(self, got: Mapping[str, Any], expected: Mapping[str, Any], **options) -> None:
        """:func:`require_all_close`, showing inputs only in visible checks."""
        options.setdefault("show_inputs", self.visible)
        require_all_close(got, expected, **options)

    def add_image(self, label: str, fig) -> None:
        """Attach a matplotlib figure (rendered now, as a PNG data URL)."""
        from assignments.plots import figure_to_data_url
        self.images.append({"label": label, "url": figure_to_data_url(fig)})

    def leaderboard(self, name: str, value: float, order: str = "asc") -> None:
        """Publish a leaderboard value (``asc``: smaller ranks first)."""
        if order not in ("asc", "desc"):
            raise ValueError("order must be 'asc' or 'desc'")
        if value is not None and np.isfinite(value):
            self.leaderboard_entries.append({"name": name, "value": float(value), "order": order})

    def memo(self, key: str, compute: Callable[[], Any]) -> Any:
        """Compute once per grading and share between checks (e.g. an expensive training call).

        An exception raised by ``compute`` is remembered and raised again for
        every check that asks for the same key.
        """
        if key not in self._memo:
            try:
                self._memo[key] = (True, compute())
            except Exception as error:  # re-raised below, and for later checks
                self._memo[key] = (False, error)
        ok, value = self._memo[key]
        if not ok:
            raise value
        return value

    def require_fast(self, function: str, args: Sequence, *, baseline: str, factor: float,
                     workload: str, advice: str, repeat: int = 5) -> TimingRecord:
        """Time ``function(*args)`` in the sandbox against ``baseline``; fail if too slow.

        Both run on the same data in the same sandbox; the sandbox reports
        medians over ``repeat`` runs, so a noisy machine moves both alike.
        """
        self.student.require(function)
        timing = self.session.time_call(function, tuple(args), baseline=baseline, repeat=repeat)
        record = TimingRecord(function, workload, float(timing.student_s), float(timing.baseline_s),
                              float(timing.ratio), float(factor), int(timing.repeat))
        self.timings.append(record)
        summary = (f"{function} took {record.ratio:.1f}x as long as {workload} "
                   f"({record.student_s * 1e3:.2f} ms vs {record.baseline_s * 1e3:.2f} ms, "
                   f"median of {record.repeat})")
        if record.ratio > factor:
            raise CheckFailed(f"{summary}; the limit is {factor:g}x: {advice}")
        return record


# --- describing values --------------------------------------------------------


def describe_value(value: Any) -> str:
    """Say in a few words what a value is: ``an array of shape (3, 4) and dtype float32``."""
    if value is None:
        return "None"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    if isinstance(value, (bool, np.bool_)):
        return f"a bool ({value})"
    if isinstance(value, (int, float, np.number)):
        return f"a {type(value).__name__} ({value!r})"
    if isinstance(value, (list, tuple)):
        return f"a {type(value).__name__} of length {len(value)}"
    if isinstance(value, dict):
        return f"a dict with keys {sorted(map(str, value))}"
    if isinstance(value, StudentObject):
        return f"an object of your class {object.__getattribute__(value, '_remote')._ref.cls} (not numbers)"
    return f"a {type(value).__name__}"


def format_index(index: tuple) -> str:
    """``(1, 2)`` -> ``[1, 2]``; ``()`` -> ``""``."""
    return "[" + ", ".join(str(int(i)) for i in index) + "]" if index else ""


def describe_modification(name: str, before: Any, after: Any) -> str | None:
    """Say how ``after`` differs from ``before`` (an argument before and after a call), or None.

    Walks lists, tuples and dicts; for arrays names the first changed entry:
    ``x[1, 2] was -0.5 before the call and 0 after it``. NaN equals NaN here.
    """
    if isinstance(before, np.ndarray) or isinstance(after, np.ndarray):
        if not (isinstance(before, np.ndarray) and isinstance(after, np.ndarray)) \
                or before.shape != after.shape or before.dtype != after.dtype:
            return f"{name} was {describe_value(before)} before the call and {describe_value(after)} after it"
        same = before == after
        if before.dtype.kind in "fc":
            same |= np.isnan(before) & np.isnan(after)
        if np.all(same):
            return None
        index = tuple(int(i) for i in np.argwhere(~same)[0]) if before.ndim else ()
        return (f"{name}{format_index(index)} was {_number(before[index])} before the call and "
                f"{_number(after[index])} after it")
    if isinstance(before, (list, tuple, dict)):
        if type(before) is not type(after) or len(before) != len(after) or \
                (isinstance(before, dict) and set(before) != set(after)):
            return f"{name} was {describe_value(before)} before the call and {describe_value(after)} after it"
        keys = before.keys() if isinstance(before, dict) else range(len(before))
        for key in keys:
            change = describe_modification(f"{name}[{key!r}]", before[key], after[key])
            if change:
                return change
        return None
    if isinstance(before, (type(None), bool, int, float, str, np.generic)):
        if type(before) is not type(after):
            return f"{name} was {describe_value(before)} before the call and {describe_value(after)} after it"
        if before == after or (before != before and after != after):
            return None
        return f"{name} was {before!r} before the call and {after!r} after it"
    return None  # an object living in the sandbox: not comparable by value


def _number(value: Any) -> str:
    try:
        return f"{value:.6g}"
    except (TypeError, ValueError):
        return repr(value)


def format_array(value: Any, max_size: int = 24) -> str:
    """Print small arrays in full, large ones by shape."""
    array = np.asarray(value)
    if array.size <= max_size:
        return np.array2string(array, precision=6, separator=", ").replace("\n", "\n      ")
    return f"an array of shape {array.shape}"


def _numeric(value: Any) -> tuple[np.ndarray | None, str | None]:
    """Return ``(array, None)`` for numeric data, else ``(None, what it is instead)``."""
    if value is None:
        return None, "None (is a `return` statement missing?)"
    if isinstance(value, np.ndarray) or isinstance(value, (bool, int, float, np.number, np.bool_)):
        array = np.asarray(value)
        if array.dtype.kind in "biuf":
            return array, None
        return None, f"an array of dtype {array.dtype}, not numbers"
    if isinstance(value, (list, tuple)):
        try:
            array = np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError):
            return None, f"{describe_value(value)} that is not a rectangular array of numbers"
        return array, None
    return None, describe_value(value)


# --- naming the bug -----------------------------------------------------------


@dataclass(frozen=True)
class Variant:
    """A known wrong answer: if the student's value equals ``value``, say ``explanation``."""

    explanation: str
    value: Any


def _close(a: np.ndarray, b: np.ndarray, rtol: float, atol: float) -> bool:
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=True))


def _scale_factor(got: np.ndarray, expected: np.ndarray) -> float | None:
    """The constant c with got == c * expected, if there is one."""
    norm = float(np.sum(expected * expected))
    if not np.isfinite(norm) or norm == 0.0:
        return None
    c = float(np.sum(got * expected) / norm)
    return c if np.isfinite(c) else None


@dataclass(frozen=True)
class Diagnosis:
    """A named bug: its ``kind`` and an explanation with ``{name}`` standing for the value."""

    kind: str
    template: str

    def text(self, name: str) -> str:
        return self.template.replace("{name}", name)


BUG_TEMPLATES = {
    "zero": "{name} is all zeros: is its computation missing?",
    "sign": "{name} has the wrong sign",
    "batch": "{name} is {n} times too large ({n} is the batch size N): did you forget to divide by N?",
    "batch_inverse": "{name} is {n} times too small ({n} is the batch size N): did you divide by N twice?",
    "double": "{name} is twice the expected value: is a factor 0.5 missing?",
    "half": "{name} is half the expected value: is there an extra factor 0.5?",
    "scale": "{name} is {c} times the expected value",
    "transposed": "{name} is the transpose of the expected value",
    "offset": "{name} is off by the constant {c} everywhere: a missing or extra bias or offset?",
    "relu": "{name} has its negative entries replaced by 0, as if ReLU were applied to it",
}
"""The built-in diagnoses; ``hints`` in :func:`name_the_bug` replaces any of them."""


def diagnose(got: Any, expected: Any, *, batch_size: int | None = None, variants: Sequence[Variant] = (),
             hints: Mapping[str, str] | None = None, rtol: float = 1e-6, atol: float = 1e-9) -> Diagnosis | None:
    """Compare ``got`` with cheap transformations of ``expected``; return the match.

    Tries the instructor's ``variants`` first, then: all zeros, the sign
    flipped, ``batch_size`` times too large or small, twice or half the value,
    another constant factor, the transpose, a constant offset, and negative
    entries clipped to zero (ReLU applied where it should not be). ``hints``
    maps a kind to the explanation to use instead of the built-in one.
    """
    got = np.asarray(got, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    for variant in variants:
        value, problem = _numeric(variant.value)
        if problem is None and _close(got, np.asarray(value, dtype=np.float64), rtol, atol):
            return Diagnosis("variant", variant.explanation)
    kind, values = _match_transformation(got, expected, batch_size, rtol, atol, hints)
    if kind is None:
        return None
    template = (hints or {}).get(kind, BUG_TEMPLATES[kind])
    for key, value in values.items():
        template = template.replace("{" + key + "}", value)
    return Diagnosis(kind, template)


def _match_transformation(got, expected, batch_size, rtol, atol, hints=None) -> tuple[str | None, dict]:
    if got.shape != expected.shape:
        if got.ndim == 2 and got.shape == expected.shape[::-1] and _close(got.T, expected, rtol, atol):
            return "transposed", {}
        return None, {}
    if not np.all(np.isfinite(got)) or not np.all(np.isfinite(expected)) or _close(got, expected, rtol, atol):
        return None, {}
    if np.all(got == 0):
        # All zeros where every expected value is negative is what ReLU would do;
        # say so only when the caller expects that mistake (it gave a "relu" hint).
        suspect_relu = "relu" in (hints or {}) and np.all(expected <= 0)
        return ("relu" if suspect_relu else "zero"), {}
    scalar = expected.size == 1
    c = _scale_factor(got, expected)
    if c is not None and _close(got, c * expected, rtol, atol):
        n = batch_size if batch_size and batch_size > 1 else None
        for kind, factor in (("sign", -1.0), ("batch", n), ("batch_inverse", 1.0 / n if n else None),
                             ("double", 2.0), ("half", 0.5)):
            if factor is not None and np.isclose(c, factor, rtol=1e-6):
                return kind, {"n": str(n)}
        if not scalar:
            return "scale", {"c": f"{c:.4g}"}
    if got.ndim == 2 and got.shape[0] == got.shape[1] > 1 and _close(got, expected.T, rtol, atol):
        return "transposed", {}
    if not scalar:
        offset = float(np.mean(got - expected))
        if _close(got, expected + offset, rtol, atol):
            return "offset", {"c": f"{offset:.6g}"}
        if np.any(expected < 0) and _close(got, np.maximum(expected, 0), rtol, atol):
            return "relu", {}
    return None, {}


def name_the_bug(name: str, got: Any, expected: Any, **options) -> str | None:
    """Explain in a sentence how ``got`` relates to ``expected`` (see :func:`diagnose`), or None."""
    diagnosis = diagnose(got, expected, **options)
    return diagnosis.text(name) if diagnosis else None


# --- comparing arrays -----------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    """The outcome of :func:`compare_arrays`: ``ok`` and a message for the student."""

    ok: bool
    message: str
    diagnosis: Diagnosis | None = None
    """The named bug (see :func:`diagnose`), when one matched."""


def _describe_inputs(inputs: Mapping[str, Any], index: tuple | None, shape: tuple) -> list[str]:
    lines = []
    for label, value in inputs.items():
        array = np.asarray(value) if not isinstance(value, (list, tuple)) or np.ndim(value) else value
        if isinstance(array, np.ndarray) and index is not None and array.shape == shape and array.size > 1:
            lines.append(f"  The input there: {label}{format_index(index)} = {array[index]:.6g}.")
        if isinstance(array, np.ndarray):
            lines.append(f"  Input {label} = {format_array(array)}.")
        else:
            lines.append(f"  Input {label} = {value!r}.")
    return lines


def compare_arrays(name: str, got: Any, expected: Any, *, rtol: float = 1e-7, atol: float = 1e-9,
                   dtype: Any = None, inputs: Mapping[str, Any] | None = None,
                   show_inputs: bool = True, batch_size: int | None = None,
                   variants: Sequence[Variant] = (), hints: Mapping[str, str] | None = None,
                   against: str = "the reference") -> Comparison:
    """Compare a student's array with the reference and explain any difference.

    Reports the type, shape and (when ``dtype`` is given) dtype expected and
    received; NaN or inf where finite values are expected; how many entries
    differ; the largest absolute and relative errors and where they are; the
    bug, when a transformation of the reference explains it (see
    :func:`name_the_bug`); and, when ``show_inputs`` (visible tests), the
    inputs that expose it. NaN in ``expected`` must be matched by NaN.
    ``against`` names what ``expected`` is, in the messages.
    """
    expected = np.asarray(expected)
    array, problem = _numeric(got)
    wanted = f"an array of shape {expected.shape}" + (f" and dtype {np.dtype(dtype)}" if dtype else "")
    shown = inputs if (inputs and show_inputs) else {}
    if problem is not None:
        return Comparison(False, "\n".join([f"{name} is {problem}; expected {wanted}.",
                                            *_describe_inputs(shown, None, ())]))
    if dtype is not None and not isinstance(got, (np.ndarray, np.generic)):
        return Comparison(False, f"{name} is {describe_value(got)}; expected {wanted} (a NumPy array).")
    lines: list[str] = []
    if array.shape != expected.shape:
        lines.append(f"{name} has shape {array.shape}; expected shape {expected.shape}.")
        lines.extend(_shape_hints(array, expected))
        diagnosis = diagnose(array, expected, batch_size=batch_size, variants=variants, hints=hints)
        if diagnosis:
            lines.append(_sentence(f"  Likely cause: {diagnosis.text(name)}"))
        return Comparison(False, "\n".join(lines + _describe_inputs(shown, None, ())), diagnosis)
    if dtype is not None and array.dtype != np.dtype(dtype):
        lines.append(f"{name} has dtype {array.dtype}; expected dtype {np.dtype(dtype)}"
                     f" (the values are checked separately).")
    got64 = array.astype(np.float64)
    exp64 = expected.astype(np.float64)
    with np.errstate(invalid="ignore", over="ignore"):
        close = np.isclose(got64, exp64, rtol=rtol, atol=atol, equal_nan=True)
    if np.all(close):
        if lines:
            return Comparison(False, "\n".join(lines))
        return Comparison(True, f"{name} matches {against}.")
    with np.errstate(invalid="ignore", over="ignore"):
        return _describe_difference(name, got64, exp64, close, lines, rtol, atol, shown, against,
                                    diagnose(got64, exp64, batch_size=batch_size, variants=variants, hints=hints))


def _describe_difference(name, got64, exp64, close, lines, rtol, atol, shown, against, diagnosis) -> Comparison:
    bad = ~close
    if bad.size == 1:
        lines.append(f"{name} is {got64.reshape(())[()]:.10g}; expected {exp64.reshape(())[()]:.10g} "
                     f"(tolerance: rtol={rtol:g}, atol={atol:g}).")
    else:
        lines.append(f"{name} differs from {against} in {int(bad.sum())} of {bad.size} entries "
                     f"(tolerance: rtol={rtol:g}, atol={atol:g}).")
    lines.extend(_nonfinite_lines(name, got64, exp64))
    finite_bad = bad & np.isfinite(got64) & np.isfinite(exp64)
    worst = tuple(int(i) for i in np.argwhere(bad)[0]) if got64.ndim else ()
    if np.any(finite_bad) and got64.size > 1:
        abs_err = np.where(finite_bad, np.abs(got64 - exp64), -1.0)
        worst = np.unravel_index(int(np.argmax(abs_err)), abs_err.shape)
        lines.append(f"  Largest absolute error {abs_err[worst]:.3g} at {name}{format_index(worst)}: "
                     f"got {got64[worst]:.6g}, expected {exp64[worst]:.6g}.")
        relative = finite_bad & (exp64 != 0)
        if np.any(relative):
            rel_err = np.where(relative, np.abs(got64 - exp64) / np.where(relative, np.abs(exp64), 1.0), -1.0)
            worst_rel = np.unravel_index(int(np.argmax(rel_err)), rel_err.shape)
            lines.append(f"  Largest relative error {rel_err[worst_rel]:.3g} at {name}{format_index(worst_rel)}.")
    if diagnosis:
        lines.append(_sentence(f"  Likely cause: {diagnosis.text(name)}"))
    lines.extend(_describe_inputs(shown, worst, exp64.shape))
    return Comparison(False, "\n".join(lines), diagnosis)


def _shape_hints(array: np.ndarray, expected: np.ndarray) -> list[str]:
    hints = []
    if array.ndim == 2 and array.shape == expected.shape[::-1]:
        hints.append("  The shape is transposed: remember the row-major convention "
                     "(one sample per row, W of shape (d_in, d_out)).")
    elif array.ndim == 2 and expected.ndim in (1, 2) and array.shape[0] == array.shape[1] == expected.shape[0] \
            and (expected.ndim == 1 or expected.shape[1] == 1):
        hints.append("  A square result where a column was expected usually comes from broadcasting "
                     "an (N, 1) array against an (N,) array.")
    elif array.size == expected.size:
        hints.append("  It has the right number of entries but the wrong shape: a missing reshape, "
                     "or an (N,) vs (N, 1) mix-up?")
    return hints


def _nonfinite_lines(name: str, got: np.ndarray, expected: np.ndarray) -> list[str]:
    lines = []
    for label, test in (("NaN", np.isnan), ("infinite", np.isinf)):
        wrong = test(got) & ~test(expected)
        if np.any(wrong):
            first = np.argwhere(wrong)[0] if got.ndim else ()
            lines.append(f"  {name} contains {int(wrong.sum())} {label} value(s) where the expected "
                         f"values are not (first at {name}{format_index(tuple(first))}).")
        missing = test(expected) & ~test(got)
        if np.any(missing):
            first = np.argwhere(missing)[0] if got.ndim else ()
            lines.append(f"  The expected value at {name}{format_index(tuple(first))} is {label}, "
                         f"but yours is {got[tuple(first)]:.6g}.")
    return lines


def _sentence(text: str) -> str:
    return text if text.endswith((".", "?", "!")) else text + "."


def require_close(name: str, got: Any, expected: Any, **options) -> np.ndarray:
    """Like :func:`compare_arrays`, but raise :class:`CheckFailed` on a difference.

    Returns the student's value as an array.
    """
    comparison = compare_arrays(name, got, expected, **options)
    if not comparison.ok:
        raise CheckFailed(comparison.message)
    return np.asarray(got)


def compare_named_arrays(got: Mapping[str, Any], expected: Mapping[str, Any], *, what: str = "gradient",
                         batch_size: int | None = None, variants: Mapping[str, Sequence[Variant]] | None = None,
                         hints: Mapping[str, Mapping[str, str]] | None = None, against: str = "the reference",
                         **options) -> Comparison:
    """Compare several named arrays (parameters, gradients) and name a shared bug.

    ``what`` is the singular noun for the entries. When every mismatching
    entry has the same diagnosis, it is said once, first: "every gradient is
    5 times too large (5 is the batch size N): did you forget to divide by N?"
    """
    variants = variants or {}
    hints = hints or {}
    failures: list[tuple[str, Comparison]] = []
    for key, reference in expected.items():
        comparison = compare_arrays(key, got.get(key), reference, batch_size=batch_size, against=against,
                                    variants=variants.get(key, ()), hints=hints.get(key), **options)
        if not comparison.ok:
            failures.append((key, comparison))
    if not failures:
        return Comparison(True, f"Every {what} matches {against}.")
    wrong = [key for key, _ in failures]
    head = f"{len(failures)} of {len(expected)} {what}s differ from {against}: {', '.join(wrong)}."
    shared = {c.diagnosis for _, c in failures}
    summary = None
    if len(failures) > 1 and len(shared) == 1 and None not in shared:
        diagnosis = shared.pop()
        subject = f"every {what}" if len(failures) == len(expected) else f"each of {', '.join(wrong)}"
        summary = diagnosis.text(subject)
        summary = _sentence(summary[0].upper() + summary[1:])
    body = "\n".join(c.message for _, c in failures)
    if summary:
        body = "\n".join(line for line in body.splitlines() if not line.startswith("  Likely cause"))
    return Comparison(False, "\n".join(filter(None, [head, summary, body])),
                      failures[0][1].diagnosis if summary else None)


def require_all_close(got: Mapping[str, Any], expected: Mapping[str, Any], **options) -> None:
    """Like :func:`compare_named_arrays`, but raise :class:`CheckFailed` on a difference."""
    comparison = compare_named_arrays(got, expected, **options)
    if not comparison.ok:
        raise CheckFailed(comparison.message)


def require_number(name: str, got: Any) -> float:
    """Return a student's single number as a float, or fail saying what came back instead."""
    array, problem = _numeric(got)
    if problem is not None or array.size != 1:
        raise CheckFailed(f"{name} is {problem or describe_value(got)}; expected a single number "
                          f"(a Python float or a 0-d array).")
    return float(array.reshape(()))


def require_scalar(name: str, got: Any, expected: float, **options) -> float:
    """Compare a scalar result (a loss) with the reference; fail with a diagnosis."""
    array, problem = _numeric(got)
    if problem is not None or array.size != 1:
        raise CheckFailed(f"{name} is {problem or describe_value(got)}; expected a single number "
                          f"(a Python float or a 0-d array).")
    require_close(name, array.reshape(()), np.float64(expected), **options)
    return float(array.reshape(()))


# --- networks as lists of (W, b) pairs -------------------------------------


Params = list[tuple[np.ndarray, np.ndarray]]


def relu_network_forward(params: Params, X: np.ndarray) -> np.ndarray:
    """The reference forward pass: ReLU on every hidden layer, the last layer linear."""
    A = np.asarray(X, dtype=np.float64)
    for layer, (W, b) in enumerate(params):
        A = A @ W + b
        if layer < len(params) - 1:
            A = np.maximum(A, 0.0)
    return A


def params_by_name(params: Params, prefix: str = "") -> dict[str, np.ndarray]:
    """``[(W1, b1), (W2, b2)]`` -> ``{"W1": W1, "b1": b1, ...}`` (with an optional prefix, e.g. ``d``)."""
    named = {}
    for layer, pair in enumerate(params, start=1):
        W, b = (tuple(pair) + (None, None))[:2] if isinstance(pair, (list, tuple)) else (None, None)
        named[f"{prefix}W{layer}"] = W
        named[f"{prefix}b{layer}"] = b
    return named


def require_params(value: Any, *, function: str, input_dim: int, output_dim: int,
                   hidden_layers: int | None = None, max_hidden_units: int | None = None) -> Params:
    """Check that ``value`` is a network (a list of ``(W, b)`` pairs) and return it in float64.

    Checks the container, each shape against the row-major convention (``W``
    of shape ``(d_in, d_out)``, ``b`` of shape ``(d_out,)``), that layers
    chain, the input and output sizes, the number of hidden layers, the total
    number of hidden units and that every entry is finite. Each problem is
    reported in terms the student can act on.
    """
    if not isinstance(value, (list, tuple)) or not value:
        raise CheckFailed(f"{function} returned {describe_value(value)}; expected a non-empty list of "
                          f"(W, b) pairs, one per layer.")
    params: Params = []
    d_in = input_dim
    for layer, pair in enumerate(value, start=1):
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            raise CheckFailed(f"{function} returned a list whose entry {layer - 1} is {describe_value(pair)}; "
                              f"each entry must be a pair (W{layer}, b{layer}).")
        W, b = (_layer_array(f"W{layer}", pair[0], function), _layer_array(f"b{layer}", pair[1], function))
        if W.ndim != 2:
            raise CheckFailed(f"W{layer} has shape {W.shape}; it must be a 2-D array of shape (d_in, d_out).")
        if W.shape[0] != d_in:
            where = "the input has" if layer == 1 else f"layer {layer - 1} outputs"
            hint = " It looks transposed: use shape (d_in, d_out)." if W.shape[1] == d_in else ""
            raise CheckFailed(f"W{layer} has shape {W.shape}, but {where} {d_in} features, so W{layer} "
                              f"must have {d_in} rows.{hint}")
        if b.shape != (W.shape[1],):
            hint = " Use a 1-D bias (e.g. b.ravel())." if b.size == W.shape[1] else ""
            raise CheckFailed(f"b{layer} has shape {b.shape}; expected ({W.shape[1]},) to match "
                              f"W{layer} of shape {W.shape}.{hint}")
        for label, array in ((f"W{layer}", W), (f"b{layer}", b)):
            if not np.all(np.isfinite(array)):
                raise CheckFailed(f"{label} contains {int(np.sum(np.isnan(array)))} NaN and "
                                  f"{int(np.sum(np.isinf(array)))} infinite values: training diverged? "
                                  f"Try a smaller learning rate.")
        params.append((W, b))
        d_in = W.shape[1]
    if d_in != output_dim:
        raise CheckFailed(f"Your network outputs {d_in} values per sample; expected {output_dim} "
                          f"(the last W must have {output_dim} columns).")
    hidden = [W.shape[1] for W, _ in params[:-1]]
    if hidden_layers is not None and len(hidden) != hidden_layers:
        raise CheckFailed(f"Your network has {len(hidden)} hidden layer(s); this assignment asks for "
                          f"exactly {hidden_layers}.")
    if max_hidden_units is not None and sum(hidden) > max_hidden_units:
        raise CheckFailed(f"Your network has {sum(hidden)} hidden units; at most {max_hidden_units} "
                          f"are allowed.")
    return params


def _layer_array(label: str, value: Any, function: str) -> np.ndarray:
    array, problem = _numeric(value)
    if problem is not None:
        raise CheckFailed(f"{label} returned by {function} is {problem}; expected a NumPy array.")
    return array.astype(np.float64)


def network_kinks(params: Params, lo: float, hi: float, *, tol: float = 1e-12) -> np.ndarray:
    """Where a one-hidden-layer network of one input and output changes slope inside ``(lo, hi)``.

    Unit j, ``W2[j] * relu(w_j * x + b_j)``, bends at ``-b_j / w_j`` where the
    slope changes by ``|w_j| * W2[j]``; units bending at the same place add
    up, and a kink whose changes cancel is no kink.
    """
    (W1, b1), (W2, _) = params
    w, b, v = W1[0], b1, W2[:, 0]
    active = np.abs(w) > tol
    where = -b[active] / w[active]
    jumps = np.abs(w[active]) * v[active]
    order = np.argsort(where)
    where, jumps = where[order], jumps[order]
    kinks: list[float] = []
    i = 0
    while i < where.size:
        j = i
        while j + 1 < where.size and where[j + 1] - where[i] <= 1e-9 * max(1.0, abs(where[i])):
            j += 1
        if lo < where[i] < hi and abs(jumps[i:j + 1].sum()) > tol * max(1.0, np.abs(jumps[i:j + 1]).max()):
            kinks.append(float(where[i]))
        i = j + 1
    return np.array(kinks)
