"""Reference answers of notebook 01 against their analytic values, and the numbers its text states against
their derivations."""

import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax.scipy.optimize import minimize

from dl_workshop.checks import evaluate, get_exercise
from dl_workshop.gradient_basics import (
    bowl, bowl_gradient, bowl_vector, central_difference, dbowl, dpolynomial_by_hand, gradient_descent,
    largest_stable_step, polynomial, ravine, ravine_vector,
)
from exercise_assertions import assert_reference_right_and_slips_hinted

POINTS = jnp.linspace(-4.0, 4.0, 17)
EPS = float(np.finfo(np.float32).eps)
STEPS = np.logspace(-6, 0, 49, dtype=np.float32)  # the notebook's 49 step sizes
RAVINE_START = jnp.array([-4.5, 1.2])
EXERCISES = ["dpolynomial_by_hand", "central_difference", "bowl_gradient", "gradient_descent", "largest_stable_step"]


def dravine(theta):
    """The ravine's gradient (2θ0, 20θ1), the analytic value of `jax.grad(ravine_vector)`."""
    return jnp.array([2.0, 20.0]) * theta


def test_grad_of_a_line_is_its_slope_everywhere():
    line = lambda x: 3.0 * x + 1.0  # noqa: E731
    np.testing.assert_allclose(jax.vmap(jax.grad(line))(POINTS), 3.0)


def test_derivative_by_hand_matches_grad_and_the_power_rule():
    np.testing.assert_allclose(dpolynomial_by_hand(POINTS), jax.vmap(jax.grad(polynomial))(POINTS), rtol=1e-6)
    assert float(dpolynomial_by_hand(3.0)) == 22.0
    assert float(jax.grad(jax.grad(polynomial))(0.5)) == 6.0


@pytest.mark.parametrize(
    "f, df, x", [(jnp.sin, jnp.cos, 0.7), (jnp.exp, jnp.exp, 1.0), (polynomial, dpolynomial_by_hand, 3.0)]
)
def test_central_difference_approaches_the_derivative(f, df, x):
    errors = [abs(float(central_difference(f, x, h) - df(x))) for h in (0.2, 0.1, 0.05)]
    assert errors[-1] < 2e-3
    assert errors == sorted(errors, reverse=True) or errors[0] < 1e-4  # shrinks, unless exact already


def test_central_difference_is_second_order():
    error = lambda h: abs(float(central_difference(jnp.sin, 0.7, h)) - float(jnp.cos(0.7)))  # noqa: E731
    assert 3.5 < error(0.2) / error(0.1) < 4.5


def test_a_central_difference_that_cannot_be_traced_is_caught_by_its_check():
    """The notebook runs the checked answer under vmap and jit; one using float() must not get that far."""

    def with_float(f, x, h):
        return float((f(x + h) - f(x - h)) / (2.0 * h))

    assert evaluate("central_difference", central_difference).kind == "right"
    outcome = evaluate("central_difference", with_float)
    assert outcome.kind == "raised" and "ConcretizationTypeError" in outcome.message
    assert ": `return float(" in outcome.message


def test_bowl_gradient_is_twice_theta_in_both_arguments():
    for a, b in [(2.0, 1.0), (-0.5, 3.0), (0.0, 0.0)]:
        assert tuple(float(g) for g in bowl_gradient()(a, b)) == (2 * a, 2 * b)
    theta = jnp.array([2.0, 1.0])
    np.testing.assert_allclose(jax.grad(bowl_vector)(theta), dbowl(theta))
    np.testing.assert_allclose(jax.hessian(bowl_vector)(theta), 2.0 * jnp.eye(2))
    assert float(bowl(2.0, 1.0)) == 5.0


def test_bowl_descent_shrinks_the_cost_by_064_per_step():
    path = gradient_descent(dbowl, jnp.array([2.0, 1.0]), 0.1, 10)
    assert path.shape == (11, 2)
    costs = jax.vmap(bowl_vector)(path)
    np.testing.assert_allclose(costs[:3], [5.0, 3.2, 2.048], rtol=1e-6)
    np.testing.assert_allclose(costs[1:] / costs[:-1], 0.64, rtol=1e-5)


def test_bowl_descent_diverges_above_step_size_one():
    costs = jax.vmap(bowl_vector)(gradient_descent(dbowl, jnp.array([2.0, 1.0]), 1.05, 10))
    np.testing.assert_allclose(costs[1:] / costs[:-1], 1.1**2, rtol=1e-5)


