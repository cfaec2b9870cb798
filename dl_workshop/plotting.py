"""Figures shared by the notebooks: surfaces, contours with descent paths, loss curves."""

from functools import lru_cache

import jax
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, NullLocator

#: Okabe and Ito's palette, told apart with every common kind of colour blindness: blue, orange, bluish green,
#: vermilion, reddish purple, sky blue, black, yellow. It becomes matplotlib's colour cycle (C0, C1, ...) for every
#: figure drawn after this module is imported.
COLOURS = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000", "#F0E442")
plt.rcParams["axes.prop_cycle"] = plt.cycler(color=COLOURS)
#: Format of each path on a contour map, in order: round markers (squares mark the starts) on a solid, dashed,
#: dotted or dash-dotted line, so that no two paths differ by colour alone.
PATH_STYLES = ("o-", "o--", "o:", "o-.")
#: Line style of each further curve drawn on the same axes.
LINE_STYLES = ("-", "--", ":", "-.")


@lru_cache(maxsize=32)
def _on_grid(f):
    """``f(x, y)`` mapped over two equal-shaped arrays, compiled once per function."""
    return jax.jit(jax.vmap(jax.vmap(f)))


def grid_values(f, xlim, ylim, n=101):
    """``f(x, y)`` on an ``n`` × ``n`` grid: returns the grid's X, Y and the values Z."""
    X, Y = np.meshgrid(np.linspace(*xlim, n, dtype=np.float32), np.linspace(*ylim, n, dtype=np.float32))
    return X, Y, np.asarray(_on_grid(f)(X, Y))


def draw_surface(ax, f, xlim, ylim, labels=("θ₀", "θ₁", "f"), grid=None):
    """A 3-D surface of ``f(x, y)`` on a 3-D axis, drawn as 50 × 50 patches.

    The values come from the same grid as `draw_contours`, so a figure with both compiles ``f`` once.
    ``grid`` = (X, Y), two equal-shaped 2-D arrays, draws over those points instead (a rectangle turned to
    follow a valley, say, whose edges stay straight where a cut at some height would be jagged); the axes
    then span ``xlim`` and ``ylim``.
    """
    if grid is None:
        X, Y, Z = grid_values(f, xlim, ylim)
    else:
        X, Y = (np.asarray(a, dtype=np.float32) for a in grid)
        Z = np.asarray(_on_grid(f)(X, Y))
        ax.set_xlim(xlim)
        ax.set_ylim(ylim)
    ax.plot_surface(X, Y, Z, rcount=50, ccount=50, cmap="viridis", linewidth=0, antialiased=True)
    ax.set_xlabel(labels[0])
    ax.set_ylabel(labels[1])
    ax.set_zlabel(labels[2])
    return ax


def draw_contours(ax, f, xlim, ylim, paths=None, levels=20, labels=("θ₀", "θ₁"), styles=None, open_start=False):
    """Contours of ``f(x, y)``, with optional descent paths ``{label: array of (x, y) points}``.

    ``styles`` gives each path its own format string, in order ("o-", "^:", ...; default `PATH_STYLES`), so
    that colour is not the only cue; ``open_start`` draws the start squares hollow, so a short path shows
    through its start marker.
    """
    X, Y, Z = grid_values(f, xlim, ylim)
    filled = ax.contourf(X, Y, Z, levels=levels, cmap="viridis")
    ax.contour(X, Y, Z, levels=levels, colors="white", linewidths=0.4)
    paths = paths or {}
    for (label, path), style in zip(paths.items(), styles or PATH_STYLES * len(paths)):
        path = np.asarray(path)
        ax.plot(path[:, 0], path[:, 1], style, markersize=3, label=label)
        if open_start:
            ax.plot(*path[0], "s", markersize=9, markerfacecolor="none", markeredgecolor="black", markeredgewidth=1.5)
        else:
            ax.plot(*path[0], "ks", markersize=6)
    if paths:
        ax.legend(loc="upper right", fontsize="small")
    ax.set_xlim(xlim)
    ax.set_ylim(ylim)
    ax.set_aspect("equal")
    ax.set_xlabel(labels[0])
    ax.set_ylabel(labels[1])
    return filled


