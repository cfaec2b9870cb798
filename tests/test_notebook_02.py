"""The learner notebook 02 runs to the end as shipped, and with typical wrong answers typed in."""

from exercise_assertions import assert_runs_as_shipped, assert_wrong_answers_hinted
from notebook_runner import errors, execute, exercise_cell, fill_in, learner, text_of

NAME = "02-maximum-likelihood.ipynb"
EXERCISES = ["negloglike", "dnegloglike_by_hand", "log_sigma_curvature_by_hand", "fit_exponential"]

# A typical slip for every exercise, and what its check must show.
WRONG = {
    "negloglike": (
        "return jnp.sum(norm.logpdf(data, loc=mu, scale=jnp.exp(log_sigma)))",
        "put a minus sign in front",
    ),
    "dnegloglike_by_hand": (  # the derivative in σ, without the chain rule's factor dσ/ds
        "sigma = jnp.exp(log_sigma)\n"
        "return -jnp.sum(data - mu) / sigma**2, jnp.sum(1 / sigma - (data - mu) ** 2 / sigma**3)",
        "multiply by dσ/ds = σ",
    ),
    "log_sigma_curvature_by_hand": ("return 2.0 * data.size", "the curvature at the optimum only"),
    "fit_exponential": (  # SciPy's scale taken as the rate
        "def loss(log_rate, data):\n"
        "    return -jnp.sum(expon.logpdf(data, scale=jnp.exp(log_rate)))\n"
        "log_rate, _ = descend(loss, 0.0, data, step_size=1 / data.size, n_steps=300)\n"
        "return jnp.exp(log_rate)",
        "SciPy's scale is 1/λ",
    ),
}


def test_runs_to_the_end_as_shipped():
    assert_runs_as_shipped(NAME, EXERCISES)


def test_wrong_answers_show_hints_and_run_all_completes():
    assert_wrong_answers_hinted(NAME, WRONG)


def test_a_negloglike_with_float_names_the_learners_line_and_says_to_use_jnp():
    notebook = fill_in(learner(NAME), "negloglike",
                       "return float(-jnp.sum(norm.logpdf(data, loc=mu, scale=jnp.exp(log_sigma))))")
    execute(notebook)
    assert errors(notebook) == []
    shown = text_of(exercise_cell(notebook, "negloglike"))
    assert shown.startswith("❌ negloglike") and "at line 3: `return float(-jnp.sum(" in shown, shown
    assert "use jnp" in shown and "dl_workshop" not in shown and "checks.py" not in shown, shown


# A line of each exercise's worked answer: it must not stand in view of the stub (reviews, 2026-12-01).
WORKED_ANSWERS = {
    "dnegloglike_by_hand": r"= N - \frac{1}{\sigma^2}\sum_i (x_i - \mu)^2",
    "log_sigma_curvature_by_hand": r"\frac{\partial^2 L}{\partial (\log\sigma)^2} = \frac{2}{\sigma^2}",
    "fit_exponential": r"is exactly $N$ at the optimum",
}


def test_each_worked_answer_comes_after_a_cell_that_runs_the_learners_answer():
    notebook = learner(NAME)
    cells = notebook.cells
    for exercise, worked in WORKED_ANSWERS.items():
        stub = cells.index(exercise_cell(notebook, exercise))
        where = [i for i, cell in enumerate(cells) if worked in cell.source]
        assert len(where) == 1 and where[0] > stub, (exercise, where, stub)
        between = cells[stub + 1:where[0]]
        assert cells[stub + 1].cell_type == "markdown" and "$$" not in cells[stub + 1].source, exercise
        uses = [cell for cell in between if cell.cell_type == "code" and exercise in cell.source]
        assert uses, f"{exercise}: no cell runs the learner's answer before its worked answer"
