"""The goldfield of notebook 03: its gradient, critical points, Hessians, basins, exercises, and the seed's calls.

Every number notebook 03 states is asserted here against its derivation.
"""

import ast
import functools
import io
import itertools
from contextlib import redirect_stdout
from inspect import getsource

import jax
import jax.numpy as jnp
import matplotlib
import numpy as np
import pytest

from dl_workshop import goldfield as gf
from dl_workshop import jax_idioms
from dl_workshop.checks import WRONG, evaluate, get_exercise
from dl_workshop.optim import descent_path
from dl_workshop.plotting import draw_basins, draw_surface
from exercise_assertions import assert_nudged, assert_reference_right_and_slips_hinted

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

POINTS = [(3.0, 4.0), (0.5, -1.0), (-1.2, 0.3), (0.0, 2.0)]
SQRT2, SQRT5 = np.sqrt(2.0), np.sqrt(5.0)
LAMBDA_MINUS, LAMBDA_PLUS = 2 - 2 * SQRT5, 2 + 2 * SQRT5  # the Hessian's eigenvalues at the saddle
CLOSE_PAIR = [(0.5, -0.30), (0.5, -0.33)]
EXERCISES = ["grad_ex_1", "critical_points", "hessian_eigenvalues", "end_points", "grad_ex_3"]

end_points = jax.jit(gf.end_points)


def analytic_gradient(x, y):
    return 4 * x - 4 * y, -4 * x + 4 * y**3


def analytic_hessian(x, y):
    return np.array([[4.0, -4.0], [-4.0, 12 * y**2]])


def label_of(start, step_size=gf.STEP_SIZE):
    """0 when descent from ``start`` ends at (−1, −1), 1 at (1, 1), −1 at neither."""
    return int(gf.nearest_minimum(end_points(np.array([start], dtype=np.float32), step_size))[0])


def boundary_crossing(start_at, low, high, steps=24):
    """Where, between ``low`` and ``high``, the starts ``start_at(t)`` change basin (bisection)."""
    low_label = label_of(start_at(low))
    assert label_of(start_at(high)) == 1 - low_label
    for _ in range(steps):
        middle = (low + high) / 2
        low, high = (middle, high) if label_of(start_at(middle)) == low_label else (low, middle)
    return (low + high) / 2


# --- the field, its gradient and its critical points ---------------------------------------------------


@pytest.mark.parametrize("x, y", POINTS)
def test_grad_ex_1_is_the_analytic_gradient(x, y):
    np.testing.assert_allclose(gf.grad_ex_1()(x, y), analytic_gradient(x, y), rtol=1e-6)


def test_the_check_value_of_exercise_1():
    assert analytic_gradient(3.0, 4.0) == (-4.0, 244.0)


def test_the_critical_points_are_every_solution_of_a_zero_gradient_and_have_the_heights_stated():
    # 4x − 4y = 0 forces x = y; then 4y³ − 4y = 0: its real roots are all the critical points.
    roots = np.sort(np.roots([4.0, 0.0, -4.0, 0.0]).real)
    np.testing.assert_allclose([(y, y) for y in roots], gf.critical_points(), atol=1e-12)
    dgoldfield = gf.grad_ex_1()
    for point in gf.critical_points():
        assert [float(g) for g in dgoldfield(*point)] == [0.0, 0.0]
    assert [float(gf.goldfield(*point)) for point in gf.critical_points()] == [1.0, 2.0, 1.0]


def test_the_printed_source_of_the_field_gives_no_critical_point_away():
    source = getsource(gf.goldfield)
    assert "def goldfield(x, y):" in source
    assert not any(word in source for word in ("minim", "saddle", "(1, 1)", "(−1, −1)"))


# --- the Hessian and its eigenvalues -------------------------------------------------------------------