def log_scale(ax, which="y"):
    """Put ``ax``'s ``which`` axis ("x" or "y") on a log scale with plain labels (0.001, 1e-06) and no minor ticks.

    Matplotlib's default, typeset labels and eight minor ticks a decade, takes longer to draw than the plot.
    """
    getattr(ax, f"set_{which}scale")("log")
    axis = getattr(ax, f"{which}axis")
    axis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    axis.set_minor_locator(NullLocator())
    return axis


def draw_loss_curve(ax, losses, label=None, log=True, **style):
    """Loss against step number, on a log scale by default; ``style`` goes to ``ax.plot`` (``linestyle="--"``).

    Without a line style given, each further curve on ``ax`` takes the next of `LINE_STYLES`, so that two curves
    differ by more than their colour.
    """
    losses = np.asarray(losses)
    if "linestyle" not in style and "ls" not in style:
        style["linestyle"] = LINE_STYLES[len(ax.get_lines()) % len(LINE_STYLES)]
    ax.plot(np.arange(len(losses)), losses, label=label, **style)
    if log:
        log_scale(ax)
    ax.set_xlabel("step")
    ax.set_ylabel("loss")
    if label:
        ax.legend()
    return ax


# ---------------------------------------------------------------------------------------------------------
# Notebooks 02 (maximum likelihood) and 03 (goldfield)
# ---------------------------------------------------------------------------------------------------------


def draw_histogram_with_densities(ax, data, densities=None, bins=40):
    """A density-scaled histogram of ``data`` under up to four curves ``{label: pdf}``."""
    data = np.asarray(data)
    ax.hist(data, bins=bins, density=True, histtype="stepfilled", color="lightgray", label=f"{data.size} draws")
    xs = np.linspace(data.min(), data.max(), 300)
    for (label, pdf), style in zip((densities or {}).items(), ("-", "--", ":", "-.")):
        ax.plot(xs, pdf(xs), style, linewidth=2, label=label)
    ax.set_xlabel("x")
    ax.set_ylabel("density")
    ax.legend(fontsize="small")
    return ax


def draw_basins(ax, X, Y, labels, names, colors=COLOURS[:2], unsettled="lightgray", legend_kw=None):
    """Colour each point of the regular grid (X, Y) by its label: ``names[i]`` in ``colors[i]``, −1 in gray.

    The legend lists the basins, then any artist already labelled on ``ax``; ``legend_kw`` goes to
    ``ax.legend`` in place of the default placement (upper left, small type), e.g. outside the axes.
    """
    palette = ListedColormap([unsettled, *colors])
    xs, ys = np.asarray(X)[0], np.asarray(Y)[:, 0]
    half_x, half_y = (xs[1] - xs[0]) / 2, (ys[1] - ys[0]) / 2  # each label fills the cell around its point
    extent = (xs[0] - half_x, xs[-1] + half_x, ys[0] - half_y, ys[-1] + half_y)
    ax.imshow(np.asarray(labels) + 1, cmap=palette, vmin=0, vmax=len(colors), origin="lower", extent=extent,
              interpolation="nearest")
    handles = [Patch(color=color, label=name) for name, color in zip(names, colors)]
    if (np.asarray(labels) < 0).any():
        handles.append(Patch(color=unsettled, label="no minimum reached"))
    handles += ax.get_legend_handles_labels()[0]
    ax.legend(handles=handles, **(legend_kw or {"loc": "upper left", "fontsize": "small"}))
    ax.set_aspect("equal")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    return ax


# ---------------------------------------------------------------------------------------------------------
# Notebooks 04 and 05 (linear models): fitted lines, the matrix form and the neural diagram
# ---------------------------------------------------------------------------------------------------------


