"""The self-check: four outcomes for answers of every kind, types before values, JAX's errors in plain words,
hints that get fuller, compiled answers, tolerances, reuse of compiled programs, and it never raises."""

import ast
import dataclasses
import functools
import gc
import importlib
import inspect
import re
import sys
import textwrap
import warnings
from pathlib import Path

import jax
import jax.numpy as jnp
import nbformat
import numpy as np
import optax
import pytest

from dl_workshop import checks
from dl_workshop.optim import DivergenceWarning, descend
from dl_workshop.checks import (
    NOT_DONE, RAISED, RIGHT, WRONG, Exercise, Slip, check_exercise, compare, evaluate, exercise, is_compiled,
    registered_exercises,
)


def square_plus_one(x):
    return x**2 + 1.0


KINDS = {
    "scalar": dict(
        exercise=Exercise("scalar", lambda x: 2.0 * x + 1.0, lambda: [(0.0,), (3.0,)], "general hint",
                          (Slip(lambda x: 2.0 * x, "forgot the + 1"),)),
        right=lambda x: 1.0 + x * 2.0,
        wrong=lambda x: 2.0 * x,
        says=["scalar(0)", "expected 1, got 0", "forgot the + 1"],
    ),
    "array": dict(
        exercise=Exercise("array", lambda x: jnp.stack([x, x**2]), lambda: [(jnp.arange(3.0),)], "stack them"),
        right=lambda x: jnp.array([x, x * x]),
        wrong=lambda x: jnp.stack([x, x**3]),
        says=["at index (1, 2) expected 4, got 8", "stack them"],
    ),
    "tuple": dict(
        exercise=Exercise("tuple", lambda a, b: (a + b, a * b), lambda: [(2.0, 3.0)], "sum then product"),
        right=lambda a, b: (b + a, b * a),
        wrong=lambda a, b: (a * b, a + b),
        says=["in the first item of what it returns ([0]): expected 5, got 6", "sum then product"],
    ),
    "dict": dict(
        exercise=Exercise("dict", lambda w: {"w": 2.0 * w, "b": jnp.ones(3)}, lambda: [(jnp.arange(3.0),)],
                          "double w"),
        right=lambda w: {"b": jnp.ones(3), "w": w + w},
        wrong=lambda w: {"w": w, "b": jnp.ones(3)},
        says=["['w'] at index 1 expected 2, got 1", "double w"],
    ),
    "function": dict(
        exercise=Exercise("function", lambda: jax.grad(square_plus_one), lambda: [()], "use grad",
                          (Slip(lambda: square_plus_one, "that is f itself, not its gradient"),),
                          probes=lambda: [(1.0,), (3.0,)]),
        right=lambda: lambda x: 2.0 * x,
        wrong=lambda: square_plus_one,
        says=["returned function at (3)", "expected 6, got 10", "that is f itself"],
    ),
    "traced": dict(
        exercise=Exercise("traced", lambda x: jnp.sin(x) * 2.0, lambda: [(jnp.arange(3.0),), (0.5,)], "sine",
                          traced=True),
        right=lambda x: jnp.sin(x) + jnp.sin(x),
        wrong=lambda x: jnp.sin(x),
        says=["at index 1 expected 1.683, got 0.8415", "sine"],
    ),
}

#: Names of the check's own code that no learner-facing message may contain.
INTERNALS = ("dl_workshop", "checks.py", "_observe", "reference_and_answer", "site-packages", "Traceback", "jax._src",
             "<class ", ".py")


@pytest.fixture(autouse=True)
def fresh_attempts(monkeypatch):
    """Each test starts with no wrong attempts counted."""
    monkeypatch.setattr(checks, "_WRONG_ATTEMPTS", type(checks._WRONG_ATTEMPTS)())


def not_implemented(*args):
    raise NotImplementedError()


def returns_none(*args):
    return None


def raises_zero_division(*args):
    return 1 / 0


def line_of(function, text):
    """The line number, in this file, of the line of ``function`` holding ``text``."""
    lines, first = inspect.getsourcelines(function)
    return first + next(i for i, line in enumerate(lines) if text in line)


@pytest.fixture(params=sorted(KINDS))
def kind(request):
    return KINDS[request.param]


# --- the four outcomes -----------------------------------------------------------------------------------


def test_right_answer(kind):
    outcome = evaluate(kind["exercise"], kind["right"])
    assert outcome.kind == RIGHT, outcome.message
    assert outcome.message.startswith(f"✅ {kind['exercise'].name}: correct on ")
    assert outcome.message.endswith("Your function is used from here on.")


@pytest.mark.parametrize("stub", [not_implemented, returns_none])
def test_not_done(kind, stub):
    outcome = evaluate(kind["exercise"], stub)
    assert outcome.kind == NOT_DONE, outcome.message
    assert outcome.message.startswith(f"⏳ {kind['exercise'].name}: not done yet")


def test_wrong_answer_says_case_expected_got_and_hint(kind):
    outcome = evaluate(kind["exercise"], kind["wrong"])
    assert outcome.kind == WRONG, outcome.message
    assert outcome.message.startswith(f"❌ {kind['exercise'].name}: ")
    for fragment in kind["says"]:
        assert fragment in outcome.message


def test_raised_names_exception_line_and_hint(kind):
    outcome = evaluate(kind["exercise"], raises_zero_division)
    assert outcome.kind == RAISED and outcome.message.startswith(f"❌ {kind['exercise'].name}: ")
    assert "ZeroDivisionError: division by zero" in outcome.message
    assert f"at line {line_of(raises_zero_division, '1 / 0')}: `return 1 / 0`" in outcome.message
    assert f"Hint: {kind['exercise'].hint}" in outcome.message
    assert not any(internal in outcome.message for internal in INTERNALS), outcome.message


def test_error_inside_a_returned_function_is_reported():
    outcome = evaluate(KINDS["function"]["exercise"], lambda: raises_zero_division)
    assert outcome.kind == RAISED and "ZeroDivisionError" in outcome.message


def test_check_exercise_returns_learner_function_only_when_right(capsys):
    name = "dpolynomial_by_hand"
    mine = lambda x: 6.0 * x + 4.0  # noqa: E731
    assert check_exercise(name, mine) is mine
    reference = registered_exercises()[name].reference
    for attempt in (lambda x: 6.0 * x, not_implemented, raises_zero_division, None, 3):
        assert check_exercise(name, attempt) is reference
    printed = [line for line in capsys.readouterr().out.splitlines() if not line.startswith("   ")]
    assert [line[0] for line in printed] == ["✅", "❌", "⏳", "❌", "❌", "❌"]


