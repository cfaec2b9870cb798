"""Reference answers for notebook 02: maximum-likelihood estimation by gradient descent."""

import math
import warnings

import jax
import jax.numpy as jnp
import numpy as np
from jax.scipy.stats import expon, norm

from .checks import Slip, exercise
from .optim import DivergenceWarning, descend, descent_path

#: Steps of gradient descent in every fit of the notebook.
N_STEPS = 300

#: Where the normal fit starts: μ = −6 and σ = 2, deliberately far from the data's mean of about −3.
START = (-6.0, math.log(2.0))

#: The normal fit's step size: half the limit 2 / 2N = 1e-3 that the curvature 2N in log σ sets at the optimum
#: (N = 1000 points). At the start the curvature in log σ is about 6,500, so the first step is too long.
NORMAL_STEP_SIZE = 5e-4

#: The exponential fit's step size times N: the curvature in log λ at the optimum is N, so 1/N lands each step
#: near the optimum and 2/N is the limit.
EXPONENTIAL_STEP_TIMES_N = 1.0


def check_sample(data):
    """``data`` as a 1-D NumPy array of floats, or a ValueError saying what is wrong with it.

    float64 data stay float64 (the closed forms then keep their digits); anything else becomes float32.
    Run before any compiled code: inside ``jit`` the values are not known yet.
    """
    sample = np.asarray(data)
    if sample.dtype != np.float64:
        sample = sample.astype(np.float32)
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


def _small_sample_cases():
    data = np.array(SMALL_SAMPLE, dtype=np.float32)
    return [(-3.0, 0.7, data), (0.0, 0.0, data), (1.5, -0.5, data[::-1] + 1.0)]


# ---------------------------------------------------------------------------------------------------------
# Exercise 1: the negative log-likelihood
# ---------------------------------------------------------------------------------------------------------


def _negloglike_without_constant(mu, log_sigma, data):
    return jnp.sum(0.5 * ((data - mu) / jnp.exp(log_sigma)) ** 2 + log_sigma)


@exercise(
    cases=_small_sample_cases,
    hint="three things to get right: the scale norm.logpdf wants is σ, not log σ; independent draws multiply, "
    "so their logs add up; and descent minimises, so negate.",
    recipe="return -jnp.sum(norm.logpdf(data, loc=mu, scale=jnp.exp(log_sigma))).",
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
            "the normal's log-density has a constant −½ log 2π per point; norm.logpdf includes it for you.",
        ),
    ],
    traced=True,
)
@jax.jit
def negloglike(mu, log_sigma, data):
    """−Σ log N(x | μ, σ) over the data, with σ = exp(log σ)."""
    return -jnp.sum(norm.logpdf(data, loc=mu, scale=jnp.exp(log_sigma)))


# ---------------------------------------------------------------------------------------------------------
# Exercise 2: the gradient by hand, with the chain rule through σ = e^s
# ---------------------------------------------------------------------------------------------------------


def _residuals(mu, log_sigma, data):
    """The data's deviations from μ and σ² = e^{2s}, in NumPy (the by-hand answers need no gradient)."""
    return np.asarray(data, dtype=np.float64) - mu, math.exp(2 * log_sigma)


def _dnegloglike_dsigma(mu, log_sigma, data):
    """∂L/∂σ, the partial derivative in σ itself: the chain rule's first factor."""
    r, sigma2 = _residuals(mu, log_sigma, data)
    return (r.size - np.sum(r**2) / sigma2) / math.sqrt(sigma2)


def _partials(dmu, dlog_sigma):
    """A by-hand gradient made of two partial derivatives, for the slips."""
    return lambda mu, log_sigma, data: (dmu(mu, log_sigma, data), dlog_sigma(mu, log_sigma, data))


def _dmu(mu, log_sigma, data):
    r, sigma2 = _residuals(mu, log_sigma, data)
    return -np.sum(r) / sigma2


def _dlog_sigma(mu, log_sigma, data):
    r, sigma2 = _residuals(mu, log_sigma, data)
    return r.size - np.sum(r**2) / sigma2


