"""Reference answers for notebook 06: from a Python loop to compiled code."""

import jax
import numpy as np
import optax

from .checks import Slip, exercise
from .data import B_TRUE, LINE_X, W_TRUE, make_y
from .linear_models import linear_model, mseloss


def line_loss(theta, x, y):
    """The mean squared error of the line ``theta = {"w", "b"}`` on the readings (x, y)."""
    return mseloss(theta, linear_model, x, y)


@jax.jit
def line_data():
    """Notebook 04's readings of the line y = 2x + 5: inputs and noisy outputs (made in one compiled call)."""
    return LINE_X, make_y(LINE_X, W_TRUE, B_TRUE)


def _start():
    return {"w": 0.3, "b": 0.5}


def _descend_tree(theta, grads, step_size):
    return jax.tree.map(lambda p, g: p - step_size * g, theta, grads)


@exercise(
    cases=lambda: [(line_loss, 0.05)],
    probes=lambda: [(_start(), *line_data()), ({"w": -1.0, "b": 2.0}, *line_data())],
    hint="inside, take grads = jax.grad(loss)(theta, x, y) and return "
    "jax.tree.map(lambda p, g: p - step_size * g, theta, grads); decorate it with @jax.jit.",
    slips=[
        Slip(
            lambda loss, step_size: jax.jit(lambda t, x, y: _descend_tree(t, jax.grad(loss)(t, x, y), -step_size)),
            "that steps uphill: subtract step_size times the gradient.",
        ),
        Slip(
            lambda loss, step_size: jax.jit(lambda t, x, y: _descend_tree(t, jax.grad(loss)(t, x, y), 0.01)),
            "use the step_size you were given, not a fixed number.",
        ),
    ],
)
def make_step(loss, step_size):
    """A compiled function ``(theta, x, y) ↦ theta after one step of gradient descent on loss``."""

    @jax.jit
    def step(theta, x, y):
        return _descend_tree(theta, jax.grad(loss)(theta, x, y), step_size)

    return step


def _fit_cases():
    x, y = line_data()
    return [(line_loss, {"w": -1.0, "b": 2.0}, x, y, 0.05, 12)]


@exercise(
    cases=_fit_cases,
    traced=True,  # the notebook compiles it next
    hint="write step(theta, _) returning (new theta, loss at theta) with jax.value_and_grad, then "
    "theta, losses = jax.lax.scan(step, theta, length=n_steps).",
    slips=[
        Slip(
            lambda loss, theta, x, y, step_size, n_steps: _scan_fit_after(loss, theta, x, y, step_size, n_steps),
            "record the loss *before* each step (the value that value_and_grad gives with the gradient).",
        ),
    ],
)
def scan_fit(loss, theta, x, y, step_size, n_steps):
    """``n_steps`` of gradient descent in one `lax.scan`: ``(theta, losses)``, ``losses[i]`` before step i."""

    def step(theta, _):
        value, grads = jax.value_and_grad(loss)(theta, x, y)
        return _descend_tree(theta, grads, step_size), value

    return jax.lax.scan(step, theta, length=n_steps)


def _scan_fit_after(loss, theta, x, y, step_size, n_steps):
    """The slip of recording the loss after each step instead of before."""

    def step(theta, _):
        theta = _descend_tree(theta, jax.grad(loss)(theta, x, y), step_size)
        return theta, loss(theta, x, y)

    return jax.lax.scan(step, theta, length=n_steps)


def _many_cases():
    x, y = line_data()
    return [(line_loss, _start(), x, y, np.array([0.001, 0.01, 0.05], np.float32), 10)]


@exercise(
    cases=_many_cases,
    traced=True,  # the notebook compiles it next
    hint="jax.vmap(lambda step_size: scan_fit(loss, theta, x, y, step_size, n_steps))(step_sizes).",
)
def fit_step_sizes(loss, theta, x, y, step_sizes, n_steps):
    """One fit per step size, all at once with `vmap`: ``(thetas, losses)`` with a leading axis of step sizes."""
    return jax.vmap(lambda step_size: scan_fit(loss, theta, x, y, step_size, n_steps))(step_sizes)


def _optax_cases():
    x, y = line_data()
    return [(optax.adam(0.1), line_loss, _start(), x, y, 6)]


@exercise(
    cases=_optax_cases,
    traced=True,  # the notebook compiles it next
    hint="state = optimizer.init(theta); each step: updates, state = optimizer.update(grads, state, theta), "
    "then theta = optax.apply_updates(theta, updates). Carry (theta, state) through lax.scan.",
    slips=[
        Slip(
            lambda optimizer, loss, theta, x, y, n_steps: scan_fit(loss, theta, x, y, 0.01, n_steps),
            "that is plain gradient descent: let the optimizer turn gradients into updates.",
        ),
    ],
)
def optax_fit(optimizer, loss, theta, x, y, n_steps):
    """``n_steps`` of an optax optimizer on ``loss(theta, x, y)`` in one `lax.scan`: ``(theta, losses)``."""

    def step(carry, _):
        theta, state = carry
        value, grads = jax.value_and_grad(loss)(theta, x, y)
        updates, state = optimizer.update(grads, state, theta)
        return (optax.apply_updates(theta, updates), state), value

    (theta, _), losses = jax.lax.scan(step, (theta, optimizer.init(theta)), length=n_steps)
    return theta, losses