def test_unknown_exercise_names_the_known_ones():
    with pytest.raises(KeyError, match="known exercises: .*dpolynomial_by_hand"):
        check_exercise("no_such_exercise", lambda: None)


@pytest.mark.parametrize("call", [check_exercise, evaluate])
@pytest.mark.parametrize("name", [42, None, KINDS["scalar"]["right"]])
def test_a_name_that_is_not_a_string_is_a_clear_error_for_the_author(call, name):
    with pytest.raises(TypeError, match="named by a string"):
        call(name, KINDS["scalar"]["right"])


# --- progressive hints -----------------------------------------------------------------------------------

exercise(
    name="progressive_hints_probe",
    cases=lambda: [(2.0,)],
    hint="a nudge",
    recipe="the whole recipe: x * 3",
    slips=[Slip(lambda x: x * 2, "that doubles; the exercise triples")],
)(lambda x: x * 3.0)


def test_first_wrong_attempt_gets_a_nudge_and_later_ones_the_recipe(capsys):
    name = "progressive_hints_probe"
    check_exercise(name, lambda x: x + 1.0)
    check_exercise(name, not_implemented)  # not done yet: not a wrong attempt
    check_exercise(name, lambda x: x * 2.0)
    check_exercise(name, raises_zero_division)
    first, second, third = capsys.readouterr().out.split("❌")[1:]
    assert "Hint: a nudge" in first and "Recipe" not in first
    assert "Hint: that doubles; the exercise triples" in second and "Recipe: the whole recipe: x * 3" in second
    assert "Hint: a nudge" in third and "Recipe: the whole recipe: x * 3" in third


def test_attempts_are_counted_for_each_exercise_on_its_own(capsys):
    check_exercise("progressive_hints_probe", lambda x: x)
    check_exercise("dpolynomial_by_hand", lambda x: x)
    assert "Recipe" not in capsys.readouterr().out


# --- compiled answers ------------------------------------------------------------------------------------


def cube(x):
    return x**3


def wraps_a_jitted_function():
    jitted = jax.jit(cube)

    @functools.wraps(cube)
    def wrapper(x):
        return jitted(x)

    wrapper.__wrapped__ = jitted
    return wrapper


@pytest.mark.parametrize("function, compiled", [
    (jax.jit(cube), True),
    (jax.jit(cube, static_argnums=0), True),
    (jax.jit(jax.grad(cube)), True),
    (functools.partial(jax.jit(lambda a, x: a * x), 2.0), True),
    (wraps_a_jitted_function(), True),
    (cube, False),
    (jax.grad(cube), False),
    (jax.vmap(cube), False),
    (functools.partial(cube), False),
    (lambda x: jax.jit(cube)(x), False),
    (np.sin, False),
    (3.0, False),
])
def test_is_compiled_tells_jitted_functions(function, compiled):
    assert is_compiled(function) is compiled


COMPILED = Exercise("compiled_probe", jax.jit(lambda x: 3.0 * x), lambda: [(2.0,)], "triple it", compiled=True)
RETURNS_COMPILED = Exercise("returns_compiled", lambda a: jax.jit(lambda x: a * x), lambda: [(3.0,)], "scale",
                            probes=lambda: [(2.0,)], compiled=True)


def test_a_compiled_exercise_turns_down_an_uncompiled_answer():
    plain = evaluate(COMPILED, lambda x: 3.0 * x)
    assert plain.kind == WRONG and "your function is not compiled" in plain.message
    assert "@jax.jit" in plain.message and "jax.jit(f)" in plain.message
    assert evaluate(COMPILED, jax.jit(lambda x: x * 3.0)).kind == RIGHT
    assert evaluate(COMPILED, jax.jit(lambda x: x * 2.0)).kind == WRONG


def test_a_compiled_exercise_turns_down_a_returned_function_that_is_not_compiled():
    plain = evaluate(RETURNS_COMPILED, lambda a: lambda x: a * x)
    assert plain.kind == WRONG and "the function you return is not compiled" in plain.message
    assert "@jax.jit" in plain.message
    assert evaluate(RETURNS_COMPILED, lambda a: jax.jit(lambda x: x * a)).kind == RIGHT


def test_an_exercise_may_say_how_its_function_is_compiled():
    """A Flax step is compiled with nnx.jit: its exercise's own compile hint replaces the general one."""
    own = dataclasses.replace(RETURNS_COMPILED, compile_hint="put @nnx.jit above it.")
    plain = evaluate(own, lambda a: lambda x: a * x)
    assert plain.kind == WRONG and "Hint: put @nnx.jit above it." in plain.message
    assert "@jax.jit" not in plain.message


# --- types before values ---------------------------------------------------------------------------------

POLYNOMIAL = Exercise("dpoly", lambda x: 6.0 * x + 4.0, lambda: [(3.0,)], "power rule")
PATH = Exercise("path", lambda start: jnp.stack([start, start / 2, start / 4]), lambda: [(jnp.array([1.0, 2.0]),)],
                "halve it")


@pytest.mark.parametrize("exercise, answer, says", [
    (POLYNOMIAL, lambda x: "22.0", "got the text '22.0': return the number itself, not a string"),
    (POLYNOMIAL, lambda x: str(6 * x + 4), "got the text '22.0'"),
    (POLYNOMIAL, lambda x: np.array(["22.0"]), "got the text"),
    (POLYNOMIAL, lambda x: True, "got True, a bool"),
    (POLYNOMIAL, lambda x: jnp.array(6 * x + 4 > 0), "got True, a bool"),
    (POLYNOMIAL, lambda x: 6 * x + 4 + 0j, "got a complex number ((22+0j))"),
    (POLYNOMIAL, lambda x: jnp.sqrt(jnp.array(-1.0, jnp.complex64)) + 22, "got a complex number"),
    (POLYNOMIAL, lambda x: np.array(22.0, dtype=object), "dtype object"),
    (POLYNOMIAL, lambda x: [6 * x + 4], "got a list of 1 numbers"),
    (POLYNOMIAL, lambda x: {"value": 22.0}, "got a dict with keys ['value']"),
    (POLYNOMIAL, lambda x: lambda: 22.0, "got the function <lambda>"),
    (PATH, lambda start: [start, start / 2, start / 4], "return one array: `jnp.stack(path)`"),
    (PATH, lambda start: (start, start / 2, start / 4), "got a tuple of 3 arrays"),
    (PATH, lambda start: [[1.0, 2.0], [0.5, 1.0], [0.25, 0.5]], "got a list of 3 lists"),
    (PATH, lambda start: np.array([start, start[:1]], dtype=object), "dtype object"),
])
def test_the_type_of_an_answer_is_checked_before_its_value(exercise, answer, says):
    outcome = evaluate(exercise, answer)
    assert outcome.kind == WRONG and says in outcome.message, outcome.message


