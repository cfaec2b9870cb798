"""Reference answers for notebook 01: derivatives with `jax.grad` and plain gradient descent."""

import jax
import jax.numpy as jnp

from .checks import Slip, exercise


def linear(x):
    """f(x) = 3x + 1, whose derivative is 3 everywhere."""
    return 3.0 * x + 1.0


def polynomial(x):
    """f(x) = 3x² + 4x − 3, whose minimum is at x = −2/3."""
    return 3.0 * x**2 + 4.0 * x - 3.0


@exercise(
    cases=lambda: [(3.0,), (0.0,), (-2.5,)],
    hint="differentiate term by term: d/dx of 3x² is 6x, of 4x is 4, of a constant is 0.",
    slips=[
        Slip(lambda x: 3.0 * x + 4.0, "the power rule multiplies by the exponent: d/dx 3x² = 2·3x = 6x."),
        Slip(lambda x: 6.0 * x, "the term 4x has derivative 4; it does not vanish."),
        Slip(lambda x: 6.0 * x + 4.0 - 3.0, "a constant (the −3) has derivative 0."),
    ],
)
def dpolynomial_by_hand(x):
    """f'(x) = 6x + 4, written by hand."""
    return 6.0 * x + 4.0


@exercise(
    cases=lambda: [(polynomial, 3.0, 0.01), (jnp.exp, 1.0, 0.1)],
    hint="step h both ways from x and divide the rise by the run: (f(x + h) − f(x − h)) / (2h).",
    slips=[
        Slip(
            lambda f, x, h: (f(x + h) - f(x)) / h,
            "that is the forward difference; the central one steps to x + h and to x − h.",
        ),
        Slip(
            lambda f, x, h: (f(x + h) - f(x - h)) / h,
            "the two points are 2h apart, so divide by 2h, not h.",
        ),
    ],
    rtol=1e-3,
    traced=True,  # the notebook then runs it under vmap and jit, over 49 step sizes at once
)
def central_difference(f, x, h):
    """The central finite difference (f(x + h) − f(x − h)) / 2h, an approximation of f'(x)."""
    return (f(x + h) - f(x - h)) / (2.0 * h)


def bowl(theta0, theta1):
    """The bowl θ0² + θ1², with its minimum 0 at the origin."""
    return theta0**2 + theta1**2


def bowl_vector(theta):
    """The same bowl taking one array θ = (θ0, θ1)."""
    return bowl(theta[0], theta[1])


@exercise(
    cases=lambda: [()],
    probes=lambda: [(2.0, 1.0), (-0.5, 3.0)],
    hint="`jax.grad(bowl, argnums=(0, 1))` returns a function giving (∂f/∂θ0, ∂f/∂θ1).",
    slips=[
        Slip(
            lambda: jax.grad(bowl),
            "`grad` differentiates with respect to the first argument only; "
            "argnums=(0, 1) asks for both.",
        ),
        Slip(lambda: jax.grad(bowl, argnums=1), "argnums=1 gives θ1 alone; ask for (0, 1)."),
    ],
)
def bowl_gradient():
    """The function (θ0, θ1) ↦ (2θ0, 2θ1): the bowl's gradient with respect to both arguments."""
    return jax.grad(bowl, argnums=(0, 1))


def dbowl(theta):
    """The bowl's gradient 2θ, the analytic value of `jax.grad(bowl_vector)`."""
    return 2.0 * theta


def _descent_cases():
    """Two runs of 10 steps, the length the notebook uses, so that its runs reuse what the check compiled."""
    start = jnp.array([2.0, 1.0])
    return [(dbowl, start, 0.1, 10), (dbowl, start, 0.3, 10)]


@exercise(
    cases=_descent_cases,
    hint="start the path with the starting point, then append θ − step_size · grad_fn(θ) each step.",
    slips=[
        Slip(
            lambda grad_fn, start, step_size, n_steps: _path(grad_fn, start, -step_size, n_steps),
            "that walks uphill: subtract the gradient, θ ← θ − step_size · ∇f(θ).",
        ),
        Slip(
            lambda grad_fn, start, step_size, n_steps: _path(grad_fn, start, step_size, n_steps)[1:],
            "include the starting point: a path of n_steps steps has n_steps + 1 points.",
        ),
    ],
)
def gradient_descent(grad_fn, start, step_size, n_steps):
    """The path of ``n_steps`` of gradient descent from ``start``: an array of n_steps + 1 points."""
    return _path(grad_fn, start, step_size, n_steps)


def _path(grad_fn, start, step_size, n_steps):
    theta = jnp.asarray(start, dtype=jnp.float32)
    path = [theta]
    for _ in range(n_steps):
        theta = theta - step_size * grad_fn(theta)
        path.append(theta)
    return jnp.stack(path)

