"""The learner notebook 09 runs to the end as shipped, and with a wrong answer typed into every exercise;
what its text states is what its cells print."""

from exercise_assertions import assert_runs_as_shipped, assert_wrong_answers_hinted
from notebook_runner import ROOT, read

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


def test_the_text_states_the_training_settings_the_code_uses():
    from dl_workshop.neural import LAYER_SIZES, N_STEPS, STEP_SIZE

    text = "\n".join(cell.source for cell in read(ROOT / "answers" / NAME).cells if cell.cell_type == "markdown")
    assert (N_STEPS, STEP_SIZE, LAYER_SIZES) == (1000, 0.5, (2, 16, 16, 1))
    assert "same 1000 steps of size 0.5" in text and "two hidden layers of 16 tanh units" in text
    assert "took 1000\nsteps" in text or "took 1000 steps" in text