@pytest.mark.parametrize("expected, got", [
    (1, 1.9),
    (True, 0.5),
    (True, 1.0),
    (1.0, True),
    (22.0, "22.0"),
    (1.0, 1.0 + 1e-3j),
    (1.0 + 2.0j, 1.0 - 2.0j),
    (np.array([1.0, 2.0]), [1.0, 2.0]),
    (np.array([1.0, 2.0]), np.array([1.0, 2.0], dtype=object)),
])
def test_compare_finds_the_difference(expected, got):
    assert compare(expected, got) != ""


@pytest.mark.parametrize("expected, got", [
    (22.0, 22),
    (np.array([1.0, 2.0], np.float32), np.array([1, 2])),
    (1, 1.0 + 1e-7),
    (True, np.bool_(True)),
    (1.0 + 2.0j, np.complex64(1.0 + 2.0j)),
    ((1.0, [2.0]), [1.0, (2.0,)]),
])
def test_compare_accepts_the_same_value_in_another_numeric_type(expected, got):
    assert compare(expected, got) == ""


def test_an_integer_answer_where_a_float_is_expected_is_right():
    ints = Exercise("ints", lambda x: 6.0 * x + 4.0, lambda: [(3,), (np.arange(4),)], "power rule")
    assert evaluate(ints, lambda x: 6 * x + 4).kind == RIGHT


@pytest.mark.parametrize("expected, got, says", [
    ((1.0, 2.0), [1.0], "expected a tuple of 2, got one of 1"),
    ((1.0, 2.0), 3.0, "expected a tuple of 2, got the number 3"),
    ({"w": 1.0}, {"v": 1.0}, "expected keys ['w'], got keys ['v']"),
    ({"w": 1.0}, (1.0,), "expected a dict with keys ['w'], got a tuple of 1"),
    ({"w": 1.0}, {1: 1.0, "w": 1.0, (2, 3): 0.0}, "got keys [1, 'w', (2, 3)]"),
    ({1: 1.0, "w": 2.0}, {1: 1.0, "w": 3.0}, "['w'] expected 2, got 3"),
    (jnp.zeros(3), jnp.zeros((3, 1)), "expected shape (3,), got shape (3, 1)"),
    (1.0, float("nan"), "expected 1, got nan"),
    (optax.ScaleByAdamState(jnp.zeros(()), jnp.ones(2), jnp.ones(2)),
     optax.ScaleByAdamState(jnp.zeros(()), jnp.ones(2), jnp.zeros(2)), "[2] at index 0 expected 1, got 0"),
])
def test_compare_describes_the_difference(expected, got, says):
    assert says in compare(expected, got)


# --- an answer that raises: the learner's line, JAX's words made plain, the hint ---------------------------


def uses_float(x):
    return float(x) * 2.0


def uses_numpy(x):
    return np.sin(x) * 2.0


def uses_if(x):
    if x > 1.0:
        return jnp.sin(x) * 2.0
    return jnp.sin(x) * 2.0


def grads_a_value(x):
    return jax.grad(jnp.sin(x))(x) * 0 + jnp.sin(x) * 2.0


def calls_a_number(x):
    value = jnp.sin(x)
    return value(x) * 2.0


def adds_mismatched_shapes(x):
    return jnp.sin(x) * 2.0 + jnp.ones(4)


def multiplies_mismatched_matrices(x):
    weights = jnp.ones((2, 2))
    return jnp.sin(x) * 2.0 + x @ weights


def solves_mismatched(x):
    matrix = jnp.eye(2)
    return jnp.linalg.solve(matrix, x)


def steps_with_the_wrong_carry(x):
    def step(carry, _):
        return jnp.stack([carry, carry]), carry

    return jax.lax.scan(step, x[0], length=2)[1]


def steps_without_a_pair(x):
    def step(carry, _):
        return carry

    return jax.lax.scan(step, x[0], length=2)


def appends_to_an_array(x):
    path = jnp.sin(x)
    path.append(x)
    return path * 2.0


def unpacks_a_dict(theta, x):
    w, b = theta
    return w * x + b


def subtracts_dicts(theta, x):
    updates = {"w": 1.0, "b": 1.0}
    theta = theta - updates
    return theta["w"] * x + theta["b"]


def maps_a_step_size_too(x):
    return jax.vmap(lambda start, step_size: start - step_size * start)(x, 0.1)


RETURNS_A_FUNCTION = Exercise("returns_a_function", lambda: jax.grad(jnp.sin), lambda: [()], "use grad",
                              probes=lambda: [(0.5,)])
TRACED = Exercise("traced_sine", lambda x: jnp.sin(x) * 2.0, lambda: [(jnp.array([0.5, 1.5, 2.5]),)],
                  "double the sine", traced=True)
TRACED_NUMBER = Exercise("traced_number", lambda x: jnp.sin(x) * 2.0, lambda: [(1.5,)], "double the sine",
                         traced=True)
LINE = Exercise("line", lambda theta, x: theta["w"] * x + theta["b"], lambda: [({"w": 2.0, "b": 1.0}, jnp.ones(3))],
                "slope times x plus intercept")


