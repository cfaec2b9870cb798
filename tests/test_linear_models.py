"""Notebook 04's reference answers and the numbers its text states, each against its derivation: seed 004's
calls, the gradient by hand against jax.grad, the fit against least squares, the shape check, the curve."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from dl_workshop.checks import get_exercise
from dl_workshop.data import (
    B_TRUE, CURVE_TRUE, LINE_X, W_TRUE, make_y, saturating_readings, three_inputs_two_outputs,
)
from dl_workshop.linear_models import (
    dmseloss, initialize_linear_params, linear_model, model_optimization_loop, mse_gradient_by_hand, mseloss,
)
from exercise_assertions import assert_nudged, assert_reference_right_and_slips_hinted

EXERCISES = ["linear_model", "initialize_linear_params", "mseloss", "mse_gradient_by_hand", "dmseloss",
             "model_optimization_loop"]


def least_squares_line(x, y):
    """Slope and intercept of the least-squares line, in float64."""
    slope, intercept = np.polyfit(np.asarray(x, np.float64), np.asarray(y, np.float64), 1)
    return slope, intercept


def test_seed_004_calls_run_unchanged_and_reach_the_least_squares_fit():
    from dl_workshop.answers import linear_model, initialize_linear_params, mseloss, dmseloss, x, make_y, b_true, w_true, model_optimization_loop  # noqa: E501
    theta = initialize_linear_params()
    y = make_y(x, w_true, b_true)
    gradient = dmseloss(dict(w=0.3, b=0.5), linear_model, x, y)
    losses, theta = model_optimization_loop(theta, linear_model, mseloss, x, y, n_steps=3000)

    assert set(gradient) == {"w", "b"}
    assert losses.shape == (3000,)
    slope, intercept = least_squares_line(x, y)
    np.testing.assert_allclose([theta["w"], theta["b"]], [slope, intercept], atol=1e-4)
    best_loss = np.mean((slope * np.asarray(x, np.float64) + intercept - np.asarray(y, np.float64)) ** 2)
    np.testing.assert_allclose(losses[-1], best_loss, rtol=1e-5)


def test_answers_re_exports_the_topic_modules_names():
    from dl_workshop import answers, data, linear_models

    assert answers.linear_model is linear_models.linear_model
    assert answers.model_optimization_loop is linear_models.model_optimization_loop
    assert answers.x is data.LINE_X and (answers.w_true, answers.b_true) == (data.W_TRUE, data.B_TRUE)


def test_linear_model_and_mseloss_on_numbers_checked_by_hand():
    theta = {"w": 2.0, "b": -1.0}
    x = jnp.array([-1.0, 0.0, 2.0])
    np.testing.assert_allclose(linear_model(theta, x), [-3.0, -1.0, 3.0])
    # residuals (-0.5, 0, -1): mean of squares (0.25 + 0 + 1) / 3
    np.testing.assert_allclose(mseloss(theta, linear_model, x, jnp.array([-2.5, -1.0, 4.0])), 1.25 / 3, rtol=1e-6)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_gradient_by_hand_is_the_gradient_jax_grad_takes(seed):
    w_key, b_key, x_key, y_key = jax.random.split(jax.random.key(seed), 4)
    theta = {"w": jax.random.normal(w_key), "b": jax.random.normal(b_key)}
    x, y = jax.random.normal(x_key, (7,)), jax.random.normal(y_key, (7,))
    by_jax = jax.grad(mseloss)(theta, linear_model, x, y)
    by_hand = mse_gradient_by_hand(theta, x, y)
    for name in "wb":
        np.testing.assert_allclose(by_hand[name], by_jax[name], rtol=1e-5, atol=1e-6)


def test_the_gradient_by_hand_on_numbers_checked_by_hand():
    # w = 0.5, b = -1 at x = (-1, 0, 2, 3), y = (0, 1, 1, 4): residuals (-1.5, -2, -1, -3.5)
    gradient = mse_gradient_by_hand({"w": 0.5, "b": -1.0}, jnp.array([-1.0, 0.0, 2.0, 3.0]),
                                    jnp.array([0.0, 1.0, 1.0, 4.0]))
    np.testing.assert_allclose(gradient["w"], 2 * (1.5 + 0 - 2 - 10.5) / 4, rtol=1e-6)  # (2/n) Σ r x = -5.5
    np.testing.assert_allclose(gradient["b"], 2 * (-1.5 - 2 - 1 - 3.5) / 4, rtol=1e-6)  # (2/n) Σ r = -4


def test_mseloss_refuses_predictions_and_targets_of_different_shapes_and_names_both():
    column = make_y(LINE_X, W_TRUE, B_TRUE)[:, None]
    with pytest.raises(ValueError) as error:
        mseloss({"w": 2.0, "b": 5.0}, linear_model, LINE_X, column)
    message = str(error.value)
    assert "(100,)" in message and "(100, 1)" in message and "same shape" in message and "(100, 100)" in message
    with pytest.raises(ValueError, match=r"\(3,\).*\(4,\).*cannot be subtracted"):
        mseloss({"w": 1.0, "b": 0.0}, linear_model, jnp.zeros(3), jnp.zeros(4))


def test_mseloss_takes_matching_shapes_columns_included():
    y = make_y(LINE_X, W_TRUE, B_TRUE)
    flat = mseloss({"w": 1.0, "b": 0.0}, linear_model, LINE_X, y)
    column = mseloss({"w": 1.0, "b": 0.0}, linear_model, LINE_X[:, None], y[:, None])  # (n, 1) with (n, 1)
    np.testing.assert_allclose(column, flat, rtol=1e-6)
    gradient = jax.jit(jax.grad(mseloss), static_argnums=1)({"w": 1.0, "b": 0.0}, linear_model, LINE_X[:, None],
                                                             y[:, None])  # shapes are checked while tracing too
    np.testing.assert_allclose(gradient["w"], dmseloss({"w": 1.0, "b": 0.0}, linear_model, LINE_X, y)["w"], rtol=1e-5)


def test_a_loss_that_broadcasts_a_column_of_targets_fits_a_flat_line():
    """The text: (100,) against (100, 1) makes 10,000 differences, and descent on their mean square ends at w = 0."""
    column = make_y(LINE_X, W_TRUE, B_TRUE)[:, None]
    assert (np.asarray(linear_model({"w": 1.0, "b": 0.0}, LINE_X)) - np.asarray(column)).shape == (100, 100)

    def broadcasting_mse(theta, model, x, y):
        return jnp.mean((model(theta, x) - y) ** 2)

    _, theta = model_optimization_loop({"w": 1.0, "b": 0.0}, linear_model, broadcasting_mse, LINE_X, column)
    # ∂/∂w of the mean over all pairs is 2 (w·mean(x²) + b·mean(x) − mean(x)·mean(y)),
    # zero at w = 0 because mean(x) = 0
    assert abs(float(theta["w"])) < 1e-4
    np.testing.assert_allclose(theta["b"], np.mean(np.asarray(column)), rtol=1e-4)


def test_dmseloss_is_the_analytic_gradient():
    x = np.asarray(LINE_X, np.float64)
    y = np.asarray(make_y(LINE_X, W_TRUE, B_TRUE), np.float64)
    residuals = 0.3 * x + 0.5 - y
    gradient = dmseloss({"w": 0.3, "b": 0.5}, linear_model, LINE_X, jnp.asarray(y, jnp.float32))
    np.testing.assert_allclose(gradient["w"], 2 * np.mean(residuals * x), rtol=1e-5)
    np.testing.assert_allclose(gradient["b"], 2 * np.mean(residuals), rtol=1e-5)


def test_make_y_reads_the_line_it_is_given_not_the_default_one():
    w, b = -1.5, 0.7
    np.testing.assert_allclose(make_y(LINE_X, w, b, noise_scale=0.0), w * LINE_X + b, rtol=1e-6, atol=1e-6)
    noisy = np.asarray(make_y(LINE_X, w, b), np.float64)
    slope, intercept = least_squares_line(LINE_X, noisy)
    assert abs(slope - w) < 0.1 and abs(intercept - b) < 0.3  # the readings scatter around -1.5 x + 0.7
    same_noise = make_y(LINE_X, W_TRUE, B_TRUE) - (W_TRUE * LINE_X + B_TRUE)  # the default key's noise
    np.testing.assert_allclose(noisy - (w * LINE_X + b), same_noise, atol=1e-5)


def test_the_noise_of_make_y_comes_from_its_key():
    clean = W_TRUE * LINE_X + B_TRUE
    first, again = make_y(LINE_X, W_TRUE, B_TRUE), make_y(LINE_X, W_TRUE, B_TRUE)
    other = make_y(LINE_X, W_TRUE, B_TRUE, key=jax.random.key(1))
    np.testing.assert_array_equal(first, again)
    assert not np.allclose(first, other)
    assert 0.7 < float(jnp.std(first - clean)) < 1.3
    np.testing.assert_allclose(make_y(LINE_X, W_TRUE, B_TRUE, noise_scale=0.0), clean)


def test_initial_parameters_are_reproducible_and_drawn_from_split_keys():
    theta = initialize_linear_params()
    assert set(theta) == {"w", "b"} and theta["w"].shape == theta["b"].shape == ()
    assert theta == initialize_linear_params(jax.random.key(0))
    assert float(theta["w"]) != float(theta["b"])
    assert float(initialize_linear_params(jax.random.key(1))["w"]) != float(theta["w"])


def test_losses_are_recorded_once_per_step_before_each_update():
    x, y = LINE_X, make_y(LINE_X, W_TRUE, B_TRUE)
    start = {"w": 0.3, "b": 0.5}
    losses, theta = model_optimization_loop(start, linear_model, mseloss, x, y, n_steps=2, step_size=0.01)
    gradient = dmseloss(start, linear_model, x, y)
    after_one = {name: start[name] - 0.01 * gradient[name] for name in start}
    np.testing.assert_allclose(losses, [mseloss(start, linear_model, x, y), mseloss(after_one, linear_model, x, y)],
                               rtol=1e-6)
    gradient = dmseloss(after_one, linear_model, x, y)
    np.testing.assert_allclose([theta[n] for n in "wb"], [after_one[n] - 0.01 * gradient[n] for n in "wb"], rtol=1e-6)


def test_the_loop_fits_matrices_of_several_inputs_and_outputs():
    X, Y, W, b = three_inputs_two_outputs()

    def matrix_linear_model(theta, X):
        return X @ theta["w"] + theta["b"]

    start = {"w": jnp.zeros((3, 2)), "b": jnp.zeros(2)}
    losses, theta = model_optimization_loop(start, matrix_linear_model, mseloss, X, Y)
    design = np.hstack([np.asarray(X, np.float64), np.ones((len(X), 1))])
    best = np.linalg.lstsq(design, np.asarray(Y, np.float64), rcond=None)[0]
    np.testing.assert_allclose(theta["w"], best[:3], atol=1e-4)
    np.testing.assert_allclose(theta["b"], best[3], atol=1e-4)
    np.testing.assert_allclose(theta["w"], W, atol=0.1)
    assert losses.shape == (3000,)


def test_the_loop_accepts_a_tuple_of_parameters_and_any_loss():
    def tuple_model(theta, x):
        slope, intercept = theta
        return slope * x + intercept

    def mean_absolute_error(theta, model, x, y):
        return jnp.mean(jnp.abs(model(theta, x) - y))

    x, y = LINE_X, 3.0 * LINE_X - 2.0
    losses, (slope, intercept) = model_optimization_loop((0.0, 0.0), tuple_model, mean_absolute_error, x, y,
                                                         n_steps=5000, step_size=0.01)
    assert abs(float(slope) - 3.0) < 0.05 and abs(float(intercept) + 2.0) < 0.05
    assert losses[-1] < 0.05 * losses[0]


def test_repeated_calls_with_the_same_model_and_loss_reuse_the_compiled_loop():
    traces = []

    def counting_model(theta, x):
        traces.append(1)  # runs only while JAX traces the function
        return linear_model(theta, x)

    y = make_y(LINE_X, W_TRUE, B_TRUE)
    for w in (0.0, 1.0, -1.0):
        model_optimization_loop({"w": w, "b": 0.0}, counting_model, mseloss, LINE_X, y, n_steps=10)
    assert len(traces) == 1


def test_the_fit_settles_after_about_two_hundred_steps_at_the_rate_of_the_intercept():
    """The text: within 1% of the final loss after about two hundred of the 3000 steps (the figure shows 400),
    because each step shrinks the intercept's error by 1 − 2η = 0.98 (∂²L/∂b² = 2, and mean(x) = 0)."""
    y = make_y(LINE_X, W_TRUE, B_TRUE)
    start = initialize_linear_params()
    losses, theta = model_optimization_loop(start, linear_model, mseloss, LINE_X, y, n_steps=3000)
    losses = np.asarray(losses)
    settled = int(np.argmax(losses < 1.01 * losses[-1]))
    assert 150 <= settled <= 250 and settled < 400 and np.all(losses[settled:] < 1.01 * losses[-1])

    # the same step from the two rates: excess loss = mean(x²)·(error in w)² + (error in b)², each shrinking
    x = np.asarray(LINE_X, np.float64)
    assert abs(x.mean()) < 1e-6
    slope, intercept = least_squares_line(LINE_X, y)
    step = 0.01
    w_rate, b_rate = 1 - 2 * step * np.mean(x**2), 1 - 2 * step
    t = np.arange(3000)
    w_error, b_error = (float(start["w"]) - slope) * w_rate**t, (float(start["b"]) - intercept) * b_rate**t
    excess = np.mean(x**2) * w_error**2 + b_error**2
    predicted = int(np.argmax(excess < 0.01 * losses[-1]))
    assert abs(predicted - settled) <= 3, (predicted, settled)

    # and the intercept's error shrinks by 0.98 a step once the slope has settled
    _, after_300 = model_optimization_loop(start, linear_model, mseloss, LINE_X, y, n_steps=300)
    _, after_301 = model_optimization_loop(start, linear_model, mseloss, LINE_X, y, n_steps=301)
    ratio = (float(after_301["b"]) - intercept) / (float(after_300["b"]) - intercept)
    np.testing.assert_allclose(ratio, 0.98, atol=2e-3)


