"""Reference answers for notebooks 04 (linear models), 05 (linear regression in practice) and 07 (stochastic
gradient descent).

Notebook 04 builds the three ingredients of fitting a model, each a function: the model, the loss and the
optimiser. Notebook 05 solves the same problem in closed form, checks it against NumPy's float64 fit and
against gradient descent, and looks at when to stop and why scaling the data matters. Notebook 07 splits the
loss into one loss per example: their gradients, and descent on random minibatches of them.
"""

from functools import lru_cache, partial
from typing import NamedTuple

import jax
import jax.numpy as jnp

from .checks import Slip, exercise
from .data import B_TRUE, LINE_X, W_TRUE, celsius_readings, key_or_seed, make_y, three_points
from .optim import descend

# ---------------------------------------------------------------------------------------------------------
# Notebook 04: model, loss and optimiser
# ---------------------------------------------------------------------------------------------------------


def _line_cases():
    return [({"w": 2.0, "b": -1.0}, jnp.array([0.0, 1.0, 2.5])), ({"w": -0.5, "b": 3.0}, LINE_X)]


@exercise(
    cases=_line_cases,
    hint="multiply the input by the slope and add the intercept: theta['w'] * x + theta['b'].",
    slips=[
        Slip(lambda theta, x: theta["b"] * x + theta["w"], "w is the slope (it multiplies x), b the intercept."),
        Slip(lambda theta, x: theta["w"] * x, "the intercept theta['b'] is missing."),
    ],
)
def linear_model(theta, x):
    """The prediction w·x + b of the line with parameters ``theta = {"w": w, "b": b}``."""
    return theta["w"] * x + theta["b"]


@exercise(
    cases=lambda: [(jax.random.key(0),), (jax.random.key(7),)],
    hint="split the key in two, then draw w with jax.random.normal from the first and b from the second.",
    slips=[
        Slip(
            lambda key: {"w": jax.random.normal(key), "b": jax.random.normal(key)},
            "w and b came out equal: a key drawn from twice gives the same number twice. "
            "Split it first: w_key, b_key = jax.random.split(key).",
        ),
        Slip(
            lambda key: dict(zip("wb", jax.random.normal(key, (2,)))),
            "two numbers drawn at once are fine parameters, but this exercise draws w from the first "
            "half of jax.random.split(key) and b from the second, so that yours match the check.",
        ),
    ],
)
def initialize_linear_params(key=None):
    """Starting parameters ``{"w", "b"}``, each drawn from a standard normal with its own half of ``key``.

    Without a key, ``jax.random.key(0)``.
    """
    w_key, b_key = jax.random.split(key_or_seed(key, 0))
    return {"w": jax.random.normal(w_key), "b": jax.random.normal(b_key)}


def _loss_cases():
    y = make_y(LINE_X, W_TRUE, B_TRUE)  # one shape for both cases: each distinct shape compiles anew
    return [({"w": 0.3, "b": 0.5}, linear_model, LINE_X, y), ({"w": 2.0, "b": -1.0}, linear_model, LINE_X, y)]


def _residuals(theta, model, x, y):
    return model(theta, x) - y


@exercise(
    cases=_loss_cases,
    hint="predict with model(theta, x), subtract y, square, and take the mean with jnp.mean.",
    slips=[
        Slip(
            lambda *args: jnp.sum(_residuals(*args) ** 2),
            "that is the sum of squares; the mean divides it by the number of points (jnp.mean).",
        ),
        Slip(
            lambda *args: jnp.mean(jnp.abs(_residuals(*args))),
            "that is the mean absolute error; square the residuals instead.",
        ),
        Slip(
            lambda *args: jnp.sqrt(jnp.mean(_residuals(*args) ** 2)),
            "that is the root of the mean squared error; leave out the square root.",
        ),
        Slip(
            lambda *args: jnp.mean(_residuals(*args)),
            "positive and negative errors cancel in a plain mean; square them first.",
        ),
    ],
)
def mseloss(theta, model, x, y):
    """The mean squared error of ``model(theta, x)`` against the targets ``y``: one number."""
    return jnp.mean((model(theta, x) - y) ** 2)


