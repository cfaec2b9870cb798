"""The learner notebook 10 runs to the end as shipped, and with a wrong answer typed into every exercise;
what its text states is what its cells print."""

import re

from exercise_assertions import assert_runs_as_shipped, assert_wrong_answers_hinted
from notebook_runner import ROOT, read

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


def test_the_printed_numbers_are_the_ones_the_text_and_tests_state():
    """What the solved notebook printed: 337 parameters, the jax.jit step leaving the loss where it started, the
    two accuracies, and the same losses from the same starting weights."""
    printed = "".join(out.get("text", "") for cell in read(ROOT / "answers" / NAME).cells
                      if cell.cell_type == "code" for out in cell.outputs)
    assert "numbers to train: 337" in printed
    assert re.search(r"jax\.jit: loss at the first call (\d\.\d{4}), at the 20th \1; steps the optimizer counted: 0",
                     printed)
    assert "held-out accuracy: from scratch 0.980, with Flax NNX 0.980" in printed
    assert "agree at every step to 1e-6: True" in printed and "predicts exactly what the trained one does: True" in printed