def test_the_loss_of_the_true_line_is_near_the_noise_variance_and_above_the_fit():
    y = make_y(LINE_X, W_TRUE, B_TRUE)
    true_loss = float(mseloss({"w": W_TRUE, "b": B_TRUE}, linear_model, LINE_X, y))
    noise = np.asarray(y) - (W_TRUE * np.asarray(LINE_X) + B_TRUE)
    np.testing.assert_allclose(true_loss, np.mean(noise**2), rtol=1e-5)
    assert 0.8 < true_loss < 1.25  # "close to the noise's variance, 1"
    losses, _ = model_optimization_loop(initialize_linear_params(), linear_model, mseloss, LINE_X, y)
    assert float(losses[-1]) < true_loss  # the curve levels off just below the true line's loss


def one_unit_model(theta, x):
    return theta["v"] * jnp.tanh(theta["w"] * x + theta["b"]) + theta["c"]


def test_the_same_loop_fits_a_curve_with_one_hidden_unit_where_no_line_can():
    x, y = saturating_readings()
    noise = np.asarray(y) - np.asarray(one_unit_model(CURVE_TRUE, x))
    assert 0.25 < np.std(noise) < 0.35  # noise of standard deviation 0.3, variance 0.09
    slope, intercept = least_squares_line(x, y)
    best_line = float(mseloss({"w": slope, "b": intercept}, linear_model, x, y))
    assert best_line > 10 * 0.09  # "more than ten times the noise's variance"

    start = {"w": 1.0, "b": 0.0, "v": 1.0, "c": 0.0}
    losses, theta = model_optimization_loop(start, one_unit_model, mseloss, x, y)
    true_curve = float(mseloss(CURVE_TRUE, one_unit_model, x, y))
    np.testing.assert_allclose(true_curve, np.mean(noise**2), rtol=1e-5)
    assert 0.8 * 0.09 < float(losses[-1]) < true_curve  # down at the noise's variance, a little below the truth's
    assert CURVE_TRUE == {"w": 1.0, "b": -1.0, "v": 3.0, "c": 2.0}  # as the text says
    for name, value in CURVE_TRUE.items():
        assert abs(float(theta[name]) - value) < 0.1, name
    gradient = dmseloss(theta, one_unit_model, x, y)
    assert max(abs(float(g)) for g in gradient.values()) < 1e-3  # a stationary point, not a stop on the way