def test_polynomial_descent_reaches_its_minimum():
    path = gradient_descent(jax.jit(jax.grad(polynomial)), 3.0, 0.01, 200)
    assert path.shape == (201,)
    assert abs(float(path[-1]) + 2 / 3) < 1e-4




@pytest.mark.parametrize("name", EXERCISES)
def test_each_reference_passes_its_check_and_each_slip_gets_its_hint(name):
    assert_reference_right_and_slips_hinted(name)


@pytest.mark.parametrize("name", EXERCISES)
def test_each_exercise_has_a_nudge_and_a_fuller_recipe(name):
    ex = get_exercise(name)
    assert ex.hint and ex.recipe and ex.hint != ex.recipe


def test_the_precedence_slip_gets_its_own_hint():
    outcome = evaluate("central_difference", lambda f, x, h: (f(x + h) - f(x - h)) / 2 * h)
    assert outcome.kind == "wrong" and "left to right" in outcome.details["hint"]


def test_a_path_returned_as_a_list_of_points_is_told_to_stack_them():
    def as_list(grad_fn, start, step_size, n_steps):
        theta = jnp.asarray(start)
        path = [theta]
        for _ in range(n_steps):
            theta = theta - step_size * grad_fn(theta)
            path.append(theta)
        return path

    outcome = evaluate("gradient_descent", as_list)
    assert outcome.kind == "wrong" and outcome.message.count("jnp.stack(path)") == 1, outcome.message
    assert "only their container" in outcome.details["hint"]


# --- Section 2: the float32 table and the error plot --------------------------------------------------------


def test_float32_table_of_the_parabola_shows_rounding_alone_growing_as_h_shrinks():
    """p is quadratic, so the central difference makes no truncation error: in float32 what is left is rounding,
    below its estimate ε·|p(3)|/h and growing as h shrinks; in float64 the same steps are exact to 1e-9."""
    errors = []
    for h in (0.1, 0.01, 0.001, 0.0001):
        estimate = central_difference(polynomial, np.float32(3.0), np.float32(h))
        assert estimate.dtype == np.float32
        error = abs(float(estimate) - 22.0)
        assert 0.0 < error <= EPS * 36.0 / h
        errors.append(error)
    assert errors == sorted(errors) and errors[-1] > 100 * errors[0]
    assert [f"{e:.1e}" for e in errors] == ["3.1e-05", "6.9e-05", "6.4e-04", "8.3e-03"]  # the text quotes 3e-5, 8e-3
    assert all(abs(central_difference(polynomial, 3.0, h) - 22.0) < 1e-9 for h in (0.1, 0.01, 0.001, 0.0001))


def test_the_exp_guides_cross_at_the_cube_root_of_6_eps_and_their_sum_is_least_at_3_eps():
    h = np.logspace(-4, -1, 300_001)
    rounding, truncation = EPS * np.e / h, np.e * h**2 / 6  # e^x at 1: f = f''' = e
    crossing = h[np.argmin(np.abs(np.log(rounding / truncation)))]
    least = h[np.argmin(rounding + truncation)]
    assert crossing == pytest.approx((6 * EPS) ** (1 / 3), rel=1e-4)
    assert least == pytest.approx((3 * EPS) ** (1 / 3), rel=1e-4)
    assert (f"{crossing:.0e}", f"{least:.0e}") == ("9e-03", "7e-03")


def test_measured_float32_error_of_the_polynomial_grows_as_h_shrinks_over_the_figures_whole_range():
    """The figure's alt text: over all 49 step sizes the parabola's error follows its rounding guide, ∝ 1/h (on
    log axes a line of slope −1); exact hits, error 0, are left out as the figure leaves them out."""
    estimates = jax.jit(jax.vmap(lambda h: central_difference(polynomial, 3.0, h)))(STEPS)
    errors = np.abs(np.asarray(estimates) - 22.0)
    measured = errors > 0
    slope, _ = np.polyfit(np.log10(STEPS[measured]), np.log10(errors[measured]), 1)
    assert slope == pytest.approx(-1.0, abs=0.1)