@pytest.mark.parametrize("x, y", POINTS)
def test_the_hessian_by_hand_is_jax_hessian(x, y):
    np.testing.assert_allclose(jax.hessian(gf.goldfield_at)(jnp.array([x, y])), analytic_hessian(x, y), rtol=1e-6)


@pytest.mark.parametrize("a, b, d", [(4.0, -4.0, 0.0), (4.0, -4.0, 12.0), (1.0, 2.0, -3.0), (-2.0, 0.5, -1.0)])
def test_the_characteristic_polynomial_gives_the_eigenvalues_of_a_2_by_2_matrix(a, b, d):
    root = np.sqrt(((a - d) / 2) ** 2 + b**2)
    np.testing.assert_allclose([(a + d) / 2 - root, (a + d) / 2 + root], np.linalg.eigvalsh([[a, b], [b, d]]))


@pytest.mark.parametrize(
    "point, kind, eigenvalues",
    [((0.0, 0.0), "saddle", (LAMBDA_MINUS, LAMBDA_PLUS)),
     ((1.0, 1.0), "minimum", (8 - 4 * SQRT2, 8 + 4 * SQRT2)),
     ((-1.0, -1.0), "minimum", (8 - 4 * SQRT2, 8 + 4 * SQRT2))],
)
def test_hessian_eigenvalues_classify_the_critical_points(point, kind, eigenvalues):
    values = gf.hessian_eigenvalues(gf.goldfield_at, jnp.array(point))
    assert gf.kind_of_critical_point(values) == kind
    np.testing.assert_allclose(values, eigenvalues, rtol=1e-5)


def test_the_numbers_stated_for_the_eigenvalues():
    assert f"{LAMBDA_MINUS:+.3f} {LAMBDA_PLUS:+.3f}" == "-2.472 +6.472"
    assert f"{8 - 4 * SQRT2:.3f} {8 + 4 * SQRT2:.3f}" == "2.343 13.657"


def test_the_diagonal_at_the_saddle_shows_no_downward_curvature_but_an_eigenvalue_is_negative():
    hessian = np.asarray(jax.hessian(gf.goldfield_at)(jnp.zeros(2)))
    assert np.diag(hessian).tolist() == [4.0, 0.0]
    assert gf.kind_of_critical_point(np.diag(hessian)) != "saddle"
    assert np.linalg.eigvalsh(hessian)[0] < 0


@pytest.mark.parametrize("eigenvalues, kind", [
    ((-3.0, -1.0), "maximum"), ((0.0, 2.0), "undecided"), ((-1.0, 2.0), "saddle"), ((-1.0, 0.0, 2.0), "saddle"),
    ((0.5, 2.0), "minimum"),
])
def test_kind_of_critical_point_reads_the_signs(eigenvalues, kind):
    assert gf.kind_of_critical_point(np.array(eigenvalues)) == kind


def test_the_field_upside_down_has_maxima_where_the_gold_is():
    values = gf.hessian_eigenvalues(gf.hill_at, jnp.array([1.0, 1.0]))
    assert gf.kind_of_critical_point(values) == "maximum"


# --- the start decides the minimum ---------------------------------------------------------------------


def test_the_close_pair_is_close_on_one_side_of_y_equals_minus_x_and_ends_at_different_minima():
    (x0, y0), (x1, y1) = CLOSE_PAIR
    assert np.hypot(x1 - x0, y1 - y0) == pytest.approx(0.03)
    assert y0 > -x0 and y1 > -x1  # both above the line y = −x, the guess for the boundary
    ends = np.asarray(end_points(np.array(CLOSE_PAIR, dtype=np.float32), gf.STEP_SIZE))
    np.testing.assert_allclose(ends, [[1.0, 1.0], [-1.0, -1.0]], atol=1e-4)
    assert [f"({x:+.4f}, {y:+.4f})" for x, y in ends] == ["(+1.0000, +1.0000)", "(-1.0000, -1.0000)"]


