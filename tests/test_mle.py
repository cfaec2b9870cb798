"""Maximum likelihood by gradient descent (notebook 02): likelihoods, derivatives by hand, step sizes from the
curvature, fits against closed forms; every number the notebook's text states, against its derivation."""

import math
import warnings

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy import stats

from dl_workshop import mle
from dl_workshop.checks import RAISED, RIGHT, WRONG, evaluate, get_exercise
from dl_workshop.data import exponential_draws, normal_draws
from dl_workshop.optim import DivergenceWarning, descend, descent_path
from exercise_assertions import assert_reference_right_and_slips_hinted

DATA = normal_draws()
X = np.asarray(DATA, np.float64)
N = X.size
START = mle.START
ETA = mle.NORMAL_STEP_SIZE


def hessian_at(mu, log_sigma):
    """The Hessian of L in (μ, log σ) from `jax.hessian`, in float64 NumPy."""
    h = jax.hessian(lambda p: mle.negloglike(p[0], p[1], DATA))(jnp.array([mu, log_sigma], jnp.float32))
    return np.asarray(h, np.float64)


def hessian_by_hand(mu, log_sigma):
    """The Hessian the notebook derives: N/σ², cross 2Σ(x − μ)/σ², and 2Σ(x − μ)²/σ² along log σ."""
    r, sigma2 = X - mu, math.exp(2 * log_sigma)
    cross = 2 * r.sum() / sigma2
    return np.array([[N / sigma2, cross], [cross, 2 * (r**2).sum() / sigma2]])


def step_limit(hessian):
    """2 / λmax: the largest step size at which descent on the local quadratic settles."""
    return 2 / np.linalg.eigvalsh(hessian)[-1]


def test_the_data_are_the_seed_draws_from_key_44():
    seed_draws = jax.random.normal(jax.random.PRNGKey(44), shape=(1000,)) * 2.0 - 3.0
    # Compiled, the scale and shift are one fused multiply-add: equal to the seed's draws up to float32 rounding.
    np.testing.assert_allclose(DATA, seed_draws, rtol=0, atol=1e-6)
    assert abs(float(DATA.mean()) + 3.0) < 0.1 and abs(float(DATA.std()) - 2.0) < 0.1


@pytest.mark.parametrize("mu, log_sigma", [START, (-3.0, 0.7), (1.0, -1.0)])
def test_negloglike_is_minus_the_summed_normal_log_density(mu, log_sigma):
    expected = -stats.norm.logpdf(X, loc=mu, scale=np.exp(log_sigma)).sum()
    assert float(mle.negloglike(mu, log_sigma, DATA)) == pytest.approx(expected, rel=1e-5)


def test_the_product_of_densities_underflows_where_the_sum_of_logs_does_not():
    log_likelihood = stats.norm.logpdf(X, loc=-3.0, scale=2.0).sum()
    assert round(log_likelihood) == -2108  # "about e^-2108"
    assert log_likelihood < math.log(np.finfo(np.float64).tiny)  # below the smallest float64, let alone float32
    assert 1 / (2 * math.sqrt(2 * math.pi)) == pytest.approx(0.2, abs=0.01)  # each density is at most about 0.2


@pytest.mark.parametrize("mu, log_sigma", [START, (-3.0, 0.7), (1.0, -1.0)])
def test_the_gradient_by_hand_is_the_gradient_grad_computes(mu, log_sigma):
    got = jax.grad(mle.negloglike, argnums=(0, 1))(mu, log_sigma, DATA)
    np.testing.assert_allclose(got, mle.dnegloglike_by_hand(mu, log_sigma, X), rtol=1e-4)


def test_the_chain_rule_multiplies_the_sigma_derivative_by_sigma():
    mu, log_sigma = START
    dsigma = jax.grad(lambda sigma: mle.negloglike(mu, jnp.log(sigma), DATA))(math.exp(log_sigma))
    dlog_sigma = mle.dnegloglike_by_hand(mu, log_sigma, X)[1]
    assert float(dsigma) * math.exp(log_sigma) == pytest.approx(dlog_sigma, rel=1e-4)


