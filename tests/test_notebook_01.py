"""The learner notebook 01 runs to the end as shipped, and with wrong answers typed in; its slider redraws."""

from nbformat.v4 import new_code_cell

from exercise_assertions import assert_wrong_answers_hinted
from notebook_runner import errors, execute, exercise_cell, fill_in, learner, text_of

NAME = "01-gradient-basics.ipynb"
EXERCISES = ["dpolynomial_by_hand", "central_difference", "bowl_gradient", "gradient_descent", "largest_stable_step"]

# A typical slip for every exercise, and what its check must show.
WRONG = {
    "dpolynomial_by_hand": ("return 3.0 * x + 4.0", "power rule"),
    "central_difference": ("return (f(x + h) - f(x - h)) / 2 * h", "left to right"),
    "bowl_gradient": ("return jax.grad(bowl)", "unless `argnums` says otherwise"),
    "gradient_descent": ("return jnp.zeros((n_steps, 2))", "expected shape (11, 2), got shape (10, 2)"),
    "largest_stable_step": ("return 2.0 / max(a, b)", "d²/dθ² of bθ² is 2b"),
}

# Cells typed in after the last one: show the figure, move the slider, show the figure again.
MOVE_THE_SLIDER = [
    "display(slider_figure)",
    "slider.value = 0.11",
    "print(slider_figure.axes[0].get_title())\ndisplay(slider_figure)",
]


def _png(cell):
    return [o.data["image/png"] for o in cell.outputs if "data" in o and "image/png" in o.data]


def test_runs_to_the_end_as_shipped_and_the_slider_redraws_its_figure():
    notebook = learner(NAME)
    slider_cell = next(c for c in notebook.cells if c.cell_type == "code" and "widgets.FloatSlider" in c.source)
    notebook.cells.extend(new_code_cell(source) for source in MOVE_THE_SLIDER)
    execute(notebook)
    assert errors(notebook) == []
    for name in EXERCISES:
        assert f"⏳ {name}: not done yet" in text_of(exercise_cell(notebook, name))

    before, _, after = notebook.cells[-3:]
    assert "FloatSlider(value=0.09" in text_of(slider_cell)  # the slider, shown above its figure
    assert "θ1 × -1.20 per step" in text_of(after)  # the figure now shows step size 0.11
    (shown_now,) = _png(slider_cell)
    assert shown_now == _png(after)[0] != _png(before)[0]  # and the slider's cell shows it, redrawn in place


def test_wrong_answers_show_hints_and_run_all_completes():
    assert_wrong_answers_hinted(NAME, WRONG)


def test_an_answer_that_raises_is_named_with_its_line():
    notebook = fill_in(learner(NAME), "dpolynomial_by_hand", "scale = 6.0\nreturn scale * x + undefined_name")
    execute(notebook)
    assert errors(notebook) == []
    shown = text_of(exercise_cell(notebook, "dpolynomial_by_hand"))
    assert "NameError: name 'undefined_name' is not defined" in shown and "`return scale * x + undefined_name`" in shown
