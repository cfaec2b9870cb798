"""Notebook 07's reference answers, and the numbers its text states, each against its derivation."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from dl_workshop.checks import RAISED, WRONG, evaluate
from dl_workshop.data import points_near_a_line, three_points
from dl_workshop.optim import descend
from dl_workshop.regression import design_matrix, least_squares_loss
from dl_workshop.sgd import (landing_step_size, least_squares_gradient_by_hand, minibatch_descent,
                             per_example_gradients, point_loss)
from exercise_assertions import assert_nudged, assert_reference_right_and_slips_hinted

EXERCISES = ["least_squares_gradient_by_hand", "per_example_gradients", "landing_step_size", "minibatch_descent"]
START = jnp.array([2.0, -0.25])  # the notebook's start
LEAST_SQUARES = np.array([0.2, 0.9])  # slope Σ(x − x̄)(y − ȳ)/Σ(x − x̄)² = 1.8/2; intercept ȳ − slope·x̄ = 2 − 1.8


def three():
    x, y = three_points()
    return x, design_matrix(x), y


def hessian_three():
    """(2/n) XᵀX for the three points: [[2, 4], [4, 28/3]]."""
    return 2.0 / 3.0 * np.array([[3.0, 6.0], [6.0, 14.0]])


@pytest.mark.parametrize("theta", [(2.0, 2.0), (-0.5, 1.0), (0.2, 0.9), (30.0, -1.5)])
def test_gradient_by_hand_matches_autodiff(theta):
    _, X, y = three()
    theta = jnp.array(theta)
    np.testing.assert_allclose(least_squares_gradient_by_hand(theta, X, y), jax.grad(least_squares_loss)(theta, X, y),
                               rtol=1e-5, atol=1e-6)


def test_per_example_gradients_are_twice_the_residual_times_the_row_and_average_to_the_gradient():
    x, X, y = three()
    theta = jnp.array([2.0, 2.0])
    gradients = per_example_gradients(theta, X, y)
    residuals = np.array([3.0, 3.8, 5.2])  # 2 + 2x − y at x = 1, 2, 3
    np.testing.assert_allclose(gradients, 2 * residuals[:, None] * np.asarray(X), rtol=1e-6)
    np.testing.assert_allclose(gradients, [[6.0, 6.0], [7.6, 15.2], [10.4, 31.2]], rtol=1e-6)
    np.testing.assert_allclose(gradients.mean(axis=0), jax.grad(least_squares_loss)(theta, X, y), rtol=1e-6)


def test_at_the_least_squares_point_single_gradients_do_not_vanish_but_their_mean_does():
    _, X, y = three()
    gradients = per_example_gradients(jnp.asarray(LEAST_SQUARES, jnp.float32), X, y)
    residuals = np.array([0.1, -0.2, 0.1])  # 0.2 + 0.9x − y
    np.testing.assert_allclose(gradients, 2 * residuals[:, None] * np.asarray(X), atol=1e-5)
    np.testing.assert_allclose(gradients, [[0.2, 0.2], [-0.4, -0.8], [0.2, 0.6]], atol=1e-5)
    np.testing.assert_allclose(gradients.mean(axis=0), 0.0, atol=1e-5)
    np.testing.assert_allclose(least_squares_loss(LEAST_SQUARES, X, y), np.mean(residuals**2), rtol=1e-5)
    np.testing.assert_allclose(np.mean(residuals**2), 0.02)


def test_each_point_loss_is_a_trough_and_their_mean_is_the_loss():
    x, X, y = three()
    for row, target, x_i in zip(X, y, x):
        for theta1 in (-1.0, 0.0, 2.5):  # every line through the point fits it exactly
            assert float(point_loss(jnp.array([target - theta1 * x_i, theta1]), row, target)) < 1e-10
    theta = jnp.array([2.0, 2.0])
    losses = jax.vmap(point_loss, in_axes=(None, 0, 0))(theta, X, y)
    np.testing.assert_allclose(jnp.mean(losses), least_squares_loss(theta, X, y), rtol=1e-6)
    np.testing.assert_allclose(jnp.mean(losses), (3**2 + 3.8**2 + 5.2**2) / 3, rtol=1e-6)


@pytest.mark.parametrize("theta", [(2.0, -0.25), (-1.0, 1.5), (0.3, 0.2)])
def test_a_one_point_step_is_perpendicular_to_its_floor_and_the_landing_step_lands_on_it(theta):
    x, X, y = three()
    theta = jnp.array(theta)
    for row, target, x_i in zip(X, y, x.tolist()):
        gradient = jax.grad(point_loss)(theta, row, target)
        assert abs(float(gradient @ jnp.array([x_i, -1.0]))) < 1e-5  # (x_i, −1) runs along the floor
        landed = theta - landing_step_size(x_i) * gradient
        assert abs(float(row @ landed - target)) < 1e-5
        overshot = theta - 2 * landing_step_size(x_i) * gradient  # twice the landing step: the mirror image
        np.testing.assert_allclose(row @ overshot - target, -(row @ theta - target), rtol=1e-4, atol=1e-5)


def test_a_step_of_005_covers_a_fifth_a_half_and_all_of_the_way():
    fractions = [0.05 / landing_step_size(x_i) for x_i in (1.0, 2.0, 3.0)]
    np.testing.assert_allclose(fractions, [0.2, 0.5, 1.0])


def test_minibatch_of_everything_is_full_batch_descent():
    _, X, y = three()
    end, (path, losses) = minibatch_descent(least_squares_loss, START, X, y, jax.random.key(0), 3, 0.05, 50)
    theta, full_losses = descend(least_squares_loss, START, X, y, step_size=0.05, n_steps=50)
    assert path.shape == (50, 2)
    np.testing.assert_allclose(path[0], START)
    np.testing.assert_allclose(end, theta, rtol=1e-5)
    np.testing.assert_allclose(losses, full_losses, rtol=1e-5)


def test_same_key_same_path_another_key_another_path_and_downhill():
    _, X, y = three()
    sgd = jax.jit(minibatch_descent, static_argnums=(0, 5, 7))
    run = lambda key: sgd(least_squares_loss, START, X, y, key, 1, 0.05, 300)  # noqa: E731
    (_, (path, losses)), (_, (again, _)), (_, (other, _)) = run(jax.random.key(0)), run(jax.random.key(0)), \
        run(jax.random.key(1))
    np.testing.assert_array_equal(path, again)
    assert not np.allclose(path, other)
    assert float(losses[-50:].mean()) < 0.1 * float(losses[0])


def test_each_step_uses_the_batch_its_own_key_draws():
    """The notebook replays the batches from the keys: step t moves along (1, x_i) of the point key t draws."""
    x, X, y = three()
    end, (path, _) = minibatch_descent(least_squares_loss, START, X, y, jax.random.key(0), 1, 0.05, 250)
    path = np.vstack([path, end[None]])[:9]
    keys = jax.random.split(jax.random.key(0), 250)[:8]
    drawn = [int(jax.random.choice(k, 3, (1,), replace=False)[0]) for k in keys]
    assert drawn == [0, 0, 1, 2, 2, 2, 0, 0]  # the notebook's "1 1 2 3 3 3 1 1"
    for here, there, i in zip(path[:-1], path[1:], drawn):
        move = there - here
        if i == 2 and np.linalg.norm(move) < 1e-5:  # already on floor 3: no move
            continue
        np.testing.assert_allclose(move[1] / move[0], float(x[i]), rtol=1e-4)


def test_full_batch_stops_short_at_300_steps_by_the_flat_curvature():
    _, X, y = three()
    hessian = hessian_three()
    curvatures = np.linalg.eigvalsh(hessian)
    # the characteristic polynomial λ² − (28/3 + 2)λ + (2·28/3 − 16) of the 2 × 2 Hessian
    trace, det = 2 + 28 / 3, 2 * 28 / 3 - 16
    np.testing.assert_allclose(curvatures, [(trace - np.sqrt(trace**2 - 4 * det)) / 2,
                                            (trace + np.sqrt(trace**2 - 4 * det)) / 2])
    assert f"{curvatures[1]:.2f} and {curvatures[0]:.3f}" == "11.09 and 0.240"
    keep = 1 - 0.05 * curvatures[0]
    assert f"{keep:.3f}" == "0.988" and round(100 * keep**300) == 3 and keep**2000 < 1e-10
    # a quadratic's gradient descent in closed form: θ_t − θ* = (I − ηH)^t (θ_0 − θ*)
    closed_form = LEAST_SQUARES + np.linalg.matrix_power(np.eye(2) - 0.05 * hessian, 300) @ (START - LEAST_SQUARES)
    assert f"({closed_form[0]:.3f}, {closed_form[1]:.3f})" == "(0.251, 0.877)"
    end300, _ = descend(least_squares_loss, START, X, y, step_size=0.05, n_steps=300)
    np.testing.assert_allclose(end300, closed_form, atol=2e-4)
    end2000, _ = descend(least_squares_loss, START, X, y, step_size=0.05, n_steps=2000)
    np.testing.assert_allclose(end2000, LEAST_SQUARES, atol=1e-4)


def in_stages(X, y, batch_size, step_sizes, key, steps_per_stage=250):
    """The notebook's staged runs: one call of the compiled descent a stage, from the stage's key."""
    sgd = jax.jit(minibatch_descent, static_argnums=(0, 5, 7))
    theta, visited = START, []
    for stage_key, step_size in zip(jax.random.split(key, len(step_sizes)), step_sizes):
        theta, (path, _) = sgd(least_squares_loss, theta, X, y, stage_key, batch_size, step_size, steps_per_stage)
        visited.append(path)
    return np.concatenate(visited + [np.asarray(theta)[None]])


def test_a_decaying_step_size_settles_about_ten_times_closer_than_a_fixed_one():
    _, X, y = three()
    spread = lambda path: np.sqrt(np.mean(np.sum((path[-500:] - LEAST_SQUARES) ** 2, axis=1)))  # noqa: E731
    fixed = spread(in_stages(X, y, 1, [0.05] * 8, jax.random.key(0)))
    decaying = spread(in_stages(X, y, 1, [0.05 / 2**k for k in range(8)], jax.random.key(0)))
    assert f"{fixed:.3f} {decaying:.3f}" == "0.060 0.005"
    assert 8 < fixed / decaying < 15


def test_counted_in_examples_minibatches_reach_the_minimum_and_full_batch_does_not():
    x, y = points_near_a_line()
    X = design_matrix(x)
    curvatures = np.linalg.eigvalsh(2 * np.asarray(X, np.float64).T @ np.asarray(X, np.float64) / len(y))
    assert f"{curvatures[0]:.3f} {curvatures[1]:.2f} {2 / curvatures[1]:.3f}" == "0.123 11.03 0.181"
    assert 0.15 < 2 / curvatures[1] and f"{1 - 0.15 * curvatures[0]:.2f}" == "0.98"
    best = np.linalg.lstsq(np.asarray(X, np.float64), np.asarray(y, np.float64), rcond=None)[0]
    np.testing.assert_allclose(best, [0.2, 0.9], atol=0.1)  # scattered around the three points' line
    minimum = np.mean((np.asarray(X, np.float64) @ best - np.asarray(y, np.float64)) ** 2)  # in float64, as printed
    np.testing.assert_allclose(minimum, least_squares_loss(best.astype(np.float32), X, y), rtol=1e-5)
    assert f"{minimum:.4f}" == "0.0333"
    sgd = jax.jit(minibatch_descent, static_argnums=(0, 5, 7))
    first_close = {}
    for batch_size, step_size in ((10, 0.05), (200, 0.15)):
        _, (_, losses) = sgd(least_squares_loss, START, X, y, jax.random.key(1), batch_size, step_size,
                             6000 // batch_size)
        close = np.flatnonzero(np.asarray(losses) < 1.1 * minimum)
        first_close[batch_size] = batch_size * int(close[0]) if close.size else None
    assert first_close == {10: 3900, 200: None}


def test_vmap_without_in_axes_is_reported_as_raised():
    outcome = evaluate("per_example_gradients", lambda theta, X, y: jax.vmap(jax.grad(point_loss))(theta, X, y))
    assert outcome.kind == RAISED


def test_a_step_that_returns_no_carry_is_reported_not_crashed():
    def no_carry(loss, theta, X, y, key, batch_size, step_size, n_steps):
        def step(theta, step_key):
            batch = jax.random.choice(step_key, len(y), (batch_size,), replace=False)
            return theta - step_size * jax.grad(loss)(theta, X[batch], y[batch])

        return jax.lax.scan(step, theta, jax.random.split(key, n_steps))

    assert evaluate("minibatch_descent", no_carry).kind in (RAISED, WRONG)


@pytest.mark.parametrize("name", EXERCISES)
def test_reference_passes_its_check_and_every_slip_gets_its_hint(name):
    assert_reference_right_and_slips_hinted(name)


# The reviewers' attempts (2026-12-01): each first message says what to change, and gives no answer away.
@pytest.mark.parametrize("name, attempt, shown, not_shown", [
    ("landing_step_size", lambda x_i: 1 / 2 * (1 + x_i**2), ["left to right", "parentheses"],
     ["1 / (2 (1 + x_i²))"]),
])
def test_the_reviewers_attempts_get_a_targeted_nudge(name, attempt, shown, not_shown):
    assert_nudged(name, attempt, shown, not_shown)