def test_the_pair_passes_the_saddle_about_0045_away_on_opposite_sides():
    for start in CLOSE_PAIR:
        path, _ = descent_path(gf.goldfield_at, np.array(start, dtype=np.float32), step_size=0.01, n_steps=1000)
        distances = np.linalg.norm(np.asarray(path), axis=1)
        assert distances.min() == pytest.approx(0.045, abs=0.001)


def test_the_boundary_at_x_half_passes_between_the_pair_at_minus_0315():
    crossing = boundary_crossing(lambda y: (0.5, y), -0.33, -0.30)
    assert f"{crossing:.3f}" == "-0.315"


def test_near_the_saddle_the_boundary_follows_the_positive_eigenvalues_eigenvector():
    hessian = np.asarray(jax.hessian(gf.goldfield_at)(jnp.zeros(2)), dtype=np.float64)
    values, vectors = np.linalg.eigh(hessian)
    along = vectors[:, 1] / vectors[0, 1]  # the eigenvector of λ₊, scaled to (1, slope)
    slope = (4 - LAMBDA_PLUS) / 4
    golden_ratio = (1 + SQRT5) / 2
    np.testing.assert_allclose(along, [1.0, slope], rtol=1e-5)
    assert slope == pytest.approx(-1 / golden_ratio) and f"{slope:.3f}" == "-0.618"
    # A step multiplies the distances along the eigenvectors by 1 − ηλ: 0.935 towards the line, 1.025 away.
    assert f"{1 - 0.01 * LAMBDA_PLUS:.3f} {1 - 0.01 * LAMBDA_MINUS:.3f}" == "0.935 1.025"
    # Starts just above and below the line, near the saddle, go to opposite minima.
    for t in (-0.3, -0.1, 0.1, 0.3):
        assert (label_of((t, slope * t + 0.01)), label_of((t, slope * t - 0.01))) == (1, 0)


def test_further_out_the_boundary_bends_away_from_the_line_and_leaves_near_the_corners():
    slope = (4 - LAMBDA_PLUS) / 4
    assert boundary_crossing(lambda y: (1.5, y), -1.5, -0.5) < slope * 1.5 - 0.2
    assert boundary_crossing(lambda x: (x, 2.0), -2.0, 0.0) < -1.9
    assert boundary_crossing(lambda x: (x, -2.0), 2.0, 0.0) > 1.9


def test_the_basin_map_every_start_finds_gold_and_the_basins_mirror_each_other():
    X, Y, starts = gf.grid_starts(2.0, 140)
    labels = np.asarray(gf.nearest_minimum(end_points(starts, gf.STEP_SIZE))).reshape(X.shape)
    assert starts.shape == (19600, 2) and not (starts == 0).all(axis=1).any()  # no start on the saddle
    assert ((labels == 0).sum(), (labels == 1).sum(), (labels < 0).sum()) == (9800, 9800, 0)
    # goldfield(−x, −y) = goldfield(x, y): the start −p ends at the minimum opposite to p's.
    np.testing.assert_array_equal(labels, 1 - labels[::-1, ::-1])
    assert labels[-1, -1] == 1 and labels[0, 0] == 0  # the corners (2, 2) and (−2, −2)


def test_a_start_on_the_saddle_never_moves():
    np.testing.assert_array_equal(gf.end_point(jnp.zeros(2)), [0.0, 0.0])


def test_the_robot_on_one_axis_stops_where_x_equals_y():
    for y, height in [(1.0, 1.0), (0.5, 1.5625), (-1.0, 1.0)]:
        dfdx = jax.jit(gf.grad_ex_3(y))
        x = 0.1
        for _ in range(300):
            x = x - 0.01 * dfdx(x)
        assert float(x) == pytest.approx(y, abs=1e-4)
        assert f"{float(gf.goldfield(float(x), y)):.4f}" == f"{height:.4f}"


