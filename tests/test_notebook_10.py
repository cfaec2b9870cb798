"""The learner notebook 10 runs to the end as shipped, and with a wrong answer typed into every exercise; no
exercise's answer shows above its stub; its figure has alt text, and it states its time and ends with reading."""

import re

import pytest

from exercise_assertions import assert_runs_as_shipped, assert_wrong_answers_hinted
from notebook_runner import ROOT, exercise_cell, learner, read

NAME = "10-neural-networks-with-flax.ipynb"

# A typical slip for every exercise, and what its check must then say.
WRONG = {
    "MLP": ("for layer in self.layers:\n    x = jnp.tanh(layer(x))\nreturn logistic(x)[:, 0]",
            "the output layer got tanh too"),
    "make_train_step": ("@nnx.jit\ndef train_step(model, optimizer, x, y):\n"
                        "    loss, grads = nnx.value_and_grad(loss_fn)(model, x, y)\n    return loss\n\n"
                        "return train_step",
                        "the model was never updated"),
    "jax_jit_outcome": ("return 1", "but which one?"),
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
    figures = [cell for cell in solved.cells
               if cell.cell_type == "code" and any("image/png" in out.get("data", {}) for out in cell.outputs)]
    assert figures
    for cell in figures:
        assert len(cell.metadata.get("alt_text", "")) > 40, cell.source[:60]
    assert "**Time needed:**" in solved.cells[0].source and "optional" in solved.cells[0].source
    last = solved.cells[-1].source
    assert "## Key points" in last and 2 <= last.split("## Further reading")[1].count("](https://") <= 4


def test_the_printed_numbers_are_the_ones_the_text_and_tests_state():
    """What the solved notebook printed: 337 parameters, the jax.jit step leaving the loss where it started, the
    two accuracies, and the same losses from the same starting weights."""
    printed = "".join(out.get("text", "") for cell in read(ROOT / "answers" / NAME).cells
                      if cell.cell_type == "code" for out in cell.outputs)
    assert "numbers to train: 337" in printed
    assert re.search(r"jax\.jit: loss at the first call (\d\.\d{4}), at the 20th \1; steps the optimizer counted: 0",
                     printed)
    assert "held-out accuracy: from scratch 0.981, with Flax NNX 0.980" in printed
    assert "agree at every step to 1e-6: True" in printed and "predicts exactly what the trained one does: True" in printed
