"""The learner notebook 01 runs to the end as shipped, and with wrong answers typed in."""

from exercise_assertions import assert_runs_as_shipped, assert_wrong_answers_hinted
from notebook_runner import errors, execute, exercise_cell, fill_in, learner, text_of

NAME = "01-gradient-basics.ipynb"
EXERCISES = ["dpolynomial_by_hand", "central_difference", "bowl_gradient", "gradient_descent"]

# A typical slip for every exercise, and what its check must show.
WRONG = {
    "dpolynomial_by_hand": ("return 3.0 * x + 4.0", "power rule"),
    "central_difference": ("return (f(x + h) - f(x)) / h", "forward difference"),
    "bowl_gradient": ("return jax.grad(bowl)", "argnums=(0, 1) asks for both"),
    "gradient_descent": ("return jnp.zeros((n_steps, 2))", "expected shape (11, 2), got shape (10, 2)"),
}


def test_runs_to_the_end_as_shipped():
    assert_runs_as_shipped(NAME, EXERCISES)


def test_wrong_answers_show_hints_and_run_all_completes():
    assert_wrong_answers_hinted(NAME, WRONG)


def test_an_answer_that_raises_is_named_with_its_line():
    notebook = fill_in(learner(NAME), "dpolynomial_by_hand", "scale = 6.0\nreturn scale * x + undefined_name")
    execute(notebook)
    assert errors(notebook) == []
    shown = text_of(exercise_cell(notebook, "dpolynomial_by_hand"))
    assert "NameError: name 'undefined_name' is not defined at line 4: `return scale * x + undefined_name`" in shown
