"""Reference answers for notebook 07: per-example gradients, where one example's step goes, and stochastic
gradient descent written as a `lax.scan` over one random key per step."""

import jax
import jax.numpy as jnp
import numpy as np

from .checks import Slip, case_key, exercise
from .data import three_points
from .regression import _with_ones, least_squares_loss


def _gradient_cases():
    """The design matrix of `three_points`, made in NumPy and handed to JAX as it is: nothing to compile."""
    x, y = three_points()
    X = _with_ones(x)
    return [(jax.device_put(np.array(theta, np.float32)), X, y) for theta in ([2.0, 2.0], [-0.5, 1.0])]


@exercise(
    cases=_gradient_cases,
    hint="differentiate one term (x_i·θ − y_i)² with the chain rule first (its inner derivative is the row x_i), "
    "then average the n terms; written with matrices, the sum over i of a row times a number is Xᵀ times a vector.",
    recipe="∇L(θ) = (2/n) Xᵀ(Xθ − y): 2.0 * X.T @ (X @ theta - y) / len(y).",
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
        Slip(
            lambda theta, X, y: 2 * X @ theta - y,
            "the result has one entry per parameter, not per example: multiply the residuals Xθ − y by Xᵀ.",
        ),
    ],
)
def least_squares_gradient_by_hand(theta, X, y):
    """The gradient (2/n) Xᵀ(Xθ − y) of `least_squares_loss`, written out."""
    return 2.0 * X.T @ (X @ theta - y) / len(y)


@jax.jit
def point_loss(theta, x_row, y_i):
    """The squared error of one example: (x_row · θ − y_i)²; compiled."""
    return (x_row @ theta - y_i) ** 2


@exercise(
    cases=_gradient_cases,
    hint="vmap jax.grad(point_loss) over the examples: which of its three arguments changes from one example to "
    "the next, and which stays the same? in_axes says so, one entry per argument.",
    recipe="jax.vmap(jax.grad(point_loss), in_axes=(None, 0, 0))(theta, X, y): the same theta for every "
    "example (None), the rows of X and the entries of y mapped over (axis 0).",
    slips=[
        Slip(
            lambda theta, X, y: jnp.broadcast_to(jax.grad(least_squares_loss)(theta, X, y), X.shape),
            "every row holds the full gradient; differentiate point_loss, one example at a time.",
        ),
        Slip(
            lambda theta, X, y: jax.vmap(point_loss, in_axes=(None, 0, 0))(theta, X, y),
            "these are the per-example losses, not their gradients: vmap jax.grad(point_loss).",
        ),
    ],
)
def per_example_gradients(theta, X, y):
    """The gradient of `point_loss` for every example at once: one row per row of ``X``."""
    return jax.vmap(jax.grad(point_loss), in_axes=(None, 0, 0))(theta, X, y)


@exercise(
    cases=lambda: [(2.0,), (3.0,), (-0.5,), (1.0,)],
    hint="a step of size η on point i moves θ by −η times that point's gradient, 2 r_i (1, x_i), where "
    "r_i = θ₀ + θ₁ x_i − y_i; work out the residual after the step and choose η to make it zero.",
    recipe="after the step the residual is r_i (1 − 2η (1 + x_i²)), zero for η = 1 / (2 (1 + x_i²)).",
    slips=[
        Slip(lambda x_i: 1.0 / (1.0 + x_i**2), "the gradient of a square carries a factor 2: η is half of that."),
        Slip(
            lambda x_i: 1.0 / (2.0 * x_i**2),
            "the step moves the intercept θ₀ too: the direction (1, x_i) has squared length 1 + x_i², not x_i².",
        ),
        Slip(
            lambda x_i: 1.0 / (2.0 * (1.0 + x_i)),
            "the residual changes by η times the squared length of (1, x_i), which is 1 + x_i², not 1 + x_i.",
        ),
        Slip(
            lambda x_i: 1.0 / 2.0 * (1.0 + x_i**2),
            "Python reads `1 / 2 * (…)` left to right, as (1 / 2) * (…), so (1 + x_i²) ends up multiplying; "
            "put the whole denominator in parentheses.",
        ),
    ],
)
def landing_step_size(x_i):
    """The step size that takes θ onto example i's floor, θ₀ + θ₁ x_i = y_i, in one step of its gradient."""
    return 1.0 / (2.0 * (1.0 + x_i**2))