@pytest.mark.parametrize("exercise, answer, line, says", [
    (TRACED_NUMBER, uses_float, "float(x) * 2.0", ["by tracing it", "use jnp, not np or float()"]),
    (TRACED, uses_numpy, "np.sin(x)", ["by tracing it", "use jnp, not np or float()"]),
    (TRACED_NUMBER, uses_if, "if x > 1.0", ["by tracing it", "jnp.where"]),
    (TRACED, uses_float, "float(x) * 2.0", ["a whole array, which is not one number"]),
    (TRACED, uses_if, "if x > 1.0", ["about a whole array at once", "jnp.where"]),
    (TRACED, grads_a_value, "jax.grad(jnp.sin(x))", ["a value was passed where a function was expected",
                                                     "jax.grad(f)(x)"]),
    (TRACED, calls_a_number, "value(x)", ["a value is called like a function"]),
    (TRACED, adds_mismatched_shapes, "jnp.ones(4)", ["the shapes do not fit together in +", "(3,) and (4,)"]),
    (TRACED, multiplies_mismatched_matrices, "x @ weights",
     ["the shapes do not fit together in @", "x has shape (3,)", "weights has shape (2, 2)"]),
    (TRACED, solves_mismatched, "jnp.linalg.solve", ["the shapes do not fit together", "matrix has shape (2, 2)",
                                                     "x has shape (3,)"]),
    (TRACED, steps_with_the_wrong_carry, "jax.lax.scan", ["must return a pair (new_carry, output)",
                                                          "is an array of shape (2,)"]),
    (TRACED, steps_without_a_pair, "jax.lax.scan", ["must return a pair (new_carry, output)"]),
    (TRACED, appends_to_an_array, "path.append(x)", ["a JAX array has no `.append`", "jnp.stack"]),
    (LINE, appends_to_an_array, None, ["called with arguments it does not take", "appends_to_an_array() takes 1"]),
    (LINE, unpacks_a_dict, "return w * x + b", ["unpacking a dict gives its keys", "w, b = theta['w'], theta['b']"]),
    (LINE, subtracts_dicts, "theta - updates", ["jax.tree.map", "optax.apply_updates(theta, updates)"]),
    (LINE, lambda theta: theta["w"], None, ["called with arguments it does not take", "`def` line"]),
    (TRACED, maps_a_step_size_too, "jax.vmap", ["must not be mapped", "None hands it whole"]),
    (RETURNS_A_FUNCTION, lambda: jax.grad(lambda x, y: x * y), None,
     ["called with arguments it does not take", "the function you return is called"]),
])
def test_an_error_is_told_in_plain_words_at_the_learners_line_with_the_hint(exercise, answer, line, says):
    outcome = evaluate(exercise, answer)
    assert outcome.kind == RAISED and outcome.message.startswith(f"❌ {exercise.name}: your code raised ")
    for fragment in says:
        assert fragment in outcome.message, outcome.message
    if line:
        assert f"at line {line_of(answer, line)}: `" in outcome.message and line in outcome.message
    assert f"Hint: {exercise.hint}" in outcome.message
    assert not any(internal in outcome.message for internal in INTERNALS), outcome.message


def test_complex_eigenvalues_are_not_blamed_on_a_square_root():
    eigenvalues = Exercise("eigenvalues", lambda m: jnp.linalg.eigvalsh(m), lambda: [(jnp.array([[2.0, 1.0], [1.0, 2.0]]),)],
                           "eigenvalues of a symmetric matrix")
    outcome = evaluate(eigenvalues, lambda m: jnp.sort(jnp.linalg.eigvals(m)))
    assert outcome.kind == WRONG and "got a complex number" in outcome.message and "eigvals" in outcome.message


def test_a_dict_unpacked_inside_a_traced_gradient_is_told_too():
    loss = Exercise("loss", lambda theta, x: jnp.sum(theta["w"] * x + theta["b"]),
                    lambda: [({"w": 2.0, "b": 1.0}, jnp.ones(3))], "sum the line", traced=True)
    outcome = evaluate(loss, lambda theta, x: jnp.sum(unpacks_a_dict(theta, x)))
    assert "unpacking a dict gives its keys" in outcome.message


# --- messages that point at what is wrong ----------------------------------------------------------------

LINE_BY_HAND = Exercise("line_by_hand", lambda x: jnp.array([0.2, 0.9]) + 0 * x[:2], lambda: [(jnp.ones(3),)],
                        "sums")


def test_each_wrong_entry_is_told_when_there_are_few():
    """The slope was wrong too, yet only the intercept (the first entry) was reported."""
    message = evaluate(LINE_BY_HAND, lambda x: jnp.array([1.743, 0.129]) + 0 * x[:2]).message
    assert "at index 0 expected 0.2, got 1.743" in message and "at index 1 expected 0.9, got 0.129" in message
    message = evaluate(LINE_BY_HAND, lambda x: jnp.array([0.2, 0.129]) + 0 * x[:2]).message
    assert "at index 1 expected 0.9, got 0.129" in message and "index 0" not in message


def test_of_many_wrong_entries_the_one_furthest_off_is_told():
    ex = Exercise("many", lambda x: x, lambda: [(jnp.arange(10.0),)], "copy it")
    message = evaluate(ex, lambda x: x + 0.01 + 5.0 * (x == 7)).message
    assert "10 of 10 entries are off; the furthest off: at index 7 expected 7, got 12.01" in message, message


PARAMETERS_IN_EITHER_ORDER = [{"w": 2.0, "b": 1.0}, {"b": 1.0, "w": 2.0}]


@pytest.mark.parametrize("theta", PARAMETERS_IN_EITHER_ORDER, ids=["w first", "b first"])
def test_an_unpacked_dict_is_fixed_with_each_name_by_its_own_key(theta):
    line = Exercise("line", LINE.reference, lambda: [(dict(theta), jnp.ones(3))], "slope times x plus intercept")
    message = evaluate(line, unpacks_a_dict).message
    first, second = theta
    assert f"made w the string {first!r} and b the string {second!r}" in message, message
    assert "w, b = theta['w'], theta['b']" in message and "theta['b'], theta['w']" not in message


def unpacks_a_dict_into_other_names(theta, x):
    slope, intercept = theta
    return slope * x + intercept


@pytest.mark.parametrize("theta", PARAMETERS_IN_EITHER_ORDER, ids=["w first", "b first"])
def test_an_unpacked_dict_into_other_names_is_not_given_a_pairing_that_may_be_swapped(theta):
    line = Exercise("line", LINE.reference, lambda: [(dict(theta), jnp.ones(3))], "slope times x plus intercept")
    message = evaluate(line, unpacks_a_dict_into_other_names).message
    assert "unpacking a dict gives its keys" in message and "each with its own key" in message, message
    assert "theta['w']" not in message and "theta['b']" not in message


def dots_in_maths_order(layer, x):
    return jnp.dot(layer["W"], x) + layer["b"]


def multiplies_elementwise(layer, x):
    return x * layer["W"] + layer["b"]


def multiplies_maths_order(layer, x):
    return layer["W"] @ x + layer["b"]