def test_flipping_the_signs_of_w_b_and_v_gives_the_same_curve():
    flipped = {"w": -1.0, "b": 1.0, "v": -3.0, "c": 2.0}
    np.testing.assert_allclose(one_unit_model(flipped, LINE_X), one_unit_model(CURVE_TRUE, LINE_X), rtol=1e-6)


@pytest.mark.parametrize("name", EXERCISES)
def test_reference_passes_its_check_and_every_slip_gets_its_hint(name):
    assert_reference_right_and_slips_hinted(name)


#: What the first hint must not hand over: the line of code the recipe gives.
GIVEAWAYS = {
    "linear_model": "theta['w'] * x + theta['b']",
    "initialize_linear_params": "jax.random.split(key)",
    "mseloss": "jnp.mean((",
    "mse_gradient_by_hand": "jnp.mean(r * x)",
    "dmseloss": "jax.grad(mseloss)",
    "model_optimization_loop": "jax.tree.map(",
}


@pytest.mark.parametrize("name", EXERCISES)
def test_the_first_hint_nudges_and_the_recipe_gives_the_code(name):
    ex = get_exercise(name)
    assert GIVEAWAYS[name] in ex.recipe and GIVEAWAYS[name] not in ex.hint


def _loop_subtracting_dicts(theta, model, loss, x, y, n_steps=3000, step_size=0.01):
    """A reviewer's loop: `theta - step_size * grads` on dicts of parameters."""
    loss_and_grad = jax.value_and_grad(loss)

    def step(theta, _):
        value, grads = loss_and_grad(theta, model, x, y)
        return theta - step_size * grads, value

    theta, losses = jax.lax.scan(step, theta, length=n_steps)
    return losses, theta


# The reviewers' attempts (2026-12-01): each first message says what to change, and gives no answer away.
@pytest.mark.parametrize("name, attempt, shown, not_shown", [
    ("mseloss", lambda theta, model, x, y: jnp.mean(model(theta, x) - y) ** 2,
     ["square of the mean error", "Square each error, then average"], ["jnp.mean((model"]),
    ("model_optimization_loop", _loop_subtracting_dicts, ["dict of parameters", "jax.tree.map(f, theta, grads)"],
     ["lambda p, g: p - step_size * g"]),
])
def test_the_reviewers_attempts_get_a_targeted_nudge(name, attempt, shown, not_shown):
    assert_nudged(name, attempt, shown, not_shown)
