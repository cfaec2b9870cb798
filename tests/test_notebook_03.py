"""The learner notebook 03 runs to the end as shipped and with wrong answers typed in, gives nothing away, introduces
its tools before the exercises that need them, and states only numbers it computes."""

import re

import jax
import jax.numpy as jnp
import numpy as np

from dl_workshop.checks import get_exercise
from dl_workshop.goldfield import goldfield_at, hill_at
from dl_workshop.release import BEGIN, END
from exercise_assertions import assert_runs_as_shipped, assert_wrong_answers_hinted
from notebook_runner import ROOT, exercise_cell, learner, read

NAME = "03-goldfield.ipynb"
EXERCISES = ["grad_ex_1", "critical_points", "hessian_eigenvalues", "end_points", "grad_ex_3"]

# A typical slip for every exercise, and what its check must show.
WRONG = {
    "grad_ex_1": ("return lambda x, y: (4 * x, -4 * x + 4 * y**3)", "the term −4xy holds x too"),
    "critical_points": ("return [(-1.0, -1.0), (1.0, 1.0)]", "one point is missing"),
    "hessian_eigenvalues": ("return jnp.diag(jax.hessian(f)(point))", "the diagonal entries"),
    "end_points": ("return jax.vmap(end_point, in_axes=(1, None))(starts, step_size)", "went over the columns"),
    "grad_ex_3": ("return lambda x: jax.grad(goldfield, argnums=1)(x, y)", "that is the derivative in y"),
}


def test_the_text_says_where_the_eigenvalue_check_looks():
    """Exercise 3's text: the goldfield at its saddle, the origin, and −f at a point that is not critical."""
    text = " ".join(cell.source for cell in read(ROOT / "answers" / NAME).cells if cell.cell_type == "markdown")
    assert "The check tries the goldfield at its saddle, the origin, and the field upside down, $-f$, at a point that " \
           "is not critical." in " ".join(text.split())
    (field, saddle), (upside_down, point) = get_exercise("hessian_eigenvalues").cases()
    assert field is goldfield_at and upside_down is hill_at
    assert np.array_equal(saddle, [0.0, 0.0]) and np.all(np.asarray(jax.grad(goldfield_at)(saddle)) == 0)
    low, high = jnp.linalg.eigvalsh(jax.hessian(goldfield_at)(saddle))
    assert low < 0 < high
    assert np.linalg.norm(jax.grad(hill_at)(point)) > 1.0


def test_runs_to_the_end_as_shipped():
    assert_runs_as_shipped(NAME, EXERCISES)


def test_wrong_answers_show_hints_and_run_all_completes():
    assert_wrong_answers_hinted(NAME, WRONG)


def solution_lines(exercise):
    """The code lines of ``exercise``'s reference solution in answers/, comments and blank lines left out."""
    source = exercise_cell(read(ROOT / "answers" / NAME), exercise).source
    region = source[source.index(BEGIN) + len(BEGIN):source.index(END)]
    return [line.strip() for line in region.splitlines() if line.strip() and not line.strip().startswith("#")]


def test_no_line_of_a_solution_appears_above_its_stub():
    notebook = learner(NAME)
    for exercise in EXERCISES:
        stub_cell = exercise_cell(notebook, exercise)
        above = notebook.cells[: notebook.cells.index(stub_cell)]
        text = "\n".join(cell.source for cell in above)
        for line in solution_lines(exercise):
            assert line not in text, (exercise, line)


def test_the_tools_an_exercise_asks_for_are_not_spelled_out_above_it():
    notebook = learner(NAME)
    giveaways = {"hessian_eigenvalues": ["eigvalsh", "jax.hessian(f)(point)"], "end_points": ["in_axes=(0, None)"],
                 "grad_ex_3": ["partial(goldfield", "lambda x: goldfield"], "critical_points": ["4y(y"]}
    for exercise, words in giveaways.items():
        above = notebook.cells[: notebook.cells.index(exercise_cell(notebook, exercise))]
        text = "\n".join(cell.source for cell in above)
        assert not [word for word in words if word in text], exercise


def test_the_opening_states_the_minutes_and_the_optional_section_and_the_end_has_further_reading():
    cells = learner(NAME).cells
    assert re.search(r"\*\*Time needed:\*\* about \d+ minutes", cells[0].source)
    assert "optional" in cells[0].source.lower() and "## 7. Optional" in "\n".join(c.source for c in cells)
    ending = cells[-1].source
    assert "## Key points" in ending and "## Further reading" in ending
    links = re.findall(r"\]\((https://[^)]+)\)", ending[ending.index("## Further reading"):])
    assert 2 <= len(links) <= 4


def test_every_figure_cell_has_alt_text():
    cells = read(ROOT / "answers" / NAME).cells
    figures = [cell for cell in cells if cell.cell_type == "code" and "plt.show()" in cell.source]
    assert len(figures) == 3
    for cell in figures:
        assert len(cell.metadata.get("alt_text", "")) > 40
        assert any("image/png" in output.get("data", {}) for output in cell.outputs)


def test_in_axes_is_introduced_in_code_above_the_exercise_that_needs_it():
    notebook = learner(NAME)
    above = notebook.cells[: notebook.cells.index(exercise_cell(notebook, "end_points"))]
    shown = [cell.source for cell in above if cell.cell_type == "code" and "in_axes=" in cell.source]
    assert shown and "in_axes=(None, 0)" in shown[0]  # the other way round from the exercise's
    assert "help(jax.vmap)" in "\n".join(cell.source for cell in above)


def test_the_curvatures_along_four_directions_at_the_saddle_are_stated_as_computed():
    hessian = np.asarray(jax.hessian(goldfield_at)(np.zeros(2, np.float32)), np.float64)
    directions = np.array([[1, 0], [0, 1], [1, 1], [1, -1]]) / np.sqrt([[1], [1], [2], [2]])  # unit vectors
    along_x, along_y, along_diagonal, across = (v @ hessian @ v for v in directions)
    text = " ".join(" ".join(cell.source for cell in read(ROOT / "answers" / NAME).cells).split())  # one line
    assert f"curvatures are ${along_x:.0f}$ and ${along_y + 0:.0f}$, the diagonal of $H(0, 0)$" in text
    assert f"curves down, ${along_diagonal:.0f}$" in text and f"curves up, ${across:.0f}$" in text
    low, high = np.linalg.eigvalsh(hessian)
    assert low <= min(along_x, along_y, along_diagonal) and max(along_x, along_y, across) <= high
    assert f"eigenvalues, ${low:.3f}$ and ${high:.3f}$" in text


def test_the_exercise_names_from_the_original_workshop_are_explained_where_they_first_appear():
    notebook = learner(NAME)
    first = next(cell for cell in notebook.cells if "grad_ex_1" in cell.source)
    assert "grad_ex_3" in first.source and "grad_ex_2" in first.source and "dl-workshop" in first.source
    text = "\n".join(cell.source for cell in notebook.cells)
    assert "such as `goldfield_at(point)`" not in text  # a function is meant, not its value
