"""Notebook 01 as a learner reads it: no answer above its stub, tools and terms before their use, every number in
the text the one a cell prints, figures described, the slider's stored output stable."""

import re

import pytest

from dl_workshop.release import BEGIN, END
from notebook_runner import ROOT, learner, read, text_of

NAME = "01-gradient-basics.ipynb"
SOLVED = read(ROOT / "answers" / NAME)
LEARNER = learner(NAME)


def _squeeze(text):
    return re.sub(r"\s+", "", text)


def _solution_lines(source):
    inside, lines = False, []
    for line in source.split("\n"):
        if BEGIN in line:
            inside = True
        elif END in line:
            inside = False
        elif inside and line.strip():
            lines.append(line.strip())
    return lines


def _markdown():
    return [cell.source for cell in SOLVED.cells if cell.cell_type == "markdown"]


def test_no_line_of_a_solution_appears_anywhere_else_in_the_learner_notebook():
    solved_exercises = [cell for cell in SOLVED.cells if cell.cell_type == "code" and BEGIN in cell.source]
    assert len(solved_exercises) == 5
    for exercise in solved_exercises:
        others = [_squeeze(c.source) for c in LEARNER.cells if c.id != exercise.id]
        for line in _solution_lines(exercise.source):
            assert not any(_squeeze(line) in other for other in others), line


def test_the_central_difference_formula_is_not_written_out_above_its_stub():
    above = []
    for cell in LEARNER.cells:
        if "check_exercise(\"central_difference\"" in cell.source:
            break
        above.append(_squeeze(cell.source))
    assert not any("f(x+h)-f(x-h)" in text for text in above)


def test_vmap_and_jit_are_introduced_before_the_first_cell_that_uses_them():
    introduced = next(i for i, c in enumerate(SOLVED.cells)
                      if c.cell_type == "markdown" and "`jax.vmap(g)`" in c.source)
    first_use = next(i for i, c in enumerate(SOLVED.cells)
                     if c.cell_type == "code" and ("jax.jit" in c.source or "jax.vmap" in c.source))
    assert introduced < first_use


@pytest.mark.parametrize("term", ["Jacobian", "Hessian", "eigenvector", "eigenvalue", "positive definite",
                                  "quasi-Newton", "condition number"])
def test_each_term_is_defined_in_bold_where_it_first_appears_after_the_opening(term):
    first = next(text for text in _markdown()[1:] if term.lower() in text.lower())
    assert f"**{term.lower()}**" in first.lower(), term


def test_opening_states_minutes_and_the_optional_part_and_the_end_has_key_points_and_2_to_4_links():
    opening, closing = _markdown()[0], _markdown()[-1]
    assert "about 60 minutes" in opening and "optional" in opening
    assert any("(optional" in text for text in _markdown()[1:])
    assert "## Key points" in closing and "## Further reading" in closing
    links = re.findall(r"\]\((https?://[^)]+)\)", closing.split("## Further reading")[1])
    assert 2 <= len(links) <= 4


# Each number the text states (left), and where a cell above prints it (right).
STATED_AND_PRINTED = [
    (r"about $3 \times 10^{-5}$ at $h = 0.1$", "   0.1             21.99997   3.1e-05"),
    (r"$8 \times 10^{-3}$ at $h = 0.0001$", "0.0001             21.99173   8.3e-03"),
    (r"$h = (6\varepsilon)^{1/3} \approx 9 \times 10^{-3}$", "guides cross at h = 9e-03"),
    (r"$h = (3\varepsilon)^{1/3} \approx 7 \times 10^{-3}$", "their sum is least at h = 7e-03"),
    (r"near $h = 3 \times 10^{-3}$, at about $6 \times 10^{-6}$", "least error 6e-06, at h = 3e-03"),
    ("the 22 that `grad`", "Array(22., dtype=float32"),
    ("losing only 4% a step", "step size 0.02 : θ0 × +0.96"),
    ("At 0.05 the factor of $\\theta_1$ is 0", "step size 0.05 : θ0 × +0.90, θ1 × +0.00"),
    ("4 iterations (5 gradients) against 44 steps", "after 4 iterations, 5 gradient evaluations"),
    ("4 iterations (5 gradients) against 44 steps", "below 1e-6 after 44 steps"),
    ("34.65 at the start", "cost 34.65 at the start"),
    ("gradient descent with step size 1/2 lands on the minimum in one step", "[[2. 1.]\n [0. 0.]]"),
]


@pytest.mark.parametrize("stated, printed", STATED_AND_PRINTED)
def test_each_number_in_the_text_is_the_one_a_cell_printed_before_it(stated, printed):
    cells = SOLVED.cells
    said = next(i for i, c in enumerate(cells) if c.cell_type == "markdown" and stated in c.source)
    shown = [i for i, c in enumerate(cells) if c.cell_type == "code" and printed in text_of(c)]
    assert shown and min(shown) < said + 2, (stated, printed)  # printed above, or by the cell right below


def test_every_figure_has_alt_text_and_no_cell_waits_for_input():
    for cell in SOLVED.cells:
        if cell.cell_type != "code":
            continue
        assert "input(" not in cell.source and "interact_manual" not in cell.source
        if any("image/png" in o.get("data", {}) for o in cell.outputs):
            assert len(cell.metadata.get("alt_text", "")) > 40, cell.source[:60]


def test_the_slider_cell_stores_its_widget_and_a_static_figure_and_no_widget_output():
    cell = next(c for c in SOLVED.cells if c.cell_type == "code" and "widgets.FloatSlider" in c.source)
    kinds = [sorted(o.data) for o in cell.outputs]
    assert kinds == [["application/vnd.jupyter.widget-view+json", "text/plain"], ["image/png", "text/plain"]]
    assert cell.outputs[0].data["text/plain"].startswith("FloatSlider(value=0.09")  # what strict nbval compares
    states = SOLVED.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {}).get("state", {})
    assert all(state["model_name"] != "OutputModel" for state in states.values())  # no figure inside a widget
