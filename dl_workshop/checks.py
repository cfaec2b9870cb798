"""Self-checks for the exercises.

A reference answer is registered with :func:`exercise`; a notebook then calls
:func:`check_exercise` right after the learner's attempt. The check runs the
attempt on a few cases, prints one short verdict and returns the function the
rest of the notebook should use: the learner's when it is right, the reference
otherwise. It never raises on anything a learner writes; only an author who
passes something other than an exercise's name gets a `TypeError`.

The types of an answer are checked before its values; an answer that raises
gets JAX's error in plain words, with the learner's own line; the hints get
fuller with each wrong attempt; and compiled programs are reused when a cell is
run again unchanged, so that a check answers at once.
"""

from __future__ import annotations

import ast
import collections
import contextlib
import functools
import gc
import importlib
import inspect
import linecache
import os
import re
import sys
import sysconfig
import traceback
import types
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import jax
import numpy as np

from .optim import DivergenceWarning

#: Topic modules that register exercises; imported on first look-up.
TOPIC_MODULES = ("gradient_basics", "mle", "goldfield", "linear_models", "regression", "compiled", "sgd", "logistic", "neural", "flax_models")

RIGHT, NOT_DONE, WRONG, RAISED = "right", "not done", "wrong", "raised"


@dataclass(frozen=True)
class Slip:
    """A common mistake, written as a function that makes it, and the hint that fixes it."""

    answer: Callable
    hint: str


@dataclass(frozen=True, eq=False)
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
    exercises ask for a function compiled with ``jax.jit``: the answer itself,
    or, with ``probes``, the function it returns; ``compile_hint``, when given,
    replaces the general hint shown when that function is not compiled.
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
    compile_hint: str = ""


@dataclass(frozen=True)
class Outcome:
    """What a check found: one of RIGHT, NOT_DONE, WRONG, RAISED, and the message shown."""

    kind: str
    message: str
    details: dict = field(default_factory=dict)


_REGISTRY: dict[str, Exercise] = {}
_REGISTERED_BY: dict[str, str] = {}  # the module that registered each name


def exercise(*, cases, hint, slips=(), probes=None, rtol=1e-4, atol=1e-5, name=None, traced=False, recipe="",
             compiled=False, compile_hint=""):
    """Register the decorated function as the reference answer of an exercise.

    The function itself is returned unchanged, so it stays an ordinary
    importable reference answer. The module that registers a name may register
    it again, replacing the entry: reloading a topic module (what
    ``%autoreload`` does) registers it afresh. Another module may not.
    """
    module = sys._getframe(1).f_globals.get("__name__", "")

    def register(reference):
        key = name or reference.__name__
        first = _REGISTERED_BY.setdefault(key, module)
        if first != module:
            raise ValueError(f"exercise {key!r} is registered twice, in {first} and in {module}: rename one")
        _REGISTRY[key] = Exercise(key, reference, cases, hint, tuple(slips), probes, rtol, atol, traced, recipe,
                                  compiled, compile_hint)
        return reference

    return register


def case_key(seed: int):
    """A `jax.random` key of ``seed`` for a check's cases: made without running a program, quick to draw from.

    The reference and the answer draw from the same key, so its kind does not change a verdict. This one is of
    JAX's ``unsafe_rbg`` kind, which draws with a single XLA operation where the default kind (threefry) builds
    its hash from dozens: a check that draws answers its first call tens of milliseconds sooner.
    """
    if not 0 <= seed < 2**32:
        raise ValueError(f"case_key expected a seed from 0 to 2**32 - 1, got {seed!r}")
    return jax.random.wrap_key_data(np.array([0, 0, 0, seed], dtype=np.uint32), impl="unsafe_rbg")


def registered_exercises() -> dict[str, Exercise]:
    """Every exercise of the workshop, by name."""
    for module in TOPIC_MODULES:
        importlib.import_module(f"dl_workshop.{module}")
    return dict(_REGISTRY)


def get_exercise(name: str) -> Exercise:
    """The registered exercise called ``name``, importing topic modules one by one until it is known."""
    if not isinstance(name, str):
        raise TypeError(
            f"an exercise is named by a string, as in check_exercise(\"linear_model\", linear_model); "
            f"got {_describe(name)} as the name"
        )
    for module in (None, *TOPIC_MODULES):
        if module:
            importlib.import_module(f"dl_workshop.{module}")
        if name in _REGISTRY:
            return _REGISTRY[name]
    known = ", ".join(sorted(_REGISTRY))
    raise KeyError(f"no exercise named {name!r}; known exercises: {known}")


#: Wrong attempts so far in this kernel, by exercise name: the hints get fuller as they add up.
_WRONG_ATTEMPTS: collections.Counter = collections.Counter()


def check_exercise(name: str, answer: Any) -> Callable:
    """Check ``answer`` against exercise ``name``, print the verdict, return the function to use."""
    ex = get_exercise(name)
    outcome = evaluate(ex, answer, attempt=_WRONG_ATTEMPTS[name] + 1)
    if outcome.kind in (WRONG, RAISED):
        _WRONG_ATTEMPTS[name] += 1
    print(outcome.message)
    importlib.import_module("dl_workshop.live").report(name, outcome.kind)  # the instructor's view, on a hub only
    return answer if outcome.kind == RIGHT else ex.reference


def evaluate(which: str | Exercise, answer: Any, *, attempt: int = 1) -> Outcome:
    """Run ``answer`` on every case of an exercise (given by name or itself) and say how it did.

    ``attempt`` counts this try among the wrong ones: from the second on, the exercise's recipe joins the hint.
    """
    ex = which if isinstance(which, Exercise) else get_exercise(which)
    try:
        with _collector_paused():
            return _evaluate(ex, answer, attempt)
    except Exception as error:  # the check's own safety net: whatever comes back, the learner gets a verdict
        return _wrong(ex, f"the check could not make sense of what your function gave ({type(error).__name__})",
                      ex.hint, attempt)


