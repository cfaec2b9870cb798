"""Self-checks for the exercises.

A reference answer is registered with :func:`exercise`; a notebook then calls
:func:`check_exercise` right after the learner's attempt. The check runs the
attempt on a few cases, prints one short verdict and returns the function the
rest of the notebook should use: the learner's when it is right, the reference
otherwise. It never raises on anything a learner writes.
"""

from __future__ import annotations

import importlib
import linecache
import traceback
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import jax
import numpy as np

#: Topic modules that register exercises; imported on first look-up.
TOPIC_MODULES = ("gradient_basics", "mle", "goldfield", "linear_models", "regression", "compiled", "sgd")

RIGHT, NOT_DONE, WRONG, RAISED = "right", "not done", "wrong", "raised"


@dataclass(frozen=True)
class Slip:
    """A common mistake, written as a function that makes it, and the hint that fixes it."""

    answer: Callable
    hint: str


@dataclass(frozen=True)
class Exercise:
    """A reference answer with the cases it is checked on.

    ``cases`` and ``probes`` are zero-argument callables returning lists of
    argument tuples, so that data is only built when a check runs. ``probes``
    are the arguments a returned function is called with, for exercises whose
    answer is itself a function (a gradient, say). ``traced`` exercises run the
    answer, or the function it returns, under ``jax.jit``: for answers that
    later cells differentiate or compile (and one compiled call is quicker
    than many small ones run one by one). ``recipe`` is the fuller hint shown
    from the second wrong attempt on (``hint`` is only a nudge). ``compiled``
    exercises ask for a function compiled with ``jax.jit``.
    """

    name: str
    reference: Callable
    cases: Callable[[], Sequence[tuple]]
    hint: str
    slips: tuple[Slip, ...] = ()
    probes: Callable[[], Sequence[tuple]] | None = None
    rtol: float = 1e-4
    atol: float = 1e-5
    traced: bool = False
    recipe: str = ""
    compiled: bool = False


@dataclass(frozen=True)
class Outcome:
    """What a check found: one of RIGHT, NOT_DONE, WRONG, RAISED, and the message shown."""

    kind: str
    message: str
    details: dict = field(default_factory=dict)


_REGISTRY: dict[str, Exercise] = {}


def exercise(*, cases, hint, slips=(), probes=None, rtol=1e-4, atol=1e-5, name=None, traced=False, recipe="",
             compiled=False):
    """Register the decorated function as the reference answer of an exercise.

    The function itself is returned unchanged, so it stays an ordinary
    importable reference answer.
    """

    def register(reference):
        key = name or reference.__name__
        if key in _REGISTRY:
            raise ValueError(f"exercise {key!r} is registered twice")
        _REGISTRY[key] = Exercise(key, reference, cases, hint, tuple(slips), probes, rtol, atol, traced, recipe, compiled)
        return reference

    return register


def registered_exercises() -> dict[str, Exercise]:
    """Every exercise of the workshop, by name."""
    for module in TOPIC_MODULES:
        importlib.import_module(f"dl_workshop.{module}")
    return dict(_REGISTRY)


def get_exercise(name: str) -> Exercise:
    """The registered exercise called ``name``, importing topic modules one by one until it is known."""
    for module in (None, *TOPIC_MODULES):
        if module:
            importlib.import_module(f"dl_workshop.{module}")
        if name in _REGISTRY:
            return _REGISTRY[name]
    known = ", ".join(sorted(_REGISTRY))
    raise KeyError(f"no exercise named {name!r}; known exercises: {known}")


def check_exercise(name: str, answer: Any) -> Callable:
    """Check ``answer`` against exercise ``name``, print the verdict, return the function to use."""
    outcome = evaluate(name, answer)
    print(outcome.message)
    return answer if outcome.kind == RIGHT else get_exercise(name).reference


def evaluate(which: str | Exercise, answer: Any) -> Outcome:
    """Run ``answer`` on every case of an exercise (given by name or itself) and say how it did."""
    ex = get_exercise(which) if isinstance(which, str) else which
    if not callable(answer):
        return _wrong(ex, f"expected a function, got {_describe(answer)}", "")
    cases = ex.cases()
    for args in cases:
        try:
            expected, got = _observe_both(ex, answer, args)
        except NotImplementedError:
            return _not_done(ex, "it still raises NotImplementedError")
        except Exception as error:  # a learner's code may raise anything
            return _raised(ex, error, answer)
        if got is None:
            return _not_done(ex, "it returns None (is a `return` missing?)")
        mismatch = compare(expected, got, ex.rtol, ex.atol)
        if mismatch:
            return _wrong(ex, f"{_call(ex.name, args)}: {mismatch}", _hint_for(ex, args, got))
    checked = f"{len(cases)} cases" if len(cases) > 1 else "its test case"
    return Outcome(RIGHT, f"✅ {ex.name}: correct on {checked}. Your function is used from here on.")