dmseloss = exercise(
    name="dmseloss",
    cases=_loss_cases,
    hint="let JAX differentiate: jax.grad(mseloss) is the gradient with respect to the first argument, theta.",
    slips=[
        Slip(
            lambda *args: jax.tree.map(lambda g: g / 2, jax.grad(mseloss)(*args)),
            "half the gradient: the derivative of a square brings down a factor 2.",
        ),
        Slip(
            lambda *args: jax.tree.map(jnp.negative, jax.grad(mseloss)(*args)),
            "the sign is flipped: the derivative of (prediction − y)² is +2(prediction − y)·∂prediction.",
        ),
    ],
    traced=True,  # one compiled gradient instead of a dozen small programs; the notebook compiles it next
)(jax.grad(mseloss))
dmseloss.__doc__ = "The gradient of `mseloss` with respect to ``theta``, in the same shape as ``theta``."


def _loop_cases():
    y = make_y(LINE_X, W_TRUE, B_TRUE)
    return [
        ({"w": 0.3, "b": 0.5}, linear_model, mseloss, LINE_X, y, 5, 0.01),
        ({"w": -1.0, "b": 2.0}, linear_model, mseloss, LINE_X, y, 5, 0.02),
    ]


def _losses_after_each_step(theta, model, loss, x, y, n_steps, step_size):
    losses, _ = model_optimization_loop(theta, model, loss, x, y, n_steps + 1, step_size)
    _, theta = model_optimization_loop(theta, model, loss, x, y, n_steps, step_size)
    return losses[1:], theta


@exercise(
    cases=_loop_cases,
    hint="each step: loss value and gradient at theta (jax.value_and_grad), then theta − step_size · gradient "
    "for every parameter (jax.tree.map); return (losses, theta).",
    slips=[
        Slip(
            lambda *args: model_optimization_loop(*args)[::-1],
            "return the pair in the order (losses, theta).",
        ),
        Slip(
            lambda theta, model, loss, x, y, n_steps, step_size: model_optimization_loop(
                theta, model, loss, x, y, n_steps, -step_size
            ),
            "that climbs the loss: step against the gradient, theta − step_size · gradient.",
        ),
        Slip(
            _losses_after_each_step,
            "record each loss before its update, at the theta the gradient is taken at: "
            "losses[0] is the loss of the starting parameters.",
        ),
    ],
)
def model_optimization_loop(theta, model, loss, x, y, n_steps=3000, step_size=0.01):
    """``n_steps`` of gradient descent on ``loss(theta, model, x, y)``, compiled.

    ``theta`` may be any pytree of parameters that ``model`` accepts. Returns ``(losses, theta)``:
    ``losses[i]`` is the loss before step ``i``, ``theta`` the parameters after the last step.
    """
    theta, losses = descend(_with_model(loss, model), theta, x, y, step_size=step_size, n_steps=n_steps)
    return losses, theta


@lru_cache(maxsize=64)
def _with_model(loss, model):
    """``loss`` with ``model`` bound in: ``(theta, x, y) ↦ loss(theta, model, x, y)``.

    Cached, so that every call with the same loss and model hands `descend` the same function and its
    compiled loop is reused.
    """

    def bound_loss(theta, x, y):
        return loss(theta, model, x, y)

    return bound_loss


# ---------------------------------------------------------------------------------------------------------
# Notebook 05: linear regression in practice
# ---------------------------------------------------------------------------------------------------------


@exercise(
    cases=lambda: [(jnp.array([1.0, 2.0, 3.0]),), (jnp.array([-1.0, 0.5, 2.0]),)],
    hint="start from jnp.ones((len(x), 2)) and set column 1 to x with .at[:, 1].set(x).",
    slips=[
        Slip(
            lambda x: jnp.ones((len(x), 2)).at[:, 0].set(x),
            "the bias column comes first: column 0 holds the ones, column 1 the inputs.",
        ),
        Slip(
            lambda x: jnp.zeros((len(x), 2)).at[:, 1].set(x),
            "the bias column holds ones (it multiplies the intercept), so start from jnp.ones.",
        ),
    ],
)
def design_matrix(x):
    """The n × 2 matrix [1, x]: a column of ones for the intercept, then the inputs."""
    return jnp.ones((len(x), 2)).at[:, 1].set(x)


@jax.jit
def least_squares_loss(theta, X, y):
    """The mean squared error of the predictions ``X @ theta`` against ``y`` (compiled: one call, one program)."""
    return jnp.mean((X @ theta - y) ** 2)


def _regression_cases():
    celsius, fahrenheit = celsius_readings()
    x, y = three_points()
    return [(design_matrix(x), y), (design_matrix(celsius), fahrenheit)]