@contextlib.contextmanager
def _collector_paused():
    """Python's cycle collector paused while a check runs, and resumed after (the garbage waits for it).

    Tracing and compiling make many short-lived objects, and each full collection they set off walks every
    object of JAX and Flax: a third of a check's time, for garbage that reference counting frees anyway.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _evaluate(ex: Exercise, answer: Any, attempt: int) -> Outcome:
    if not callable(answer):
        return _wrong(ex, f"expected a function, got {_describe(answer)}", "", attempt)
    if ex.compiled and ex.probes is None and not is_compiled(answer):
        return _wrong(ex, "your function is not compiled", ex.compile_hint or _HOW_TO_COMPILE, attempt)
    cases = _cases(ex)
    try:
        with _divergence_noted() as diverged:
            observed = _observe_all(ex, answer, cases)
    except NotImplementedError:
        return _not_done(ex, "it still raises NotImplementedError")
    except _NotCompiled:
        return _wrong(ex, "the function you return is not compiled", ex.compile_hint or _HOW_TO_COMPILE_RETURNED,
                      attempt)
    except (Exception, SystemExit) as error:  # a learner's code may raise anything
        return _raised(ex, error, attempt)
    for args, (expected, got) in zip(_cases(ex), observed):  # the cases as they were, should the answer change them
        if got is None:
            return _not_done(ex, "it returns None (is a `return` missing?)")
        mismatch = _located(compare(expected, got, ex.rtol, ex.atol))
        if mismatch and diverged:
            return _wrong(ex, _after_divergence(diverged[0], _call(ex.name, args), mismatch), _hint_for(ex, args, got),
                          attempt)
        if mismatch:
            return _wrong(ex, f"{_call(ex.name, args)}: {mismatch}", _hint_for(ex, args, got), attempt)
    checked = f"{len(cases)} cases" if len(cases) > 1 else "its test case"
    return Outcome(RIGHT, f"✅ {ex.name}: correct on {checked}. Your function is used from here on.")


# ---------------------------------------------------------------------------------------------------------
# Running the answer and the reference
# ---------------------------------------------------------------------------------------------------------

#: Per exercise, made on its first check in this process: its cases, its probes, what the reference gives.
_MADE: dict[Exercise, dict] = {}


def _made(ex: Exercise) -> dict:
    made = _MADE.get(ex)
    if made is None:
        made = _MADE[ex] = {"cases": list(ex.cases()), "expected": {}}
        if ex.probes is not None:
            made["probes"] = list(ex.probes())
    return made


def _cases(ex: Exercise) -> list:
    """The cases of ``ex``, with fresh containers: an answer that changes a dict it is given spoils nothing."""
    return [_fresh(args) for args in _made(ex)["cases"]]


def _probes(ex: Exercise):
    """The probes of ``ex`` as `_observe` takes them (a function giving fresh copies), or None."""
    if ex.probes is None:
        return None
    probes = _made(ex)["probes"]
    return lambda: [_fresh(probe) for probe in probes]


def _fresh(value):
    """A copy of ``value``'s dicts, lists, tuples and NumPy arrays (in their order); anything else as it is."""
    if type(value) is dict:
        return {key: _fresh(item) for key, item in value.items()}
    if type(value) is list:
        return [_fresh(item) for item in value]
    if _is_namedtuple(value):
        return type(value)(*map(_fresh, value))
    if type(value) is tuple:
        return tuple(map(_fresh, value))
    return value.copy() if isinstance(value, np.ndarray) else value


def _expected(ex: Exercise, index: int, args: tuple):
    """What the reference gives on case ``index``, worked out once a process."""
    expected = _made(ex)["expected"]
    if index not in expected:
        expected[index] = _observe(ex.reference, args, _probes(ex))
    return expected[index]


def _observe_all(ex: Exercise, answer: Callable, cases: list) -> list:
    """``(expected, got)`` for every case.

    A traced exercise runs the reference and the answer on every case, and the functions they return at every
    probe, in one compiled program; see `_program`.
    """
    if ex.traced:
        return _program(ex, answer, cases)()
    return [
        (_expected(ex, index, args), _observe(answer, args, _probes(ex), must_compile=ex.compiled))
        for index, args in enumerate(cases)
    ]


def _observe(function, args, probes, must_compile=False):
    """Call ``function(*args)``; when it returns a function, its values at ``probes`` instead.

    ``must_compile`` raises `_NotCompiled` when the returned function is not compiled.
    """
    result = function(*args)
    if callable(result) and probes is not None:
        if must_compile and not is_compiled(result):
            raise _NotCompiled
        return _ReturnedFunction([(probe, result(*probe)) for probe in probes()], _is_model(result))
    return result


@dataclass(frozen=True)
class _ReturnedFunction:
    """The values a returned function (or model) took at the probe points."""

    values: list
    model: bool = False


# A compiled program returns the values at the probes in one, as a pytree (the probes are paired in afterwards).
jax.tree_util.register_pytree_node(_ReturnedFunction, lambda returned: (returned.values, returned.model),
                                   lambda model, values: _ReturnedFunction(list(values), model))


class _NotCompiled(Exception):
    """The function returned by an answer to a `compiled` exercise is not compiled."""


_HOW_TO_COMPILE = "put @jax.jit on the line above its `def` (or wrap it: f = jax.jit(f))."
_HOW_TO_COMPILE_RETURNED = (
    "put @jax.jit on the line above the inner function's `def` (or return jax.jit(inner_function))."
)


def is_compiled(function) -> bool:
    """Whether ``function`` is compiled with `jax.jit` (or wraps a function that is).

    What `jax.jit` returns has the methods ``lower`` and ``trace`` (the first stages of compiling); a plain
    function, or one transformed by `grad` or `vmap` alone, has not. Wrappers made with `functools.wraps` or
    `functools.partial` are looked through.
    """
    seen = set()
    while function is not None and id(function) not in seen:
        seen.add(id(function))
        if callable(getattr(function, "lower", None)) and callable(getattr(function, "trace", None)):
            return True
        if isinstance(function, functools.partial):
            function = function.func
        else:
            function = getattr(function, "__wrapped__", None)
    return False


# Compiled programs are kept, a few dozen at most, under a key that changes whenever what they compute could:
# running a cell again defines a new function object, but with the same code it computes the same thing.
_PROGRAMS: collections.OrderedDict = collections.OrderedDict()
_MAX_PROGRAMS = 64


def _cached(key, make):
    """``make()``, kept under ``key`` (when there is one) for the next call."""
    if key is None:
        return make()
    try:
        program = _PROGRAMS.pop(key)
    except KeyError:
        program = make()
    except TypeError:  # an unhashable key
        return make()
    _PROGRAMS[key] = program
    while len(_PROGRAMS) > _MAX_PROGRAMS:
        _PROGRAMS.popitem(last=False)
    return program


def _program(ex: Exercise, answer: Callable, cases: list) -> Callable:
    """A compiled program giving ``[(expected, got), ...]``, the reference's and the answer's value on every case.

    One program for all the cases: one compilation instead of one a case and a function. Functions, anything
    holding one (an optax optimizer) and Python ints (a step count, a size) reach both as constants. With
    probes, a function that the reference or the answer returns is called at every probe inside the program too,
    so that making it (a gradient, a Flax module with its random weights) compiles nothing of its own.
    """

    def reference_and_answer(case_list, at_probes):
        return [(at_probes(ex.reference, args), at_probes(answer, args, ex.compiled)) for args in case_list]

    fingerprint = _fingerprint(answer)
    return _in_one_program(reference_and_answer, cases, ex, None if fingerprint is None else ("cases", fingerprint))


def _slips_program(ex: Exercise, args: tuple) -> Callable:
    """A compiled program giving what every slip of ``ex`` gives on ``args``, kept for the next wrong answer."""

    def slips(args, at_probes):
        return [at_probes(slip.answer, args) for slip in ex.slips]

    return _in_one_program(slips, args, ex, ("slips",))


