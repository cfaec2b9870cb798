"""Reference answers for notebook 02: maximum-likelihood estimation by gradient descent."""

import jax
import jax.numpy as jnp
import numpy as np
from jax.scipy.stats import expon, norm

from .checks import Slip, exercise
from .data import exponential_draws
from .optim import descend, descent_path

#: Steps of gradient descent in every fit of the notebook.
N_STEPS = 300

#: The normal fit's step size: below 2 / (2N), the stability limit of a sum over N = 1000 points.
NORMAL_STEP_SIZE = 5e-4


def check_sample(data):
    """``data`` as a 1-D float32 NumPy array, or a ValueError saying what is wrong with it.

    Run before any compiled code: inside ``jit`` the values are not known yet.
    """
    sample = np.asarray(data, dtype=np.float32)
    if sample.ndim != 1:
        raise ValueError(f"data must be a 1-D array of observations, got an array of shape {sample.shape}")
    if sample.size == 0:
        raise ValueError("data is empty: a likelihood needs at least one observation")
    bad = np.flatnonzero(~np.isfinite(sample))
    if bad.size:
        raise ValueError(
            f"data holds {bad.size} non-finite value(s) (NaN or ±inf), the first at index {bad[0]}: "
            "drop or fix them before fitting"
        )
    return sample


#: Five observations, small enough to follow a check by hand.
SMALL_SAMPLE = (-4.1, -2.5, -3.3, 0.2, -6.0)


def _negloglike_cases():
    data = np.array(SMALL_SAMPLE, dtype=np.float32)
    return [(-3.0, 0.7, data), (0.0, 0.0, data), (1.5, -0.5, data[::-1] + 1.0)]


def _negloglike_without_constant(mu, log_sigma, data):
    return jnp.sum(0.5 * ((data - mu) / jnp.exp(log_sigma)) ** 2 + log_sigma)


@exercise(
    cases=_negloglike_cases,
    hint="sum norm.logpdf(data, loc=mu, scale=jnp.exp(log_sigma)) over the data, and negate it.",
    slips=[
        Slip(
            lambda mu, log_sigma, data: -negloglike(mu, log_sigma, data),
            "that is the log-likelihood itself; minimise its negative: put a minus sign in front.",
        ),
        Slip(
            lambda mu, log_sigma, data: negloglike(mu, log_sigma, data) / data.size,
            "that is the mean over the data; the log-likelihood of independent draws is their sum.",
        ),
        Slip(
            lambda mu, log_sigma, data: -jnp.sum(norm.logpdf(data, loc=mu, scale=log_sigma)),
            "the scale is σ = exp(log σ): pass scale=jnp.exp(log_sigma).",
        ),
        Slip(
            _negloglike_without_constant,
            "the normal's log-density has a constant −½ log 2π per point; "
            "norm.logpdf includes it for you.",
        ),
    ],
    traced=True,
)
@jax.jit
def negloglike(mu, log_sigma, data):
    """−Σ log N(x | μ, σ) over the data, with σ = exp(log σ)."""
    return -jnp.sum(norm.logpdf(data, loc=mu, scale=jnp.exp(log_sigma)))


def _descent_loop_cases():
    data = np.array(SMALL_SAMPLE, dtype=np.float32)
    gradient = jax.jit(jax.grad(negloglike, argnums=(0, 1)))

    def dnegloglike(mu, log_sigma):
        return gradient(mu, log_sigma, data)

    return [(dnegloglike, 0.0, 0.0, 0.05, 5), (dnegloglike, -6.0, 1.0, 0.02, 8)]


def descend_two(grad_fn, a, b, step_size, n_steps, one_at_a_time=False):
    """``n_steps`` of gradient descent on two numbers, in a plain Python loop; ``grad_fn(a, b)`` gives the
    partial derivatives in ``a`` and ``b``.

    ``one_at_a_time`` moves ``b`` with the gradient taken after ``a`` has moved: a common slip, for the checks.
    """
    for _ in range(n_steps):
        da, db = grad_fn(a, b)
        a = a - step_size * da
        if one_at_a_time:
            db = grad_fn(a, b)[1]
        b = b - step_size * db
    return a, b