@exercise(
    cases=_small_sample_cases,
    hint="differentiate one point's ½((x − μ)/σ)² + log σ + ½ log 2π, then sum over the points. "
    "For log σ, write σ = e^s: the chain rule gives ∂/∂s = (∂/∂σ)·(dσ/ds).",
    recipe="∂L/∂μ = −Σ(x − μ)/σ²; ∂L/∂σ = Σ(1/σ − (x − μ)²/σ³) and dσ/ds = e^s = σ, so "
    "∂L/∂log σ = N − Σ(x − μ)²/σ². In code: sigma2 = jnp.exp(2 * log_sigma); "
    "return -jnp.sum(data - mu) / sigma2, data.size - jnp.sum((data - mu) ** 2) / sigma2.",
    slips=[
        Slip(
            _partials(_dmu, _dnegloglike_dsigma),
            "your second entry is ∂L/∂σ. L depends on s = log σ through σ = e^s: multiply by dσ/ds = σ.",
        ),
        Slip(
            _partials(lambda mu, s, data: -_dmu(mu, s, data), _dlog_sigma),
            "check the sign of ∂L/∂μ: the derivative of (x − μ)² in μ is −2(x − μ).",
        ),
        Slip(
            _partials(_dmu, lambda mu, s, data: _dlog_sigma(mu, s, data) - len(data)),
            "each point's log σ term adds d(log σ)/d(log σ) = 1 to ∂L/∂log σ: N in all.",
        ),
        Slip(
            _partials(_dmu, lambda mu, s, data: len(data) - 0.5 * (len(data) - _dlog_sigma(mu, s, data))),
            "½(x − μ)²/σ² is ½(x − μ)² e^{−2s}: the 2 in the exponent cancels the ½.",
        ),
        Slip(
            _partials(lambda mu, s, data: _dmu(mu, s, data) / len(data),
                      lambda mu, s, data: _dlog_sigma(mu, s, data) / len(data)),
            "that is the mean over the points; L is their sum, and so is its gradient.",
        ),
    ],
)
def dnegloglike_by_hand(mu, log_sigma, data):
    """(∂L/∂μ, ∂L/∂log σ) of the normal's negative log-likelihood, from the formulas derived by hand."""
    return _dmu(mu, log_sigma, data), _dlog_sigma(mu, log_sigma, data)


# ---------------------------------------------------------------------------------------------------------
# Exercise 3: the curvature in log σ by hand, which sets the step size
# ---------------------------------------------------------------------------------------------------------


@exercise(
    cases=_small_sample_cases,
    hint="differentiate your ∂L/∂log σ once more in s = log σ, for any μ and σ: 1/σ² is e^{−2s}.",
    recipe="∂L/∂s = N − e^{−2s} Σ(x − μ)², so ∂²L/∂s² = 2e^{−2s} Σ(x − μ)² = 2Σ(x − μ)²/σ². "
    "In code: return 2 * jnp.sum((data - mu) ** 2) / jnp.exp(2 * log_sigma).",
    slips=[
        Slip(
            lambda mu, s, data: len(data) - _dlog_sigma(mu, s, data),
            "e^{−2s} brings down a factor −2 when you differentiate it in s.",
        ),
        Slip(
            lambda mu, s, data: -log_sigma_curvature_by_hand(mu, s, data),
            "check the sign: L has a minimum along log σ, so its curvature there is positive, not negative. "
            "Differentiating the term with e^{−2s} brings down a −2, which meets the minus sign in front.",
        ),
        Slip(
            lambda mu, s, data: len(data) + log_sigma_curvature_by_hand(mu, s, data),
            "N does not depend on log σ: its derivative is 0.",
        ),
        Slip(
            lambda mu, s, data: log_sigma_curvature_by_hand(mu, s, data) / len(data),
            "your answer is the right one divided by N, the number of data points: L is a sum over the data "
            "(the negative log-likelihood of the whole sample), so its derivatives are sums too, not means.",
        ),
        Slip(
            lambda mu, s, data: 2.0 * len(data),
            "2N is the curvature at the optimum only, where Σ(x − μ)² = Nσ²; "
            "write it for any μ and log σ.",
        ),
    ],
)
def log_sigma_curvature_by_hand(mu, log_sigma, data):
    """∂²L/∂(log σ)² = 2 Σ(x − μ)² / σ², the curvature of L along log σ, derived by hand."""
    r, sigma2 = _residuals(mu, log_sigma, data)
    return 2 * np.sum(r**2) / sigma2


# ---------------------------------------------------------------------------------------------------------
# The fits, and the closed forms they are checked against
# ---------------------------------------------------------------------------------------------------------


def _negloglike_at(params, data):
    return negloglike(params[0], params[1], data)


