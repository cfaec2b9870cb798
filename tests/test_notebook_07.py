"""The learner notebook 07 runs to the end as shipped, and with a wrong answer typed into every exercise; the
solved notebook's text quotes the numbers its cells print."""

import nbformat
from exercise_assertions import assert_runs_as_shipped, assert_wrong_answers_hinted
from notebook_runner import ROOT, text_of

NAME = "07-stochastic-gradient-descent.ipynb"

# A typical slip for every exercise, and what its check must then say.
WRONG = {
    "least_squares_gradient_by_hand": ("return X.T @ (X @ theta - y) / len(y)", "brings down a factor 2"),
    "per_example_gradients": ("return jax.vmap(point_loss, in_axes=(None, 0, 0))(theta, X, y)", "per-example losses"),
    "landing_step_size": ("return 1.0 / (1.0 + x_i**2)", "factor 2"),
    "minibatch_descent": (  # one key for every step: the same minibatch each time
        "def step(theta, step_key):\n"
        "    batch = jax.random.choice(key, len(y), (batch_size,), replace=False)\n"
        "    return theta - step_size * jax.grad(loss)(theta, X[batch], y[batch]), (theta, loss(theta, X, y))\n"
        "return jax.lax.scan(step, theta, jax.random.split(key, n_steps))",
        "same minibatch",
    ),
}

# Numbers the text states, each also printed by a cell (test_sgd.py asserts each against its derivation).
QUOTED = ["(0.251, 0.877)", "11.09 and 0.240", "0.0200", "20%", "50%", "100%", "0.123", "0.181"]


def test_runs_to_the_end_as_shipped():
    assert_runs_as_shipped(NAME, WRONG)


def test_wrong_answers_show_hints_and_run_all_completes():
    assert_wrong_answers_hinted(NAME, WRONG)


def test_the_text_quotes_what_the_cells_print():
    notebook = nbformat.read(ROOT / "answers" / NAME, as_version=4)
    markdown = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")
    printed = "\n".join(text_of(cell) for cell in notebook.cells if cell.cell_type == "code")
    for number in QUOTED:
        assert number in printed, number
    for number in ("(0.251, 0.877)", "11.09 and 0.240", "0.0200", "0.123"):
        assert number in markdown.replace("$", ""), number