@pytest.mark.parametrize("y", [1.0, 0.5, -2.0])
def test_grad_ex_3_is_the_x_derivative(y):
    dfdx = jax.jit(gf.grad_ex_3(y))
    for x in (-1.0, 0.1, 2.0):
        assert float(dfdx(x)) == pytest.approx(4 * x - 4 * y, abs=1e-5)


# --- the exercises' checks ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", EXERCISES)
def test_reference_passes_its_check_and_every_slip_gets_its_hint(name):
    assert_reference_right_and_slips_hinted(name)


@pytest.mark.parametrize("name, other_right_answer", [
    ("grad_ex_1", lambda: jax.grad(gf.goldfield, argnums=(0, 1))),
    ("critical_points", lambda: [[-1, -1], [0, 0], [1, 1]]),
    ("end_points", lambda starts, step_size: jax.vmap(lambda start: gf.end_point(start, step_size))(starts)),
    ("grad_ex_3", lambda y=1.0: jax.grad(lambda x: gf.goldfield(x, y))),
    ("grad_ex_3", lambda y=1.0: jax.grad(__import__("functools").partial(gf.goldfield, y=y))),
])
def test_other_right_answers_pass(name, other_right_answer):
    assert evaluate(name, other_right_answer).kind == "right"


# A wrong answer no slip foresees, for each exercise: the general hint must not give the answer away.
UNFORESEEN = {
    "grad_ex_1": (lambda: lambda x, y: (x, y), ["4 * y**3", "4y³", "argnums"]),
    "critical_points": (lambda: [(2.0, 2.0), (3.0, 3.0), (4.0, 4.0)], ["x = y", "y = −1, 0"]),
    "hessian_eigenvalues": (lambda f, point: jnp.zeros(2), ["eigvalsh", "jax.hessian(f)(point)"]),
    "end_points": (lambda starts, step_size: starts * 0.0, ["in_axes=(0, None)", "lambda start"]),
    "grad_ex_3": (lambda y=1.0: lambda x: 0.0 * x, ["jax.grad(lambda", "jax.grad(functools"]),
}


@pytest.mark.parametrize("name", EXERCISES)
def test_the_first_hint_is_a_nudge_and_the_recipe_comes_at_the_second_wrong_try(name):
    answer, giveaways = UNFORESEEN[name]
    first, second = evaluate(name, answer, attempt=1), evaluate(name, answer, attempt=2)
    assert first.kind == second.kind == WRONG
    assert not any(giveaway in first.message for giveaway in giveaways), first.message
    assert get_exercise(name).recipe in second.message


@pytest.mark.parametrize("name, answer, shown", [
    ("hessian_eigenvalues", lambda f, point: jnp.linalg.eigvalsh(f(point)), "Hessian matrix of f at the point"),
    ("hessian_eigenvalues", lambda f, point: jnp.linalg.eigvalsh(jax.grad(f)(point)), "Hessian matrix of f at"),
    ("hessian_eigenvalues", lambda f, point: jnp.linalg.eigvalsh(jax.hessian(f)), "Hessian matrix of f at"),
    ("end_points", lambda starts, step_size: jax.vmap(gf.end_point)(starts, step_size), "map starts alone"),
])
def test_slips_that_raise_get_the_exercises_hint(name, answer, shown):
    """Eigenvalues of the function or its gradient instead of its Hessian, and a vmap over the shared step size,
    raise inside the learner's code; the check names the error and gives the nudge."""
    outcome = evaluate(name, answer)
    assert outcome.kind == "raised" and shown in outcome.message, outcome.message


