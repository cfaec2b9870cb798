"""The learner notebook 04 runs to the end as shipped, and with a wrong answer typed into every exercise; its text
states the numbers it computes and explains what it uses."""

import jax.numpy as jnp

from dl_workshop.data import CURVE_TRUE, saturating_readings
from dl_workshop.linear_models import model_optimization_loop, mseloss
from exercise_assertions import assert_runs_as_shipped, assert_wrong_answers_hinted
from notebook_runner import ROOT, exercise_cell, learner, read, text_of

NAME = "04-linear-models.ipynb"

# A typical slip for every exercise, and what its check must then say.
WRONG = {'linear_model': ('return theta["w"] * x', "the intercept theta['b'] is missing"),
 'initialize_linear_params': ('return {"w": jax.random.normal(key), "b": jax.random.normal(key)}',
                              'Split it first'),
 'mseloss': ('return jnp.sum((model(theta, x) - y) ** 2)', 'that is the sum of squares'),
 'mse_gradient_by_hand': ('r = theta["w"] * x + theta["b"] - y\n'
                          'return {"w": 2 * jnp.mean(r), "b": 2 * jnp.mean(r)}',
                          '∂L/∂w is missing the inputs'),
 'dmseloss': ('return jax.tree.map(jnp.negative, jax.grad(mseloss)(theta, model, x, y))', 'sign is flipped'),
 'model_optimization_loop': ('value, grads = loss_and_grad(theta, model, x, y)\n'
                             'return jax.tree.map(lambda p, g: p + step_size * g, theta, grads), value',
                             'that climbs the loss')}


def test_runs_to_the_end_as_shipped():
    assert_runs_as_shipped(NAME, WRONG)


def test_wrong_answers_show_hints_and_run_all_completes():
    assert_wrong_answers_hinted(NAME, WRONG)


def _prose():
    """The solved notebook's markdown, on one line (line breaks and runs of spaces as one space)."""
    cells = read(ROOT / "answers" / NAME).cells
    return " ".join(" ".join(cell.source for cell in cells if cell.cell_type == "markdown").split())


def test_the_one_unit_fit_ends_below_the_true_curves_loss_and_the_text_gives_both():
    x, y = saturating_readings()

    def one_unit_model(theta, x):
        return theta["v"] * jnp.tanh(theta["w"] * x + theta["b"]) + theta["c"]

    start = {"w": 1.0, "b": 0.0, "v": 1.0, "c": 0.0}  # the notebook's start
    losses, theta = model_optimization_loop(start, one_unit_model, mseloss, x, y)
    fitted, true = float(mseloss(theta, one_unit_model, x, y)), float(mseloss(CURVE_TRUE, one_unit_model, x, y))
    assert fitted < true < 0.3**2 * 1.1  # least squares fits the noise too; the true curve's loss is about 0.09
    assert f"to {float(losses[-1]):.4f}, below the true curve's {true:.4f}" in _prose()
    printed = "".join(text_of(cell) for cell in read(ROOT / "answers" / NAME).cells if cell.cell_type == "code")
    assert f"the true curve:  loss {true:.4f}" in printed


def test_keys_are_explained_here_before_the_first_exercise_that_draws():
    notebook = learner(NAME)
    above = notebook.cells[: notebook.cells.index(exercise_cell(notebook, "initialize_linear_params"))]
    text = " ".join(" ".join(cell.source for cell in above).split())
    assert "takes a **key**" in text and "never use a key twice" in text and "`jax.random.split(key)`" in text
    assert "Notebook 02 is not needed" in notebook.cells[0].source  # the core path 01 -> 04 skips it


def test_the_return_order_is_explained_without_project_jargon():
    assert "seed notebooks" not in _prose() and "the JAX workshop this one started from" in _prose()
