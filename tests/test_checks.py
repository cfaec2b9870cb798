"""The self-check: four outcomes, for answers of every kind, and it never raises."""

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

from dl_workshop.checks import (
    NOT_DONE, RAISED, RIGHT, WRONG, Exercise, Slip, check_exercise, compare, evaluate,
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
        says=["[0] expected 5, got 6", "sum then product"],
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
}


def not_implemented(*args):
    raise NotImplementedError()


def returns_none(*args):
    return None


def raises_zero_division(*args):
    return 1 / 0


@pytest.fixture(params=sorted(KINDS))
def kind(request):
    return KINDS[request.param]


def test_right_answer(kind):
    outcome = evaluate(kind["exercise"], kind["right"])
    assert outcome.kind == RIGHT, outcome.message
    assert "✅" in outcome.message


def test_reference_is_right(kind):
    assert evaluate(kind["exercise"], kind["exercise"].reference).kind == RIGHT


@pytest.mark.parametrize("stub", [not_implemented, returns_none])
def test_not_done(kind, stub):
    outcome = evaluate(kind["exercise"], stub)
    assert outcome.kind == NOT_DONE, outcome.message
    assert "not done yet" in outcome.message


def test_wrong_answer_says_case_expected_got_and_hint(kind):
    outcome = evaluate(kind["exercise"], kind["wrong"])
    assert outcome.kind == WRONG, outcome.message
    for fragment in kind["says"]:
        assert fragment in outcome.message


def test_raised_names_exception_and_line(kind):
    outcome = evaluate(kind["exercise"], raises_zero_division)
    assert outcome.kind == RAISED
    assert "ZeroDivisionError: division by zero" in outcome.message
    line = raises_zero_division.__code__.co_firstlineno + 1
    assert f"at line {line}: `return 1 / 0`" in outcome.message


def test_error_inside_a_returned_function_is_reported():
    exercise = KINDS["function"]["exercise"]
    outcome = evaluate(exercise, lambda: raises_zero_division)
    assert outcome.kind == RAISED and "ZeroDivisionError" in outcome.message


@pytest.mark.parametrize("answer, says", [
    (42, "expected a function, got the number 42"),
    ("text", "expected a function, got str 'text'"),
])
def test_not_a_function(answer, says):
    outcome = evaluate(KINDS["scalar"]["exercise"], answer)
    assert outcome.kind == WRONG and says in outcome.message


@pytest.mark.parametrize("expected, got, says", [
    ((1.0, 2.0), [1.0], "expected a tuple of 2, got one of 1"),
    ((1.0, 2.0), 3.0, "expected a tuple of 2, got the number 3"),
    ({"w": 1.0}, {"v": 1.0}, "expected keys ['w'], got keys ['v']"),
    ({"w": 1.0}, (1.0,), "expected a dict with keys ['w'], got a tuple of 1"),
    (jnp.zeros(3), jnp.zeros((3, 1)), "expected shape (3,), got shape (3, 1)"),
    (jnp.zeros(3), "abc", "got str 'abc'"),
    (1.0, float("nan"), "expected 1, got nan"),
])
def test_compare_describes_the_difference(expected, got, says):
    assert says in compare(expected, got)


def test_compare_accepts_equal_values_within_tolerance():
    assert compare({"w": jnp.ones(2), "b": (1.0, 2.0)}, {"w": jnp.ones(2) + 1e-7, "b": [1.0, 2.0]}) == ""


def test_check_exercise_returns_learner_function_only_when_right(capsys):
    name = "dpolynomial_by_hand"
    mine = lambda x: 6.0 * x + 4.0  # noqa: E731
    assert check_exercise(name, mine) is mine
    reference = registered_exercises()[name].reference
    for attempt in (lambda x: 6.0 * x, not_implemented, raises_zero_division, None, 3):
        assert check_exercise(name, attempt) is reference
    printed = capsys.readouterr().out.splitlines()
    assert printed[0].startswith("✅") and sum(line.startswith("❌") for line in printed) == 4


def test_unknown_exercise_names_the_known_ones():
    with pytest.raises(KeyError, match="known exercises: .*dpolynomial_by_hand"):
        check_exercise("no_such_exercise", lambda: None)


@pytest.mark.parametrize("name, exercise", sorted(registered_exercises().items()))
def test_every_registered_exercise_accepts_its_reference_and_spots_its_slips(name, exercise):
    assert evaluate(exercise, exercise.reference).kind == RIGHT
    for slip in exercise.slips:
        outcome = evaluate(exercise, slip.answer)
        assert outcome.kind == WRONG, f"{name}: slip not caught: {slip.hint}"
        assert slip.hint in outcome.message, outcome.message


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


def test_a_traced_check_compiles_the_reference_and_the_answer_as_one_program_a_case():
    lowered = []

    def count_lowerings(event, seconds, **_):
        if event.endswith("jaxpr_to_mlir_module_duration"):
            lowered.append(event)

    def two_cases():  # NumPy inputs: making them compiles nothing
        return [(np.arange(3, dtype=np.float32),), (np.arange(4, dtype=np.float32),)]

    exercise = Exercise("one_program", lambda x: 2.0 * jnp.sin(x), two_cases, "double the sine", traced=True)
    jax.monitoring.register_event_duration_secs_listener(count_lowerings)
    try:
        assert evaluate(exercise, lambda x: jnp.sin(x) + jnp.sin(x)).kind == RIGHT
    finally:
        jax.monitoring.unregister_event_duration_listener(count_lowerings)
    assert len(lowered) == 2