def _descent_cases():
    """Made in NumPy and handed to JAX as they are, with keys that need no compiling: the check's program is the
    only one it compiles. (JAX arrays, not NumPy ones: a slip, run as it is, indexes them with traced batches.)"""
    x, y = three_points()
    X = _with_ones(x)
    return [
        (least_squares_loss, jax.device_put(np.array([2.0, -0.25], np.float32)), X, y, case_key(0), 2, 0.05, 12),
        (least_squares_loss, jax.device_put(np.array([-1.0, 1.5], np.float32)), X, y, case_key(1), 2, 0.03, 12),
    ]


def _slipped_descent(*, same_key=False, replacement=False, keep_theta=False, all_data=False, after=False):
    """`minibatch_descent` with one typical mistake: the batch drawn from ``key`` at every step, drawn with
    replacement, the old θ returned as the carry, the gradient taken on all the data, or (θ, loss) recorded
    after the step."""

    def descent(loss, theta, X, y, key, batch_size, step_size, n_steps):
        def step(theta, step_key):
            batch = jax.random.choice(key if same_key else step_key, len(y), (batch_size,), replace=replacement)
            X_used, y_used = (X, y) if all_data else (X[batch], y[batch])
            new_theta = theta - step_size * jax.grad(loss)(theta, X_used, y_used)
            recorded = new_theta if after else theta
            return theta if keep_theta else new_theta, (recorded, loss(recorded, X, y))

        return jax.lax.scan(step, theta, jax.random.split(key, n_steps))

    return descent


@exercise(
    cases=_descent_cases,
    hint="check the four parts of one step: the batch is drawn from that step's own key, the gradient is the "
    "batch's, the step returns the new θ (the carry) first, then what it records, and the loss it records is "
    "the one on all the data, at the θ the step started from.",
    recipe="def step(theta, step_key): batch = jax.random.choice(step_key, len(y), (batch_size,), replace=False); "
    "return theta - step_size * jax.grad(loss)(theta, X[batch], y[batch]), (theta, loss(theta, X, y)); then "
    "return jax.lax.scan(step, theta, jax.random.split(key, n_steps)).",
    slips=[
        Slip(
            _slipped_descent(same_key=True),
            "every step drew the same minibatch: draw each batch from the step's own key, the one scan passes to "
            "the step (its second argument), not from `key`.",
        ),
        Slip(
            _slipped_descent(replacement=True),
            "some batches hold the same example twice: jax.random.choice draws with replacement unless you pass "
            "replace=False.",
        ),
        Slip(
            _slipped_descent(keep_theta=True),
            "θ never moves: the step must return the new θ first (the carry), so that scan hands it to the next "
            "step.",
        ),
        Slip(
            _slipped_descent(all_data=True),
            "this is full-batch descent: take the gradient on the minibatch, X[batch] and y[batch], not on all "
            "the data.",
        ),
        Slip(
            _slipped_descent(after=True),
            "the recorded (θ, loss) are those after each step: record them before it, for the θ the step starts "
            "from.",
        ),
    ],
    traced=True,
)
def minibatch_descent(loss, theta, X, y, key, batch_size, step_size, n_steps):
    """``n_steps`` of stochastic gradient descent: each step follows the gradient of ``batch_size`` examples.

    Step t draws its batch, without replacement, from the t-th key of ``jax.random.split(key, n_steps)``; with
    ``batch_size = len(y)`` every step sees all the data, which is full-batch gradient descent. Returns what
    `lax.scan` returns: the last θ, then ``(path, losses)``, the θ before each step and the loss on all the data
    there.
    """

    def step(theta, step_key):
        batch = jax.random.choice(step_key, len(y), (batch_size,), replace=False)
        new_theta = theta - step_size * jax.grad(loss)(theta, X[batch], y[batch])
        return new_theta, (theta, loss(theta, X, y))

    return jax.lax.scan(step, theta, jax.random.split(key, n_steps))