def _in_one_program(compute: Callable, tree, ex: Exercise, key) -> Callable:
    """``compute(tree, at_probes)`` as one compiled program, kept under ``key`` (when there is one) for the next call.

    The numbers and arrays in ``tree`` and in the probes of ``ex`` are the program's inputs; anything else is a
    constant. ``at_probes(function, args, must_compile=False)`` is ``function(*args)``, or, when that is a
    function and ``ex`` has probes, its values at every probe.
    """
    probes = _made(ex).get("probes")
    leaves, treedef = jax.tree.flatten((tree, probes))
    static = tuple(leaf if _is_static(leaf) else None for leaf in leaves)
    dynamic = [leaf for leaf in leaves if not _is_static(leaf)]

    def make():
        def program(dynamic_leaves):
            def unflattened():  # fresh containers each time: a function that changes a dict it is given spoils nothing
                values = iter(dynamic_leaves)
                return treedef.unflatten([next(values) if s is None else s for s in static])

            def at_probes(function, args, must_compile=False):
                result = function(*args)
                if probes is None or not callable(result):
                    return result
                if must_compile and not is_compiled(result):
                    raise _NotCompiled
                return _ReturnedFunction([result(*probe) for probe in unflattened()[1]], _is_model(result))

            return compute(unflattened()[0], at_probes)

        return jax.jit(program)

    program = _cached(None if key is None else (*key, ex, treedef, static), make)
    if probes is None:
        return lambda: program(dynamic)
    return lambda: jax.tree.map(lambda value: _at_probes(value, probes), program(dynamic),
                                is_leaf=lambda value: isinstance(value, _ReturnedFunction))


def _at_probes(value, probes):
    """A returned function's values out of a compiled program, each paired with its probe as `_observe` pairs them."""
    if not isinstance(value, _ReturnedFunction):
        return value
    return _ReturnedFunction(list(zip(probes, value.values)), value.model)


def _is_static(leaf) -> bool:
    """Whether ``jit`` should take a leaf of a case as a constant: anything but numbers and arrays (ints too)."""
    if isinstance(leaf, (bool, int)):
        return True
    return not isinstance(leaf, (float, complex, np.ndarray, np.generic, jax.Array))


def _fingerprint(function):
    """`_fingerprint_of` ``function``, or None when even looking at it fails (a learner's object may do anything)."""
    try:
        return _fingerprint_of(function)
    except Exception:
        return None


def _fingerprint_of(function, seen=()):
    """A hashable key equal for two functions that compute the same thing; None when that cannot be told.

    It holds the function's code (equal for a cell run again unchanged), its defaults, its closure and the
    globals its code names, each by value for numbers and text, by identity for modules, arrays and library
    objects, and recursively for functions. A mutable value (a dict, a NumPy array) gives None.
    """
    if id(function) in seen or len(seen) > 12:
        return None
    seen = (*seen, id(function))
    if isinstance(function, functools.partial):
        parts = (_fingerprint_of(function.func, seen), _value_key(function.args, seen),
                 _value_key(tuple(sorted(function.keywords.items())), seen))
        return None if None in parts else ("partial", *parts)
    code = getattr(function, "__code__", None)
    if not isinstance(code, types.CodeType):
        wrapped = getattr(function, "__wrapped__", None)
        if wrapped is not None and is_compiled(function):
            inner = _fingerprint_of(wrapped, seen)
            return None if inner is None else ("jit", inner)
        return _value_key(function, seen)
    names = _global_names(code)
    namespace = getattr(function, "__globals__", {})
    parts = (
        tuple(_value_key(value, seen) for value in function.__defaults__ or ()),
        tuple(_value_key(value, seen) for value in sorted((function.__kwdefaults__ or {}).items())),
        tuple(_value_key(_cell_contents(cell), seen) for cell in function.__closure__ or ()),
        tuple((name, _value_key(namespace[name], seen)) for name in names if name in namespace),
    )
    if any(None in part for part in parts):
        return None
    return (code, *parts)


def _cell_contents(cell):
    try:
        return cell.cell_contents
    except ValueError:  # a cell not yet filled
        return _EMPTY_CELL


_EMPTY_CELL = object()
_LIBRARIES = ("jax", "jaxlib", "numpy", "optax", "flax", "builtins", "functools", "math", "operator")


def _value_key(value, seen):
    """A hashable stand-in for ``value`` in a fingerprint, or None when it may change or cannot be told."""
    if value is None or value is _EMPTY_CELL or isinstance(value, (bool, int, float, complex, str, bytes)):
        return (type(value), value)
    if isinstance(value, tuple):
        keys = tuple(_value_key(item, seen) for item in value)
        return None if None in keys else (type(value), keys)
    if isinstance(value, (types.FunctionType, functools.partial)) or is_compiled(value):
        return _fingerprint_of(value, seen)
    if isinstance(value, (types.ModuleType, type, types.BuiltinFunctionType, jax.Array)):
        return _Identity(value)
    if isinstance(value, (np.ndarray, dict, list, set)):
        return None
    module = (getattr(type(value), "__module__", "") or "").split(".")[0]
    return _Identity(value) if module in _LIBRARIES else None


class _Identity:
    """Equal only to a stand-in for the very same object, which it keeps alive."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value

    def __eq__(self, other):
        return isinstance(other, _Identity) and other.value is self.value

    def __hash__(self):
        return id(self.value)


def _global_names(code: types.CodeType) -> tuple:
    """The names ``code`` and the functions defined in it may look up among the globals."""
    names = set(code.co_names)
    for constant in code.co_consts:
        if isinstance(constant, types.CodeType):
            names.update(_global_names(constant))
    return tuple(sorted(names))


# ---------------------------------------------------------------------------------------------------------
# Comparing: types first, then values
# ---------------------------------------------------------------------------------------------------------


_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")


def _located(mismatch: str) -> str:
    """A difference inside a returned tuple told in words: '[1] [1] …' becomes 'in the second item of the second
    item of what it returns ([1][1]): …'."""
    path = re.match(r"((?:\[\d\] )+)", mismatch)
    if not path:
        return mismatch
    indices = [int(index) for index in re.findall(r"\d", path.group(1))]  # one digit each: an ordinal for every one
    items = " of ".join(f"the {_ORDINALS[index]} item" for index in reversed(indices))
    where = "".join(f"[{index}]" for index in indices)
    return f"in {items} of what it returns ({where}): {mismatch[path.end():]}"


def compare(expected, got, rtol=1e-4, atol=1e-5, where="") -> str:
    """Describe the first difference between ``expected`` and ``got``; '' when they agree.

    Handles numbers, arrays, tuples and lists, dicts, other pytrees, and values of returned functions. The
    type of ``got`` is checked first: text, a bool, a complex number or a list where a number or an array is
    expected is a difference however its value reads. Values agree when ``|got − expected| ≤ atol + rtol ·
    |expected|`` everywhere.
    """
    if isinstance(expected, _ReturnedFunction):
        if not isinstance(got, _ReturnedFunction):
            return f"expected a function, got {_describe(got)}"
        for (probe, value), (_, other) in zip(expected.values, got.values):
            mismatch = compare(value, other, rtol, atol, where)
            if mismatch:
                called = "the model it makes, called on" if got.model else "the returned function at"
                return f"{called} ({_args(probe)}): {mismatch}"
        return ""
    if got is None and expected is not None:
        wanted = _wanted(_as_array(expected)) if _is_arraylike(expected) else _describe(expected)
        return f"{where}expected {wanted}, got None (is a `return` missing?)"
    if isinstance(expected, Mapping):
        return _compare_dicts(expected, got, rtol, atol, where)
    if isinstance(expected, (tuple, list)):
        return _compare_sequences(expected, got, rtol, atol, where)
    if _is_arraylike(expected):
        return _compare_arrays(expected, got, rtol, atol, where)
    return _compare_trees(expected, got, rtol, atol, where)


