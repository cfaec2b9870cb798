"""Reference answers for notebook 06: from a Python loop to compiled code.

Parameters are notebook 04's dict ``{"w": slope, "b": intercept}``; every loop returns ``(theta, losses)``,
the order of `jax.lax.scan` (final carry, then what each step stacked), with ``losses[i]`` the loss before
step ``i``.
"""

import jax
import numpy as np
import optax

from .checks import Slip, exercise
from .data import B_TRUE, LINE_X, W_TRUE, celsius_readings, make_y
from .linear_models import _line_readings, linear_model, mseloss

#: Where notebook 06 starts every fit of the line.
START = {"w": 0.3, "b": 0.5}


def line_loss(theta, x, y):
    """The mean squared error of the line ``theta = {"w", "b"}`` on the readings (x, y)."""
    return mseloss(theta, linear_model, x, y)


@jax.jit
def line_data():
    """Notebook 04's readings of the line y = 2x + 5: inputs and noisy outputs (made in one compiled call)."""
    return LINE_X, make_y(LINE_X, W_TRUE, B_TRUE)


def kelvin_data():
    """Notebook 05's thermometer readings with the temperature in kelvin: ``(kelvin, fahrenheit)``."""
    celsius, fahrenheit = celsius_readings()
    return jax.device_put(np.asarray(celsius) + np.float32(273.15)), fahrenheit


def smallest_loss(x, y):
    """The smallest mean squared error any line reaches on (x, y), from the float64 least-squares fit."""
    x, y = np.asarray(x, np.float64), np.asarray(y, np.float64)
    slope, intercept = np.polyfit(x, y, 1)
    return float(np.mean((slope * x + intercept - y) ** 2))


def steps_to_reach(losses, target):
    """The first step whose loss is at most ``target`` (one row of ``losses`` per run); -1 where none is."""
    reached = np.asarray(losses) <= target
    return np.where(reached.any(axis=-1), reached.argmax(axis=-1), -1)


def _descend_tree(theta, grads, step_size):
    return jax.tree.map(lambda p, g: p - step_size * g, theta, grads)


# ---------------------------------------------------------------------------------------------------------
# Exercise 1: one compiled step
# ---------------------------------------------------------------------------------------------------------


def _step_slip(update):
    """A compiled step that makes the mistake ``update(theta, grads, step_size)``."""
    return lambda loss, step_size: jax.jit(lambda t, x, y: update(t, jax.grad(loss)(t, x, y), step_size))


@exercise(
    cases=lambda: [(line_loss, 0.05)],
    probes=lambda: [(dict(START), *_line_readings()), ({"w": -1.0, "b": 2.0}, *_line_readings())],
    compiled=True,
    hint="take the gradient of loss with respect to theta, then move every entry of theta against its own "
    "gradient, step_size times as far.",
    recipe="@jax.jit above `def step(theta, x, y):`; inside, grads = jax.grad(loss)(theta, x, y) and "
    "return jax.tree.map(lambda p, g: p - step_size * g, theta, grads); make_step returns step.",
    slips=[
        Slip(_step_slip(lambda t, g, s: _descend_tree(t, g, -s)),
             "that steps uphill: subtract step_size times the gradient."),
        Slip(_step_slip(lambda t, g, s: _descend_tree(t, g, 0.01)),
             "use the step_size you were given, not a fixed number."),
        Slip(_step_slip(lambda t, g, s: _descend_tree(t, g, 1.0)),
             "scale the gradient by step_size before subtracting it."),
    ],
)
def make_step(loss, step_size):
    """A compiled function ``(theta, x, y) ↦ theta after one step of gradient descent on loss``."""

    @jax.jit
    def step(theta, x, y):
        return _descend_tree(theta, jax.grad(loss)(theta, x, y), step_size)

    return step


def scan_fit(loss, theta, x, y, step_size, n_steps):
    """``n_steps`` of gradient descent in one `lax.scan`: ``(theta, losses)``, ``losses[i]`` before step i.

    Notebook 04's loop (its ``model_optimization_loop``), with the loss of the line built in.
    """

    def step(theta, _):
        value, grads = jax.value_and_grad(loss)(theta, x, y)
        return _descend_tree(theta, grads, step_size), value

    return jax.lax.scan(step, theta, length=n_steps)


# ---------------------------------------------------------------------------------------------------------
# Exercise 2: many step sizes at once with vmap
# ---------------------------------------------------------------------------------------------------------


def _many_cases():
    x, y = _line_readings()  # made in NumPy: nothing to compile before the check
    return [(line_loss, dict(START), x, y, np.array([0.001, 0.01, 0.05], np.float32), 10)]


def _swapped(fit):
    """The slip of returning ``(losses, theta)`` from a loop that returns ``(theta, losses)``."""
    return lambda *args: fit(*args)[::-1]


@exercise(
    cases=_many_cases,
    traced=True,  # the notebook compiles it next
    hint="only the step size changes from one fit to the next: map over step_sizes and hold every other "
    "argument fixed.",
    recipe="return jax.vmap(scan_fit, in_axes=(None, None, None, None, 0, None))"
    "(loss, theta, x, y, step_sizes, n_steps)",
    slips=[
        Slip(lambda loss, theta, x, y, step_sizes, n_steps: scan_fit(loss, theta, x, y, step_sizes[0], n_steps),
             "that is one fit, with the first step size: vmap over step_sizes gives one fit per step size."),
        Slip(_swapped(lambda *args: fit_step_sizes(*args)),
             "return (thetas, losses), in the order of scan_fit and lax.scan: parameters first."),
    ],
)
def fit_step_sizes(loss, theta, x, y, step_sizes, n_steps):
    """One fit per step size, all at once with `vmap`: ``(thetas, losses)`` with a leading axis of step sizes."""
    return jax.vmap(scan_fit, in_axes=(None, None, None, None, 0, None))(loss, theta, x, y, step_sizes, n_steps)