def draw_fitted_lines(ax, x, y, lines, xlabel="x", ylabel="y"):
    """The data ``(x, y)`` as points and each line of ``{label: (slope, intercept)}`` across them."""
    x = np.asarray(x)  # NumPy from here: a JAX array's min and max would each compile a program
    ax.scatter(x, np.asarray(y), s=10, color="0.6", label="data")
    ends = np.array([x.min(), x.max()], dtype=float)
    for (label, (slope, intercept)), style in zip(lines.items(), ["-", "--", ":", "-."] * len(lines)):
        ax.plot(ends, float(slope) * ends + float(intercept), style, lw=2, label=label)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend()
    return ax


#: Subscript digits, so that labels such as w₁₂ need no mathtext (whose first use costs a tenth of a second).
_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def _subscript(symbol, *indices):
    """``symbol`` with the digits of ``indices`` as Unicode subscripts: ``_subscript("w", 1, 2)`` is 'w₁₂'."""
    return symbol + "".join(str(index) for index in indices).translate(_SUBSCRIPTS)


def _draw_block(ax, left, n_rows, n_cols, colour, name, shape):
    """A matrix drawn as a grid of cells, centred on y = 0, named above and with its shape below."""
    top = n_rows / 2
    for row in range(n_rows):
        for col in range(n_cols):
            ax.add_patch(plt.Rectangle((left + col, top - row - 1), 1, 1, facecolor=colour, edgecolor="white"))
    ax.text(left + n_cols / 2, top + 0.4, name, ha="center", va="bottom", fontsize=14, style="italic")
    ax.text(left + n_cols / 2, -top - 0.4, shape, ha="center", va="top", fontsize=11, color="0.3")
    return left + n_cols


def draw_matrix_form(ax, n_inputs, n_outputs, n_rows=6):
    """Linear regression as matrices, ŷ = X W + b, each block drawn at its shape.

    ``n_rows`` rows stand for the n examples; the inputs have ``n_inputs`` columns, the outputs ``n_outputs``.
    """
    d, k = n_inputs, n_outputs
    blocks = [
        (n_rows, d, "tab:blue", "X", f"(n, {d})", "@"),
        (d, k, "tab:orange", "W", f"({d}, {k})", "+"),
        (1, k, "tab:purple", "b", f"({k},)", "="),
        (n_rows, k, "tab:green", "ŷ", f"(n, {k})", None),
    ]
    left = 0.0
    for n_block_rows, n_cols, colour, name, shape, operator in blocks:
        left = _draw_block(ax, left, n_block_rows, n_cols, colour, name, shape)
        if operator:
            ax.text(left + 0.75, 0, operator, ha="center", va="center", fontsize=18)
            left += 1.5
    ax.set_xlim(-0.5, left + 0.5)
    ax.set_ylim(-n_rows / 2 - 1.6, n_rows / 2 + 1.4)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax


def _weighted_edge(ax, start, end, label, colour):
    """An arrow between two nodes of radius 0.3, labelled a third of the way along."""
    (x0, y0), (x1, y1) = start, end
    ax.annotate("", (x1 - 0.3, y1), (x0 + 0.3, y0), arrowprops=dict(arrowstyle="->", color=colour))
    ax.text(x0 + 0.33 * (x1 - x0), y0 + 0.33 * (y1 - y0), label, ha="center", va="center", fontsize=9, style="italic",
            bbox=dict(boxstyle="round,pad=0.1", facecolor="white", edgecolor="none"))


