"""The shared figures never tell two things apart by colour alone, and their colours suit colour-blind readers."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib import pyplot as plt  # noqa: E402
from matplotlib.colors import to_rgb  # noqa: E402

from dl_workshop.gradient_basics import bowl  # noqa: E402
from dl_workshop.plotting import (CLASS_STYLES, COLOURS, draw_basins, draw_classes, draw_contours,  # noqa: E402
                                  draw_loss_curve)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def luminance(colour) -> float:
    """Relative luminance (WCAG 2): how light a colour looks once its hue is gone."""
    channels = np.array(to_rgb(colour))
    linear = np.where(channels <= 0.03928, channels / 12.92, ((channels + 0.055) / 1.055) ** 2.4)
    return float(linear @ [0.2126, 0.7152, 0.0722])


def contrast(a, b) -> float:
    darker, lighter = sorted([luminance(a), luminance(b)])
    return (lighter + 0.05) / (darker + 0.05)


def cue(line) -> tuple:
    """What tells a line apart apart from its colour."""
    return line.get_marker(), line.get_linestyle()


def test_paths_on_a_contour_map_differ_in_marker_or_line_style():
    _, ax = plt.subplots()
    paths = {name: np.array([[1.0 + i, 1.0], [0.5, 0.5 + i], [0.1, 0.1]]) for i, name in enumerate("abcd")}
    draw_contours(ax, bowl, (-3, 3), (-3, 3), paths=paths)
    drawn = [line for line in ax.get_lines() if line.get_label() in paths]
    assert len(drawn) == 4 and len({cue(line) for line in drawn}) == 4
    assert [h.get_label() for h in ax.get_legend().legend_handles] == list(paths)  # the legend shows the cues


def test_the_styles_a_notebook_gives_its_paths_are_kept():
    _, ax = plt.subplots()
    paths = {"a": np.zeros((2, 2)), "b": np.ones((2, 2))}
    draw_contours(ax, bowl, (-3, 3), (-3, 3), paths=paths, styles=["C1o-", "C3^:"])
    assert [cue(line) for line in ax.get_lines() if line.get_label() in paths] == [("o", "-"), ("^", ":")]


def test_loss_curves_on_one_axes_differ_in_line_style_unless_given_one():
    _, ax = plt.subplots()
    for label in "abc":
        draw_loss_curve(ax, [4.0, 2.0, 1.0], label=label)
    draw_loss_curve(ax, [3.0, 1.0], label="d", linestyle="-")
    assert [line.get_linestyle() for line in ax.get_lines()] == ["-", "--", ":", "-"]


def test_the_two_classes_differ_in_marker_and_in_lightness():
    (first, first_marker), (second, second_marker) = CLASS_STYLES
    assert first_marker != second_marker
    assert contrast(first, second) >= 2  # told apart in grey too
    _, ax = plt.subplots()
    draw_classes(ax, np.array([[0.0, 0.0], [1.0, 1.0]]), np.array([0, 1]))
    assert len({tuple(c.get_paths()[0].vertices.round(3).ravel()) for c in ax.collections}) == 2  # two marker shapes


def test_the_two_basins_differ_in_lightness_and_from_the_unsettled_grey():
    X, Y = np.meshgrid(np.arange(4.0), np.arange(4.0))
    _, ax = plt.subplots()
    draw_basins(ax, X, Y, np.array([[0, 0, 1, -1]] * 4), names=("left", "right"))
    patches = ax.get_legend().get_patches()
    colours = [patch.get_facecolor() for patch in patches]
    assert [text.get_text() for text in ax.get_legend().get_texts()] == ["left", "right", "no minimum reached"]
    assert min(contrast(a, b) for i, a in enumerate(colours) for b in colours[i + 1:]) >= 1.5


def test_figures_cycle_through_the_colour_blind_safe_palette():
    assert [c["color"] for c in plt.rcParams["axes.prop_cycle"]] == list(COLOURS)
    _, ax = plt.subplots()
    first, second = ax.plot([0, 1]), ax.plot([1, 0])
    assert [line.get_color() for line in (*first, *second)] == list(COLOURS[:2])