@exercise(
    cases=_descent_loop_cases,
    hint="each step: dmu, dlog_sigma = grad_fn(mu, log_sigma); then mu − step_size·dmu and "
    "log_sigma − step_size·dlog_sigma; return (mu, log_sigma) after n_steps steps.",
    slips=[
        Slip(
            lambda grad_fn, mu, log_sigma, step_size, n_steps: descend_two(
                grad_fn, mu, log_sigma, -step_size, n_steps
            ),
            "that climbs the likelihood's negative: subtract step_size × gradient.",
        ),
        Slip(
            lambda grad_fn, mu, log_sigma, step_size, n_steps: descend_two(
                grad_fn, mu, log_sigma, step_size, n_steps, one_at_a_time=True
            ),
            "take both partial derivatives at the same point, then move μ and log σ together.",
        ),
        Slip(
            lambda grad_fn, mu, log_sigma, step_size, n_steps: descend_two(
                grad_fn, mu, log_sigma, step_size, n_steps - 1
            ),
            "take exactly n_steps steps: range(n_steps).",
        ),
    ],
)
def descent_loop(grad_fn, mu, log_sigma, step_size, n_steps):
    """``n_steps`` of gradient descent on (μ, log σ); ``grad_fn(mu, log_sigma)`` gives both partials."""
    return descend_two(grad_fn, mu, log_sigma, step_size, n_steps)


def _negloglike_at(params, data):
    return negloglike(params[0], params[1], data)


def fit_normal(data, mu, log_sigma, step_size=NORMAL_STEP_SIZE, n_steps=N_STEPS):
    """Fit a normal to ``data`` by compiled gradient descent on (μ, log σ) from the start given.

    Returns NumPy arrays ``(path, losses)``: the ``n_steps + 1`` points (μ, log σ) visited, of shape
    (n_steps + 1, 2) and ending at the estimate, and the negative log-likelihood before each step.
    """
    data = check_sample(data)
    start = np.array([mu, log_sigma], dtype=np.float32)
    path, losses = descent_path(_negloglike_at, start, data, step_size=step_size, n_steps=n_steps)
    return np.asarray(path), np.asarray(losses)


def normal_mle(data):
    """The closed-form maximum-likelihood estimates: the sample mean and the standard deviation (ddof=0)."""
    data = check_sample(data)
    return data.mean(), data.std()


def exponential_negloglike(log_rate, data):
    """−Σ log Exp(x | λ) over the data, with λ = exp(log λ)."""
    return -jnp.sum(expon.logpdf(data, scale=jnp.exp(-log_rate)))


def _fit_exponential_cases():
    return [
        (exponential_draws(jax.random.key(1), n=200, rate=3.0),),
        (exponential_draws(jax.random.key(2), n=200, rate=0.1),),
    ]


@exercise(
    cases=_fit_exponential_cases,
    hint="descend on the log-rate from 0 with a step size of about 1/N (the loss is a sum over N points) "
    "for a few hundred steps, and return exp(log λ).",
    slips=[
        Slip(
            lambda data: jnp.mean(data),
            "that is the mean waiting time 1/λ; the rate is its reciprocal.",
        ),
        Slip(
            lambda data: -jnp.log(jnp.mean(data)),
            "that is log λ; map it back with jnp.exp.",
        ),
    ],
    rtol=1e-3,
)
def fit_exponential(data):
    """The rate λ of an exponential fitted to ``data`` by gradient descent on log λ, from λ = 1."""
    data = check_sample(data)
    if (data < 0).any():
        raise ValueError(f"exponential data must be ≥ 0, got {float(data.min()):.4g}")
    log_rate, _ = descend(exponential_negloglike, 0.0, data, step_size=0.5 / data.size, n_steps=N_STEPS)
    return jnp.exp(log_rate)
