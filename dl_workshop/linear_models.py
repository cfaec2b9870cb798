"""Reference answers for notebook 04 (linear models): the model, the loss and the optimiser, each a function."""

from functools import lru_cache

import jax
import jax.numpy as jnp
import numpy as np

from .checks import Slip, case_key, exercise
from .data import B_TRUE, LINE_X, W_TRUE, key_or_seed
from .optim import descend


def _line_cases():
    return [({"w": 2.0, "b": -1.0}, jnp.array([0.0, 1.0, 2.5])), ({"w": -0.5, "b": 3.0}, LINE_X)]


@exercise(
    cases=_line_cases,
    hint="a line is its slope times the input plus its intercept; theta holds the two under the keys 'w' and 'b'.",
    recipe="return theta['w'] * x + theta['b']",
    slips=[
        Slip(lambda theta, x: theta["b"] * x + theta["w"], "w is the slope (it multiplies x), b the intercept."),
        Slip(lambda theta, x: theta["w"] * x, "the intercept theta['b'] is missing."),
    ],
)
def linear_model(theta, x):
    """The prediction w·x + b of the line with parameters ``theta = {"w": w, "b": b}``."""
    return theta["w"] * x + theta["b"]


@exercise(
    cases=lambda: [(case_key(0),), (case_key(7),)],
    hint="w and b must be two independent draws, so each needs a key of its own, both made from key.",
    recipe="w_key, b_key = jax.random.split(key), then "
    "return {'w': jax.random.normal(w_key), 'b': jax.random.normal(b_key)}.",
    slips=[
        Slip(
            lambda key: {"w": jax.random.normal(key), "b": jax.random.normal(key)},
            "w and b came out equal: a key drawn from twice gives the same number twice. "
            "Split it first, into one key for w and one for b.",
        ),
        Slip(
            lambda key: dict(zip("wb", jax.random.normal(key, (2,)))),
            "two numbers drawn at once are fine parameters, but this exercise draws w from the first "
            "half of jax.random.split(key) and b from the second, so that yours match the check.",
        ),
        Slip(
            lambda key: dict(zip("bw", (jax.random.normal(k) for k in jax.random.split(key)))),
            "w and b are swapped: draw w with the first key that jax.random.split gives, b with the second.",
        ),
    ],
)
def initialize_linear_params(key=None):
    """Starting parameters ``{"w", "b"}``, each drawn from a standard normal with its own half of ``key``.

    Without a key, ``jax.random.key(0)``.
    """
    w_key, b_key = jax.random.split(key_or_seed(key, 0))
    return {"w": jax.random.normal(w_key), "b": jax.random.normal(b_key)}


def _line_readings():
    """Readings of notebook 04's line at its inputs, a fixed wiggle for noise: made in NumPy, nothing to compile."""
    return LINE_X, (W_TRUE * LINE_X + B_TRUE + np.sin(3.0 * LINE_X)).astype(np.float32)


def _loss_cases():
    x, y = _line_readings()  # one shape for both cases: each distinct shape compiles anew
    return [({"w": 0.3, "b": 0.5}, linear_model, x, y), ({"w": 2.0, "b": -1.0}, linear_model, x, y)]


def _residuals(theta, model, x, y):
    return model(theta, x) - y


@exercise(
    cases=_loss_cases,
    hint="three steps: the predictions model(theta, x), their differences from y, then the mean of their squares.",
    recipe="return jnp.mean((model(theta, x) - y) ** 2)",
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
        Slip(
            lambda *args: jnp.mean(_residuals(*args)) ** 2,
            "that is the square of the mean error: the errors were averaged first, so positive and negative ones "
            "cancelled. Square each error, then average (mind where the parentheses close).",
        ),
    ],
)
def mseloss(theta, model, x, y):
    """The mean squared error of ``model(theta, x)`` against the targets ``y``: one number.

    The predictions and ``y`` must have the same shape: (100,) against (100, 1) would broadcast to a
    100 × 100 table of every prediction minus every target, a different loss, so it is refused.
    """
    predictions = model(theta, x)
    _check_same_shape(predictions, y)
    return jnp.mean((predictions - y) ** 2)


