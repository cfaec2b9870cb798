"""Notebook 05's reference answers: closed form, scikit-learn and descent agree; scaling; units; stopping rules."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from sklearn.linear_model import LinearRegression

from dl_workshop.checks import WRONG, evaluate
from dl_workshop.data import celsius_readings, three_points
from dl_workshop.optim import descend, descend_until
from dl_workshop.regression import design_matrix, least_squares, least_squares_loss, standardise, to_original_units
from exercise_assertions import assert_reference_right_and_slips_hinted

EXERCISES = ["design_matrix", "least_squares", "to_original_units"]
RAW_STEP = 0.015  # the notebook's step on the raw readings, just under 2 / largest curvature


@pytest.fixture(scope="module")
def readings():
    celsius, fahrenheit = celsius_readings()
    return celsius, fahrenheit, design_matrix(celsius)


@pytest.fixture(scope="module")
def sklearn_fit(readings):
    celsius, fahrenheit, _ = readings
    fit = LinearRegression().fit(np.asarray(celsius, np.float64)[:, None], np.asarray(fahrenheit, np.float64))
    return np.array([fit.intercept_, fit.coef_[0]])


def test_design_matrix_is_a_bias_column_then_the_inputs_and_leaves_x_alone():
    x = jnp.array([0.5, -2.0, 3.0])
    X = design_matrix(x)
    np.testing.assert_array_equal(X, [[1.0, 0.5], [1.0, -2.0], [1.0, 3.0]])
    np.testing.assert_array_equal(x, [0.5, -2.0, 3.0])


def test_three_points_fit_the_line_known_by_hand():
    x, y = three_points()
    # x̄ = 2, ȳ = 2: slope Σ(x − x̄)(y − ȳ) / Σ(x − x̄)² = 1.8 / 2 = 0.9, intercept 2 − 0.9 · 2 = 0.2
    np.testing.assert_allclose(least_squares(design_matrix(x), y), [0.2, 0.9], atol=1e-6)


def test_closed_form_agrees_with_lstsq_scikit_learn_and_gradient_descent(readings, sklearn_fit):
    _, fahrenheit, X = readings
    theta_closed = least_squares(X, fahrenheit)
    theta_lstsq = jnp.linalg.lstsq(X, fahrenheit)[0]
    theta_descent, _ = descend(least_squares_loss, jnp.zeros(2), X, fahrenheit, step_size=RAW_STEP, n_steps=3000)
    for theta in (theta_closed, theta_lstsq, theta_descent):
        np.testing.assert_allclose(theta, sklearn_fit, atol=1e-4)


def test_numpy_polyfit_in_the_notebook_finds_the_scikit_learn_line(readings, sklearn_fit):
    celsius, fahrenheit, _ = readings
    slope, intercept = np.polyfit(np.asarray(celsius, np.float64), np.asarray(fahrenheit, np.float64), 1)
    np.testing.assert_allclose([intercept, slope], sklearn_fit, rtol=1e-10)


def test_the_fit_is_close_to_the_exact_conversion(sklearn_fit):
    intercept, slope = sklearn_fit
    # 400 readings with 3 °F of noise: standard errors about 0.03 (slope) and 0.2 °F (intercept)
    assert abs(slope - 9 / 5) < 0.1 and abs(intercept - 32) < 0.6


def test_the_inverse_loses_digits_that_lstsq_keeps(readings):
    celsius, fahrenheit, _ = readings
    X = design_matrix(celsius + 273.15)
    exact = np.linalg.lstsq(np.asarray(X, np.float64), np.asarray(fahrenheit, np.float64), rcond=None)[0]
    via_inverse = jnp.linalg.inv(X.T @ X) @ (X.T @ fahrenheit)
    via_lstsq = jnp.linalg.lstsq(X, fahrenheit)[0]
    error_inverse = np.max(np.abs(np.asarray(via_inverse, np.float64) - exact))
    error_lstsq = np.max(np.abs(np.asarray(via_lstsq, np.float64) - exact))
    assert error_lstsq < 1e-3 and error_inverse > 100 * error_lstsq


def test_standardising_makes_the_hessian_2i_and_the_raw_one_is_ill_conditioned(readings):
    celsius, fahrenheit, X = readings
    scaled, _, _ = standardise(celsius)
    hessian = jax.hessian(least_squares_loss)
    np.testing.assert_allclose(hessian(jnp.zeros(2), design_matrix(scaled), fahrenheit), 2 * jnp.eye(2), atol=1e-5)
    raw = np.linalg.eigvalsh(np.asarray(hessian(jnp.zeros(2), X, fahrenheit)))
    assert raw[-1] / raw[0] > 100 and RAW_STEP < 2 / raw[-1]


def test_standardised_descent_maps_back_to_the_closed_form(readings):
    celsius, fahrenheit, X = readings
    c_scaled, c_mean, c_sd = standardise(celsius)
    f_scaled, f_mean, f_sd = standardise(fahrenheit)
    theta, _ = descend(least_squares_loss, jnp.zeros(2), design_matrix(c_scaled), f_scaled, step_size=0.1, n_steps=3000)
    slope, intercept = to_original_units(theta[1], theta[0], c_mean, c_sd, f_mean, f_sd)
    closed = least_squares(X, fahrenheit)
    np.testing.assert_allclose([slope, intercept], [closed[1], closed[0]], atol=1e-3)


@pytest.mark.parametrize("slope_std, intercept_std", [(0.98, 0.0), (0.5, 0.3), (-1.2, -0.4)])
def test_mapped_back_line_makes_the_same_predictions(slope_std, intercept_std):
    x_mean, x_sd, y_mean, y_sd = 5.0, 5.8, 41.0, 11.6
    slope, intercept = to_original_units(slope_std, intercept_std, x_mean, x_sd, y_mean, y_sd)
    x = np.linspace(-10.0, 20.0, 7)
    in_standard_units = y_mean + y_sd * (slope_std * (x - x_mean) / x_sd + intercept_std)
    np.testing.assert_allclose(slope * x + intercept, in_standard_units, rtol=1e-12)





def test_gradient_norm_rule_bounds_the_distance_to_the_minimum(readings):
    _, fahrenheit, X = readings
    theta, steps = descend_until(least_squares_loss, jnp.zeros(2), X, fahrenheit, step_size=RAW_STEP,
                                 stop=lambda change: change.gradient_norm < 1e-3)
    smallest_curvature = np.linalg.eigvalsh(np.asarray(2 * X.T @ X / len(X), np.float64))[0]
    distance = np.linalg.norm(np.asarray(theta - least_squares(X, fahrenheit)))
    assert 0 < int(steps) < 3000
    assert distance <= 1e-3 / smallest_curvature + 1e-5


def test_parameter_change_rule_is_the_gradient_rule_scaled_by_the_step(readings):
    _, fahrenheit, X = readings
    run = lambda stop: descend_until(least_squares_loss, jnp.zeros(2), X, fahrenheit,  # noqa: E731
                                     step_size=RAW_STEP, stop=stop)
    _, by_gradient = run(lambda change: change.gradient_norm < 1e-3)
    _, by_change = run(lambda change: change.parameters < RAW_STEP * 1e-3)
    # equal up to float32 rounding of θ (about 4e-6 at 32), which blurs changes of 1.5e-5 a little
    assert abs(int(by_gradient) - int(by_change)) <= 0.01 * int(by_gradient)


def test_a_rule_that_never_fires_stops_at_max_steps(readings):
    _, fahrenheit, X = readings
    _, steps = descend_until(least_squares_loss, jnp.zeros(2), X, fahrenheit, step_size=RAW_STEP,
                             stop=lambda change: change.loss < 0.0, max_steps=250)
    assert int(steps) == 250




@pytest.mark.parametrize("name", EXERCISES)
def test_reference_passes_its_check_and_every_slip_gets_its_hint(name):
    assert_reference_right_and_slips_hinted(name)


def test_the_seed_slip_in_the_intercept_is_caught():
    def seed_formula(slope_std, intercept_std, x_mean, x_sd, y_mean, y_sd):
        return slope_std * y_sd / x_sd, y_mean + intercept_std * y_sd - x_mean * y_sd / x_sd

    outcome = evaluate("to_original_units", seed_formula)
    assert outcome.kind == WRONG and "carries the slope" in outcome.message
