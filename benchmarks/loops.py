"""The 3000-step linear fit: Python loops calling JAX every step against the compiled loop."""

import jax
import numpy as np

from dl_workshop.answers import b_true, initialize_linear_params, linear_model, make_y, model_optimization_loop, mseloss, w_true, x
from dl_workshop.optim import plain_descent

from .timing import Row, seconds

N_STEPS, STEP_SIZE = 3000, 0.01


def usual_loop(theta, y):
    """The loop workshops usually write: the loss, then `jax.grad` of it, called from Python every step."""
    losses = []
    for _ in range(N_STEPS):
        losses.append(mseloss(theta, linear_model, x, y))
        grads = jax.grad(mseloss)(theta, linear_model, x, y)
        theta = jax.tree.map(lambda p, g: p - STEP_SIZE * g, theta, grads)
    return np.array(losses), theta


def plain_loop(theta, y):
    """The engine's own fallback: `value_and_grad` made once, called from Python every step."""
    theta, losses = plain_descent(mseloss, theta, linear_model, x, y, step_size=STEP_SIZE, n_steps=N_STEPS)
    return losses, theta


def compiled_loop(theta, y):
    return model_optimization_loop(theta, linear_model, mseloss, x, y, n_steps=N_STEPS, step_size=STEP_SIZE)


def assert_same_fit(a, b):
    (losses, theta), (other_losses, other_theta) = a, b
    np.testing.assert_allclose(losses, other_losses, rtol=1e-4, atol=1e-7)
    for key in theta:
        np.testing.assert_allclose(theta[key], other_theta[key], rtol=1e-4, atol=1e-6)


def rows(repeat=3):
    """Cold runs compile from scratch (the package turns JAX's disk cache off; caches cleared before each)."""
    theta, y = initialize_linear_params(), make_y(x, w_true, b_true)
    usual = seconds(usual_loop, theta, y, repeat=1)
    plain = seconds(plain_loop, theta, y, repeat=1)
    cold = seconds(compiled_loop, theta, y, repeat=repeat, setup=jax.clear_caches)
    warm = seconds(compiled_loop, theta, y, repeat=max(repeat, 10))
    fitted = compiled_loop(theta, y)
    assert_same_fit(fitted, usual_loop(theta, y))
    assert_same_fit(fitted, plain_loop(theta, y))
    w, b = (float(fitted[1][k]) for k in ("w", "b"))
    print(f"linear fit, {N_STEPS} steps: all three loops end at w = {w:.4f}, b = {b:.4f}, losses agreeing")
    against = "loop calling loss and jax.grad"
    yield Row(f"model_optimization_loop, cold ({N_STEPS} steps)", against, cold, usual, 50)
    yield Row(f"model_optimization_loop, warm ({N_STEPS} steps)", against, warm, usual, 1000)
    yield Row(f"model_optimization_loop, cold ({N_STEPS} steps)", "loop calling value_and_grad", cold, plain, None)
    yield Row(f"model_optimization_loop, warm ({N_STEPS} steps)", "loop calling value_and_grad", warm, plain, None)