def mse(y_true, y_pred):
    """The mean squared error of the predictions ``y_pred`` against the targets ``y_true``, of the same shape."""
    _check_same_shape(y_pred, y_true, name="mse")
    return jnp.mean((jnp.asarray(y_pred) - jnp.asarray(y_true)) ** 2)


def _check_same_shape(predictions, y, name="mseloss"):
    """Raise a ValueError naming both shapes when the predictions and the targets differ in shape.

    ``name`` is the function the message speaks for.
    """
    predicted, target = jnp.shape(predictions), jnp.shape(y)
    if predicted == target:
        return
    try:
        consequence = (f"subtracting them would broadcast to shape {jnp.broadcast_shapes(predicted, target)} "
                       "instead of pairing each prediction with its own target")
    except ValueError:
        consequence = "they cannot be subtracted at all"
    raise ValueError(
        f"{name} expected predictions and targets of the same shape, but the model predicts shape {predicted} "
        f"and y has shape {target}: {consequence}. Reshape one to match the other (a column y of shape (n, 1) "
        "becomes shape (n,) with y.reshape(-1))."
    )


def _by_hand_cases():
    x = jnp.array([-1.0, 0.0, 2.0, 3.0])
    return [({"w": 0.5, "b": -1.0}, x, jnp.array([0.0, 1.0, 1.0, 4.0])),
            ({"w": -2.0, "b": 3.0}, x, jnp.array([2.0, -1.0, 0.5, 1.0]))]


def _by_hand(scale_w, scale_b):
    """A wrong gradient built from the two sums: ``∂w ≈ scale_w(r, x)``, ``∂b ≈ scale_b(r, x)``."""

    def gradient(theta, x, y):
        r = theta["w"] * x + theta["b"] - y
        return {"w": scale_w(r, x), "b": scale_b(r, x)}

    return gradient


@exercise(
    cases=_by_hand_cases,
    hint="write L as the mean of r_i² with the residual r_i = w·x_i + b − y_i; the chain rule gives "
    "∂(r_i²)/∂w = 2 r_i · ∂r_i/∂w. What are ∂r_i/∂w and ∂r_i/∂b?",
    recipe="∂L/∂w = (2/n) Σ r_i x_i and ∂L/∂b = (2/n) Σ r_i: with r = theta['w'] * x + theta['b'] - y, "
    "return {'w': 2 * jnp.mean(r * x), 'b': 2 * jnp.mean(r)}.",
    slips=[
        Slip(_by_hand(lambda r, x: jnp.mean(r * x), lambda r, x: jnp.mean(r)),
             "half the gradient: the derivative of a square r² is 2r times the derivative of r."),
        Slip(_by_hand(lambda r, x: -2 * jnp.mean(r * x), lambda r, x: -2 * jnp.mean(r)),
             "the sign is flipped: with r = w·x + b − y, ∂r/∂w = +x and ∂r/∂b = +1; "
             "if you wrote y − (w·x + b), its derivatives carry a minus sign."),
        Slip(_by_hand(lambda r, x: 2 * jnp.sum(r * x), lambda r, x: 2 * jnp.sum(r)),
             "that is the gradient of the sum of squares; the loss is a mean, so keep the 1/n."),
        Slip(_by_hand(lambda r, x: 2 * jnp.mean(r), lambda r, x: 2 * jnp.mean(r)),
             "∂L/∂w is missing the inputs: w multiplies x_i, so ∂r_i/∂w = x_i weights each residual."),
        Slip(_by_hand(lambda r, x: 2 * jnp.mean(r), lambda r, x: 2 * jnp.mean(r * x)),
             "w and b are swapped: the derivative with respect to w is the one weighted by x."),
    ],
)
def mse_gradient_by_hand(theta, x, y):
    """The gradient of the mean squared error of the line ``theta = {"w", "b"}``, differentiated by hand.

    ``∂L/∂w = (2/n) Σ r_i x_i`` and ``∂L/∂b = (2/n) Σ r_i``, with residuals ``r_i = w x_i + b − y_i``.
    """
    residuals = theta["w"] * x + theta["b"] - y
    return {"w": 2 * jnp.mean(residuals * x), "b": 2 * jnp.mean(residuals)}


