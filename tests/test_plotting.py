"""The figures draw what they are given."""

import matplotlib

matplotlib.use("Agg")

import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib import pyplot as plt  # noqa: E402

from dl_workshop.gradient_basics import bowl  # noqa: E402
from dl_workshop.plotting import draw_contours, draw_loss_curve, draw_surface, grid_values  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_grid_values_evaluate_f_at_every_point():
    X, Y, Z = grid_values(bowl, (-1, 1), (0, 2), n=5)
    assert Z.shape == (5, 5)
    np.testing.assert_allclose(Z, X**2 + Y**2, rtol=1e-6)
    assert X.min() == -1 and Y.max() == 2


def test_surface_and_contours_draw_f_and_the_path_from_its_start():
    path = jnp.array([[2.0, 1.0], [1.6, 0.8], [1.28, 0.64]])
    fig = plt.figure()
    surface = draw_surface(fig.add_subplot(1, 2, 1, projection="3d"), bowl, (-2.5, 2.5), (-2.5, 2.5))
    contours = fig.add_subplot(1, 2, 2)
    filled = draw_contours(contours, bowl, (-2.5, 2.5), (-2.5, 2.5), paths={"descent": path})
    assert surface.name == "3d" and filled.zmax == pytest.approx(12.5)
    line = next(l for l in contours.get_lines() if l.get_label() == "descent")
    np.testing.assert_allclose(np.column_stack(line.get_data()), path)
    assert contours.get_xlim() == (-2.5, 2.5)


def test_loss_curves_are_drawn_on_a_log_scale_with_their_labels():
    _, ax = plt.subplots()
    for label, losses in {"a": [4.0, 2.0, 1.0], "b": [3.0, 3.0]}.items():
        draw_loss_curve(ax, losses, label=label)
    assert ax.get_yscale() == "log"
    assert [list(l.get_ydata()) for l in ax.get_lines()] == [[4.0, 2.0, 1.0], [3.0, 3.0]]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["a", "b"]


def test_a_loss_curve_takes_a_jax_array_and_a_line_style():
    _, ax = plt.subplots()
    draw_loss_curve(ax, jnp.array([4.0, 2.0]), label="sgd", linestyle="--")
    line = ax.get_lines()[0]
    assert line.get_linestyle() == "--" and isinstance(line.get_ydata(), np.ndarray)
