"""Notebook 08's reference answers and the numbers its text states, each against its derivation: σ and σ′, the
cross-entropy by hand, the gradient by hand against jax.grad, the naive logarithm failing and log-sigmoid not,
the fit with notebook 04's loop against scikit-learn; and the seed workshop's names in dl_workshop.answers."""

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest
from sklearn.linear_model import LogisticRegression

from dl_workshop.data import LOGISTIC_B, LOGISTIC_W, breast_cancer, labelled_points
from dl_workshop.linear_models import model_optimization_loop
from dl_workshop.logistic import (
    EPS, binary_cross_entropy, cross_entropy_gradient_by_hand, decision_boundary, dlogistic_by_hand, dlogistic_loss,
    linear_score, logistic, logistic_loss, logistic_loss_from_scores, logistic_model,
)
from exercise_assertions import assert_nudged, assert_reference_right_and_slips_hinted

EXERCISES = ["logistic", "dlogistic_by_hand", "logistic_model", "binary_cross_entropy",
             "cross_entropy_gradient_by_hand", "decision_boundary"]


@pytest.mark.parametrize("name", EXERCISES)
def test_reference_passes_its_check_and_every_slip_gets_its_own_hint(name):
    assert_reference_right_and_slips_hinted(name)


def sklearn_fit(x, y):
    """The unpenalised maximum-likelihood fit (C = inf is scikit-learn's penalty=None), in float64."""
    model = LogisticRegression(C=np.inf, tol=1e-10, max_iter=10_000)
    model.fit(np.asarray(x, np.float64).reshape(len(y), -1), np.asarray(y))
    return model.coef_.ravel(), model.intercept_[0]


# --- the logistic function and its derivative -------------------------------------------------------------------

def test_logistic_is_the_formula_symmetric_and_has_slope_one_quarter_at_zero():
    z = np.linspace(-10, 10, 41)
    np.testing.assert_allclose(logistic(z), 1 / (1 + np.exp(-z)), rtol=1e-6)
    np.testing.assert_allclose(logistic(-z), 1 - logistic(z), atol=1e-7)
    assert float(logistic(0.0)) == 0.5 and float(dlogistic_by_hand(0.0)) == 0.25