def _compare_dicts(expected, got, rtol, atol, where):
    if not isinstance(got, Mapping):
        return f"{where}expected a dict with keys {_keys(expected)}, got {_describe(got)}"
    if set(got) != set(expected):
        return f"{where}expected keys {_keys(expected)}, got keys {_keys(got)}"
    mismatches = (compare(expected[key], got[key], rtol, atol, f"{where}[{key!r}] ") for key in expected)
    return "; ".join(mismatch for mismatch in mismatches if mismatch)  # every entry that is off, not the first


def _compare_sequences(expected, got, rtol, atol, where):
    kind = type(expected).__name__ if not _is_namedtuple(expected) else "tuple"
    if not isinstance(got, (tuple, list)):
        return f"{where}expected a {kind} of {len(expected)}, got {_describe(got)}"
    if len(got) != len(expected):
        return f"{where}expected a {kind} of {len(expected)}, got one of {len(got)}"
    for index, (value, other) in enumerate(zip(expected, got)):
        mismatch = compare(value, other, rtol, atol, f"{where}[{index}] ")
        if mismatch:
            return mismatch
    return ""


def _compare_trees(expected, got, rtol, atol, where):
    """Any other pytree (a dataclass, an optax state): the same structure, then leaf by leaf."""
    expected_leaves, expected_tree = jax.tree.flatten_with_path(expected)
    got_leaves, got_tree = jax.tree.flatten_with_path(got)
    if expected_tree != got_tree:
        return f"{where}expected {_describe(expected)}, got {_describe(got)}"
    for (path, value), (_, other) in zip(expected_leaves, got_leaves):
        mismatch = compare(value, other, rtol, atol, f"{where}{jax.tree_util.keystr(path)} ")
        if mismatch:
            return mismatch
    return ""


def _compare_arrays(expected, got, rtol, atol, where):
    expected_array = _as_array(expected)
    problem = _type_problem(expected_array, got)
    if problem:
        return where + problem
    got_array = _as_array(got)
    if got_array.shape != expected_array.shape:
        return f"{where}expected shape {expected_array.shape}, got shape {got_array.shape} ({_show(got)})"
    if expected_array.dtype == bool:
        close = got_array == expected_array
    else:
        exact = np.complex128 if expected_array.dtype.kind == "c" else np.float64
        close = np.isclose(got_array.astype(exact), expected_array.astype(exact), rtol=rtol, atol=atol,
                           equal_nan=True)
    if close.all():
        return ""
    if close.ndim == 0:
        return f"{where}expected {_show(expected)}, got {_show(got)}"
    return f"{where}{_entries_off(expected_array, got_array, ~close, rtol, atol)} (whole answer: {_show(got)})"


def _entries_off(expected: np.ndarray, got: np.ndarray, off: np.ndarray, rtol, atol) -> str:
    """The wrong entries of an array answer: each of them when there are up to three, else the one furthest off
    (measured in tolerances), so that the message points at what is wrong whichever entry comes first."""
    wrong = [tuple(int(i) for i in index) for index in np.argwhere(off)]

    def entry(index):
        return (f"at index {index[0] if len(index) == 1 else index} expected {_show(expected[index])}, "
                f"got {_show(got[index])}")

    if len(wrong) <= 3:
        return "; ".join(map(entry, wrong))

    def tolerances_off(index):
        if expected.dtype == bool:
            return 1.0
        difference = abs(complex(got[index]) - complex(expected[index]))
        return np.nan_to_num(difference / (atol + rtol * abs(complex(expected[index]))), nan=np.inf)

    furthest = max(wrong, key=tolerances_off)
    return f"{len(wrong)} of {off.size} entries are off; the furthest off: {entry(furthest)}"


def _type_problem(expected: np.ndarray, got) -> str:
    """What is wrong with the type of ``got`` where an array like ``expected`` is expected; '' when nothing."""
    wanted = _wanted(expected)
    if isinstance(got, (str, bytes)) or getattr(getattr(got, "dtype", None), "kind", "") in ("U", "S"):
        return f"expected {wanted}, got the text {_show(got)}: return the number itself, not a string"
    if isinstance(got, (tuple, list)):
        return f"expected {wanted}, got {_describe(got)}: {_one_array_fix(got)}"
    if isinstance(got, Mapping) or callable(got) or got is None:
        return f"expected {wanted}, got {_describe(got)}"
    if not _is_arraylike(got):
        return f"expected {wanted}, got {_describe(got)}, which is not a number or an array"
    got_kind = _as_array(got).dtype.kind
    if got_kind == "O":
        return (f"expected {wanted}, got an array of Python objects (dtype object): return an array of numbers "
                "(were rows of different lengths, or None, put into one array?)")
    if expected.dtype.kind == "b" and got_kind != "b":
        return f"expected {wanted}, got {_show(got)}: return True or False (a comparison gives one)"
    if got_kind == "b" and expected.dtype.kind != "b":
        return (f"expected {wanted}, got {_show(got)}, a bool: return the number itself, not a comparison "
                "(x > 0 gives True or False)")
    if got_kind == "c" and expected.dtype.kind != "c":
        return (f"expected {wanted}, got a complex number ({_show(got)}): the answer is real, so something made "
                "complex numbers (functions for general matrices, like jnp.linalg.eigvals, return complex ones; "
                "so does a square root or log of a complex or negative value)")
    if got_kind not in "biufc":
        return f"expected {wanted}, got {_describe(got)}"
    return ""


def _wanted(expected: np.ndarray) -> str:
    if expected.dtype.kind == "b":
        return f"a bool ({_show(expected)})" if expected.ndim == 0 else f"an array of bools of shape {expected.shape}"
    return _show(expected) if expected.size <= 6 else f"an array of shape {expected.shape}"


def _one_array_fix(got) -> str:
    if not got or not all(map(_is_arraylike, got)):
        return "return one number or array"
    if all(np.ndim(item) > 0 for item in got):
        return "return one array: `jnp.stack(path)` makes a list of arrays `path` into one"
    return "return one array: `jnp.array(values)` makes a list of numbers `values` into one"


def _is_arraylike(value) -> bool:
    return isinstance(value, (bool, int, float, complex, np.ndarray, np.generic, jax.Array)) or (
        hasattr(value, "__array__") and hasattr(value, "shape") and hasattr(value, "dtype")
    )


def _as_array(value) -> np.ndarray:
    if _is_key(value):
        return np.asarray(jax.random.key_data(value))
    return np.asarray(value)


def _keys(mapping) -> list:
    """The keys of a dict in a stable order, whatever their types."""
    return sorted(mapping, key=lambda key: (type(key).__name__, repr(key)))


@contextlib.contextmanager
def _divergence_noted():
    """Collect the messages of the `DivergenceWarning`s (from the workshop's descent loops) raised inside, for the
    verdict to tell; any other warning is shown as usual."""
    diverged = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            yield diverged
        finally:
            diverged += [str(w.message) for w in caught if issubclass(w.category, DivergenceWarning)]
    for w in caught:
        if not issubclass(w.category, DivergenceWarning):
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno, source=w.source)


