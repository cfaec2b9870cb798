"""The figures draw what they are given."""

import matplotlib

matplotlib.use("Agg")

import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib import pyplot as plt  # noqa: E402

from dl_workshop.gradient_basics import bowl  # noqa: E402
from dl_workshop.plotting import grid_values, loss_curve, surface_and_contours  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_grid_values_evaluate_f_at_every_point():
    X, Y, Z = grid_values(bowl, (-1, 1), (0, 2), n=5)
    assert Z.shape == (5, 5)
    np.testing.assert_allclose(Z, X**2 + Y**2, rtol=1e-6)
    assert X.min() == -1 and Y.max() == 2


def test_surface_and_contours_draws_the_path_from_its_start():
    path = jnp.array([[2.0, 1.0], [1.6, 0.8], [1.28, 0.64]])
    fig = surface_and_contours(bowl, (-2.5, 2.5), (-2.5, 2.5), paths={"descent": path})
    surface, contours, colorbar = fig.axes
    assert surface.name == "3d"
    line = next(l for l in contours.get_lines() if l.get_label() == "descent")
    np.testing.assert_allclose(np.column_stack(line.get_data()), path)
    assert contours.get_xlim() == (-2.5, 2.5)


def test_loss_curve_plots_each_history_on_a_log_scale():
    fig = loss_curve({"a": [4.0, 2.0, 1.0], "b": [3.0, 3.0]})
    ax = fig.axes[0]
    assert ax.get_yscale() == "log"
    assert [list(l.get_ydata()) for l in ax.get_lines()] == [[4.0, 2.0, 1.0], [3.0, 3.0]]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["a", "b"]
