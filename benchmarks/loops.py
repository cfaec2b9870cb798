"""The 3000-step linear fit: a Python loop calling `jax.grad` every step against the compiled loop."""

import jax
import numpy as np

from dl_workshop.answers import b_true, initialize_linear_params, linear_model, make_y, model_optimization_loop, mseloss, w_true, x
from dl_workshop.optim import plain_descent

from .timing import Row, seconds

N_STEPS = 3000


def plain_loop(theta, y):
    theta, losses = plain_descent(mseloss, theta, linear_model, x, y, step_size=0.01, n_steps=N_STEPS)
    return losses, theta


def compiled_loop(theta, y):
    return model_optimization_loop(theta, linear_model, mseloss, x, y, n_steps=N_STEPS)


def rows(repeat=3):
    theta, y = initialize_linear_params(), make_y(x, w_true, b_true)
    plain = seconds(plain_loop, theta, y, repeat=1)
    cold = seconds(compiled_loop, theta, y, repeat=repeat, setup=jax.clear_caches)
    warm = seconds(compiled_loop, theta, y, repeat=max(repeat, 10))
    (plain_losses, plain_theta), (losses, fitted) = plain_loop(theta, y), compiled_loop(theta, y)
    for key in fitted:
        np.testing.assert_allclose(fitted[key], plain_theta[key], rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(losses, plain_losses, rtol=1e-4, atol=1e-7)
    print(f"linear fit, {N_STEPS} steps: both loops end at w = {float(fitted['w']):.4f}, b = {float(fitted['b']):.4f}")
    yield Row(f"model_optimization_loop, cold ({N_STEPS} steps)", "plain loop calling jax.grad", cold, plain, 50)
    yield Row(f"model_optimization_loop, warm ({N_STEPS} steps)", "plain loop calling jax.grad", warm, plain, 1000)
