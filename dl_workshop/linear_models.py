"""Reference answers for notebook 04 (linear models): the model, the loss and the optimiser, each a function."""

from functools import lru_cache

import jax
import jax.numpy as jnp

from .checks import Slip, exercise
from .data import B_TRUE, LINE_X, W_TRUE, key_or_seed, make_y
from .optim import descend



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
