"""Maximum likelihood by gradient descent (notebook 02): likelihoods, gradients, fits against closed forms."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy import stats

from dl_workshop import mle
from dl_workshop.checks import evaluate
from dl_workshop.data import exponential_draws, normal_draws
from exercise_assertions import (
    assert_reference_right_and_slips_hinted, assert_runs_as_shipped, assert_wrong_answers_hinted,
)

DATA = normal_draws()
START = (-6.0, float(jnp.log(2.0)))


def test_the_data_are_the_seed_draws_from_key_44():
    seed_draws = jax.random.normal(jax.random.PRNGKey(44), shape=(1000,)) * 2.0 - 3.0
    # Compiled, the scale and shift are one fused multiply-add: equal to the seed's draws up to float32 rounding.
    np.testing.assert_allclose(DATA, seed_draws, rtol=0, atol=1e-6)
    assert abs(float(DATA.mean()) + 3.0) < 0.1 and abs(float(DATA.std()) - 2.0) < 0.1


@pytest.mark.parametrize("mu, log_sigma", [START, (-3.0, 0.7), (1.0, -1.0)])
def test_negloglike_is_minus_the_summed_normal_log_density(mu, log_sigma):
    expected = -stats.norm.logpdf(np.asarray(DATA, np.float64), loc=mu, scale=np.exp(log_sigma)).sum()
    assert float(mle.negloglike(mu, log_sigma, DATA)) == pytest.approx(expected, rel=1e-5)


@pytest.mark.parametrize("mu, log_sigma", [START, (-3.0, 0.7)])
def test_gradient_matches_the_analytic_partial_derivatives(mu, log_sigma):
    x, sigma2 = np.asarray(DATA, np.float64), np.exp(2 * log_sigma)
    dmu = -np.sum(x - mu) / sigma2
    dlog_sigma = x.size - np.sum((x - mu) ** 2) / sigma2
    got = jax.grad(mle.negloglike, argnums=(0, 1))(mu, log_sigma, DATA)
    np.testing.assert_allclose(got, (dmu, dlog_sigma), rtol=1e-4)


def test_the_closed_form_estimates_are_where_the_gradient_vanishes():
    mean, sd = mle.normal_mle(DATA)
    assert float(sd) == pytest.approx(float(np.std(np.asarray(DATA), ddof=0)), rel=1e-6)
    dmu, dlog_sigma = jax.grad(mle.negloglike, argnums=(0, 1))(mean, jnp.log(sd), DATA)
    assert abs(float(dmu)) < 1e-2 and abs(float(dlog_sigma)) < 1e-2  # against a sum over 1000 points


def test_300_compiled_steps_reach_the_closed_form_mle():
    path, losses = mle.fit_normal(DATA, *START)
    assert path.shape == (301, 2) and losses.shape == (300,)
    np.testing.assert_allclose(path[0], START)
    mean, sd = mle.normal_mle(DATA)
    assert abs(float(path[-1, 0] - mean)) < 1e-3
    assert abs(float(jnp.exp(path[-1, 1]) - sd)) < 1e-3
    assert float(losses[-1]) < float(losses[0])


def test_the_step_size_must_stay_below_the_stability_limit_of_a_sum_over_1000_points():
    # The curvature in log σ at the optimum is 2N = 2000, so steps above 2 / 2000 = 1e-3 cannot settle.
    assert mle.NORMAL_STEP_SIZE < 2 / (2 * DATA.size)
    path, _ = mle.fit_normal(DATA, *START, step_size=1.2e-3)
    assert abs(float(jnp.exp(path[-1, 1]) - mle.normal_mle(DATA)[1])) > 1e-2


def test_the_learners_loop_with_a_compiled_gradient_also_reaches_the_mle():
    grad_fn = jax.jit(lambda mu, log_sigma: jax.grad(mle.negloglike, argnums=(0, 1))(mu, log_sigma, DATA))
    mu, log_sigma = mle.descent_loop(grad_fn, *START, mle.NORMAL_STEP_SIZE, 300)
    path, _ = mle.fit_normal(DATA, *START)
    np.testing.assert_allclose([mu, log_sigma], path[-1], atol=1e-5)


@pytest.mark.parametrize("rate", [0.1, 0.5, 4.0])
def test_exponential_fit_by_descent_matches_the_closed_form_rate(rate):
    data = exponential_draws(n=1000, rate=rate)
    assert float(mle.fit_exponential(data)) == pytest.approx(1.0 / float(data.mean()), rel=1e-4)


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


@pytest.mark.parametrize("name", ["negloglike", "descent_loop", "fit_exponential"])
def test_reference_passes_its_check_and_every_slip_gets_its_hint(name):
    assert_reference_right_and_slips_hinted(name)


def test_a_negloglike_that_cannot_be_traced_is_caught_by_its_check():
    def with_float(mu, log_sigma, data):
        return float(-jnp.sum(jax.scipy.stats.norm.logpdf(data, loc=mu, scale=jnp.exp(log_sigma))))

    outcome = evaluate("negloglike", with_float)
    assert outcome.kind == "raised" and "ConcretizationTypeError" in outcome.message
    assert "The problem arose with the `float` function" in outcome.message
    assert ": `return float(" in outcome.message


NOTEBOOK = "02-maximum-likelihood.ipynb"


def test_learner_notebook_runs_to_the_end_as_shipped():
    assert_runs_as_shipped(NOTEBOOK, ("negloglike", "descent_loop", "fit_exponential"))


def test_a_wrong_answer_shows_its_hint_and_run_all_completes():
    assert_wrong_answers_hinted(NOTEBOOK, {
        "negloglike": ("return jnp.sum(norm.logpdf(data, loc=mu, scale=jnp.exp(log_sigma)))",
                       "put a minus sign in front"),
        "descent_loop": ("return mu, log_sigma", "expected -0.7935, got 0"),
    })
