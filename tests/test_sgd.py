"""Notebook 07's reference answers: the gradient by hand, per-example gradients, minibatch descent."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from dl_workshop.checks import RAISED, evaluate
from dl_workshop.data import three_points
from dl_workshop.optim import descend
from dl_workshop.regression import design_matrix, least_squares_loss
from dl_workshop.sgd import minibatch_descent, mse_gradient_by_hand, per_example_gradients, point_loss
from exercise_assertions import assert_reference_right_and_slips_hinted

EXERCISES = ["mse_gradient_by_hand", "per_example_gradients"]


@pytest.mark.parametrize("theta", [(2.0, 2.0), (-0.5, 1.0), (0.2, 0.9), (30.0, -1.5)])
def test_gradient_by_hand_matches_autodiff(theta):
    x, y = three_points()
    X, theta = design_matrix(x), jnp.array(theta)
    np.testing.assert_allclose(mse_gradient_by_hand(theta, X, y), jax.grad(least_squares_loss)(theta, X, y),
                               rtol=1e-5, atol=1e-6)


def test_per_example_gradients_are_the_seeds_values_and_average_to_the_gradient():
    x, y = three_points()
    X, theta = design_matrix(x), jnp.array([2.0, 2.0])
    gradients = per_example_gradients(theta, X, y)
    np.testing.assert_allclose(gradients, [[6.0, 6.0], [7.6, 15.2], [10.4, 31.2]], rtol=1e-6)
    np.testing.assert_allclose(gradients.mean(axis=0), jax.grad(least_squares_loss)(theta, X, y), rtol=1e-6)


def test_each_point_loss_is_a_trough_and_their_mean_is_the_loss():
    x, y = three_points()
    X = design_matrix(x)
    for row, target, x_i in zip(X, y, x):
        for theta1 in (-1.0, 0.0, 2.5):  # every line through the point fits it exactly
            assert float(point_loss(jnp.array([target - theta1 * x_i, theta1]), row, target)) < 1e-10
    theta = jnp.array([2.0, 2.0])
    losses = jax.vmap(point_loss, in_axes=(None, 0, 0))(theta, X, y)
    np.testing.assert_allclose(jnp.mean(losses), least_squares_loss(theta, X, y), rtol=1e-6)
    np.testing.assert_allclose(jnp.mean(losses), (3**2 + 3.8**2 + 5.2**2) / 3, rtol=1e-6)


def test_minibatch_of_everything_is_full_batch_descent():
    x, y = three_points()
    X, start = design_matrix(x), jnp.array([2.0, -0.25])
    path, losses = minibatch_descent(least_squares_loss, start, X, y, key=jax.random.key(0), batch_size=3,
                                     step_size=0.05, n_steps=50)
    theta, full_losses = descend(least_squares_loss, start, X, y, step_size=0.05, n_steps=50)
    assert path.shape == (51, 2)
    np.testing.assert_allclose(path[0], start)
    np.testing.assert_allclose(path[-1], theta, rtol=1e-5)
    np.testing.assert_allclose(losses, full_losses, rtol=1e-5)


def test_stochastic_descent_is_reproducible_from_its_key_and_goes_downhill():
    x, y = three_points()
    X, start = design_matrix(x), jnp.array([2.0, -0.25])
    run = lambda key: minibatch_descent(least_squares_loss, start, X, y, key=key, batch_size=1,  # noqa: E731
                                        step_size=0.05, n_steps=300)
    (path, losses), (again, _), (other, _) = run(jax.random.key(0)), run(jax.random.key(0)), run(jax.random.key(1))
    np.testing.assert_array_equal(path, again)
    assert not np.allclose(path, other)
    assert float(losses[-50:].mean()) < 0.1 * float(losses[0])


def test_vmap_without_in_axes_is_reported_as_raised():
    outcome = evaluate("per_example_gradients", lambda theta, X, y: jax.vmap(jax.grad(point_loss))(theta, X, y))
    assert outcome.kind == RAISED


@pytest.mark.parametrize("name", EXERCISES)
def test_reference_passes_its_check_and_every_slip_gets_its_hint(name):
    assert_reference_right_and_slips_hinted(name)