@pytest.mark.parametrize("mu, log_sigma", [START, (-3.0, 0.7), (1.0, -1.0)])
def test_the_hessian_by_hand_is_the_hessian_jax_computes(mu, log_sigma):
    np.testing.assert_allclose(hessian_at(mu, log_sigma), hessian_by_hand(mu, log_sigma), rtol=1e-4)
    assert mle.log_sigma_curvature_by_hand(mu, log_sigma, X) == pytest.approx(hessian_by_hand(mu, log_sigma)[1, 1])


def test_the_closed_form_estimates_are_where_the_gradient_vanishes():
    mean, sd = mle.normal_mle(DATA)
    assert float(sd) == pytest.approx(float(np.std(X, ddof=0)), rel=1e-6)
    dmu, dlog_sigma = mle.dnegloglike_by_hand(float(mean), math.log(sd), X)
    assert abs(dmu) < 1e-2 and abs(dlog_sigma) < 1e-2  # against a sum over 1000 points
    assert abs(X.mean() + 3.0) < 2.0 / math.sqrt(N)  # "the mean typically misses by about σ/√N ≈ 0.06"


def test_at_the_optimum_the_cross_term_vanishes_and_the_curvatures_are_n_over_sigma2_and_2n():
    mean, sd = X.mean(), X.std()
    h = hessian_by_hand(mean, math.log(sd))
    assert abs(h[0, 1]) < 1e-9 and h[1, 1] == pytest.approx(2 * N)
    assert h[0, 0] == pytest.approx(N / sd**2) and round(h[0, 0]) == 252  # "≈ 250", printed 252
    assert step_limit(h) == pytest.approx(1e-3, rel=1e-6)  # the limit 2/2000
    assert ETA == pytest.approx(step_limit(h) / 2)  # "half the limit"


def test_at_the_start_the_local_step_limit_is_about_3e_4_below_the_step_taken():
    h = hessian_by_hand(*START)
    # Σ(x − μ)² = N(s² + (x̄ − μ)²): μ = −6 lies three standard deviations from the mean, so the curvature along
    # log σ is 2N(s² + (x̄ − μ)²)/σ² ≈ 6,500 where it is 2N at the optimum.
    assert h[1, 1] == pytest.approx(2 * N * (X.var() + (X.mean() - START[0]) ** 2) / 4.0)
    assert round(h[1, 1], -2) == 6500 and round(h[0, 1]) == 1507
    assert 2 / h[1, 1] == pytest.approx(3.1e-4, abs=0.05e-4)  # along log σ alone
    assert step_limit(h) == pytest.approx(2.9e-4, abs=0.05e-4)  # the largest eigenvalue: the printed limit
    assert step_limit(h) < ETA < step_limit(hessian_by_hand(X.mean(), math.log(X.std())))


def test_the_first_step_overshoots_the_best_log_sigma_then_every_step_is_within_its_local_limit():
    path, _ = mle.fit_normal(DATA, *START)
    mu, log_sigma = START
    best = 0.5 * math.log(np.mean((X - mu) ** 2))  # where ∂L/∂log σ = N − Σ(x − μ)²/σ² vanishes at μ = −6
    first = log_sigma - ETA * mle.dnegloglike_by_hand(mu, log_sigma, X)[1]
    assert path[1, 1] == pytest.approx(first, abs=1e-5)
    assert (round(log_sigma, 2), round(best, 2), round(first, 2)) == (0.69, 1.28, 1.82)
    landed = hessian_by_hand(*path[1])
    assert round(landed[1, 1]) == 569 and 2 / landed[1, 1] == pytest.approx(3.5e-3, abs=0.05e-3)
    limits = np.array([step_limit(hessian_by_hand(*point)) for point in path[:-1]])
    assert np.flatnonzero(ETA >= limits).tolist() == [0]  # only the first step is above its local limit


def test_300_compiled_steps_reach_the_closed_form_mle():
    path, losses = mle.fit_normal(DATA, *START)
    assert path.shape == (301, 2) and losses.shape == (300,)
    np.testing.assert_allclose(path[0], START)
    mean, sd = mle.normal_mle(DATA)
    assert abs(float(path[-1, 0] - mean)) < 1e-4
    assert abs(float(np.exp(path[-1, 1]) - sd)) < 1e-4
    assert float(losses[-1]) < float(losses[0])