@pytest.mark.parametrize("traced", [False, True])
@pytest.mark.parametrize("answer, says", [
    (dots_in_maths_order, ["the shapes do not fit together in jnp.dot: layer['W'] has shape (2, 3) and x has shape "
                           "(4, 2)", "the last axis of the left", "x @ W"]),
    (multiplies_maths_order, ["in @: layer['W'] has shape (2, 3) and x has shape (4, 2)", "x @ W"]),
    (multiplies_elementwise, ["in *: x has shape (4, 2) and layer['W'] has shape (2, 3)",
                              "`*` multiplies element by element", "the matrix product is `@` (or jnp.dot)"]),
])
def test_a_shape_mismatch_names_the_operation_as_written_and_both_operands_shapes(traced, answer, says):
    dense = Exercise("dense", lambda layer, x: x @ layer["W"] + layer["b"],
                     lambda: [({"W": jnp.ones((2, 3)), "b": jnp.zeros(3)}, jnp.ones((4, 2)))], "examples in rows",
                     traced=traced)
    outcome = evaluate(dense, answer)
    assert outcome.kind == RAISED
    for fragment in says:
        assert fragment in outcome.message, outcome.message
    assert "(3,) and (4,)" not in outcome.message  # the contracted lengths are not the operands' shapes


def scan_step_returns_one_array(theta, x):
    def step(theta, step_size):
        return theta["w"] - step_size * x, None

    return jax.lax.scan(step, theta, jnp.ones(2))[0]


def test_a_message_describes_values_without_jax_internal_class_paths():
    ex = Exercise("schedule", lambda theta, x: theta, lambda: [({"w": jnp.ones(2)}, jnp.ones(2))], "scan it")
    outcome = evaluate(ex, scan_step_returns_one_array)
    assert "the carry output is an array" in outcome.message, outcome.message
    assert not any(internal in outcome.message for internal in INTERNALS), outcome.message


def matmul_with_a_number(theta, x):
    return x @ theta["w"] + theta["b"]


def grads_a_vector_function(z):
    return jax.grad(jnp.tanh)(z)


@pytest.mark.parametrize("exercise, answer, says", [
    (LINE, matmul_with_a_number, ["`@` multiplies arrays with at least one axis", "use `*`, or jnp.dot"]),
    (Exercise("dtanh", jax.vmap(jax.grad(jnp.tanh)), lambda: [(jnp.ones(5),)], "elementwise"),
     grads_a_vector_function, ["jax.grad needs a function that returns one number; this one returned shape (5,)",
                               "a formula that works entry by entry", "jax.vmap(jax.grad(f))"]),
    (Exercise("dtanh", lambda z: 1 - jnp.tanh(z) ** 2, lambda: [(jnp.ones(5),), (jnp.float32(0.5),)], "entrywise"),
     jax.vmap(jax.grad(jnp.tanh)), ["one of them is a single number", "take a single number as well as an array"]),
])
def test_more_of_jaxs_errors_are_told_in_plain_words(exercise, answer, says):
    outcome = evaluate(exercise, answer)
    assert outcome.kind == RAISED
    for fragment in says:
        assert fragment in outcome.message, outcome.message
    assert "ndim" not in outcome.message and "Gradient only defined" not in outcome.message


def make_scale_classes():
    """A tiny Flax model made from ``(size, rngs)``, as notebook 10's MLP is, and one that forgot its `return`."""
    from flax import nnx

    class Scale(nnx.Module):
        def __init__(self, size, rngs):
            self.w = nnx.Param(jnp.arange(1.0, size + 1.0))

        def __call__(self, x):
            return self.w * x

    class ScaleWithoutReturn(Scale):
        def __call__(self, x):
            self.w * x

    return nnx, Scale, ScaleWithoutReturn


def test_a_model_and_its_random_keys_are_described_by_their_kind_and_a_missing_return_is_suspected():
    nnx, scale, without_return = make_scale_classes()
    ex = Exercise("Scale", scale, lambda: [(3, nnx.Rngs(0))], "multiply by w", probes=lambda: [(jnp.ones(3),)])
    outcome = evaluate(ex, without_return)
    assert outcome.kind == WRONG
    for fragment in ["Scale(3, an nnx.Rngs)", "the model it makes, called on (", "got None (is a `return` missing?)"]:
        assert fragment in outcome.message, outcome.message
    assert "the function Rngs" not in outcome.message and "returned function" not in outcome.message


@pytest.mark.parametrize("expected, got, says", [
    ({"w": 1.0}, {"w": None}, "['w'] expected 1, got None (is a `return` missing?)"),
    ((1.0, jnp.ones(8)), (1.0, None), "[1] expected an array of shape (8,), got None (is a `return` missing?)"),
])
def test_a_none_anywhere_in_an_answer_suspects_a_missing_return(expected, got, says):
    assert says in compare(expected, got)


def mean_square(w, data):
    return jnp.mean((w - data) ** 2)


def descends_with_too_large_a_step(data):
    return descend(mean_square, 0.0, data, step_size=5.0, n_steps=100)[0]


def test_a_descent_that_diverged_is_told_as_such_and_its_warning_joins_the_verdict():
    fit = Exercise("fit", lambda data: descend(mean_square, 0.0, data, step_size=0.1, n_steps=100)[0],
                   lambda: [(jnp.array([1.0, 2.0, 3.0]),)], "a smaller step")
    with warnings.catch_warnings(record=True) as shown:
        warnings.simplefilter("always")
        outcome = evaluate(fit, descends_with_too_large_a_step)
    assert outcome.kind == WRONG
    for fragment in ["your descent diverged (the loss became", "try a smaller step size than 5.0",
                     "fit([1., 2., 3.]) should give 2; the diverged descent gave "]:
        assert fragment in outcome.message, outcome.message
    assert ", got " not in outcome.message
    assert not [w for w in shown if issubclass(w.category, DivergenceWarning)]


def test_other_warnings_of_an_answer_are_still_shown():
    def warns(x):
        warnings.warn("mind this", UserWarning)
        return 2.0 * x + 1.0

    with pytest.warns(UserWarning, match="mind this"):
        assert evaluate(KINDS["scalar"]["exercise"], warns).kind == RIGHT


# --- it never raises -------------------------------------------------------------------------------------