def _after_divergence(warning: str, call: str, mismatch: str) -> str:
    """A wrong value that a diverged descent returned, told as that rather than as a near miss."""
    what = re.sub(r", so descent stopped there", "", warning).rstrip(".")
    if "before any step" in warning:
        said = f"your descent could not start: {what}"
    else:
        said = f"your descent diverged ({what}), so it stopped and returned its last finite point, which is not a fit"
    values = re.fullmatch(r"expected (.*), got (.*)", mismatch)
    if values:
        descent = "the descent" if "before any step" in warning else "the diverged descent"
        return f"{said}. {call} should give {values.group(1)}; {descent} gave {values.group(2)}"
    return f"{said}. {call}, after the descent stopped: {mismatch}"


def _hint_for(ex: Exercise, args: tuple, got) -> str:
    """The hint of the first slip that reproduces ``got``, else the exercise's general hint."""
    for slip, slipped in zip(ex.slips, _slip_values(ex, args)):
        try:
            if slipped is not _DOES_NOT_APPLY and not compare(slipped, got, ex.rtol, ex.atol):
                return slip.hint
        except Exception:  # a value the comparison cannot make sense of
            continue
    return ex.hint


_DOES_NOT_APPLY = object()  # what a slip that raises on a case gives


def _slip_values(ex: Exercise, args: tuple) -> list:
    """What each slip of ``ex`` gives on ``args``; `_DOES_NOT_APPLY` for a slip that raises on them.

    A traced exercise runs all its slips in one compiled program, as it runs the answer, and keeps it for the next
    wrong answer; should one of them not trace, each runs on its own.
    """
    with warnings.catch_warnings():  # a slip that diverges (a step too large) warns no one
        warnings.simplefilter("ignore")
        if ex.traced and ex.slips:
            try:
                return _slips_program(ex, args)()
            except Exception:
                pass
        return [_slip_value(slip, args, _probes(ex)) for slip in ex.slips]


def _slip_value(slip: Slip, args: tuple, probes):
    try:
        return _observe(slip.answer, args, probes)
    except Exception:  # a slip that does not apply to these arguments
        return _DOES_NOT_APPLY


# ---------------------------------------------------------------------------------------------------------
# Verdicts
# ---------------------------------------------------------------------------------------------------------


def _not_done(ex: Exercise, why: str) -> Outcome:
    return Outcome(
        NOT_DONE,
        f"⏳ {ex.name}: not done yet, {why}. The reference answer is used so the notebook runs on.",
    )


def _hints(ex: Exercise, hint: str, attempt: int) -> list:
    lines = [f"   Hint: {hint}"] if hint else []
    if attempt > 1 and ex.recipe:
        lines.append(f"   Recipe: {ex.recipe}")
    return lines


def _wrong(ex: Exercise, what: str, hint: str, attempt: int = 1) -> Outcome:
    lines = [f"❌ {ex.name}: {_scrub(what)}.", *_hints(ex, hint, attempt),
             "   The reference answer is used for now; fix yours and run the cell again."]
    return Outcome(WRONG, "\n".join(lines), {"hint": hint})


def _raised(ex: Exercise, error: BaseException, attempt: int = 1) -> Outcome:
    frame, lineno = _learner_frame(error)
    where = _line(frame, lineno)
    meaning = _scrub(_explain(error, frame, lineno))
    if meaning:
        first = f"❌ {ex.name}: your code raised {type(error).__name__}{where}."
        lines = [first, f"   {meaning}"]
    else:
        lines = [f"❌ {ex.name}: your code raised {type(error).__name__}: {_scrub(_plain(error))}{where}."]
    lines += _hints(ex, ex.hint, attempt)
    lines.append("   The reference answer is used for now; fix yours and run the cell again.")
    return Outcome(RAISED, "\n".join(lines), {"hint": ex.hint, "error": type(error).__name__})


# ---------------------------------------------------------------------------------------------------------
# JAX's errors in plain words
# ---------------------------------------------------------------------------------------------------------

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))
_LIBRARY_DIRS = tuple(
    os.path.join(os.path.abspath(path), "")
    for path in {_PACKAGE_DIR, *(sysconfig.get_paths()[k] for k in ("stdlib", "purelib", "platlib"))}
)
_INTERNALS = ("dl_workshop", "checks.py", "_observe", "reference_and_answer", "site-packages", _PACKAGE_DIR)

_TRACING = (
    "JAX compiles or differentiates this code by tracing it: it runs it once on placeholders (tracers) that "
    "stand for any value, so nothing in it can need the actual number."
)