def test_a_small_step_leaves_mu_short_shrinking_its_error_by_one_minus_eta_n_over_sigma2_a_step():
    eta = 1e-4
    path, _ = mle.fit_normal(DATA, *START, step_size=eta)
    errors = path[-60:, 0] - X.mean()
    assert round(abs(errors[-1]), 4) == 0.0046  # "mu misses by 0.0046"
    np.testing.assert_allclose(errors[1:] / errors[:-1], 1 - eta * N / X.var(), atol=2e-3)
    assert round(1 - eta * N / X.var(), 3) == 0.975


def test_above_the_limit_log_sigma_bounces_between_two_values_instead_of_diverging():
    eta = 1.2e-3
    assert eta > 1 / N  # above the limit 2/(2N) at the optimum
    path, losses = mle.fit_normal(DATA, *START, step_size=eta)
    assert np.isfinite(losses).all()
    low, high = sorted(path[-2:, 1])
    np.testing.assert_allclose(path[-4:, 1], path[-2:, 1].tolist() * 2, atol=1e-4)
    assert (round(low, 2), round(high, 2)) == (0.44, 1.23)

    # The bounce is a two-cycle of the step along log σ (μ has settled at the mean): applying it twice returns.
    def step(s):
        return s - eta * (N - N * X.var() * math.exp(-2 * s))

    assert step(low) == pytest.approx(high, abs=1e-3) and step(high) == pytest.approx(low, abs=1e-3)
    # The curvature falls as σ grows: the upper value is within its local limit, the lower one is not.
    curvature = [hessian_by_hand(X.mean(), s)[1, 1] for s in (low, high)]
    assert eta > 2 / curvature[0] and eta < 2 / curvature[1]


def test_a_fit_whose_loss_stops_being_finite_stops_warns_and_ends_at_the_last_finite_point():
    with pytest.warns(DivergenceWarning, match="try a smaller step size than 0.005"):
        path, losses = mle.fit_normal(DATA, *START, step_size=5e-3)
    assert 0 < len(path) == len(losses) < 300
    assert np.isfinite(path).all() and np.isfinite(losses).all()
    assert np.isfinite(float(mle.negloglike(*path[-1], DATA)))


def test_float64_data_keep_their_digits():
    data = 1e8 + np.array([1.0, 2.0, 3.0])
    assert mle.check_sample(data).dtype == np.float64
    mean, sd = mle.normal_mle(data)
    assert mean == 1e8 + 2 and sd == pytest.approx(math.sqrt(2 / 3), rel=1e-12)
    assert mle.check_sample(np.array([1.0], np.float32)).dtype == np.float32
    assert mle.check_sample([1, 2]).dtype == np.float32  # integers become floats


# ---------------------------------------------------------------------------------------------------------
# The exponential: a decided step size
# ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("rate", [0.1, 0.5, 4.0])
def test_exponential_fit_by_descent_matches_the_closed_form_rate(rate):
    data = exponential_draws(n=1000, rate=rate)
    assert float(mle.fit_exponential(data)) == pytest.approx(1.0 / float(data.mean()), rel=1e-4)


def test_the_exponential_curvature_in_log_rate_is_n_at_the_optimum():
    data = exponential_draws(n=1000, rate=0.5)
    optimum = -math.log(float(data.mean()))
    curvature = jax.hessian(mle.exponential_negloglike)(optimum, data)
    assert float(curvature) == pytest.approx(1000, rel=1e-4)


def fit_with_step(times_n):
    def fit(data):
        log_rate, _ = descend(mle.exponential_negloglike, 0.0, data, step_size=times_n / data.size, n_steps=300)
        return jnp.exp(log_rate)

    return fit


@pytest.mark.parametrize("step", [1.5e-4, 5e-4, 1e-3, 1.95e-3, 1e-2])
def test_no_fixed_step_passes_the_check_only_one_that_scales_with_n(step):
    def fit_with_fixed_step(data):
        log_rate, _ = descend(mle.exponential_negloglike, 0.0, data, step_size=step, n_steps=300)
        return jnp.exp(log_rate)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DivergenceWarning)
        outcome = evaluate("fit_exponential", fit_with_fixed_step)
    assert outcome.kind == WRONG and "number of points N" in outcome.message
    assert "1 / data.size" not in outcome.message and "1/N" not in outcome.message  # the nudge, not the step