class Awkward:
    """An object that fails at everything a check might try on it."""

    def __repr__(self):
        raise RuntimeError("no repr")

    def __array__(self, *args, **kwargs):
        raise RuntimeError("no array")

    def __eq__(self, other):
        raise RuntimeError("no equality")

    __hash__ = object.__hash__

    def __len__(self):
        raise RuntimeError("no len")

    def __iter__(self):
        raise RuntimeError("no iteration")

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        raise RuntimeError(f"no {name}")


def exits(*args):
    raise SystemExit(1)


@pytest.mark.parametrize("answer", [
    lambda *args: {1: 2.0, "w": 3.0, (4, 5): None},
    lambda *args: Awkward(),
    lambda *args: [Awkward(), None, "x"],
    lambda *args: (x for x in range(3)),
    lambda *args: object,
    lambda *args: Ellipsis,
    lambda *args: jax.random.key(0),
    lambda *args: np.array([np.nan, np.inf]),
    lambda *args: {"w": {"deeper": [1, {2: 3}]}},
    lambda *args: [[[[[[1.0]]]]]],
    lambda *args: Exercise,
    exits,
    Awkward(),
], ids=lambda answer: "")
def test_it_never_raises_whatever_it_is_given(kind, answer):
    outcome = evaluate(kind["exercise"], answer)
    assert outcome.kind in (WRONG, RAISED), outcome.message
    assert outcome.message.startswith(f"❌ {kind['exercise'].name}: ")


def test_check_exercise_prints_a_verdict_for_anything(capsys):
    for answer in (Awkward(), lambda x: Awkward(), lambda x: {1: 2, "a": 3}):
        assert check_exercise("dpolynomial_by_hand", answer) is registered_exercises()["dpolynomial_by_hand"].reference
    assert capsys.readouterr().out.count("❌ dpolynomial_by_hand") == 3


# --- registering again -----------------------------------------------------------------------------------

PROBE_MODULE = '''
from dl_workshop.checks import exercise

@exercise(name="{name}", cases=lambda: [(1.0,)], hint="reload me")
def answer(x):
    return x + {offset}
'''


def write_module(tmp_path, module, name, offset):
    (tmp_path / f"{module}.py").write_text(textwrap.dedent(PROBE_MODULE.format(name=name, offset=offset)))


def test_reloading_a_topic_module_registers_its_exercises_again(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path))
    write_module(tmp_path, "reload_probe", "reload_probe_answer", 1.0)
    module = importlib.import_module("reload_probe")
    assert evaluate("reload_probe_answer", lambda x: x + 1.0).kind == RIGHT
    write_module(tmp_path, "reload_probe", "reload_probe_answer", 2.0)
    importlib.invalidate_caches()
    module = importlib.reload(module)  # what %autoreload does
    assert registered_exercises()["reload_probe_answer"].reference is module.answer
    assert evaluate("reload_probe_answer", lambda x: x + 2.0).kind == RIGHT


def test_the_workshops_own_topic_modules_reload():
    module = importlib.reload(importlib.import_module("dl_workshop.gradient_basics"))
    assert registered_exercises()["dpolynomial_by_hand"].reference is module.dpolynomial_by_hand


def test_two_modules_registering_one_name_is_an_error(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path))
    write_module(tmp_path, "first_probe", "one_name_probe", 1.0)
    write_module(tmp_path, "second_probe", "one_name_probe", 1.0)
    importlib.import_module("first_probe")
    with pytest.raises(ValueError, match="registered twice, in first_probe and in second_probe"):
        importlib.import_module("second_probe")
    sys.modules.pop("second_probe", None)


# --- tolerances ------------------------------------------------------------------------------------------

RTOL, ATOL = 1e-3, 1e-4


def nudged(value, fraction):
    """``value`` moved by ``fraction`` of the tolerance atol + rtol·|value| (float64, so exactly)."""
    value = np.asarray(value, np.float64)
    return value + fraction * (ATOL + RTOL * np.abs(value))


TOLERANCE_KINDS = {
    "scalar": (lambda: [(2.0,)], None, lambda x: 3.0 * x, lambda fraction: lambda x: nudged(3.0 * x, fraction)),
    "array": (lambda: [(np.array([0.0, 1.0, -40.0]),)], None, lambda x: x**2,
              lambda fraction: lambda x: nudged(x, 0.0) ** 2 + (nudged(x**2, fraction) - x**2) * (x == -40.0)),
    "pytree": (lambda: [(2.0,)], None, lambda x: {"w": 3.0 * x, "b": (x, [0.0])},
               lambda fraction: lambda x: {"w": 3.0 * x, "b": (x, [nudged(0.0, fraction)])}),
    "returned function": (lambda: [()], lambda: [(5.0,)], lambda: lambda y: y**2,
                          lambda fraction: lambda: lambda y: nudged(y**2, fraction)),
}


@pytest.mark.parametrize("which", sorted(TOLERANCE_KINDS))
@pytest.mark.parametrize("fraction, verdict", [(0.9, RIGHT), (-0.9, RIGHT), (1.1, WRONG), (-1.1, WRONG)])
def test_an_answer_just_inside_the_tolerance_passes_and_one_just_outside_fails(which, fraction, verdict):
    cases, probes, reference, answer = TOLERANCE_KINDS[which]
    ex = Exercise(f"tolerance_{which}", reference, cases, "close", probes=probes, rtol=RTOL, atol=ATOL)
    outcome = evaluate(ex, answer(fraction))
    assert outcome.kind == verdict, outcome.message


# --- compiled programs: made once, reused when a cell is run again -----------------------------------------


def counting(function, counter, key):
    """``function``, counting in ``counter[key]`` how often its Python body runs (under jit: once a trace)."""

    def counted(*args):
        counter[key] = counter.get(key, 0) + 1
        return function(*args)

    return counted


def define_answer(source, namespace):
    """The function a cell holding ``source`` defines, each call a new function object (a cell run again)."""
    exec(compile(source, "<cell>", "exec"), namespace)
    return namespace["answer"]


ANSWER_CELL = "def answer(x):\n    return SCALE * jnp.sin(x)\n"


