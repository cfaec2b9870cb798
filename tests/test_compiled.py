"""Notebook 06's reference answers: compiled loops take the same steps as the plain one."""

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

from dl_workshop.compiled import fit_step_sizes, line_data, line_loss, make_step, optax_fit, scan_fit
from dl_workshop.optim import plain_descent
from exercise_assertions import (
    assert_reference_right_and_slips_hinted,
    assert_runs_as_shipped,
    assert_wrong_answers_hinted,
)

X, Y = line_data()
START = {"w": 0.3, "b": 0.5}


def analytic_gradient(theta):
    residual = theta["w"] * X + theta["b"] - Y
    return {"w": 2 * jnp.mean(residual * X), "b": 2 * jnp.mean(residual)}


def close(a, b, rtol=1e-5):
    return all(np.allclose(a[k], b[k], rtol=rtol, atol=1e-6) for k in a)


def test_compiled_step_is_one_step_against_the_analytic_gradient():
    stepped = make_step(line_loss, 0.02)(START, X, Y)
    expected = {k: START[k] - 0.02 * g for k, g in analytic_gradient(START).items()}
    assert close(stepped, expected)


def test_scan_takes_the_same_steps_as_the_plain_loop():
    theta, losses = scan_fit(line_loss, START, X, Y, 0.01, 40)
    plain_theta, plain_losses = plain_descent(line_loss, START, X, Y, step_size=0.01, n_steps=40)
    assert close(theta, plain_theta)
    np.testing.assert_allclose(losses, plain_losses, rtol=1e-5)
    assert float(losses[0]) == pytest.approx(float(line_loss(START, X, Y)))


def test_scan_reaches_the_least_squares_fit():
    theta, _ = jax.jit(scan_fit, static_argnums=(0, 5))(line_loss, START, X, Y, 0.05, 3000)
    slope, intercept = np.polyfit(np.asarray(X, np.float64), np.asarray(Y, np.float64), 1)
    assert float(theta["w"]) == pytest.approx(slope, abs=1e-4)
    assert float(theta["b"]) == pytest.approx(intercept, abs=1e-4)


def test_vmapped_fits_equal_one_fit_per_step_size():
    step_sizes = jnp.array([0.001, 0.01, 0.05])
    thetas, losses = fit_step_sizes(line_loss, START, X, Y, step_sizes, 25)
    assert losses.shape == (3, 25)
    for i, step_size in enumerate(step_sizes):
        theta, curve = scan_fit(line_loss, START, X, Y, step_size, 25)
        assert close({k: thetas[k][i] for k in thetas}, theta)
        np.testing.assert_allclose(losses[i], curve, rtol=1e-5)


def test_hessian_of_the_line_loss_is_2_ftf_over_n():
    """Notebook 06 takes the step-size limit 2/L from this formula rather than from jax.hessian."""
    features = np.stack([np.asarray(X), np.ones(X.size, np.float32)], axis=1)
    by_formula = 2 * features.T @ features / X.size
    hessian = jax.hessian(lambda t: line_loss({"w": t[0], "b": t[1]}, X, Y))
    for theta in (jnp.zeros(2), jnp.array([2.0, 5.0])):
        np.testing.assert_allclose(hessian(theta), by_formula, rtol=1e-5, atol=1e-5)


def test_optax_sgd_is_the_hand_written_descent_and_adam_converges():
    theta_sgd, losses_sgd = optax_fit(optax.sgd(0.01), line_loss, START, X, Y, 60)
    theta, losses = scan_fit(line_loss, START, X, Y, 0.01, 60)
    assert close(theta_sgd, theta, rtol=1e-6)
    np.testing.assert_allclose(losses_sgd, losses, rtol=1e-6)
    theta_adam, _ = optax_fit(optax.adam(0.1), line_loss, START, X, Y, 1000)
    best, _ = scan_fit(line_loss, START, X, Y, 0.05, 3000)
    assert float(line_loss(theta_adam, X, Y)) == pytest.approx(float(line_loss(best, X, Y)), rel=1e-4)


@pytest.mark.parametrize("name", ["make_step", "scan_fit", "fit_step_sizes", "optax_fit"])
def test_reference_answers_pass_and_slips_get_their_hints(name):
    assert_reference_right_and_slips_hinted(name)


NAME = "06-from-loops-to-compiled.ipynb"


def test_learner_notebook_runs_as_shipped():
    assert_runs_as_shipped(NAME, ["make_step", "scan_fit", "fit_step_sizes", "optax_fit"])


def test_a_wrong_step_shows_its_hint_and_run_all_completes():
    assert_wrong_answers_hinted(NAME, {"make_step": ("return jax.jit(lambda theta, x, y: theta)", "Hint: inside, take grads")})


def test_a_scan_fit_that_cannot_be_compiled_is_caught_by_its_check():
    body = """\
losses = []
for _ in range(n_steps):
    value, grads = jax.value_and_grad(loss)(theta, x, y)
    theta = jax.tree.map(lambda p, g: p - step_size * g, theta, grads)
    losses.append(float(value))
return theta, jnp.array(losses)"""
    assert_wrong_answers_hinted(NAME, {"scan_fit": (body, "ConcretizationTypeError")})
