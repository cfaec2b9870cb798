"""Reference answers for notebook 01: derivatives with `jax.grad` and plain gradient descent."""

import jax
import jax.numpy as jnp

from .checks import Slip, exercise


def linear(x):
    """f(x) = 3x + 1, whose derivative is 3 everywhere."""
    return 3.0 * x + 1.0


def polynomial(x):
    """The polynomial p(x) = 3x² + 4x − 3."""
    return 3.0 * x**2 + 4.0 * x - 3.0


@exercise(
    cases=lambda: [(3.0,), (0.0,), (-2.5,)],
    hint="differentiate one term at a time with the power rule, d/dx xⁿ = n·xⁿ⁻¹.",
    recipe="the three terms give 2·3x, then 4, then 0 for the constant: p′(x) = 6x + 4.",
    slips=[
        Slip(lambda x: 3.0 * x + 4.0, "the power rule multiplies by the exponent: d/dx 3x² = 2·3x."),
        Slip(lambda x: 6.0 * x, "the term 4x has a derivative too; it does not vanish."),
        Slip(lambda x: 6.0 * x + 4.0 - 3.0, "a constant (the −3) has derivative 0."),
    ],
)
def dpolynomial_by_hand(x):
    """p′(x) = 6x + 4, written by hand."""
    return 6.0 * x + 4.0


@exercise(
    cases=lambda: [(polynomial, 3.0, 0.01), (jnp.exp, 1.0, 0.1)],
    hint="the slope of the straight line through the two points is their rise divided by their run; "
         "how far apart are x − h and x + h?",
    recipe="(f(x + h) − f(x − h)) / (2 * h): the run from x − h to x + h is 2h.",
    slips=[
        Slip(
            lambda f, x, h: (f(x + h) - f(x)) / h,
            "that is the forward difference, from x to x + h; the central one uses x − h and x + h.",
        ),
        Slip(
            lambda f, x, h: (f(x + h) - f(x - h)) / h,
            "x − h and x + h are 2h apart, so the run is 2h, not h.",
        ),
        Slip(
            lambda f, x, h: (f(x + h) - f(x - h)) / 2 * h,
            "Python reads `/ 2 * h` left to right, as (… / 2) * h, so h ends up multiplying; "
            "put the whole run in parentheses.",
        ),
    ],
    rtol=1e-3,
    traced=True,  # the notebook then runs it under vmap and jit, over 49 step sizes at once
)
def central_difference(f, x, h):
    """The central finite difference (f(x + h) − f(x − h)) / 2h, an approximation of f′(x)."""
    return (f(x + h) - f(x - h)) / (2.0 * h)


def bowl(theta0, theta1):
    """The round bowl θ0² + θ1², with its minimum 0 at the origin."""
    return theta0**2 + theta1**2


def bowl_vector(theta):
    """The same bowl taking one array θ = (θ0, θ1)."""
    return bowl(theta[0], theta[1])


@exercise(
    cases=lambda: [()],
    probes=lambda: [(2.0, 1.0), (-0.5, 3.0)],
    hint="`argnums` takes more than a single position.",
    recipe="`jax.grad(bowl, argnums=(0, 1))`: a tuple of positions gives a tuple of partial derivatives.",
    slips=[
        Slip(
            lambda: jax.grad(bowl),
            "`grad` differentiates with respect to the first argument only, unless `argnums` says otherwise.",
        ),
        Slip(lambda: jax.grad(bowl, argnums=1), "argnums=1 gives ∂f/∂θ1 alone; ask for both positions."),
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
    hint="keep every point in a list, starting with `start`; each step moves against the gradient.",
    recipe="θ = start; path = [θ]; then n_steps times: θ = θ − step_size · grad_fn(θ); path.append(θ); "
           "finally return jnp.stack(path).",
    slips=[
        Slip(
            lambda grad_fn, start, step_size, n_steps: _path(grad_fn, start, -step_size, n_steps),
            "that walks uphill: subtract the gradient, θ ← θ − step_size · ∇f(θ).",
        ),
        Slip(
            lambda grad_fn, start, step_size, n_steps: _path(grad_fn, start, step_size, n_steps)[1:],
            "include the starting point: a path of n_steps steps has n_steps + 1 points.",
        ),
        Slip(
            lambda grad_fn, start, step_size, n_steps: list(_path(grad_fn, start, step_size, n_steps)),
            "the points themselves are right: only their container is not, a Python list where the check wants one "
            "array with a row per point.",
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


def ravine(theta0, theta1):
    """The elongated bowl θ0² + 10θ1²: ten times steeper across (θ1) than along (θ0)."""
    return theta0**2 + 10.0 * theta1**2


def ravine_vector(theta):
    """The elongated bowl taking one array θ = (θ0, θ1)."""
    return ravine(theta[0], theta[1])


@exercise(
    cases=lambda: [(3.0, 1.0), (1.0, 10.0), (0.5, 0.5)],
    hint="work out what one step θ ← θ − η∇f(θ) does to θ0 and to θ1 separately: each is multiplied by its own "
         "factor, and each factor must stay between −1 and 1.",
    recipe="the curvatures (second derivatives) are 2a along θ0 and 2b along θ1; a step multiplies each coordinate "
           "by (1 − η·curvature), so descent converges for η < 2 / (largest curvature) = 1 / max(a, b).",
    slips=[
        Slip(lambda a, b: 1.0 / min(a, b), "that is the limit of the gentler direction; the steeper one overshoots "
                                           "first."),
        Slip(lambda a, b: 2.0 / max(a, b), "a and b are coefficients; the curvature is the second derivative, "
                                           "d²/dθ² of bθ² is 2b."),
        Slip(lambda a, b: 1.0 / (2.0 * max(a, b)), "at that step size the steeper coordinate is zeroed in one step; "
                                                   "larger steps still converge while its factor stays above −1."),
    ],
)
def largest_stable_step(a, b):
    """The step size above which descent on a·θ0² + b·θ1² diverges: 2 / (largest curvature 2·max(a, b))."""
    return 1.0 / max(a, b)


def f(w):
    """The seed workshop's first function, f(w) = w² + 3w − 5, with its minimum −7.25 at w = −1.5."""
    return w**2 + 3.0 * w - 5.0


def df(w):
    """The derivative of `f`, worked out by hand: f′(w) = 2w + 3."""
    return 2.0 * w + 3.0