def fit_normal(data, mu, log_sigma, step_size=NORMAL_STEP_SIZE, n_steps=N_STEPS):
    """Fit a normal to ``data`` by compiled gradient descent on (μ, log σ) from the start given.

    Returns NumPy arrays ``(path, losses)``: the ``n_steps + 1`` points (μ, log σ) visited, of shape
    (n_steps + 1, 2) and ending at the estimate, and the negative log-likelihood before each step. When the
    loss stops being finite, the fit stops there with a `DivergenceWarning`: ``path`` then ends at the last
    point whose loss is finite and ``losses`` holds one loss a point.
    """
    data = check_sample(data)
    start = np.array([mu, log_sigma], dtype=np.float32)
    path, losses = map(np.asarray, descent_path(_negloglike_at, start, data, step_size=step_size, n_steps=n_steps))
    diverged = np.flatnonzero(~np.isfinite(losses))
    if diverged.size:
        first = int(diverged[0])
        warnings.warn(
            f"the loss became {losses[first]} at step {first}, so the fit stopped there; "
            f"try a smaller step size than {step_size}.",
            DivergenceWarning,
            stacklevel=2,
        )
        return path[:first], losses[:first]
    return path, losses


def normal_mle(data):
    """The closed-form maximum-likelihood estimates: the sample mean and the standard deviation (ddof=0)."""
    data = check_sample(data)
    return data.mean(), data.std()


def exponential_negloglike(log_rate, data):
    """−Σ log Exp(x | λ) over the data, with λ = exp(log λ)."""
    return -jnp.sum(expon.logpdf(data, scale=jnp.exp(-log_rate)))


#: The check's two sample sizes, 100 times apart: the steps that pass, 0.03/N to 1.95/N, share no value for the two,
#: so only a step that scales with N passes both.
EXPONENTIAL_CHECK_SIZES = (20, 2000)


def _exponential_quantiles(n, rate):
    """``n`` waiting times spread like an exponential sample of rate ``rate``: its quantiles at (i + ½)/n, in NumPy
    (random draws would compile programs before the check could run)."""
    return (-np.log1p(-(np.arange(n) + 0.5) / n) / rate).astype(np.float32)


def _fit_exponential_cases():
    """20 waiting times with rate 3 and 2000 with rate 0.1."""
    small, large = EXPONENTIAL_CHECK_SIZES
    return [(_exponential_quantiles(small, 3.0),), (_exponential_quantiles(large, 0.1),)]


def _descend_exponential(data, step_times_n):
    """log λ after N_STEPS steps of size ``step_times_n / N`` from log λ = 0."""
    data = np.asarray(data)
    log_rate, _ = descend(exponential_negloglike, 0.0, data, step_size=step_times_n / data.size, n_steps=N_STEPS)
    return log_rate


@exercise(
    cases=_fit_exponential_cases,
    hint="the check fits 20 points and 2000: a step above 2 / curvature never settles, one far below it has not "
    "arrived after 300 steps, and the curvature of your loss in log λ at the optimum (where λ = 1/x̄) depends on "
    "the number of points N, so your step must depend on N too. Start at log λ = 0, take 300 steps, and return "
    "λ itself.",
    recipe="loss(log_rate, data) = −Σ expon.logpdf(data, scale=exp(−log_rate)) = −N·log λ + λΣx, whose "
    "curvature in log λ is λΣx, N at the optimum: so step_size = 1 / data.size. Then "
    "log_rate, _ = descend(loss, 0.0, data, step_size=1 / data.size, n_steps=300); return jnp.exp(log_rate).",
    slips=[
        Slip(
            lambda data: jnp.mean(data),
            "that is the mean waiting time 1/λ. SciPy's scale is 1/λ: scale=jnp.exp(-log_rate), and return "
            "the rate λ = e^{log λ}.",
        ),
        Slip(
            lambda data: _descend_exponential(data, EXPONENTIAL_STEP_TIMES_N),
            "that is log λ; map it back with jnp.exp.",
        ),
        Slip(
            lambda data: jnp.exp(_descend_exponential(data, data.size * 5e-4)),
            "a fixed step (5e-4 here) suits one sample size, not another: the curvature in log λ grows with the "
            "number of points N, so the step must shrink as N grows (data.size is N).",
        ),
        Slip(
            lambda data: jnp.exp(_descend_exponential(data, 2.5)),
            "the fit did not settle: that step is above the limit 2 / curvature, and the curvature in log λ at "
            "the optimum is N.",
        ),
    ],
    rtol=1e-3,
)
def fit_exponential(data):
    """The rate λ of an exponential fitted to ``data`` by 300 steps of gradient descent on log λ from
    λ = 1, with step size 1/N."""
    data = check_sample(data)
    if (data < 0).any():
        raise ValueError(f"exponential data must be ≥ 0, got {float(data.min()):.4g}")
    return jnp.exp(_descend_exponential(data, EXPONENTIAL_STEP_TIMES_N))
