"""Reference answers for notebook 07: per-example gradients and stochastic gradient descent."""

from functools import partial

import jax
import jax.numpy as jnp

from .checks import Slip, exercise
from .data import three_points
from .regression import design_matrix, least_squares_loss


def _gradient_cases():
    x, y = three_points()
    return [(jnp.array([2.0, 2.0]), design_matrix(x), y), (jnp.array([-0.5, 1.0]), design_matrix(x), y)]


@exercise(
    cases=_gradient_cases,
    hint="the gradient of mean((Xθ − y)²) is (2/n) Xᵀ(Xθ − y), with n = len(y).",
    slips=[
        Slip(
            lambda theta, X, y: X.T @ (X @ theta - y) / len(y),
            "the derivative of a square brings down a factor 2.",
        ),
        Slip(
            lambda theta, X, y: 2 * X.T @ (X @ theta - y),
            "the loss is a mean, so its gradient is divided by n = len(y).",
        ),
        Slip(
            lambda theta, X, y: 2 * X.T @ (y - X @ theta) / len(y),
            "the sign is flipped: differentiate (Xθ − y)², whose inner derivative is +X.",
        ),
    ],
)
def mse_gradient_by_hand(theta, X, y):
    """The gradient (2/n) Xᵀ(Xθ − y) of `least_squares_loss`, written out."""
    return 2.0 * X.T @ (X @ theta - y) / len(y)


@jax.jit
def point_loss(theta, x_row, y_i):
    """The squared error of one example: (x_row · θ − y_i)²; compiled."""
    return (x_row @ theta - y_i) ** 2


@exercise(
    cases=_gradient_cases,
    hint="jax.vmap(jax.grad(point_loss), in_axes=(None, 0, 0))(theta, X, y): the same theta for every "
    "row of X and entry of y.",
    slips=[
        Slip(
            lambda theta, X, y: jnp.broadcast_to(jax.grad(least_squares_loss)(theta, X, y), X.shape),
            "every row holds the full gradient; differentiate point_loss, one example at a time.",
        ),
    ],
)
def per_example_gradients(theta, X, y):
    """The gradient of `point_loss` for every example at once: one row per row of ``X``."""
    return jax.vmap(jax.grad(point_loss), in_axes=(None, 0, 0))(theta, X, y)


def minibatch_descent(loss, theta, X, y, *, key, batch_size, step_size, n_steps):
    """Gradient descent where each step follows the gradient of ``batch_size`` examples drawn at random.

    Every step draws a fresh minibatch without replacement, the first ``batch_size`` examples of a random
    ordering, from random numbers that all come from ``key``; with ``batch_size = len(y)`` every step sees all
    the data, which is full-batch gradient descent. Returns ``(path, losses)``: the ``n_steps + 1``
    parameters visited and the loss on all the data before each step.
    """
    return _minibatch_descent(loss, batch_size, n_steps, theta, X, y, key, step_size)


@partial(jax.jit, static_argnums=(0, 1, 2))
def _minibatch_descent(loss, batch_size, n_steps, theta, X, y, key, step_size):
    grad = jax.grad(loss)

    def step(theta, scores):
        batch = jnp.argsort(scores)[:batch_size]  # sorting random scores orders the examples at random
        new_theta = jax.tree.map(lambda p, g: p - step_size * g, theta, grad(theta, X[batch], y[batch]))
        return new_theta, (theta, loss(theta, X, y))

    # all the random numbers in one draw, one row per step: cheaper to compile than a key split per step
    last, (path, losses) = jax.lax.scan(step, theta, jax.random.uniform(key, (n_steps, len(y))))
    path = jax.tree.map(lambda visited, end: jnp.concatenate([visited, end[None]]), path, last)
    return path, losses