# The reviewers' attempts (2026-12-01): each first message says what to change, and gives no answer away.
@pytest.mark.parametrize("name, attempt, shown, not_shown", [
    ("grad_ex_3", lambda y=1.0: functools.partial(jax.grad(gf.goldfield), y),
     ["first parameter, which is x", "by name"], ["derivative in y", "jax.grad(functools"]),
    ("grad_ex_3", lambda y=1.0: jax.grad(functools.partial(gf.goldfield, y)),
     ["first parameter, which is x", "differentiates in y", "by name"], ["jax.grad(functools", "lambda x:"]),
    ("critical_points", lambda: [(-1.0, -1.0), (1.0, 1.0)], ["one point is missing", "three roots"],
     ["y = 0 is one", "y = −1, 0"]),
    ("end_points", lambda starts, step_size: jax.vmap(gf.end_point)(starts, step_size),
     ["in_axes", "must not be mapped"], ["in_axes=(0, None)"]),
])
def test_the_reviewers_attempts_get_a_targeted_nudge(name, attempt, shown, not_shown):
    assert_nudged(name, attempt, shown, not_shown)


def test_exercise_5s_hint_names_the_closure_and_functools_partial_and_its_recipe_shows_them():
    exercise = get_exercise("grad_ex_3")
    assert "lambda" in exercise.hint and "functools.partial" in exercise.hint and "by name" in exercise.hint
    assert "goldfield(x, y)" not in exercise.hint and "y=y" not in exercise.hint  # the code waits for the recipe
    assert "lambda x: goldfield(x, y)" in exercise.recipe and "functools.partial(goldfield, y=y)" in exercise.recipe


def test_the_slips_for_the_order_of_the_critical_points_cover_every_wrong_order():
    orders = list(itertools.permutations([(-1, -1), (0, 0), (1, 1)]))[1:]
    for order in orders:
        outcome = evaluate("critical_points", lambda order=order: [tuple(map(float, p)) for p in order])
        assert "smallest x to the largest" in outcome.details["hint"]


def test_a_gradient_function_that_cannot_be_compiled_is_caught_by_its_check():
    def grad_in_plain_floats():
        return lambda x, y: (float(4 * x - 4 * y), float(-4 * x + 4 * y**3))

    outcome = evaluate("grad_ex_1", grad_in_plain_floats)
    assert outcome.kind == "raised" and "ConcretizationTypeError" in outcome.message


# --- the figures' helpers ------------------------------------------------------------------------------


def test_the_surface_band_runs_along_the_diagonal_with_straight_edges():
    X, Y = gf.diagonal_band(1.6, 0.6)
    along, across = (X + Y) / np.sqrt(2), (X - Y) / np.sqrt(2)
    np.testing.assert_allclose([along.min(), along.max(), across.min(), across.max()], [-1.6, 1.6, -0.6, 0.6],
                               rtol=1e-6)
    np.testing.assert_allclose(across[:, 0], across[:, -1])  # each edge is one straight line
    assert float(gf.goldfield(X, Y).min()) == pytest.approx(1.0, abs=2e-3)  # both hollows lie inside


def test_draw_surface_over_a_given_grid_spans_the_limits_asked_for():
    fig = plt.figure()
    ax = fig.add_subplot(projection="3d")
    draw_surface(ax, gf.goldfield, (-1.6, 1.6), (-1.6, 1.6), labels=("x", "y", "f"), grid=gf.diagonal_band(1.6, 0.6))
    assert ax.get_xlim() == pytest.approx((-1.6, 1.6)) and ax.get_ylim() == pytest.approx((-1.6, 1.6))
    assert (ax.get_xlabel(), ax.get_ylabel(), ax.get_zlabel()) == ("x", "y", "f")
    plt.close(fig)


def test_draw_basins_puts_earlier_labelled_artists_in_its_legend_where_asked():
    X, Y, _ = gf.grid_starts(2.0, 4)
    fig, ax = plt.subplots()
    ax.plot(0, 0, "o", label="saddle")
    draw_basins(ax, X, Y, np.array([[0, 0, 1, 1]] * 4), names=("left", "right"),
                legend_kw=dict(loc="upper left", bbox_to_anchor=(1.02, 1)))
    legend = ax.get_legend()
    assert [text.get_text() for text in legend.get_texts()] == ["left", "right", "saddle"]
    assert legend.get_bbox_to_anchor().x0 > ax.get_window_extent().x1  # outside the map, hiding nothing
    plt.close(fig)