def test_a_traced_check_compiles_its_cases_once_and_reuses_the_program_when_the_cell_runs_again():
    """The reference and the answer are traced together, so the reference's traces count the programs made."""
    traces = {}
    two_shapes = lambda: [(np.arange(3, dtype=np.float32),), (np.arange(4, dtype=np.float32),)]  # noqa: E731
    ex = Exercise("one_program", counting(lambda x: 2.0 * jnp.sin(x), traces, "reference"), two_shapes,
                  "double the sine", traced=True)
    namespace = {"jnp": jnp, "SCALE": 2.0}
    assert evaluate(ex, counting(define_answer(ANSWER_CELL, namespace), traces, "answer")).kind == RIGHT
    assert traces == {"reference": 2, "answer": 2}  # one trace: both functions on both cases
    traces.clear()
    assert evaluate(ex, define_answer(ANSWER_CELL, namespace)).kind == RIGHT
    assert evaluate(ex, define_answer(ANSWER_CELL, namespace)).kind == RIGHT  # the cell run again
    assert traces == {"reference": 2}  # the first of these two compiles (it is not wrapped); the second not
    namespace["SCALE"] = 3.0  # what the answer computes changes: compiled afresh, and now wrong
    assert evaluate(ex, define_answer(ANSWER_CELL, namespace)).kind == WRONG
    assert traces == {"reference": 4}
    edited = ANSWER_CELL.replace("SCALE * jnp.sin(x)", "jnp.sin(x) * 2")
    assert evaluate(ex, define_answer(edited, namespace)).kind == RIGHT
    assert evaluate(ex, define_answer(edited, namespace)).kind == RIGHT
    assert traces == {"reference": 6}


def test_an_answer_holding_a_mutable_value_is_compiled_afresh_each_time():
    traces = {}
    ex = Exercise("mutable", lambda x: 2.0 * x, lambda: [(np.ones(2, np.float32),)], "double", traced=True)
    factor = {"value": 2.0}
    answer = counting(lambda x: factor["value"] * x, traces, "answer")
    assert evaluate(ex, answer).kind == RIGHT
    factor["value"] = 5.0
    assert evaluate(ex, answer).kind == WRONG
    assert traces["answer"] == 2


def test_the_reference_runs_once_a_case_however_often_the_check_runs():
    calls = {}
    ex = Exercise("counted", counting(lambda x: x + 1.0, calls, "reference"), lambda: [(1.0,), (2.0,)], "add one")
    for answer in (lambda x: 1.0 + x, lambda x: x, lambda x: x + 1.0):
        evaluate(ex, answer)
    assert calls == {"reference": 2}


def test_an_answer_that_changes_its_arguments_spoils_no_later_check():
    ex = Exercise("in_place", lambda theta: {"w": theta["w"] - 1.0}, lambda: [({"w": 3.0},)], "step once")

    def changes_theta(theta):
        theta["w"] = theta["w"] - 1.0
        return theta

    assert evaluate(ex, changes_theta).kind == RIGHT
    assert evaluate(ex, changes_theta).kind == RIGHT
    assert evaluate(ex, ex.reference).kind == RIGHT

    def changes_theta_wrongly(theta):
        theta["w"] = theta["w"] + 1.0
        return theta

    assert "in_place({'w': 3}): ['w'] expected 2, got 4" in evaluate(ex, changes_theta_wrongly).message


def test_a_traced_check_takes_functions_optimizers_and_step_counts_as_constants():
    def descend(loss, optimizer, theta, n_steps, step_size):
        assert isinstance(n_steps, int) and callable(loss)  # constants reach the answer as themselves
        for _ in range(n_steps):
            updates, _ = optimizer.update(jax.grad(loss)(theta), optimizer.init(theta))
            theta = theta + step_size * updates
        return theta

    exercise = Exercise("traced", descend, lambda: [(square_plus_one, optax.sgd(1.0), 3.0, 2, 0.25)], "descend",
                        traced=True)
    assert evaluate(exercise, descend).kind == RIGHT
    assert evaluate(exercise, lambda loss, optimizer, theta, n_steps, step_size: float(theta)).kind == RAISED


def scale_sine(a):
    return lambda x: a * jnp.sin(x)


SINE_PROBES = lambda: [(np.float32(0.5),), (np.arange(3, dtype=np.float32),)]  # noqa: E731


def test_a_traced_check_calls_the_functions_returned_at_every_probe_in_its_one_program():
    traces = {}
    ex = Exercise("returned", counting(scale_sine, traces, "reference"), lambda: [(2.0,), (3.0,)], "scale the sine",
                  probes=SINE_PROBES, traced=True)
    answer = counting(lambda a: lambda x: jnp.sin(x) * a, traces, "answer")
    assert evaluate(ex, answer).kind == RIGHT
    assert traces == {"reference": 2, "answer": 2}  # each made once a case, all in one trace
    wrong = evaluate(ex, lambda a: lambda x: a * jnp.cos(x))
    assert wrong.kind == WRONG and "returned(2): the returned function at (0.5): expected 0.9589" in wrong.message
    assert "expected a function, got the number 2" in evaluate(ex, lambda a: a).message
    assert evaluate(ex, lambda a: lambda x: float(x)).kind == RAISED  # traced: float() of a placeholder


def test_a_traced_compiled_exercise_still_turns_down_a_returned_function_that_is_not_compiled():
    ex = Exercise("returned_compiled", lambda a: jax.jit(scale_sine(a)), lambda: [(2.0,)], "compile it",
                  probes=SINE_PROBES, traced=True, compiled=True)
    assert evaluate(ex, lambda a: jax.jit(lambda x: a * jnp.sin(x))).kind == RIGHT
    outcome = evaluate(ex, scale_sine)
    assert outcome.kind == WRONG and "not compiled" in outcome.message


def test_a_returned_function_that_changes_a_probe_spoils_no_other_call():
    def reference(a):
        return lambda theta: {"w": a * theta["w"]}

    def changes_its_probe(a):
        def scaled(theta):
            theta["w"] = a * theta["w"]
            return theta

        return scaled

    ex = Exercise("probe_in_place", reference, lambda: [(2.0,), (3.0,)], "scale w",
                  probes=lambda: [({"w": np.float32(1.5)},)], traced=True)
    assert evaluate(ex, changes_its_probe).kind == RIGHT


def test_a_traced_exercises_slips_run_in_one_program_kept_for_the_next_wrong_answer():
    traces = {}
    slips = [Slip(counting(lambda x: 3.0 * jnp.sin(x), traces, "first"), "three, not two"),
             Slip(counting(lambda x: 2.0 * jnp.cos(x), traces, "second"), "the sine, not the cosine")]
    ex = Exercise("slips_traced", lambda x: 2.0 * jnp.sin(x), lambda: [(np.arange(3, dtype=np.float32),)],
                  "double the sine", tuple(slips), traced=True)
    for _ in range(2):
        assert evaluate(ex, lambda x: jnp.cos(x) * 2.0).details["hint"] == "the sine, not the cosine"
    assert traces == {"first": 1, "second": 1}  # one trace of both, then the same program again
    assert evaluate(ex, lambda x: jnp.sin(x) * 3.0).details["hint"] == "three, not two"


