"""Assertions the topic tests share: exercises against their slips, learner notebooks run as a learner would."""

from dl_workshop.checks import RIGHT, WRONG, evaluate, get_exercise
from notebook_runner import errors, execute, exercise_cell, fill_in, learner, text_of


def assert_reference_right_and_slips_hinted(name):
    """The reference answer of exercise ``name`` passes its check; each slip fails it and brings up its own hint."""
    ex = get_exercise(name)
    assert evaluate(name, ex.reference).kind == RIGHT
    for slip in ex.slips:
        outcome = evaluate(name, slip.answer)
        assert outcome.kind == WRONG and outcome.details["hint"] == slip.hint, slip.hint


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
