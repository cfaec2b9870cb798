"""Notebook 04's and 05's figures draw what they are given: every matrix entry, node, weight and line."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib import pyplot as plt  # noqa: E402
from matplotlib.patches import Circle, Rectangle  # noqa: E402

from dl_workshop.plotting import draw_fitted_lines, draw_matrix_form, draw_neural_diagram  # noqa: E402


@pytest.fixture
def ax():
    fig, ax = plt.subplots()
    yield ax
    plt.close(fig)


@pytest.mark.parametrize("n_inputs, n_outputs", [(1, 1), (3, 2)])
def test_matrix_form_draws_one_cell_per_entry_and_names_each_shape(ax, n_inputs, n_outputs):
    draw_matrix_form(ax, n_inputs, n_outputs, n_rows=6)
    cells = [patch for patch in ax.patches if isinstance(patch, Rectangle)]
    assert len(cells) == 6 * n_inputs + n_inputs * n_outputs + n_outputs + 6 * n_outputs
    shapes = {text.get_text() for text in ax.texts}
    assert {f"(n, {n_inputs})", f"({n_inputs}, {n_outputs})", f"({n_outputs},)", f"(n, {n_outputs})"} <= shapes


@pytest.mark.parametrize("n_inputs, n_outputs", [(1, 1), (3, 2)])
def test_neural_diagram_has_a_node_per_input_and_output_and_an_arrow_per_weight(ax, n_inputs, n_outputs):
    draw_neural_diagram(ax, n_inputs, n_outputs)
    nodes = [patch for patch in ax.patches if isinstance(patch, Circle)]
    assert len(nodes) == n_inputs + 1 + 2 * n_outputs  # inputs, the bias, a sum and an activation per output
    labels = {text.get_text() for text in ax.texts}
    subscript = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
    weights = {f"w{i}{j}".translate(subscript) for i in range(1, n_inputs + 1) for j in range(1, n_outputs + 1)}
    assert weights | {f"b{j}".translate(subscript) for j in range(1, n_outputs + 1)} <= labels


def test_fitted_lines_run_through_slope_and_intercept(ax):
    x = np.array([-1.0, 0.0, 3.0])
    draw_fitted_lines(ax, x, 2 * x, {"a": (2.0, 1.0), "b": (-0.5, 0.0)})
    lines = ax.get_lines()
    assert [line.get_label() for line in lines] == ["a", "b"]
    np.testing.assert_allclose(lines[0].get_xydata(), [[-1.0, -1.0], [3.0, 7.0]])
    np.testing.assert_allclose(lines[1].get_xydata(), [[-1.0, 0.5], [3.0, -1.5]])