def _explain(error: BaseException, frame, lineno) -> str:
    """JAX's (or NumPy's) error in plain words with what to write instead; '' for an error of another kind."""
    text = str(error)
    names = {cls.__name__ for cls in type(error).__mro__}
    unpacked = _unpacked_dict(frame)
    if unpacked:
        return unpacked
    if re.search(r"matmul input operand \d+ must have ndim at least 1", text):
        return ("`@` multiplies arrays with at least one axis, and one side here is a single number: with a number, "
                "use `*`, or jnp.dot, which accepts both a number and an array.")
    if "Gradient only defined for scalar-output functions" in text:
        shape = re.search(r"Output had shape: (\([\d,\s]*\))", text)
        return ("jax.grad needs a function that returns one number; this one returned "
                f"{'shape ' + shape.group(1) if shape else 'an array'}. For a loss over many examples, return one "
                "number (their jnp.mean or jnp.sum). The derivative at each element of an array is either a "
                "formula that works entry by entry, or the gradient mapped over the elements: "
                "jax.vmap(jax.grad(f))(z).")
    if "TracerBoolConversionError" in names:
        return (f"{_TRACING} Python's `if`, `while`, `and`, `or` need a concrete True or False: use jnp.where(…) "
                "(or jax.lax.cond) to choose between values, and jnp, not np or float().")
    if "TracerIntegerConversionError" in names:
        return (f"{_TRACING} range(), int() and indexing need a concrete whole number: pass counts as plain "
                "Python ints, and use jnp, not np or float(), on arrays.")
    if "TracerArrayConversionError" in names:
        return (f"{_TRACING} NumPy (np.…) needs actual numbers: use jnp, not np or float() (jnp.exp, jnp.sum, "
                "jnp.mean work on tracers).")
    if "UnexpectedTracerError" in names:
        return (f"{_TRACING} A placeholder escaped: a value computed inside was kept outside the function (in a "
                "global variable or a list made outside it). Return values instead of storing them.")
    if "ConcretizationTypeError" in names:
        return _TRACER_FIX
    if "Only scalar arrays can be converted to Python scalars" in text:
        return ("float() or int() was given a whole array, which is not one number: keep it an array (drop "
                "float()), or pick one element first.")
    if "truth value of an array with more than one element is ambiguous" in text:
        return ("an `if` (or `and`, `or`) was asked about a whole array at once: choose elementwise with "
                "jnp.where(condition, a, b), or ask jnp.all(…) / jnp.any(…).")
    if "expected a callable" in text.lower():
        return ("a value was passed where a function was expected: jax.grad, jax.jit and jax.vmap take the function "
                "itself, as in jax.grad(f)(x), not its value f(x).")
    if "is not callable" in text:
        return (f"a value is called like a function ({_plain(error)}): did you write f(x)(y) where f(x) is "
                "already a number, or give a variable the name of a function?")
    if isinstance(error, TypeError) and "scan body" in text:
        detail = [line.strip() for line in text.splitlines() if line.strip().startswith("The input carry")]
        detail = _plain_text(_plain_types(detail[0])) if detail else ""
        return (
            "the step function of jax.lax.scan must return a pair (new_carry, output), and new_carry must have the "
            "same structure, shapes and dtypes as the carry it was given" + (f": {detail}." if detail else ".")
        )
    operands = re.search(r"unsupported operand type\(s\) for (\S+): '(\w+)' and '(\w+)'", text)
    if operands:
        return _operand_story(*operands.groups())
    if "vmap" in text and "but is only 0" in text:
        return ("jax.vmap maps every argument along its axis 0 unless told otherwise, and here one of them is a "
                "single number, which has no axis. An argument that is the same for every call (a step size, say) "
                "must not be mapped: say so with in_axes, one entry per argument (0 maps that argument along its "
                "first axis, None hands it whole to every call), or leave it out of the mapped function. And a "
                "function that must take a single number as well as an array is written without jax.vmap: jnp "
                "functions work entry by entry.")
    if "vmap" in text and re.search(r"inconsistent sizes|rank|axis", text):
        return ("jax.vmap maps every argument along its axis 0 unless told otherwise: an argument that is the same "
                "for every call (a number such as a step size, or a shared array) must not be mapped. Say so with "
                "in_axes, one entry per argument: 0 maps that argument along its first axis, None hands it whole to "
                "every call. Or leave it out of the mapped function (a closure or functools.partial).")
    if isinstance(error, (TypeError, ValueError)) and re.search(r"shape|core dimension|inconsistent sizes", text):
        return _shape_story(text, frame, lineno)
    if isinstance(error, TypeError) and text.startswith("Argument") and "not a valid JAX type" in text:
        kind = re.search(r"of type '?<class '(\w+)'>", text)
        return (f"{'a ' + kind.group(1) if kind else 'a value that is not an array'} was handed to a transformed "
                "function (jax.vmap, jax.jit, jax.grad) as an argument, and JAX transforms arrays only. Hold it "
                "fixed: with vmap, in_axes=None for that argument; with jit, static_argnums; or bind it in a "
                "closure (lambda theta: f(loss, theta, ...)).")
    if isinstance(error, TypeError) and "not a valid JAX type" in text:
        kind = re.search(r"of type <class '(\w+)'>", text)
        return (f"your function returned {'a ' + kind.group(1) if kind else 'a value'} where JAX needs numbers "
                "or arrays: return the number or array itself.")
    if isinstance(error, TypeError) and frame is None and re.search(r"positional argument|keyword argument", text):
        return (f"a function was called with arguments it does not take ({_plain(error)}). If the exercise asks "
                "you to return a function, the function you return is called the way the exercise describes: "
                "check how many arguments it takes. Otherwise keep the parameters of the exercise's `def` line, "
                "in the same order.")
    attribute = re.search(r"(?:Tracer|Array\w*)'? (?:object )?has no attribute '?(\w+)", text)
    if attribute:
        name = attribute.group(1)
        grow = " Arrays do not grow: collect values in a Python list, then jnp.stack(the_list)." * (name == "append")
        return (f"a JAX array has no `.{name}` (under jit or grad your arrays are tracers, which behave like JAX "
                f"arrays).{grow}")
    if "Tracer" in text:
        return _TRACER_FIX
    return ""


_TRACER_FIX = (
    f"{_TRACING} float(), int() and .item() need an actual number: use jnp, not np or float(), and keep "
    "values as arrays."
)


def _operand_story(operator: str, left: str, right: str) -> str:
    """Arithmetic on something that is not a number or an array."""
    kinds = {left, right}
    if "dict" in kinds:
        return (f"`{operator}` does not work on a dict of parameters: go through them with jax.tree.map: "
                "jax.tree.map(f, theta, grads) calls f on each parameter with its own gradient and gives back a dict "
                "of the results; with optax, "
                "optax.apply_updates(theta, updates) adds the updates (they already point downhill).")
    if "function" in kinds:
        return f"a function was used as a number in `{operator}`: call it, as in f(x), to get its value."
    if "NoneType" in kinds:
        return f"a value in `{operator}` is None: a function without a `return` line gives None."
    if "list" in kinds or "tuple" in kinds:
        return (f"`{operator}` on a Python {'list' if 'list' in kinds else 'tuple'}: make it one array first "
                "(jnp.array(values), or jnp.stack(arrays)).")
    if "str" in kinds:
        return f"`{operator}` on text (a str): use the number, not its name in quotes."
    return f"`{operator}` does not work between a {left} and a {right}."


def _unpacked_dict(frame) -> str:
    """When a dict was unpacked (``w, b = theta`` gives the keys), what happened and what to write instead."""
    if frame is None:
        return ""
    scope = dict(frame.f_locals)
    for name, value in scope.items():
        if not isinstance(value, Mapping):
            continue
        keys = [key for key in value if isinstance(key, str)]
        candidates = [var for var, other in scope.items() if isinstance(other, str) and other in keys and var != name]
        taken = _unpacking_targets(frame, candidates, name) if len(candidates) >= 2 else []
        if not taken:
            continue
        made = " and ".join(f"{var} the string {scope[var]!r}" for var in taken)
        if all(var in keys for var in taken):  # the names are the keys: each one by its own key
            fix = f"Take the values by name: {', '.join(taken)} = " + ", ".join(f"{name}[{var!r}]" for var in taken)
        else:
            fix = (f"Take each value by its key ({', '.join(map(repr, keys))}): "
                   f"{', '.join(taken)} = " + ", ".join(f"{name}['…']" for _ in taken) + ", each with its own key")
        return f"unpacking a dict gives its keys, not its values: `{', '.join(taken)} = {name}` made {made}. {fix}."
    return ""


def _unpacking_targets(frame, candidates: list, source: str) -> list:
    """The names, in order, of the frame's line ``a, b = source`` whose targets are all among ``candidates``."""
    try:
        lines, _ = inspect.getsourcelines(frame.f_code)
    except (OSError, TypeError):
        return []
    name = "(?:" + "|".join(map(re.escape, candidates)) + ")"
    pattern = rf"^\s*\(?\s*({name}(?:\s*,\s*{name})+)\s*,?\s*\)?\s*=\s*{re.escape(source)}\s*(#.*)?$"
    for line in lines:
        found = re.match(pattern, line)
        if found:
            return [target.strip() for target in found.group(1).split(",")]
    return []