def test_derivative_by_hand_is_the_gradient_jax_takes():
    z = jnp.linspace(-6.0, 6.0, 25)
    np.testing.assert_allclose(dlogistic_by_hand(z), jax.vmap(jax.grad(logistic))(z), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(dlogistic_by_hand(z), jax.grad(lambda z: jnp.sum(logistic(z)))(z), rtol=1e-5)


def test_float32_rounds_sigma_of_17_to_one_but_not_sigma_of_16():
    """The text: "float32 rounds σ(17) to exactly 1"."""
    assert float(logistic(jnp.float32(17.0))) == 1.0 and float(logistic(jnp.float32(16.0))) < 1.0
    assert float(1 / (1 + jnp.exp(-jnp.float32(17.0)))) == 1.0


# --- the model --------------------------------------------------------------------------------------------------

def test_logistic_model_on_numbers_and_tables_of_every_array_kind():
    x = np.array([-1.0, 0.0, 0.5])
    expected = 1 / (1 + np.exp(-(2.0 * x - 1.0)))
    for inputs in (x, jnp.asarray(x), x.astype(np.float32), np.array([-1, 0, 0.5], dtype=np.float64)):
        np.testing.assert_allclose(logistic_model({"w": 2.0, "b": -1.0}, inputs), expected, rtol=1e-6)
    table = np.array([[1.0, 2.0], [0.0, -1.0], [3.0, 0.5]])
    w = np.array([0.5, -1.0])
    np.testing.assert_allclose(logistic_model({"w": w, "b": 0.2}, table), 1 / (1 + np.exp(-(table @ w + 0.2))),
                               rtol=1e-6)
    column = logistic_model({"w": w.reshape(2, 1), "b": np.array([0.2])}, table)
    assert column.shape == (3, 1)
    np.testing.assert_allclose(column[:, 0], 1 / (1 + np.exp(-(table @ w + 0.2))), rtol=1e-6)
    np.testing.assert_allclose(linear_score({"w": w, "b": 0.2}, table), table @ w + 0.2, rtol=1e-6)


def test_decision_boundary_is_where_the_probability_is_one_half():
    for theta in ({"w": 2.0, "b": -1.0}, {"w": -0.5, "b": 3.0}):
        assert float(logistic_model(theta, decision_boundary(theta))) == pytest.approx(0.5, abs=1e-6)


# --- the loss ---------------------------------------------------------------------------------------------------

def test_cross_entropy_on_numbers_worked_by_hand():
    y, p = np.array([1.0, 0.0, 1.0]), np.array([0.8, 0.1, 0.5])
    by_hand = -(np.log(0.8) + np.log(0.9) + np.log(0.5)) / 3
    assert float(binary_cross_entropy(y, p)) == pytest.approx(by_hand, rel=1e-6)
    assert float(binary_cross_entropy(y.astype(np.int64), p)) == pytest.approx(by_hand, rel=1e-6)  # int labels
    assert float(binary_cross_entropy(y.reshape(-1, 1), p.reshape(-1, 1))) == pytest.approx(by_hand, rel=1e-6)
    assert float(binary_cross_entropy(jnp.asarray(y), jnp.asarray(p))) == pytest.approx(by_hand, rel=1e-6)


def test_cross_entropy_refuses_a_column_against_a_row():
    with pytest.raises(ValueError, match=r"binary_cross_entropy expected .* shape \(3,\) and y has shape \(3, 1\)"):
        binary_cross_entropy(np.ones((3, 1)), np.full(3, 0.5))


def test_clipping_keeps_saturated_probabilities_finite_and_bounds_one_example_at_minus_log_eps():
    """The text: a confidently wrong example costs at most −log(1e-7) ≈ 16.1; a confident right one about 0."""
    assert float(binary_cross_entropy(np.array([1.0]), np.array([0.0]))) == pytest.approx(-np.log(EPS), rel=1e-4)
    assert -np.log(EPS) == pytest.approx(16.1, abs=0.05)
    assert float(binary_cross_entropy(np.array([1.0, 0.0]), np.array([1.0, 0.0]))) < 1e-6


def test_the_naive_logarithm_of_sigma_fails_for_large_scores_and_log_sigmoid_does_not():
    z = jnp.array([-200.0, -20.0, 0.0, 20.0, 200.0])
    naive_one, naive_zero = jnp.log(logistic(z)), jnp.log(1 - logistic(z))
    assert np.isneginf(naive_one[0]) and np.isneginf(naive_zero[3]) and np.isneginf(naive_zero[4])
    exact_one, exact_zero = -np.logaddexp(0, -np.asarray(z, np.float64)), -np.logaddexp(0, np.asarray(z, np.float64))
    np.testing.assert_allclose(jax.nn.log_sigmoid(z), exact_one, rtol=1e-6, atol=1e-30)
    np.testing.assert_allclose(jax.nn.log_sigmoid(-z), exact_zero, rtol=1e-6, atol=1e-30)


def test_the_score_form_is_optax_and_agrees_with_the_clipped_form_where_nothing_saturates():
    x, y = labelled_points()
    theta = {"w": 1.2, "b": -0.4}
    from_scores = logistic_loss_from_scores(theta, linear_score, x, y)
    np.testing.assert_allclose(from_scores, jnp.mean(optax.sigmoid_binary_cross_entropy(linear_score(theta, x), y)),
                               rtol=1e-6)
    np.testing.assert_allclose(from_scores, logistic_loss(theta, logistic_model, x, y), rtol=1e-5)


def test_a_confidently_wrong_example_has_no_gradient_when_clipped_and_a_full_one_from_scores():
    """The text: at a score of −30 for an example of class 1, the clipped loss's gradient is 0, the score form's −x."""
    x, y, theta = jnp.array([1.0]), jnp.array([1.0]), {"w": -30.0, "b": 0.0}
    clipped = dlogistic_loss(theta, logistic_model, x, y)
    from_scores = jax.grad(logistic_loss_from_scores)(theta, linear_score, x, y)
    assert float(clipped["w"]) == 0.0 and float(clipped["b"]) == 0.0
    np.testing.assert_allclose([from_scores["w"], from_scores["b"]], [-1.0, -1.0], rtol=1e-6)
    assert np.isfinite(float(logistic_loss(theta, logistic_model, x, y)))


def test_the_gradient_by_hand_is_the_gradient_jax_takes():
    x, y = labelled_points()
    for theta in ({"w": 0.3, "b": 0.5}, {"w": -1.0, "b": 2.0}):
        by_hand = cross_entropy_gradient_by_hand(theta, x, y)
        by_jax = dlogistic_loss(theta, logistic_model, x, y)
        for name in "wb":
            np.testing.assert_allclose(by_hand[name], by_jax[name], rtol=1e-4, atol=1e-6)


# --- training with notebook 04's loop ---------------------------------------------------------------------------

def test_the_unchanged_loop_reaches_scikit_learns_coefficients_to_1e_3():
    x, y = labelled_points()
    losses, theta = model_optimization_loop({"w": 0.0, "b": 0.0}, logistic_model, logistic_loss, x, y, 1000, 1.0)
    coef, intercept = sklearn_fit(x, y)
    np.testing.assert_allclose([theta["w"], theta["b"]], [coef[0], intercept], atol=1e-3)
    assert losses[0] == pytest.approx(np.log(2), rel=1e-6)  # every probability 1/2 at w = b = 0
    assert np.all(np.diff(np.asarray(losses)) <= 1e-7)  # the loss never rises at this step size
    _, from_scores = model_optimization_loop({"w": 0.0, "b": 0.0}, linear_score, logistic_loss_from_scores,
                                             x, y, 1000, 1.0)
    np.testing.assert_allclose([from_scores["w"], from_scores["b"]], [coef[0], intercept], atol=1e-3)


def test_a_table_of_inputs_and_column_targets_train_with_the_same_loop():
    x, y = labelled_points()
    table, column = np.asarray(x).reshape(-1, 1), np.asarray(y).reshape(-1, 1)
    theta = {"w": jnp.zeros((1, 1)), "b": jnp.zeros(1)}
    _, theta = model_optimization_loop(theta, logistic_model, logistic_loss, table, column, 1000, 1.0)
    coef, intercept = sklearn_fit(x, y)
    np.testing.assert_allclose([theta["w"][0, 0], theta["b"][0]], [coef[0], intercept], atol=1e-3)


def test_labelled_points_honour_every_argument():
    x, y = labelled_points()
    assert x.shape == y.shape == (200,) and set(np.unique(y)) == {0.0, 1.0}
    assert float(x.min()) >= -3 and float(x.max()) <= 3
    assert not np.array_equal(labelled_points(jax.random.key(1))[0], x)
    assert labelled_points(n=50)[0].shape == (50,)
    many_x, many_y = labelled_points(n=20_000, w=-1.0, b=0.5)  # the labels follow σ(w·x + b)
    near = np.abs(np.asarray(many_x) - 0.5) < 0.1
    assert float(np.mean(np.asarray(many_y)[near])) == pytest.approx(float(logistic(-0.5 + 0.5)), abs=0.05)
    assert (LOGISTIC_W, LOGISTIC_B) == (2.0, -1.0)


def test_breast_cancer_is_split_by_its_key_and_standardised_on_the_training_tumours():
    x_train, y_train, x_test, y_test = breast_cancer()
    assert x_train.shape == (398, 30) and x_test.shape == (171, 30) and len(y_train) == 398 and len(y_test) == 171
    np.testing.assert_allclose(x_train.mean(axis=0), 0, atol=1e-5)
    np.testing.assert_allclose(x_train.std(axis=0), 1, atol=1e-4)
    assert not np.array_equal(breast_cancer(jax.random.key(1))[1], y_train)
    assert breast_cancer(test_fraction=0.5)[2].shape == (284, 30)
    with pytest.raises(ValueError, match="test_fraction"):
        breast_cancer(test_fraction=1.5)


# --- the seed workshop's names ----------------------------------------------------------------------------------

def test_answers_re_exports_the_seed_workshops_names_from_their_modules():
    from dl_workshop import answers, data, gradient_basics, linear_models, logistic as topic

    for name in ("logistic", "logistic_model", "binary_cross_entropy", "logistic_loss", "dlogistic_loss"):
        assert getattr(answers, name) is getattr(topic, name)
    assert answers.noise is data.noise and answers.mse is linear_models.mse
    assert answers.f is gradient_basics.f and answers.df is gradient_basics.df
    assert set(answers.__all__) >= {"logistic", "logistic_model", "binary_cross_entropy", "logistic_loss",
                                    "dlogistic_loss", "noise", "mse", "f", "df"}


def test_f_and_its_hand_derivative():
    from dl_workshop.answers import df, f

    w = np.linspace(-4, 4, 17)
    np.testing.assert_allclose(f(w), w**2 + 3 * w - 5)
    np.testing.assert_allclose(df(jnp.asarray(w, jnp.float32)), jax.vmap(jax.grad(f))(jnp.asarray(w, jnp.float32)),
                               rtol=1e-6)
    assert f(-1.5) == -7.25 and df(-1.5) == 0.0


def test_noise_takes_a_size_or_a_shape_and_honours_its_key():
    from dl_workshop.answers import noise

    assert noise(5).shape == (5,) and noise((4, 1)).shape == (4, 1) and noise(np.int64(3)).shape == (3,)
    np.testing.assert_array_equal(noise(5), noise(5))
    assert not np.array_equal(noise(5), noise(5, key=jax.random.key(1)))
    np.testing.assert_array_equal(noise(5, key=jax.random.key(3)), jax.random.normal(jax.random.key(3), (5,)))
    assert abs(float(jnp.std(noise(20_000))) - 1) < 0.03
    with pytest.raises(TypeError, match="whole number n or a shape"):
        noise(2.5)


def test_mse_on_every_array_kind_and_refuses_mismatched_shapes():
    from dl_workshop.answers import mse

    y_true, y_pred = np.array([1.0, 2.0, 4.0]), np.array([1.5, 2.0, 3.0])
    assert float(mse(y_true, y_pred)) == pytest.approx((0.25 + 0 + 1) / 3)
    assert float(mse(y_true.reshape(-1, 1), y_pred.reshape(-1, 1))) == pytest.approx((0.25 + 0 + 1) / 3)
    assert float(mse(jnp.asarray(y_true), y_pred.astype(np.int64))) == pytest.approx((0 + 0 + 1) / 3)
    with pytest.raises(ValueError, match="mse expected"):
        mse(y_true.reshape(-1, 1), y_pred)


def test_the_seed_workshops_calls_run():
    from dl_workshop.answers import binary_cross_entropy, dlogistic_loss, logistic, logistic_loss, logistic_model

    x, y = labelled_points()
    params = {"w": 0.5, "b": 0.1}
    loss = logistic_loss(params, logistic_model, x, y)
    assert float(loss) == pytest.approx(float(binary_cross_entropy(y, logistic(0.5 * x + 0.1))), rel=1e-6)
    assert set(dlogistic_loss(params, logistic_model, x, y)) == {"w", "b"}


def _b_weighted_too(theta, x, y):
    """A reviewer's gradient: b's derivative weighted by the inputs as w's is."""
    p = logistic(theta["w"] * x + theta["b"])
    return {"w": jnp.mean((p - y) * x), "b": jnp.mean((p - y) * x)}


# The reviewers' attempts (2026-12-01): each first message says what to change, and gives no answer away.
@pytest.mark.parametrize("name, attempt, shown, not_shown", [
    ("logistic_model", lambda theta, x: logistic(x @ theta["w"] + theta["b"]),
     ["jnp.dot handles both a number w and a vector w"], ["logistic(jnp.dot(x, theta['w'])"]),
    ("dlogistic_by_hand", lambda z: jax.grad(logistic)(z), ["σ′ written by hand", "entry by entry"],
     ["logistic(z) * (1 - logistic(z))"]),
    ("cross_entropy_gradient_by_hand", _b_weighted_too, ["∂L/∂b is weighted by the inputs too", "∂z_i/∂b = 1"],
     ["jnp.mean(p - y)"]),
])
def test_the_reviewers_attempts_get_a_targeted_nudge(name, attempt, shown, not_shown):
    assert_nudged(name, attempt, shown, not_shown)
