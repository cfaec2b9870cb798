"""What notebook 01's maps need from draw_contours: a style for each path, and start markers a short path shows
through."""

import matplotlib

matplotlib.use("Agg")

import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib import pyplot as plt  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402

from dl_workshop.gradient_basics import bowl, dbowl, gradient_descent  # noqa: E402
from dl_workshop.plotting import draw_contours  # noqa: E402

PATHS = {
    "too small: 0.02": gradient_descent(dbowl, jnp.array([-1.0, -2.0]), 0.02, 10),
    "too large: 1.05": gradient_descent(dbowl, jnp.array([1.0, -2.0]), 1.05, 10),
}


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def _lines(ax):
    return {line.get_label(): line for line in ax.get_lines()}


def test_each_path_gets_its_own_colour_marker_and_line_style():
    _, ax = plt.subplots()
    draw_contours(ax, bowl, (-6, 6), (-6, 6), paths=PATHS, styles=["C1o-", "C3^:"], open_start=True)
    small, large = (_lines(ax)[label] for label in PATHS)
    assert (small.get_marker(), small.get_linestyle(), to_rgba(small.get_color())) == ("o", "-", to_rgba("C1"))
    assert (large.get_marker(), large.get_linestyle(), to_rgba(large.get_color())) == ("^", ":", to_rgba("C3"))


def test_open_start_markers_are_hollow_and_the_default_stays_a_filled_black_square():
    _, (hollow, filled) = plt.subplots(1, 2)
    draw_contours(hollow, bowl, (-6, 6), (-6, 6), paths=PATHS, open_start=True)
    draw_contours(filled, bowl, (-6, 6), (-6, 6), paths=PATHS)
    starts = [line for line in hollow.get_lines() if line.get_marker() == "s"]
    assert len(starts) == 2 and all(line.get_markerfacecolor() == "none" for line in starts)
    default_starts = [line for line in filled.get_lines() if line.get_marker() == "s"]
    assert len(default_starts) == 2
    assert all(to_rgba(line.get_markerfacecolor()) == to_rgba("k") for line in default_starts)
    assert all(line.get_marker() == "o" for label, line in _lines(filled).items() if label in PATHS)


def test_the_slow_run_reaches_beyond_its_start_marker_and_the_fast_one_changes_side_every_step():
    slow = np.asarray(PATHS["too small: 0.02"])
    assert np.linalg.norm(slow[-1] - slow[0]) > 0.7  # about 17 points on the 12-unit-wide map, twice the square
    large = np.asarray(PATHS["too large: 1.05"])
    assert np.all(np.sign(large[1:, 0]) == -np.sign(large[:-1, 0]))