# --- the names the seed notebooks import ------------------------------------------------------------------


def test_jax_idioms_re_exports_the_reference_answers():
    assert jax_idioms.goldfield is gf.goldfield
    assert (jax_idioms.grad_ex_1, jax_idioms.grad_ex_2, jax_idioms.grad_ex_3) == (
        gf.grad_ex_1, gf.grad_ex_2, gf.grad_ex_3)


@pytest.mark.parametrize("start, gold", [((0.1, 0.1), (1.0, 1.0)), ((0.3, -0.4), (-1.0, -1.0))])
def test_grad_ex_2_descends_to_the_nearest_gold(start, gold):
    x, y = gf.grad_ex_2(*start, jax.jit(gf.grad_ex_1()), n_steps=1000)
    np.testing.assert_allclose([x, y], gold, atol=1e-4)
    assert float(gf.goldfield(x, y)) < float(gf.goldfield(*start))


# The code cells of seed 003's goldfield section, line for line (its MLE cell's `import jax.numpy as np`
# is the `np` the plot cell uses).
SEED_CELLS = [
    """\
from inspect import getsource
from dl_workshop.jax_idioms import goldfield

print(getsource(goldfield))
""",
    """\
from typing import Callable

def grad_ex_1():
    # your answer here
    pass

from dl_workshop.jax_idioms import grad_ex_1

dgoldfield = grad_ex_1()
dgoldfield(3.0, 4.0)
""",
    """\
# Start somewhere
def grad_ex_2(x, y, dgoldfield):
    # your answer goes here
    pass

from dl_workshop.jax_idioms import grad_ex_2

grad_ex_2(x=0.1, y=0.1, dgoldfield=dgoldfield)
""",
    """\
def grad_ex_3():
    # your answer goes here
    pass

from dl_workshop.jax_idioms import grad_ex_3

dgoldfield_dx = grad_ex_3()

# Start somewhere and optimize!
x = 0.1
for i in range(300):
    dx = dgoldfield_dx(x)
    x -= dx * 0.01
x
""",
    """\
import jax.numpy as np
import matplotlib.pyplot as plt
from matplotlib import cm

fig, ax = plt.subplots(subplot_kw={"projection": "3d"})

# Change the limits of the x and y plane here if you'd like to see a zoomed out view.
X = np.arange(-1.5, 1.5, 0.01)
Y = np.arange(-1.5, 1.5, 0.01)
X, Y = np.meshgrid(X, Y)
Z = goldfield(X, Y)

# Plot the surface.
surf = ax.plot_surface(
    X,
    Y,
    Z,
    cmap=cm.coolwarm,
    linewidth=0,
    antialiased=False,
)
ax.view_init(elev=20.0, azim=20)
""",
]


def run_cell(source, namespace):
    """Run a cell as IPython does: its last line, when an expression, is the cell's value."""
    tree = ast.parse(source)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    exec(compile(tree, "<seed cell>", "exec"), namespace)
    return eval(compile(ast.Expression(last.value), "<seed cell>", "eval"), namespace) if last else None


def test_the_seed_goldfield_cells_run_as_written():
    namespace, printed = {}, io.StringIO()
    with redirect_stdout(printed):
        values = [run_cell(cell, namespace) for cell in SEED_CELLS]
    assert "def goldfield(x, y):" in printed.getvalue()
    np.testing.assert_allclose(values[1], (-4.0, 244.0))
    np.testing.assert_allclose(values[2], (1.0, 1.0), atol=1e-2)
    assert float(values[3]) == pytest.approx(1.0, abs=1e-4)
    assert namespace["Z"].shape == (300, 300) and float(namespace["Z"].min()) == pytest.approx(1.0, abs=1e-3)
    plt.close("all")
