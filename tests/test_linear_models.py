"""Notebook 04's reference answers: seed 004's calls, the fit against least squares, pytrees, the exercises."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from dl_workshop.data import B_TRUE, LINE_X, W_TRUE, make_y, three_inputs_two_outputs
from dl_workshop.linear_models import (
    dmseloss, initialize_linear_params, linear_model, model_optimization_loop, mseloss,
)
from exercise_assertions import assert_reference_right_and_slips_hinted

EXERCISES = ["linear_model", "initialize_linear_params", "mseloss", "dmseloss", "model_optimization_loop"]


def least_squares_line(x, y):
    """Slope and intercept of the least-squares line, in float64."""
    slope, intercept = np.polyfit(np.asarray(x, np.float64), np.asarray(y, np.float64), 1)
    return slope, intercept


def test_seed_004_calls_run_unchanged_and_reach_the_least_squares_fit():
    from dl_workshop.answers import linear_model, initialize_linear_params, mseloss, dmseloss, x, make_y, b_true, w_true, model_optimization_loop  # noqa: E501
    theta = initialize_linear_params()
    y = make_y(x, w_true, b_true)
    gradient = dmseloss(dict(w=0.3, b=0.5), linear_model, x, y)
    losses, theta = model_optimization_loop(theta, linear_model, mseloss, x, y, n_steps=3000)

    assert set(gradient) == {"w", "b"}
    assert losses.shape == (3000,)
    slope, intercept = least_squares_line(x, y)
    np.testing.assert_allclose([theta["w"], theta["b"]], [slope, intercept], atol=1e-4)
    best_loss = np.mean((slope * np.asarray(x, np.float64) + intercept - np.asarray(y, np.float64)) ** 2)
    np.testing.assert_allclose(losses[-1], best_loss, rtol=1e-5)


def test_answers_re_exports_the_topic_modules_names():
    from dl_workshop import answers, data, linear_models

    assert answers.linear_model is linear_models.linear_model
    assert answers.model_optimization_loop is linear_models.model_optimization_loop
    assert answers.x is data.LINE_X and (answers.w_true, answers.b_true) == (data.W_TRUE, data.B_TRUE)


def test_linear_model_and_mseloss_on_numbers_checked_by_hand():
    theta = {"w": 2.0, "b": -1.0}
    x = jnp.array([-1.0, 0.0, 2.0])
    np.testing.assert_allclose(linear_model(theta, x), [-3.0, -1.0, 3.0])
    # residuals (-0.5, 0, -1): mean of squares (0.25 + 0 + 1) / 3
    np.testing.assert_allclose(mseloss(theta, linear_model, x, jnp.array([-2.5, -1.0, 4.0])), 1.25 / 3, rtol=1e-6)


def test_dmseloss_is_the_analytic_gradient():
    x = np.asarray(LINE_X, np.float64)
    y = np.asarray(make_y(LINE_X, W_TRUE, B_TRUE), np.float64)
    residuals = 0.3 * x + 0.5 - y
    gradient = dmseloss({"w": 0.3, "b": 0.5}, linear_model, LINE_X, jnp.asarray(y, jnp.float32))
    np.testing.assert_allclose(gradient["w"], 2 * np.mean(residuals * x), rtol=1e-5)
    np.testing.assert_allclose(gradient["b"], 2 * np.mean(residuals), rtol=1e-5)


def test_the_noise_of_make_y_comes_from_its_key():
    clean = W_TRUE * LINE_X + B_TRUE
    first, again = make_y(LINE_X, W_TRUE, B_TRUE), make_y(LINE_X, W_TRUE, B_TRUE)
    other = make_y(LINE_X, W_TRUE, B_TRUE, key=jax.random.key(1))
    np.testing.assert_array_equal(first, again)
    assert not np.allclose(first, other)
    assert 0.7 < float(jnp.std(first - clean)) < 1.3
    np.testing.assert_allclose(make_y(LINE_X, W_TRUE, B_TRUE, noise_scale=0.0), clean)


def test_initial_parameters_are_reproducible_and_drawn_from_split_keys():
    theta = initialize_linear_params()
    assert set(theta) == {"w", "b"} and theta["w"].shape == theta["b"].shape == ()
    assert theta == initialize_linear_params(jax.random.key(0))
    assert float(theta["w"]) != float(theta["b"])
    assert float(initialize_linear_params(jax.random.key(1))["w"]) != float(theta["w"])


def test_losses_are_recorded_once_per_step_before_each_update():
    x, y = LINE_X, make_y(LINE_X, W_TRUE, B_TRUE)
    start = {"w": 0.3, "b": 0.5}
    losses, theta = model_optimization_loop(start, linear_model, mseloss, x, y, n_steps=2, step_size=0.01)
    gradient = dmseloss(start, linear_model, x, y)
    after_one = {name: start[name] - 0.01 * gradient[name] for name in start}
    np.testing.assert_allclose(losses, [mseloss(start, linear_model, x, y), mseloss(after_one, linear_model, x, y)],
                               rtol=1e-6)
    gradient = dmseloss(after_one, linear_model, x, y)
    np.testing.assert_allclose([theta[n] for n in "wb"], [after_one[n] - 0.01 * gradient[n] for n in "wb"], rtol=1e-6)


def test_the_loop_fits_matrices_of_several_inputs_and_outputs():
    X, Y, W, b = three_inputs_two_outputs()

    def matrix_linear_model(theta, X):
        return X @ theta["w"] + theta["b"]

    start = {"w": jnp.zeros((3, 2)), "b": jnp.zeros(2)}
    losses, theta = model_optimization_loop(start, matrix_linear_model, mseloss, X, Y)
    design = np.hstack([np.asarray(X, np.float64), np.ones((len(X), 1))])
    best = np.linalg.lstsq(design, np.asarray(Y, np.float64), rcond=None)[0]
    np.testing.assert_allclose(theta["w"], best[:3], atol=1e-4)
    np.testing.assert_allclose(theta["b"], best[3], atol=1e-4)
    np.testing.assert_allclose(theta["w"], W, atol=0.1)
    assert losses.shape == (3000,)


def test_the_loop_accepts_a_tuple_of_parameters_and_any_loss():
    def tuple_model(theta, x):
        slope, intercept = theta
        return slope * x + intercept

    def mean_absolute_error(theta, model, x, y):
        return jnp.mean(jnp.abs(model(theta, x) - y))

    x, y = LINE_X, 3.0 * LINE_X - 2.0
    losses, (slope, intercept) = model_optimization_loop((0.0, 0.0), tuple_model, mean_absolute_error, x, y,
                                                         n_steps=5000, step_size=0.01)
    assert abs(float(slope) - 3.0) < 0.05 and abs(float(intercept) + 2.0) < 0.05
    assert losses[-1] < 0.05 * losses[0]


def test_repeated_calls_with_the_same_model_and_loss_reuse_the_compiled_loop():
    traces = []

    def counting_model(theta, x):
        traces.append(1)  # runs only while JAX traces the function
        return linear_model(theta, x)

    y = make_y(LINE_X, W_TRUE, B_TRUE)
    for w in (0.0, 1.0, -1.0):
        model_optimization_loop({"w": w, "b": 0.0}, counting_model, mseloss, LINE_X, y, n_steps=10)
    assert len(traces) == 1


@pytest.mark.parametrize("name", EXERCISES)
def test_reference_passes_its_check_and_every_slip_gets_its_hint(name):
    assert_reference_right_and_slips_hinted(name)