def _observe_both(ex: Exercise, answer: Callable, args: tuple) -> tuple:
    """``(expected, got)``: what the reference and ``answer`` give on ``args``, as `_observe` sees them.

    A traced exercise whose answer is a value compiles both calls into one program, one compilation instead
    of two; see `_is_static` for the arguments it passes as static.
    """
    if not (ex.traced and ex.probes is None):
        return _observe(ex.reference, args, ex.probes, ex.traced), _observe(answer, args, ex.probes, ex.traced)

    def reference_and_answer(*case):
        return ex.reference(*case), answer(*case)

    static = [i for i, arg in enumerate(args) if _is_static(arg)]
    return jax.jit(reference_and_answer, static_argnums=static)(*args)


def _observe(function, args, probes, traced=False):
    """Call ``function(*args)``; when it returns a function, its values at ``probes`` instead.

    ``traced`` runs the returned function under ``jax.jit``.
    """
    result = function(*args)
    if callable(result) and probes is not None:
        result = jax.jit(result) if traced else result
        return _ReturnedFunction([(probe, result(*probe)) for probe in probes()])
    return result


def _is_static(arg) -> bool:
    """Whether ``jit`` should take ``arg`` as a constant.

    Functions, anything holding one (an optax optimizer) and Python ints (a step count, a size) are constants.
    """
    return any(callable(leaf) or isinstance(leaf, int) for leaf in jax.tree.leaves(arg))


@dataclass(frozen=True)
class _ReturnedFunction:
    """The values a returned function took at the probe points."""

    values: list


def compare(expected, got, rtol=1e-4, atol=1e-5, where="") -> str:
    """Describe the first difference between ``expected`` and ``got``; '' when they agree.

    Handles numbers, arrays, tuples and lists, dicts, and values of returned functions.
    """
    if isinstance(expected, _ReturnedFunction):
        if not isinstance(got, _ReturnedFunction):
            return f"expected a function, got {_describe(got)}"
        for (probe, value), (_, other) in zip(expected.values, got.values):
            mismatch = compare(value, other, rtol, atol, where)
            if mismatch:
                return f"the returned function at ({_args(probe)}): {mismatch}"
        return ""
    if isinstance(expected, dict):
        return _compare_dicts(expected, got, rtol, atol, where)
    if isinstance(expected, (tuple, list)):
        return _compare_sequences(expected, got, rtol, atol, where)
    return _compare_arrays(expected, got, rtol, atol, where)


def _compare_dicts(expected, got, rtol, atol, where):
    if not isinstance(got, dict):
        return f"{where}expected a dict with keys {sorted(expected)}, got {_describe(got)}"
    if set(got) != set(expected):
        return f"{where}expected keys {sorted(expected)}, got keys {sorted(got)}"
    for key in expected:
        mismatch = compare(expected[key], got[key], rtol, atol, f"{where}[{key!r}] ")
        if mismatch:
            return mismatch
    return ""


def _compare_sequences(expected, got, rtol, atol, where):
    kind = type(expected).__name__
    if not isinstance(got, (tuple, list)):
        return f"{where}expected a {kind} of {len(expected)}, got {_describe(got)}"
    if len(got) != len(expected):
        return f"{where}expected a {kind} of {len(expected)}, got one of {len(got)}"
    for index, (value, other) in enumerate(zip(expected, got)):
        mismatch = compare(value, other, rtol, atol, f"{where}[{index}] ")
        if mismatch:
            return mismatch
    return ""


def _compare_arrays(expected, got, rtol, atol, where):
    expected_array = np.asarray(expected)
    try:
        got_array = np.asarray(got, dtype=expected_array.dtype)
    except (TypeError, ValueError):
        return f"{where}expected {_show(expected)}, got {_describe(got)}"
    if got_array.shape != expected_array.shape:
        return (
            f"{where}expected shape {expected_array.shape}, got shape {got_array.shape}"
            f" ({_show(got)})"
        )
    close = np.isclose(got_array, expected_array, rtol=rtol, atol=atol, equal_nan=True)
    if close.all():
        return ""
    if close.ndim == 0:
        return f"{where}expected {_show(expected)}, got {_show(got)}"
    index = tuple(int(i) for i in np.argwhere(~close)[0])
    return (
        f"{where}at index {index[0] if len(index) == 1 else index} expected "
        f"{_show(expected_array[index])}, got {_show(got_array[index])} "
        f"(whole answer: {_show(got)})"
    )