dmseloss = exercise(
    name="dmseloss",
    cases=_loss_cases,
    hint="no differentiating by hand this time (it must work for any model): one of notebook 01's "
    "transformations turns mseloss into its gradient function. With respect to which argument does it "
    "differentiate?",
    recipe="jax.grad(mseloss) is a function with the same arguments as mseloss: "
    "return jax.grad(mseloss)(theta, model, x, y)",
    slips=[
        Slip(
            lambda *args: jax.tree.map(lambda g: g / 2, jax.grad(mseloss)(*args)),
            "half the gradient: the derivative of a square brings down a factor 2.",
        ),
        Slip(
            lambda *args: jax.tree.map(jnp.negative, jax.grad(mseloss)(*args)),
            "the sign is flipped: the derivative of (prediction − y)² is +2(prediction − y)·∂prediction.",
        ),
        Slip(
            lambda *args: jax.value_and_grad(mseloss)(*args),
            "jax.value_and_grad returns a pair, (the loss, its gradient); this exercise asks for the gradient "
            "alone: jax.grad gives just that.",
        ),
    ],
    traced=True,  # one compiled gradient instead of a dozen small programs; the notebook compiles it next
)(jax.grad(mseloss))
dmseloss.__doc__ = "The gradient of `mseloss` with respect to ``theta``, in the same shape as ``theta``."


def _loop_cases():
    x, y = _line_readings()
    return [
        ({"w": 0.3, "b": 0.5}, linear_model, mseloss, x, y, 5, 0.01),
        ({"w": -1.0, "b": 2.0}, linear_model, mseloss, x, y, 5, 0.02),
    ]


def _loop_moving_by(update):
    """A loop like the exercise's whose step moves each parameter p with gradient g to ``update(p, g, step_size)``."""

    def loop(theta, model, loss, x, y, n_steps, step_size):
        loss_and_grad = jax.value_and_grad(loss)

        def step(theta, _):
            value, grads = loss_and_grad(theta, model, x, y)
            return jax.tree.map(lambda p, g: update(p, g, step_size), theta, grads), value

        theta, losses = jax.lax.scan(step, theta, length=n_steps)
        return losses, theta

    return loop


def _losses_after_each_step(theta, model, loss, x, y, n_steps, step_size):
    losses, _ = model_optimization_loop(theta, model, loss, x, y, n_steps + 1, step_size)
    _, theta = model_optimization_loop(theta, model, loss, x, y, n_steps, step_size)
    return losses[1:], theta


@exercise(
    cases=_loop_cases,
    hint="two things happen in a step: the loss and its gradient at theta (loss_and_grad gives both), then "
    "every parameter moves a little against its own gradient; return (the new theta, the loss).",
    recipe="value, grads = loss_and_grad(theta, model, x, y); "
    "theta = jax.tree.map(lambda p, g: p - step_size * g, theta, grads); return theta, value",
    slips=[
        Slip(
            lambda *args: model_optimization_loop(*args)[::-1],
            "return the pair in the order (losses, theta).",
        ),
        Slip(
            _loop_moving_by(lambda p, g, step_size: p + step_size * g),
            "that climbs the loss: step against the gradient, theta − step_size · gradient.",
        ),
        Slip(
            _loop_moving_by(lambda p, g, step_size: p - g),
            "each step moved by the whole gradient: scale it by step_size first.",
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

    ``theta`` may be any pytree of parameters that ``model`` accepts. Returns ``(losses, theta)``, the order
    the workshop's original notebooks fix (`jax.lax.scan` and `dl_workshop.optim.descend` return
    ``(theta, losses)``): ``losses[i]`` is the loss before step ``i``, ``theta`` the parameters after the last
    step.
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
