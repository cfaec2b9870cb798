"""The learner notebook 09 runs to the end as shipped, and with a wrong answer typed into every exercise; no
exercise's answer shows above its stub; the solved notebook's figures carry alt text, and it states its time and
ends with key points and further reading."""

import re

import pytest

from exercise_assertions import assert_runs_as_shipped, assert_wrong_answers_hinted
from notebook_runner import ROOT, exercise_cell, learner, read

NAME = "09-neural-network-from-scratch.ipynb"

# A typical slip for every exercise, and what its check must then say.
WRONG = {
    "dense": ('return x @ layer["W"]', "the bias layer['b'] is missing"),
    "init_scale": ("return 1 / fan_in", "1/fan_in is the variance"),
    "init_params": ('return [{"W": jnp.zeros((n_in, n_out)), "b": jnp.zeros(n_out)}\n'
                    '        for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:])]',
                    "weights that all start at zero stay equal"),
    "mlp": ("for layer in params[:-1]:\n"
            "    x = jnp.tanh(dense(layer, x))\n"
            "return logistic(jnp.tanh(dense(params[-1], x)))[:, 0]",
            "the output layer got tanh too"),
}


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
    """Spaces and quote styles ignored, so that `layer['W']` in prose matches `layer["W"]` in code."""
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
    figures = [cell for cell in solved.cells
               if cell.cell_type == "code" and any("image/png" in out.get("data", {}) for out in cell.outputs)]
    assert len(figures) == 3
    for cell in figures:
        assert len(cell.metadata.get("alt_text", "")) > 40, cell.source[:60]
    assert "**Time needed:**" in solved.cells[0].source and "optional" in solved.cells[0].source
    last = solved.cells[-1].source
    assert "## Key points" in last and 2 <= last.split("## Further reading")[1].count("](https://") <= 4


def test_the_text_states_the_training_settings_the_code_uses():
    from dl_workshop.neural import LAYER_SIZES, N_STEPS, STEP_SIZE

    text = "\n".join(cell.source for cell in read(ROOT / "answers" / NAME).cells if cell.cell_type == "markdown")
    assert (N_STEPS, STEP_SIZE, LAYER_SIZES) == (3000, 0.5, (2, 16, 16, 1))
    assert "same 3000 steps of size 0.5" in text and "two hidden layers of 16 tanh units" in text
    assert "took 3000\nsteps" in text or "took 3000 steps" in text