def _shape_story(text: str, frame, lineno) -> str:
    """A shape mismatch: the operation as the learner wrote it, both operands' shapes, and what the operation needs."""
    primitive = re.match(r"(\w+)(?: got|:| requires)", text)
    primitive = primitive.group(1) if primitive else ""
    written = _written_operation(frame, lineno, primitive)
    operation = written[0] if written else {
        "add": "+", "sub": "−", "mul": "*", "div": "/", "dot_general": "@ (a matrix product)",
        "matmul": "@ (a matrix product)", "pow": "**"}.get(primitive, "")
    if "core dimension" in text and not operation:
        operation = "a linear-algebra function" if "solve" in text or "(m,m)" in text else "a matrix product"
    product = primitive in ("dot_general", "matmul") or _is_product(operation)
    shapes = re.findall(r"\(\d+(?:,\s*\d+)*,?\)", text)
    said = f"the shapes do not fit together{' in ' + operation if operation else ''}"
    if written:
        _, (left, left_shape), (right, right_shape) = written
        said += f": {left} has shape {left_shape} and {right} has shape {right_shape}"
        shapes = [str(left_shape), str(right_shape)]
    else:
        sizes = re.search(r"(\d+) vs (\d+)|size (\d+) is different from (\d+)", text)
        if len(shapes) >= 2 and product:
            said += ": the axes it multiplies together have lengths {} and {}".format(
                *(shape.strip("(,)") for shape in shapes[:2]))
        elif len(shapes) >= 2:
            said += f": {shapes[0]} and {shapes[1]}"
        elif sizes:
            said += ": lengths {} and {} along the axis they share".format(*[g for g in sizes.groups() if g])
        operands = _shapes_on_line(frame, lineno)
        if operands:
            said += ("; on that line " if ":" in said else ": on that line ") + ", ".join(
                f"{name} has shape {shape}" for name, shape in operands)
    said += "."
    if product:
        lengths = ""
        if written and written[1][1] and written[2][1]:
            right_shape = written[2][1]
            lengths = f" (here {written[1][1][-1]} and {right_shape[0 if len(right_shape) == 1 else -2]})"
        said += (" A matrix product needs the last axis of the left to be as long as the first axis of the right"
                 f"{lengths}: (n, k) @ (k, m) gives (n, m). With examples in rows, x of shape (examples, inputs), write x @ W, "
                 "W of shape (inputs, outputs).")
    elif operation == "*":
        said += (" `*` multiplies element by element, so the shapes must match (or broadcast); the matrix product "
                 "is `@` (or jnp.dot).")
    if not written:
        said += " Check the shape of each array the operation gets (print(a.shape)) against what it needs."
    column_and_vector = any(s.endswith(", 1)") for s in shapes) and any(re.fullmatch(r"\(\d+,\)", s) for s in shapes)
    if column_and_vector and not product:
        said += " An (n, 1) column against an (n,) vector is the usual cause: make both the same shape."
    return said


#: How a learner writes the operations JAX names in its shape errors: the operator, or a function's last name.
_WRITTEN_AS = {"add": (ast.Add,), "sub": (ast.Sub,), "mul": (ast.Mult,), "div": (ast.Div,), "pow": (ast.Pow,),
               "dot_general": (ast.MatMult, "dot", "matmul"), "matmul": (ast.MatMult, "dot", "matmul")}
_SYMBOLS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**", ast.MatMult: "@"}
#: jnp functions that keep their argument's shape, to follow shapes through a line like jnp.tanh(x @ W) * 2.
_ELEMENTWISE = {"sin", "cos", "tan", "tanh", "exp", "log", "log1p", "sqrt", "abs", "square", "negative",
                "sigmoid", "logistic", "relu", "softplus", "asarray", "array"}


def _written_operation(frame, lineno, primitive: str):
    """``(spelling, (left, shape), (right, shape))`` for the operation on the learner's line whose operands'
    shapes do not fit, with each operand as written; None when it cannot be told."""
    if frame is None:
        return None
    try:
        tree = ast.parse(linecache.getline(frame.f_code.co_filename, lineno).strip())
        return _clashing_operation(tree, {**frame.f_globals, **frame.f_locals}, primitive)
    except Exception:  # a line that is not a whole statement, or a value that will not tell its shape
        return None


def _clashing_operation(tree, scope: dict, primitive: str):
    """`_written_operation` in a parsed line, with the values its names stand for in ``scope``."""
    kinds = _WRITTEN_AS.get(primitive, sum(_WRITTEN_AS.values(), ()))
    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp) and type(node.op) in kinds:
            spelling, operands = _SYMBOLS[type(node.op)], (node.left, node.right)
        elif (isinstance(node, ast.Call) and len(node.args) == 2 and not node.keywords
              and ast.unparse(node.func).split(".")[-1] in kinds):
            spelling, operands = ast.unparse(node.func), tuple(node.args)
        else:
            continue
        shapes = [_shape_of(operand, scope) for operand in operands]
        if None not in shapes and _combined_shape(*shapes, _is_product(spelling)) is None:
            return spelling, *((_source(operand, side), shape)
                               for operand, shape, side in zip(operands, shapes, ("left", "right")))
    return None


def _is_product(operation: str) -> bool:
    """Whether an operation, as `_shape_story` names it (`@`, jnp.dot, "a matrix product"), is a matrix product."""
    return operation.startswith(("@", "a matrix product")) or operation.endswith(("dot", "matmul"))


def _source(node, side: str) -> str:
    """An operand as the learner wrote it, or which side it is on when that is long."""
    text = ast.unparse(node)
    if len(text) > 40:
        return f"the {side} side"
    return text if isinstance(node, (ast.Name, ast.Subscript, ast.Attribute)) else f"`{text}`"


def _shape_of(node, scope):
    """The shape ``node``'s expression has, worked out from the shapes of the values it names; None if unknown."""
    try:
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
            return ()
        if isinstance(node, ast.Attribute) and node.attr == "T":
            inner = _shape_of(node.value, scope)
            return None if inner is None else inner[::-1]
        if isinstance(node, ast.UnaryOp):
            return _shape_of(node.operand, scope)
        if isinstance(node, ast.BinOp) and type(node.op) in _SYMBOLS:
            return _combined_shape(_shape_of(node.left, scope), _shape_of(node.right, scope),
                                   isinstance(node.op, ast.MatMult))
        if isinstance(node, ast.Call) and not node.keywords:
            function = ast.unparse(node.func).split(".")[-1]
            arguments = [_shape_of(argument, scope) for argument in node.args]
            if function in ("dot", "matmul") and len(arguments) == 2:
                return _combined_shape(*arguments, True)
            return arguments[0] if function in _ELEMENTWISE and len(arguments) == 1 else None
        value = _value_of(node, scope)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return ()
        shape = getattr(value, "shape", None) if hasattr(value, "dtype") else None
        return None if shape is None else tuple(int(size) for size in shape)
    except Exception:
        return None


def _value_of(node, scope):
    """The value a name, ``name['key']`` or ``name.attribute`` stands for in ``scope``; anything else None."""
    if isinstance(node, ast.Name):
        return scope.get(node.id)
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
        container = _value_of(node.value, scope)
        return container[node.slice.value] if isinstance(container, (Mapping, list, tuple)) else None
    if isinstance(node, ast.Attribute):
        owner = _value_of(node.value, scope)
        return None if owner is None or isinstance(owner, types.ModuleType) else getattr(owner, node.attr, None)
    return None


def _combined_shape(left, right, product: bool):
    """The shape of ``left @ right`` (``product``) or of an elementwise operation; None when they do not fit."""
    if left is None or right is None:
        return None
    if not product:
        try:
            return tuple(np.broadcast_shapes(left, right))
        except ValueError:
            return None
    if not left or not right or left[-1] != right[0 if len(right) == 1 else -2]:
        return None
    if len(right) == 1:
        return left[:-1]
    if len(left) == 1:
        return right[:-2] + right[-1:]
    try:
        return tuple(np.broadcast_shapes(left[:-2], right[:-2])) + (left[-2], right[-1])
    except ValueError:
        return None