def draw_neural_diagram(ax, n_inputs, n_outputs):
    """Linear regression as a network: inputs and a bias node feed weighted sums, passed through the identity."""

    def heights(n):
        return np.linspace(-(n - 1) / 2, (n - 1) / 2, n)[::-1] * 1.4

    inputs = [(0.0, h) for h in heights(n_inputs)]
    bias = (0.0, min(h for _, h in inputs) - 1.6)
    sums = [(3.0, h) for h in heights(n_outputs)]
    for j, (sx, sy) in enumerate(sums, start=1):
        for i, (ix, iy) in enumerate(inputs, start=1):
            _weighted_edge(ax, (ix, iy), (sx, sy), _subscript("w", i, j), "tab:blue")
        _weighted_edge(ax, bias, (sx, sy), _subscript("b", j), "tab:purple")
        ax.annotate("", (sx + 0.95, sy), (sx + 0.3, sy), arrowprops=dict(arrowstyle="->"))
        ax.add_patch(plt.Circle((sx + 1.25, sy), 0.3, facecolor="tab:orange", edgecolor="black"))
        ax.text(sx + 1.25, sy, "id", ha="center", va="center", fontsize=9)
        ax.annotate("", (sx + 2.1, sy), (sx + 1.55, sy), arrowprops=dict(arrowstyle="->"))
        ax.text(sx + 2.2, sy, _subscript("ŷ", j), va="center", fontsize=13, style="italic")
    for i, (ix, iy) in enumerate(inputs, start=1):
        ax.add_patch(plt.Circle((ix, iy), 0.3, facecolor="tab:blue", edgecolor="black"))
        ax.text(ix - 0.45, iy, _subscript("x", i), ha="right", va="center", fontsize=13, style="italic")
    ax.add_patch(plt.Circle(bias, 0.3, facecolor="tab:purple", edgecolor="black"))
    ax.text(bias[0], bias[1], "1", ha="center", va="center", color="white", fontsize=11)
    for sx, sy in sums:
        ax.add_patch(plt.Circle((sx, sy), 0.3, facecolor="white", edgecolor="black"))
        ax.text(sx, sy, "Σ", ha="center", va="center", fontsize=12)
    top = max(max(h for _, h in inputs), max(h for _, h in sums)) + 0.8
    ax.set_xlim(-1.3, 6.0)
    ax.set_ylim(bias[1] - 0.8, top)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax


# ---------------------------------------------------------------------------------------------------------
# Notebooks 09 and 10 (neural networks): two classes in the plane and a decision boundary
# ---------------------------------------------------------------------------------------------------------

#: Colour and marker of class 0 and class 1: the marker tells them apart where colour cannot.
CLASS_STYLES = ((COLOURS[0], "o"), (COLOURS[1], "^"))


def draw_classes(ax, x, y, names=("class 0", "class 1"), size=16):
    """The points ``x`` (n × 2) with labels ``y`` (0 or 1), each class in its own colour and marker."""
    x, y = np.asarray(x), np.asarray(y)
    for label, (name, (colour, marker)) in enumerate(zip(names, CLASS_STYLES)):
        points = x[y == label]
        ax.scatter(points[:, 0], points[:, 1], s=size, color=colour, marker=marker, edgecolors="black",
                   linewidths=0.4, label=name)
    ax.set_xlabel("x₁")
    ax.set_ylabel("x₂")
    ax.set_aspect("equal")
    return ax


def draw_decision_boundary(ax, xs, ys, probabilities, label="boundary (p = 1/2)", shade=True):
    """The line where the probability of class 1 is 1/2 (black), over the two regions it divides, lightly
    shaded in the classes' colours; ``xs``, ``ys``, ``probabilities`` are the grid's n × n arrays."""
    p = np.asarray(probabilities)
    if shade:
        light = ListedColormap([CLASS_STYLES[0][0], CLASS_STYLES[1][0]])
        ax.imshow(p > 0.5, cmap=light, alpha=0.15, origin="lower", interpolation="nearest", aspect="equal",
                  extent=(xs.min(), xs.max(), ys.min(), ys.max()))
    if p.min() < 0.5 < p.max():
        ax.contour(xs, ys, p, levels=[0.5], colors="black", linewidths=1.5)
    if label:
        ax.plot([], [], color="black", linewidth=1.5, label=label)  # the contour's entry in the legend
    ax.set_xlim(xs.min(), xs.max())
    ax.set_ylim(ys.min(), ys.max())
    return ax
