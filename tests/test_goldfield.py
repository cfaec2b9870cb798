"""The goldfield of notebook 03: its gradient, critical points, exercises, basins, and the seed's calls."""

import ast
import io
from contextlib import redirect_stdout

import jax
import matplotlib
import numpy as np
import pytest

from dl_workshop import goldfield as gf
from dl_workshop import jax_idioms
from dl_workshop.checks import evaluate
from exercise_assertions import (
    assert_reference_right_and_slips_hinted, assert_runs_as_shipped, assert_wrong_answers_hinted,
)

matplotlib.use("Agg")

POINTS = [(3.0, 4.0), (0.5, -1.0), (-1.2, 0.3), (0.0, 2.0)]
SQRT2, SQRT5 = np.sqrt(2.0), np.sqrt(5.0)


def analytic_gradient(x, y):
    return 4 * x - 4 * y, -4 * x + 4 * y**3


@pytest.mark.parametrize("x, y", POINTS)
def test_grad_ex_1_is_the_analytic_gradient(x, y):
    np.testing.assert_allclose(gf.grad_ex_1()(x, y), analytic_gradient(x, y), rtol=1e-6)


def test_critical_points_have_zero_gradient_and_the_values_found_by_hand():
    dgoldfield = gf.grad_ex_1()
    values = {name: float(gf.goldfield(*point)) for name, point in gf.CRITICAL_POINTS.items()}
    assert values == {"saddle": 2.0, "minimum (1, 1)": 1.0, "minimum (-1, -1)": 1.0}
    for point in gf.CRITICAL_POINTS.values():
        assert [float(g) for g in dgoldfield(*point)] == [0.0, 0.0]


@pytest.mark.parametrize(
    "point, kind, eigenvalues",
    [((0.0, 0.0), "saddle", (2 - 2 * SQRT5, 2 + 2 * SQRT5)),
     ((1.0, 1.0), "minimum", (8 - 4 * SQRT2, 8 + 4 * SQRT2)),
     ((-1.0, -1.0), "minimum", (8 - 4 * SQRT2, 8 + 4 * SQRT2))],
)
def test_hessian_eigenvalues_classify_the_critical_points(point, kind, eigenvalues):
    found, values = gf.classify(jax.hessian(gf.goldfield_at), point)
    assert found == kind
    np.testing.assert_allclose(values, eigenvalues, rtol=1e-5)


def test_negative_curvature_both_ways_is_a_maximum():
    kind, values = gf.classify(jax.hessian(lambda point: -gf.goldfield_at(point)), (1.0, 1.0))
    assert kind == "maximum" and (values < 0).all()


@pytest.mark.parametrize("start, gold", [((0.1, 0.1), (1.0, 1.0)), ((0.3, -0.4), (-1.0, -1.0))])
def test_grad_ex_2_descends_to_the_nearest_gold(start, gold):
    x, y = gf.grad_ex_2(*start, jax.jit(gf.grad_ex_1()), n_steps=1000)
    np.testing.assert_allclose([x, y], gold, atol=1e-4)
    assert float(gf.goldfield(x, y)) < float(gf.goldfield(*start))


@pytest.mark.parametrize("y", [1.0, 0.5, -2.0])
def test_grad_ex_3_is_the_x_derivative_and_its_descent_ends_at_x_equal_y(y):
    dfdx = jax.jit(gf.grad_ex_3(y))
    for x in (-1.0, 0.1, 2.0):
        assert float(dfdx(x)) == pytest.approx(4 * x - 4 * y, abs=1e-5)
    x = 0.1
    for _ in range(300):
        x -= dfdx(x) * 0.01
    assert float(x) == pytest.approx(y, abs=1e-3)


@pytest.mark.parametrize("name", ["grad_ex_1", "grad_ex_2", "grad_ex_3"])
def test_reference_passes_its_check_and_every_slip_gets_its_hint(name):
    assert_reference_right_and_slips_hinted(name)


def test_a_gradient_function_that_cannot_be_compiled_is_caught_by_its_check():
    def grad_in_plain_floats():
        return lambda x, y: (float(4 * x - 4 * y), float(-4 * x + 4 * y**3))

    outcome = evaluate("grad_ex_1", grad_in_plain_floats)
    assert outcome.kind == "raised" and "ConcretizationTypeError" in outcome.message


def test_basin_map_every_start_finds_gold_and_the_basins_mirror_each_other():
    X, Y, starts = gf.grid_starts(2.0, 40)  # even: no start sits on the saddle
    labels = gf.nearest_minimum(jax.jit(jax.vmap(gf.end_point))(starts)).reshape(X.shape)
    assert set(np.unique(labels)) <= {-1, 0, 1}
    assert (labels >= 0).mean() > 0.99
    # goldfield(−x, −y) = goldfield(x, y): the start −p ends at the minimum opposite to p's.
    settled = (labels >= 0) & (labels[::-1, ::-1] >= 0)
    np.testing.assert_array_equal(labels[settled], 1 - labels[::-1, ::-1][settled])
    assert labels[-1, -1] == 1 and labels[0, 0] == 0  # the corners (2, 2) and (−2, −2)


def test_jax_idioms_re_exports_the_reference_answers():
    assert jax_idioms.goldfield is gf.goldfield
    assert (jax_idioms.grad_ex_1, jax_idioms.grad_ex_2, jax_idioms.grad_ex_3) == (
        gf.grad_ex_1, gf.grad_ex_2, gf.grad_ex_3)


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
    matplotlib.pyplot.close("all")


NOTEBOOK = "03-goldfield.ipynb"


def test_learner_notebook_runs_to_the_end_as_shipped():
    assert_runs_as_shipped(NOTEBOOK, ("grad_ex_1", "grad_ex_2", "grad_ex_3"))


def test_a_wrong_answer_shows_its_hint_and_run_all_completes():
    assert_wrong_answers_hinted(NOTEBOOK, {
        "grad_ex_1": ("return jax.grad(goldfield)", "argnums=(0, 1) asks for x and y"),
        "grad_ex_3": ("return lambda x: jax.grad(goldfield, argnums=1)(x, y)", "that is the derivative in y"),
    })