# ---------------------------------------------------------------------------------------------------------
# Exercise 3: a step size per step, scanned over
# ---------------------------------------------------------------------------------------------------------


def _schedule_cases():
    x, y = _line_readings()  # made in NumPy: nothing to compile before the check
    return [(line_loss, dict(START), x, y, np.array([0.1, 0.05, 0.02, 0.01, 0.005], np.float32))]


def _schedule_fit_with(choose, record_after=False):
    """A scan over the step sizes that takes ``choose(step_sizes, step_size)`` each step (a slip)."""

    def fit(loss, theta, x, y, step_sizes):
        def step(theta, step_size):
            value, grads = jax.value_and_grad(loss)(theta, x, y)
            theta = _descend_tree(theta, grads, choose(step_sizes, step_size))
            return theta, loss(theta, x, y) if record_after else value

        return jax.lax.scan(step, theta, step_sizes)

    return fit


@exercise(
    cases=_schedule_cases,
    traced=True,  # the notebook compiles it next
    hint="let lax.scan hand the step sizes to your step function one at a time: they are its xs.",
    recipe="def step(theta, step_size): value, grads = jax.value_and_grad(loss)(theta, x, y); return "
    "jax.tree.map(lambda p, g: p - step_size * g, theta, grads), value; then "
    "return jax.lax.scan(step, theta, step_sizes).",
    slips=[
        Slip(_schedule_fit_with(lambda sizes, size: sizes[0]),
             "every step took the first step size: use the one lax.scan passes to step as its second argument."),
        Slip(_schedule_fit_with(lambda sizes, size: size, record_after=True),
             "record the loss *before* each step (the value that value_and_grad gives with the gradient)."),
        Slip(_swapped(_schedule_fit_with(lambda sizes, size: size)),
             "return (theta, losses), in the order lax.scan gives them: parameters first."),
    ],
)
def schedule_fit(loss, theta, x, y, step_sizes):
    """One step of gradient descent per entry of ``step_sizes``, in one `lax.scan` over them: ``(theta, losses)``."""

    def step(theta, step_size):
        value, grads = jax.value_and_grad(loss)(theta, x, y)
        return _descend_tree(theta, grads, step_size), value

    return jax.lax.scan(step, theta, step_sizes)


# ---------------------------------------------------------------------------------------------------------
# Exercise 4 (derive): the step that clears one direction
# ---------------------------------------------------------------------------------------------------------


@exercise(
    cases=lambda: [(2.0,), (17.0,), (0.25,)],
    hint="one step multiplies the error along that direction by (1 − step_size · curvature): "
    "which step size makes that factor zero?",
    recipe="solve 1 − η λ = 0 for η, and return that η for the given curvature λ.",
    slips=[
        Slip(lambda curvature: 2.0 / curvature,
             "that is the largest stable constant step: there the factor is −1, and the error only flips sign."),
        Slip(lambda curvature: curvature,
             "the steeper the direction, the smaller the step: the answer falls as the curvature grows."),
    ],
)
def exact_step(curvature):
    """The step size after which the error along a direction of this curvature is zero: 1 / curvature."""
    return 1.0 / curvature


# ---------------------------------------------------------------------------------------------------------
# Exercise 5: the loop with an optax optimizer
# ---------------------------------------------------------------------------------------------------------


def _optax_cases():
    x, y = _line_readings()  # made in NumPy: nothing to compile before the check
    return [(optax.adam(0.1), line_loss, dict(START), x, y, 6), (optax.sgd(0.05), line_loss, dict(START), x, y, 6)]


def _optax_fit_with(apply, reinitialise=False):
    """An optax loop that applies updates with ``apply(theta, updates)`` (a slip)."""

    def fit(optimizer, loss, theta, x, y, n_steps):
        def step(carry, _):
            theta, state = carry
            value, grads = jax.value_and_grad(loss)(theta, x, y)
            updates, new_state = optimizer.update(grads, optimizer.init(theta) if reinitialise else state, theta)
            return (apply(theta, updates), new_state), value

        (theta, _), losses = jax.lax.scan(step, (theta, optimizer.init(theta)), length=n_steps)
        return theta, losses

    return fit


@exercise(
    cases=_optax_cases,
    traced=True,  # the notebook compiles it next
    hint="carry the optimizer's state along with theta: it starts as optimizer.init(theta), and every "
    "update returns the next one.",
    recipe="def step(carry, _): theta, state = carry; value, grads = jax.value_and_grad(loss)(theta, x, y); "
    "updates, state = optimizer.update(grads, state, theta); return (optax.apply_updates(theta, updates), "
    "state), value. Then (theta, _), losses = jax.lax.scan(step, (theta, optimizer.init(theta)), "
    "length=n_steps).",
    slips=[
        Slip(lambda optimizer, loss, theta, x, y, n_steps: optax_fit(optax.adam(0.1), loss, theta, x, y, n_steps),
             "use the optimizer you were given (the argument optimizer), not one you made yourself."),
        Slip(_optax_fit_with(lambda theta, updates: jax.tree.map(lambda p, u: p - u, theta, updates)),
             "optax's updates already carry the minus sign (and the step size): add them to theta, with "
             "optax.apply_updates(theta, updates)."),
        Slip(_optax_fit_with(optax.apply_updates, reinitialise=True),
             "keep the state optimizer.update returns and carry it to the next step; do not start it afresh."),
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