def _shapes_on_line(frame, lineno) -> list:
    if frame is None:
        return []
    code = linecache.getline(frame.f_code.co_filename, lineno)
    scope = frame.f_locals
    found = []
    for name in dict.fromkeys(re.findall(r"[A-Za-z_]\w*", code)):
        value = scope.get(name)
        if value is not None and hasattr(value, "shape") and hasattr(value, "dtype"):
            found.append((name, tuple(value.shape)))
    return found


def _learner_frame(error: BaseException):
    """``(frame, line number)`` of the deepest frame in the learner's own code, or ``(None, None)``."""
    found = (None, None)
    for frame, lineno in traceback.walk_tb(error.__traceback__):
        filename = frame.f_code.co_filename
        if not filename.startswith("<frozen") and not os.path.abspath(filename).startswith(_LIBRARY_DIRS):
            found = (frame, lineno)
    return found


def _line(frame, lineno) -> str:
    """' at line N: `code`' for the learner's frame."""
    if frame is None:
        return ""
    code = linecache.getline(frame.f_code.co_filename, lineno).strip()
    return f" at line {lineno}: `{code}`" if code else f" at line {lineno}"


def _plain_types(text: str) -> str:
    """JAX's names for types in plain words: ``<class 'jax._src.core.ShapedArray'>`` is an array, ``float32[2]``
    an array of shape (2,)."""

    def named(match):
        name = match.group(2).split(".")[-1]
        if "Array" in name or "Tracer" in name:
            return "an array"
        return "None" if name == "NoneType" else _a(name)

    def aval(match):
        verb, dtype, sizes = match.groups()
        shape = tuple(int(size) for size in sizes.split(",") if size.strip())
        kind = "" if dtype == "float32" else f"{dtype} "
        said = f"an {kind}array of shape {shape}" if shape else f"a single {kind}number (shape ())"
        return f"{'is ' if verb else ''}{said}"

    text = re.sub(r"\b(an? )?<class '([\w.]+)'>", named, text)
    text = re.sub(r"(has type )?\b((?:float|u?int|complex)\d+|bool)\[([\d,\s]*)\]", aval, text)
    return text


def _scrub(text: str) -> str:
    """A message without the names of JAX's or the workshop's internals, or paths of files."""
    text = _plain_types(text)
    text = re.sub(r"\b(?:jax\._src|jaxlib|dl_workshop)(?:\.\w+)*\.(\w+)", r"\1", text)
    text = re.sub(r"(?:[A-Za-z]:)?(?:[/\\][\w.\-]+)+\.pyc?(?::\d+)?", "a file", text)
    return text.replace("dl_workshop", "the workshop's package")


def _plain(error: BaseException) -> str:
    """The first line of an error's message, without anything that names the check's own code."""
    return _plain_text(str(error).strip().splitlines()[0] if str(error).strip() else "")


def _plain_text(text: str) -> str:
    sentences = re.split(r"(?<=[.;])\s+", text)
    kept = [s for s in sentences if not any(internal in s for internal in _INTERNALS)]
    text = " ".join(kept).rstrip(".")
    return text if len(text) <= 240 else text[:237] + "…"


# ---------------------------------------------------------------------------------------------------------
# Showing values
# ---------------------------------------------------------------------------------------------------------


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
    try:
        return callable(value) or _is_key(value) or np.size(value) > 6
    except Exception:
        return True


def _is_namedtuple(value) -> bool:
    return isinstance(value, tuple) and hasattr(value, "_fields")


def _is_key(value) -> bool:
    """A typed `jax.random.key`, whose dtype prints as key<impl>."""
    return str(getattr(value, "dtype", "")).startswith("key<")


def _describe(value) -> str:
    """A short description of a value's kind: 'the function polynomial', 'an array of shape (100,)'."""
    if value is None:
        return "None"
    if callable(value):
        return _describe_callable(value)
    if _is_namedtuple(value):
        optimizer = (type(value).__module__ or "").startswith("optax") and hasattr(value, "update")
        return "an optax optimizer" if optimizer else _a(type(value).__name__)
    if isinstance(value, (str, bytes)):
        return f"the text {_repr(value)} (a {type(value).__name__})"
    if isinstance(value, bool):
        return f"{value}, a bool"
    if isinstance(value, Mapping):
        return f"a dict with keys {_keys(value)}"
    if isinstance(value, (tuple, list)):
        inner = {_kind(item) for item in value}
        return f"a {type(value).__name__} of {len(value)}" + (f" {inner.pop()}s" if len(inner) == 1 else "")
    if _is_key(value):
        return "a jax.random key"
    if _is_arraylike(value):
        shape = np.shape(value)
        return f"an array of shape {shape}" if shape else f"the number {_show(value)}"
    return f"{type(value).__name__} {_repr(value)}"


def _describe_callable(value) -> str:
    """'the function f', 'the class MLP', 'the model (an MLP)', 'an nnx.Rngs': what a callable value is."""
    kind = type(value)
    if isinstance(value, type):
        return f"the class {value.__name__}"
    if _is_model(value):
        return f"the model ({_a(kind.__name__)})"
    module = (kind.__module__ or "").split(".")
    if module[0] in ("flax", "optax"):  # an nnx.Rngs, an optimizer: objects that answer to any attribute
        return _a(("nnx." if module[:2] == ["flax", "nnx"] else f"{module[0]}.") + kind.__name__)
    if (isinstance(value, (types.FunctionType, types.BuiltinFunctionType, types.MethodType, functools.partial,
                           np.ufunc)) or is_compiled(value) or module[0] == "jax"):
        name = getattr(value, "__name__", None) or getattr(getattr(value, "func", None), "__name__", kind.__name__)
        return f"the function {name}"
    return _a(kind.__name__)


def _a(noun: str) -> str:
    return f"{'an' if noun[:1].lower() in 'aeiou' or noun.startswith('nnx.') else 'a'} {noun}"


def _is_model(value) -> bool:
    """Whether ``value`` is a Flax module (a model or a layer)."""
    return any(cls.__name__ == "Module" and (cls.__module__ or "").startswith("flax") for cls in type(value).__mro__)


def _kind(item) -> str:
    if _is_arraylike(item) and np.ndim(item) > 0:
        return "array"
    return "number" if _is_arraylike(item) and not isinstance(item, bool) else type(item).__name__


def _repr(value) -> str:
    try:
        text = repr(value)
    except Exception:
        text = f"<{type(value).__name__}>"
    return text if len(text) <= 60 else text[:57] + "…"


def _show(value) -> str:
    """A value printed compactly, numbers to four significant figures."""
    if callable(value) or _is_namedtuple(value):
        return _describe(value)
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{_repr(k)}: {_show(v)}" for k, v in value.items()) + "}"
    if isinstance(value, tuple):
        return "(" + ", ".join(_show(v) for v in value) + ("," if len(value) == 1 else "") + ")"
    if isinstance(value, list):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (str, bytes)):
        return _repr(value)
    try:
        array = np.asarray(value)
        if array.dtype.kind == "c":
            return _repr(complex(array)) if array.ndim == 0 else _repr(array)
        if array.dtype.kind == "b":
            return _repr(array.tolist())
        array = array.astype(float)
    except Exception:
        return _repr(value)
    if array.ndim == 0:
        return f"{float(array):.4g}"
    text = np.array2string(array, precision=4, threshold=6, edgeitems=2, separator=", ")
    return " ".join(text.split())