def _hint_for(ex: Exercise, args: tuple, got) -> str:
    """The hint of the first slip that reproduces ``got``, else the exercise's general hint."""
    for slip in ex.slips:
        try:
            if not compare(_observe(slip.answer, args, ex.probes), got, ex.rtol, ex.atol):
                return slip.hint
        except Exception:  # a slip that does not apply to these arguments
            continue
    return ex.hint


def _not_done(ex: Exercise, why: str) -> Outcome:
    return Outcome(
        NOT_DONE,
        f"⏳ {ex.name}: not done yet, {why}. The reference answer is used so the notebook runs on.",
    )


def _wrong(ex: Exercise, what: str, hint: str) -> Outcome:
    lines = [f"❌ {ex.name}: {what}."]
    if hint:
        lines.append(f"   Hint: {hint}")
    lines.append("   The reference answer is used for now; fix yours and run the cell again.")
    return Outcome(WRONG, "\n".join(lines), {"hint": hint})


def _raised(ex: Exercise, error: Exception, answer: Callable) -> Outcome:
    where = _learner_line(error, answer)
    return Outcome(
        RAISED,
        f"❌ {ex.name}: your code raised {type(error).__name__}: {error}{where}.\n"
        "   The reference answer is used for now; fix yours and run the cell again.",
    )


def _learner_line(error: Exception, answer: Callable) -> str:
    """' at line N: `code`' for the deepest frame of the learner's own cell or file."""
    filename = getattr(getattr(answer, "__code__", None), "co_filename", None)
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename == filename]
    if not frames:
        return ""
    frame = frames[-1]
    code = (frame.line or linecache.getline(frame.filename, frame.lineno)).strip()
    return f" at line {frame.lineno}: `{code}`" if code else f" at line {frame.lineno}"


def _call(name: str, args: tuple) -> str:
    return f"{name}({_args(args)})"


def _args(args: tuple) -> str:
    return ", ".join(_describe(arg) if _is_bulky(arg) else _show(arg) for arg in args)


def _is_bulky(value) -> bool:
    """Functions and large arrays are described, not printed."""
    if _is_namedtuple(value):
        return True
    if isinstance(value, (dict, tuple, list)):
        return False
    return callable(value) or _is_key(value) or np.size(value) > 6


def _is_namedtuple(value) -> bool:
    return isinstance(value, tuple) and hasattr(value, "_fields")


def _is_key(value) -> bool:
    """A typed `jax.random.key`, whose dtype prints as key<impl>."""
    return str(getattr(value, "dtype", "")).startswith("key<")


def _describe(value) -> str:
    """A short description of a value's kind: 'a function polynomial', 'an array of shape (100,)'."""
    if value is None:
        return "None"
    if callable(value):
        return f"the function {getattr(value, '__name__', type(value).__name__)}"
    if _is_namedtuple(value):
        return f"a {type(value).__name__}"
    if isinstance(value, dict):
        return f"a dict with keys {sorted(value, key=str)}"
    if isinstance(value, (tuple, list)):
        return f"a {type(value).__name__} of {len(value)}"
    if _is_key(value):
        return "a jax.random key"
    if isinstance(value, (int, float, complex, np.ndarray, np.generic)) or hasattr(value, "shape"):
        shape = np.shape(value)
        return f"an array of shape {shape}" if shape else f"the number {_show(value)}"
    return f"{type(value).__name__} {value!r}"


def _show(value) -> str:
    """A value printed compactly, numbers to four significant figures."""
    if callable(value) or _is_namedtuple(value):
        return _describe(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k!r}: {_show(v)}" for k, v in value.items()) + "}"
    if isinstance(value, tuple):
        return "(" + ", ".join(_show(v) for v in value) + ("," if len(value) == 1 else "") + ")"
    if isinstance(value, list):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return repr(value)
    if array.ndim == 0:
        return f"{float(array):.4g}"
    text = np.array2string(array, precision=4, threshold=6, edgeitems=2, separator=", ")
    return " ".join(text.split())