def test_a_flipped_curvature_is_told_its_sign_without_the_derivative():
    """A reviewer's attempt (2026-12-01): the curvature with the wrong sign; the slip's hint gives no formula."""
    outcome = evaluate("log_sigma_curvature_by_hand",
                       lambda mu, log_sigma, data: -2 * jnp.exp(-2 * log_sigma) * jnp.sum((data - mu) ** 2))
    assert outcome.kind == WRONG and "positive" in outcome.message
    assert "+2e^{−2s}" not in outcome.message and "2e^{−2s} Σ" not in outcome.message


@pytest.mark.parametrize("times_n, kind", [(0.02, WRONG), (0.03, RIGHT), (1.0, RIGHT), (1.95, RIGHT), (2.0, WRONG)])
def test_the_check_accepts_steps_from_about_0_03_to_1_95_over_n(times_n, kind):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DivergenceWarning)
        assert evaluate("fit_exponential", fit_with_step(times_n)).kind == kind


def test_the_notebooks_three_exponential_steps():
    waits = exponential_draws(jax.random.key(45), n=1000, rate=0.5)
    closed = 1 / float(waits.mean())
    fits = {times_n: float(fit_with_step(times_n)(waits)) for times_n in (0.01, 1.0, 2.5)}
    assert fits[1.0] == pytest.approx(closed, rel=1e-5)
    assert abs(fits[0.01] / closed - 1) > 1e-2 and abs(fits[2.5] / closed - 1) > 1e-1
    # Above the limit 2/N the rate bounces between two values on either side of the optimum.
    path, _ = descent_path(mle.exponential_negloglike, 0.0, waits, step_size=2.5 / waits.size, n_steps=300)
    rates = np.exp(np.asarray(path[-4:]))
    np.testing.assert_allclose(rates[:2], rates[2:], rtol=1e-4)
    assert min(rates) < closed < max(rates) and rates[-1] == pytest.approx(fits[2.5], rel=1e-5)


# ---------------------------------------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data, message",
    [([], "data is empty"),
     ([1.0, float("nan"), 2.0], "1 non-finite value(s) (NaN or ±inf), the first at index 1"),
     ([1.0, 2.0, float("inf")], "the first at index 2"),
     ([[1.0, 2.0]], "1-D array of observations, got an array of shape (1, 2)")],
)
@pytest.mark.parametrize("fit", [lambda data: mle.fit_normal(data, *START), mle.normal_mle, mle.fit_exponential])
def test_bad_data_gets_a_clear_error(fit, data, message):
    with pytest.raises(ValueError) as error:
        fit(data)
    assert message in str(error.value)


def test_exponential_data_must_not_be_negative():
    with pytest.raises(ValueError, match="exponential data must be ≥ 0, got -1"):
        mle.fit_exponential([2.0, -1.0])


# ---------------------------------------------------------------------------------------------------------
# The self-checks
# ---------------------------------------------------------------------------------------------------------

EXERCISES = ["negloglike", "dnegloglike_by_hand", "log_sigma_curvature_by_hand", "fit_exponential"]


@pytest.mark.parametrize("name", EXERCISES)
def test_reference_passes_its_check_and_every_slip_gets_its_hint(name):
    assert_reference_right_and_slips_hinted(name)


@pytest.mark.parametrize("name", EXERCISES)
def test_the_recipe_joins_the_hint_from_the_second_wrong_attempt(name):
    def wrong(*args):
        return 12345.0

    first, second = (evaluate(name, wrong, attempt=attempt).message for attempt in (1, 2))
    recipe = get_exercise(name).recipe
    assert recipe and recipe not in first and recipe in second


def negloglike_with_float(mu, log_sigma, data):
    return float(-jnp.sum(jax.scipy.stats.norm.logpdf(data, loc=mu, scale=jnp.exp(log_sigma))))


def negloglike_with_numpy(mu, log_sigma, data):
    return -np.sum(jax.scipy.stats.norm.logpdf(data, loc=mu, scale=np.exp(log_sigma)))


@pytest.mark.parametrize("answer, line", [
    (negloglike_with_float, "`return float(-jnp.sum("),
    (negloglike_with_numpy, "`return -np.sum("),
])
def test_a_negloglike_that_cannot_be_traced_shows_the_learners_line_and_what_to_write(answer, line):
    outcome = evaluate("negloglike", answer)
    assert outcome.kind == RAISED
    assert line in outcome.message and "use jnp" in outcome.message
    for internal in ("checks.py", "dl_workshop", "reference_and_answer", "site-packages"):
        assert internal not in outcome.message