def test_when_one_slip_does_not_trace_each_runs_on_its_own():
    slips = [Slip(lambda x: float(x) * 3.0, "three, not two"), Slip(lambda x: 2.0 * jnp.cos(x), "not the cosine")]
    ex = Exercise("slips_eager", lambda x: 2.0 * jnp.sin(x), lambda: [(1.0,)], "double the sine", tuple(slips),
                  traced=True)
    assert evaluate(ex, lambda x: x * 3.0).details["hint"] == "three, not two"
    assert evaluate(ex, lambda x: jnp.cos(x) * 2.0).details["hint"] == "not the cosine"


def test_the_cycle_collector_is_paused_while_a_check_runs_and_resumed_after():
    seen = []
    ex = Exercise("collector", lambda x: x + 1.0, lambda: [(1.0,)], "add one")
    assert evaluate(ex, lambda x: seen.append(gc.isenabled()) or x + 1.0).kind == RIGHT
    assert seen == [False] and gc.isenabled()
    gc.disable()  # a kernel that turned it off keeps it off
    try:
        evaluate(ex, lambda x: x + 1.0)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_case_keys_draw_the_same_numbers_for_a_seed_and_different_ones_across_seeds():
    draws = {seed: jax.random.normal(checks.case_key(seed), (3,)) for seed in (0, 5, 7)}
    assert all(jnp.array_equal(draws[seed], jax.random.normal(checks.case_key(seed), (3,))) for seed in draws)
    assert len({tuple(draw.tolist()) for draw in draws.values()}) == len(draws)
    first, second = jax.random.split(checks.case_key(0))
    assert not jnp.array_equal(jax.random.normal(first), jax.random.normal(second))
    assert checks.case_key(0).dtype == jax.random.key(0, impl="unsafe_rbg").dtype  # drawn with one XLA operation


@pytest.mark.parametrize("seed", [-1, 2**32])
def test_a_case_key_out_of_range_is_refused_by_name(seed):
    with pytest.raises(ValueError, match="case_key expected a seed from 0"):
        checks.case_key(seed)


# --- one test a registered exercise -----------------------------------------------------------------------


def test_every_registered_exercise_has_its_test_in_a_topic_test_file():
    """Each topic test file checks its exercises with `assert_reference_right_and_slips_hinted`."""
    tests = Path(__file__).parent
    covering = "\n".join(
        path.read_text() for path in tests.glob("test_*.py")
        if path.name != Path(__file__).name and "assert_reference_right_and_slips_hinted" in path.read_text()
    )
    workshop = [name for name in registered_exercises() if checks._REGISTERED_BY[name].startswith("dl_workshop.")]
    missing = [name for name in workshop if not re.search(rf"[\"']{name}[\"']", covering)]
    assert not missing, f"no topic test checks these exercises against their slips: {missing}"


# --- learner stubs match the reference answers -----------------------------------------------------------

NOTEBOOKS = sorted((Path(__file__).parent.parent / "notebooks").glob("*.ipynb"))


def stubs(path):
    """``(exercise name, def node)`` for each exercise checked in the learner notebook at ``path``."""
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type != "code":
            continue
        source = "\n".join(line for line in cell.source.splitlines() if not line.lstrip().startswith(("%", "!")))
        for name, variable in re.findall(r"check_exercise\(\s*[\"'](\w+)[\"']\s*,\s*(\w+)\s*\)", source):
            defs = [node for node in ast.walk(ast.parse(source))
                    if isinstance(node, ast.FunctionDef) and node.name == variable]
            if defs:
                yield name, defs[0]


def stub_signature(node):
    """The parameters of a stub's `def` as (name, kind, default or ``inspect.Parameter.empty``)."""

    def value(default):
        return eval(compile(ast.Expression(default), "<default>", "eval"), {"jax": jax, "jnp": jnp, "np": np})

    arguments = node.args
    positional = arguments.posonlyargs + arguments.args
    defaults = [inspect.Parameter.empty] * (len(positional) - len(arguments.defaults)) + [
        value(d) for d in arguments.defaults]
    kinds = [inspect.Parameter.POSITIONAL_ONLY] * len(arguments.posonlyargs) + [
        inspect.Parameter.POSITIONAL_OR_KEYWORD] * len(arguments.args)
    found = [(a.arg, kind, default) for a, kind, default in zip(positional, kinds, defaults)]
    found += [(a.arg, inspect.Parameter.KEYWORD_ONLY, inspect.Parameter.empty if d is None else value(d))
              for a, d in zip(arguments.kwonlyargs, arguments.kw_defaults)]
    return found


def same_default(a, b):
    if a is inspect.Parameter.empty or b is inspect.Parameter.empty or a is None or b is None:
        return a is b
    return compare(a, b, rtol=0, atol=0) == ""


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_every_learner_stub_has_the_reference_answers_signature(path):
    """Names, order, kinds and defaults of the parameters: the classic drift between a stub and its answer."""
    drifted = []
    for name, node in stubs(path):
        reference = inspect.signature(registered_exercises()[name].reference)
        expected = [(p.name, p.kind, p.default) for p in reference.parameters.values()]
        found = stub_signature(node)
        if [(n, k) for n, k, _ in found] != [(n, k) for n, k, _ in expected] or not all(
                same_default(a, b) for (_, _, a), (_, _, b) in zip(found, expected)):
            drifted.append(f"{name}: the stub says ({ast.unparse(node.args)}), the reference {reference}")
    assert not drifted, "\n".join(drifted)


def test_a_stub_whose_signature_drifted_is_caught():
    node = ast.parse("def linear_model(x, theta):\n    raise NotImplementedError()").body[0]
    reference = inspect.signature(registered_exercises()["linear_model"].reference).parameters
    assert [n for n, _, _ in stub_signature(node)] != list(reference)
    node = ast.parse("def f(theta, x, n_steps=10, *, rate=0.1):\n    pass").body[0]
    assert stub_signature(node)[2:] == [("n_steps", inspect.Parameter.POSITIONAL_OR_KEYWORD, 10),
                                        ("rate", inspect.Parameter.KEYWORD_ONLY, 0.1)]