def test_measured_float32_error_of_exp_is_least_near_3e_3_and_below_the_rounding_guide():
    estimates = jax.jit(jax.vmap(lambda h: central_difference(jnp.exp, 1.0, h)))(STEPS)
    errors = np.abs(np.asarray(estimates) - np.float32(np.e))
    best = int(np.argmin(errors))
    assert f"{STEPS[best]:.0e}" == "3e-03" and f"{errors[best]:.0e}" == "6e-06"
    small = STEPS <= 1e-3  # rounding dominates: the measured errors stay below the worst case ε·e/h
    assert np.all(errors[small] < EPS * np.e / STEPS[small])
    large = STEPS >= 3e-2  # truncation dominates: the guide e·h²/6 is the error
    np.testing.assert_allclose(errors[large], np.e * STEPS[large] ** 2 / 6, rtol=0.06)


# --- Sections 5 and 6: step sizes, the ravine, BFGS ---------------------------------------------------------


def test_round_bowl_runs_of_the_figure_multiply_theta0_by_one_minus_two_eta():
    for step_size, start in [(0.02, [-1.0, -2.0]), (0.1, [2.0, 1.0]), (1.05, [1.0, -2.0])]:
        path = np.asarray(gradient_descent(dbowl, jnp.array(start), step_size, 10))
        np.testing.assert_allclose(path[1:, 0] / path[:-1, 0], 1 - 2 * step_size, rtol=1e-5)
    side = np.sign(np.asarray(gradient_descent(dbowl, jnp.array([1.0, -2.0]), 1.05, 10))[:, 0])
    assert np.all(side[1:] == -side[:-1])  # the 1.05 run changes side at every step
    one_step = np.asarray(gradient_descent(dbowl, jnp.array([2.0, 1.0]), 0.5, 1))
    np.testing.assert_array_equal(one_step[1], [0.0, 0.0])  # step 1/L lands on the round bowl's minimum


def test_largest_stable_step_is_two_over_the_largest_eigenvalue_of_the_ravine_hessian():
    curvatures = np.linalg.eigvalsh(np.asarray(jax.hessian(ravine_vector)(jnp.array([0.3, -0.2]))))
    np.testing.assert_allclose(curvatures, [2.0, 20.0])
    assert largest_stable_step(1.0, 10.0) == pytest.approx(2 / curvatures.max())
    below, above = (np.asarray(gradient_descent(dravine, RAVINE_START, s, 200)) for s in (0.099, 0.101))
    assert ravine_vector(below[-1]) < 1e-3 * ravine_vector(below[0])
    assert ravine_vector(above[-1]) > 10 * ravine_vector(above[0])


def test_ravine_table_costs_match_the_per_coordinate_factors():
    shown = {0.02: "0.342", 0.05: "0.000538", 0.09: "5.17e-08", 0.105: "1.98e+05"}  # as the notebook prints them
    for step_size, cost in shown.items():
        theta0, theta1 = np.asarray(gradient_descent(dravine, RAVINE_START, step_size, 50))[-1]
        assert f"{ravine(theta0, theta1):.3g}" == cost
        exact = (4.5 * (1 - 2 * step_size) ** 50) ** 2 + 10 * (1.2 * (1 - 20 * step_size) ** 50) ** 2
        assert float(ravine(theta0, theta1)) == pytest.approx(exact, rel=1e-3, abs=1e-12)


def test_on_the_ravine_gradient_descent_zigzags_for_44_steps_and_bfgs_needs_4_iterations():
    assert float(ravine_vector(RAVINE_START)) == pytest.approx(34.65)
    path = np.asarray(gradient_descent(dravine, RAVINE_START, 1 / 11, 50))
    costs = ravine(path[:, 0], path[:, 1])
    derived = math.ceil(math.log(1e-6 / 34.65) / math.log((9 / 11) ** 2))  # both coordinates shrink by 9/11
    assert int(np.argmax(costs < 1e-6)) == derived == 44
    assert np.all(np.sign(path[1:30, 1]) == -np.sign(path[:29, 1]))  # θ1 changes side at every step: a zigzag
    travel_across = np.sum(np.abs(np.diff(path[: derived + 1, 1])))
    assert travel_across > 5 * 1.2  # it crosses the valley again and again

    bfgs = jax.jit(lambda start, k: minimize(ravine_vector, start, method="BFGS", options={"maxiter": k}))
    result = bfgs(RAVINE_START, 100)
    assert (int(result.nit), int(result.njev)) == (4, 5) and float(result.fun) < 1e-10
    bfgs_path = np.stack([np.asarray(bfgs(RAVINE_START, k).x) for k in range(6)])
    assert np.sum(np.abs(np.diff(bfgs_path[:, 1]))) < 1.05 * 1.2  # across the valley it goes down once, no zigzag