@exercise(
    cases=_regression_cases,
    hint="solve the normal equations XᵀX θ = Xᵀy: jnp.linalg.solve(X.T @ X, X.T @ y).",
)
def least_squares(X, y):
    """The parameters minimising the squared error of ``X @ theta`` against ``y``, from the normal equations."""
    return jnp.linalg.solve(X.T @ X, X.T @ y)


@jax.jit
def standardise(values):
    """``(values − mean) / sd`` with the mean and the standard deviation (ddof = 0) it used; compiled."""
    mean, sd = jnp.mean(values), jnp.std(values)
    return (values - mean) / sd, mean, sd


def _unit_cases():
    return [(0.98, 0.0, 5.0, 5.8, 41.0, 11.6), (0.5, 0.3, -2.0, 2.0, 10.0, 4.0), (-1.2, -0.4, 3.0, 0.5, 1.0, 2.0)]


@exercise(
    cases=_unit_cases,
    hint="substitute x̃ = (x − x̄)/σx and ỹ = (y − ȳ)/σy into ỹ = α̃ x̃ + β̃ and solve for y: "
    "slope α = α̃ σy/σx, intercept β = ȳ + σy β̃ − α x̄.",
    slips=[
        Slip(
            lambda a, b, xm, xs, ym, ys: (a * ys / xs, ym + b * ys - xm * ys / xs),
            "the x̄ term carries the slope: it is −α x̄ with α = α̃ σy/σx, not −x̄ σy/σx.",
        ),
        Slip(
            lambda a, b, xm, xs, ym, ys: (a * ys / xs, ym - a * ys / xs * xm),
            "the standardised intercept β̃ is in units of σy and adds σy β̃ to the intercept.",
        ),
        Slip(
            lambda a, b, xm, xs, ym, ys: (a * xs / ys, ym + b * ys - a * xs / ys * xm),
            "the slope is y per x: α = α̃ σy/σx.",
        ),
    ],
)
def to_original_units(slope_std, intercept_std, x_mean, x_sd, y_mean, y_sd):
    """Map a line fitted to standardised data back to the data's own units: returns (slope, intercept)."""
    slope = slope_std * y_sd / x_sd
    return slope, y_mean + y_sd * intercept_std - slope * x_mean


class StepChange(NamedTuple):
    """What one step of gradient descent changed; a stopping rule looks at these."""

    parameters: jax.Array  # ‖θ_{t+1} − θ_t‖
    loss: jax.Array  # |L(θ_{t−1}) − L(θ_t)|
    gradient_norm: jax.Array  # ‖∇L(θ_t)‖


def tree_norm(tree):
    """The Euclidean norm of all the numbers of a pytree taken together."""
    return jnp.sqrt(sum(jnp.sum(leaf**2) for leaf in jax.tree.leaves(tree)))


def descend_until(loss, theta, *data, step_size, stop, max_steps=100_000):
    """Gradient descent on ``loss(theta, *data)`` until ``stop(change)`` is true or ``max_steps`` are taken.

    ``stop`` receives the `StepChange` of the step just taken and returns a boolean. The loop is compiled
    once per loss, rule and ``max_steps``. Returns ``(theta, steps taken)``.
    """
    return _descend_until(loss, stop, max_steps, theta, data, step_size)


@partial(jax.jit, static_argnums=(0, 1, 2))
def _descend_until(loss, stop, max_steps, theta, data, step_size):
    loss_and_grad = jax.value_and_grad(loss)
    never_stopped = StepChange(*(jnp.array(jnp.inf),) * 3)

    def keep_going(state):
        steps, _, _, change = state
        return (steps < max_steps) & ~stop(change)

    def step(state):
        steps, theta, previous_loss, _ = state
        value, grads = loss_and_grad(theta, *data)
        new_theta = jax.tree.map(lambda p, g: p - step_size * g, theta, grads)
        change = StepChange(
            parameters=tree_norm(jax.tree.map(jnp.subtract, new_theta, theta)),
            loss=jnp.abs(previous_loss - value),
            gradient_norm=tree_norm(grads),
        )
        return steps + 1, new_theta, value, change

    steps, theta, _, _ = jax.lax.while_loop(keep_going, step, (0, theta, jnp.array(jnp.inf), never_stopped))
    return theta, steps


# ---------------------------------------------------------------------------------------------------------
# Notebook 07: per-example gradients and stochastic gradient descent
# ---------------------------------------------------------------------------------------------------------

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
