"""Assertions the topic tests share: exercises against their slips, learner notebooks run as a learner would."""

import types

import jax

from dl_workshop.checks import RAISED, RIGHT, WRONG, evaluate, get_exercise
from notebook_runner import errors, execute, exercise_cell, fill_in, learner, text_of


def assert_reference_right_and_slips_hinted(name):
    """Exercise ``name``'s check accepts its reference answer and rejects each slip with the slip's own hint.

    Also: the reference passes again when its cell is run again (a new function object of the same code); from
    the second wrong attempt on, the exercise's recipe joins the hint; an answer that raises gets the exercise's
    hint; and for an exercise that asks for a compiled function, the same function uncompiled is turned down.
    """
    ex = get_exercise(name)
    outcome = evaluate(name, ex.reference)
    assert outcome.kind == RIGHT, outcome.message
    assert evaluate(name, _run_again(ex.reference)).kind == RIGHT
    for slip in ex.slips:
        outcome = evaluate(name, slip.answer)
        assert outcome.kind == WRONG and outcome.details["hint"] == slip.hint, (slip.hint, outcome.message)
        if ex.recipe:  # a nudge first, the recipe from the second wrong attempt on
            assert "Recipe:" not in outcome.message
            assert f"Recipe: {ex.recipe}" in evaluate(name, slip.answer, attempt=2).message
    raised = evaluate(name, jax.jit(_raises) if ex.compiled and ex.probes is None else _raises)
    assert raised.kind == RAISED and ex.hint in raised.message, raised.message
    if ex.compiled:
        outcome = evaluate(name, _uncompiled(ex))
        assert outcome.kind == WRONG and "not compiled" in outcome.message, outcome.message


def assert_nudged(name, attempt, shown, not_shown):
    """A learner's attempt at exercise ``name`` is turned down with a first message that holds every text in
    ``shown`` (what to change) and none in ``not_shown`` (the answer)."""
    outcome = evaluate(name, attempt)
    assert outcome.kind != RIGHT and outcome.message.startswith(f"❌ {name}"), outcome.message
    assert all(text in outcome.message for text in shown), outcome.message
    assert not any(text in outcome.message for text in not_shown), outcome.message


def _raises(*args):
    raise ZeroDivisionError("division by zero")


def _run_again(function):
    """What running the cell that defines ``function`` again gives: a new function object of the same code."""
    if not isinstance(function, types.FunctionType):
        return function
    return types.FunctionType(function.__code__, function.__globals__, function.__name__, function.__defaults__,
                              function.__closure__)


def _uncompiled(ex):
    """The reference answer of ``ex`` without `jax.jit`: a plain function (or one returning a plain function)."""
    if ex.probes is None:
        return lambda *args: ex.reference(*args)
    return lambda *args: (lambda *probe: ex.reference(*args)(*probe))


def assert_runs_as_shipped(notebook_name, exercises):
    """The learner notebook runs to the end untouched, and each exercise's check says it is not done yet."""
    notebook = execute(learner(notebook_name))
    assert errors(notebook) == []
    for name in exercises:
        assert f"⏳ {name}: not done yet" in text_of(exercise_cell(notebook, name))


def assert_wrong_answers_hinted(notebook_name, wrong):
    """With ``wrong = {exercise: (body typed in, text shown)}`` filled in, Run All completes and each
    exercise's check shows its text."""
    notebook = learner(notebook_name)
    for name, (body, _) in wrong.items():
        fill_in(notebook, name, body)
    execute(notebook)
    assert errors(notebook) == []
    for name, (_, shown_text) in wrong.items():
        shown = text_of(exercise_cell(notebook, name))
        assert shown.startswith(f"❌ {name}") and shown_text in shown, shown
    assert [cell for cell in notebook.cells if cell.cell_type == "code"][-1].outputs  # the last code cell ran
