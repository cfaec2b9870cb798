"""The learner notebook 04 runs to the end as shipped, and with a wrong answer typed into every exercise; no
exercise's answer shows above its stub."""

import re

import pytest

from exercise_assertions import assert_runs_as_shipped, assert_wrong_answers_hinted
from notebook_runner import ROOT, exercise_cell, learner, read

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


def solution_lines(cell_source):
    """The lines between the solution markers of a solved cell, stripped."""
    inside, lines = False, []
    for line in cell_source.split("\n"):
        if line.strip() in ("### BEGIN SOLUTION", "### END SOLUTION"):
            inside = line.strip() == "### BEGIN SOLUTION"
        elif inside and line.strip():
            lines.append(line.strip())
    return lines


def normalised(text):
    """Spaces and quote styles ignored, so that `theta['w']` in prose matches `theta["w"]` in code."""
    return re.sub(r"\s+", "", text).replace("'", '"')


@pytest.mark.parametrize("exercise", list(WRONG))
def test_no_line_of_an_answer_appears_above_its_stub(exercise):
    solved, shipped = read(ROOT / "answers" / NAME), learner(NAME)
    stub = shipped.cells.index(exercise_cell(shipped, exercise))
    answer = solution_lines(exercise_cell(solved, exercise).source)
    assert answer
    above = normalised("\n".join(cell.source for cell in shipped.cells[:stub]))
    for line in answer:
        assert normalised(line) not in above, line


def test_every_figure_has_alt_text_and_the_notebook_states_its_time_and_ends_with_reading():
    solved = read(ROOT / "answers" / NAME)
    for cell in solved.cells:
        if cell.cell_type == "code" and any("image/png" in out.get("data", {}) for out in cell.outputs):
            assert len(cell.metadata.get("alt_text", "")) > 40, cell.source[:60]
    assert "**Time needed:**" in solved.cells[0].source and "optional" in solved.cells[0].source
    last = solved.cells[-1].source
    assert "## Key points" in last and 2 <= last.split("## Further reading")[1].count("](https://") <= 4
