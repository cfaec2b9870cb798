"""Notebook 09's reference answers and the claims its text makes: each exercise's check catches its slips; the
starting scale keeps the spread of a layer's sums; a line fails on the moons and the network does not; eight
starts trained at once with vmap match eight separate runs; scikit-learn's network of the same size agrees."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from sklearn.neural_network import MLPClassifier

from dl_workshop.data import two_moons
from dl_workshop.linear_models import model_optimization_loop
from dl_workshop.logistic import logistic_loss, logistic_model
from dl_workshop.neural import (
    LAYER_SIZES, N_STEPS, STEP_SIZE, accuracy, dense, init_params, init_scale, mlp, moons, probability_grid,
    train_many,
)
from exercise_assertions import assert_nudged, assert_reference_right_and_slips_hinted

EXERCISES = ["dense", "init_scale", "init_params", "mlp"]


@pytest.mark.parametrize("name", EXERCISES)
def test_reference_passes_its_check_and_every_slip_gets_its_own_hint(name):
    assert_reference_right_and_slips_hinted(name)


def test_the_moons_are_balanced_noisy_half_circles_made_from_the_key():
    x, y = two_moons()
    assert x.shape == (200, 2) and x.dtype == jnp.float32 and y.shape == (200,)
    assert float(y.sum()) == 100
    upper, lower = np.asarray(x[y == 0]), np.asarray(x[y == 1])
    # distances from each moon's circle centre scatter around the radius 1 by about the noise, 0.15
    for points, centre in [(upper, (0.0, 0.0)), (lower, (1.0, 0.5))]:
        radius = np.linalg.norm(points - np.array(centre), axis=1)
        assert abs(radius.mean() - 1.0) < 0.05 and 0.1 < radius.std() < 0.2
    assert np.array_equal(np.asarray(two_moons()[0]), np.asarray(x))
    assert not np.array_equal(np.asarray(two_moons(jax.random.key(1))[0]), np.asarray(x))


def test_dense_maps_examples_to_outputs_and_the_network_gives_probabilities():
    layer = {"W": jnp.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]), "b": jnp.array([1.0, 0.0, -1.0])}
    np.testing.assert_allclose(dense(layer, jnp.array([[1.0, 1.0]])), [[6.0, 7.0, 8.0]])
    params = init_params(jax.random.key(0), LAYER_SIZES)
    assert [jax.tree.map(jnp.shape, layer) for layer in params] == [
        {"W": (2, 16), "b": (16,)}, {"W": (16, 16), "b": (16,)}, {"W": (16, 1), "b": (1,)}]
    p = mlp(params, jnp.ones((5, 2)))
    assert p.shape == (5,) and bool(jnp.all((p > 0) & (p < 1)))


def saturated_share(standard_deviation):
    """P(|tanh z| > 0.99) for z ~ N(0, standard_deviation²): the share of units on tanh's flat tails."""
    from math import atanh, erf, sqrt

    return 1 - erf(atanh(0.99) / standard_deviation / sqrt(2))


def test_the_starting_scale_keeps_the_spread_of_the_weighted_sums_and_n01_does_not():
    """Notebook 09's section 3, with its keys: weighted sums of 16 unit-variance inputs spread √16 = 4 times as far
    with N(0, 1) weights, half of them beyond tanh⁻¹(0.99); with init_scale(16) = 1/4, as far as their inputs."""
    assert float(init_scale(16)) == pytest.approx(0.25)
    inputs_key, weights_key = jax.random.split(jax.random.key(3))
    inputs = jax.random.normal(inputs_key, (1000, 16))
    weights = jax.random.normal(weights_key, (16, 16))
    for scale, spread in [(1.0, 4.0), (init_scale(16), 1.0)]:
        sums = np.asarray(dense({"W": scale * weights, "b": jnp.zeros(16)}, inputs))
        assert sums.std() == pytest.approx(spread, rel=0.1)
        assert np.mean(np.abs(np.tanh(sums)) > 0.99) == pytest.approx(saturated_share(spread), abs=0.05)
    assert saturated_share(4.0) == pytest.approx(0.5, abs=0.02) and saturated_share(1.0) < 0.01


def test_the_untrained_network_guesses_near_one_half_at_a_loss_above_log_2():
    """The text: probabilities from 0.285 to 0.683, a starting loss of 0.88 above log 2 ≈ 0.69, because a wrong
    guess of 0.3 costs 1.20 and a right one of 0.7 costs 0.36, on average 0.78."""
    x, y, _, _ = moons()
    params = init_params(jax.random.key(0), LAYER_SIZES)
    assert sum(leaf.size for leaf in jax.tree.leaves(params)) == 2 * 16 + 16 + 16 * 16 + 16 + 16 + 1 == 337
    p = np.asarray(mlp(params, x))
    scores = np.log(p / (1 - p))
    assert np.abs(scores).max() < 1 and (f"{p.min():.3f}", f"{p.max():.3f}") == ("0.285", "0.683")
    start_loss = float(logistic_loss(params, mlp, x, y))
    assert round(start_loss, 2) == 0.88 and start_loss > np.log(2) and f"{np.log(2):.2f}" == "0.69"
    wrong, right = -np.log(0.3), -np.log(0.7)
    assert (f"{wrong:.2f}", f"{right:.2f}", f"{(wrong + right) / 2:.2f}") == ("1.20", "0.36", "0.78")


def trained_network(key=jax.random.key(0)):
    x, y, _, _ = moons()
    return model_optimization_loop(init_params(key, LAYER_SIZES), mlp, logistic_loss, x, y, N_STEPS, STEP_SIZE)


def test_a_line_fails_on_the_moons_and_the_network_bends_around_them():
    x, y, x_test, y_test = moons()
    _, line = model_optimization_loop({"w": jnp.zeros(2), "b": 0.0}, logistic_model, logistic_loss, x, y,
                                      N_STEPS, STEP_SIZE)
    _, network = trained_network()
    assert accuracy(logistic_model(line, x_test), y_test) < 0.9
    assert accuracy(mlp(network, x_test), y_test) > 0.95
    assert accuracy(mlp(network, x), y) > 0.95


def test_from_all_zeros_nothing_but_the_output_bias_learns_and_equal_weights_stay_equal():
    x, y, _, _ = moons()
    start = init_params(jax.random.key(0), LAYER_SIZES)
    losses, zeros = model_optimization_loop(jax.tree.map(jnp.zeros_like, start), mlp, logistic_loss, x, y,
                                            N_STEPS, STEP_SIZE)
    assert float(losses[-1]) == pytest.approx(np.log(2), abs=1e-4)  # balanced classes: p = 1/2 is the best it gets
    assert all(float(jnp.abs(layer["W"]).max()) == 0 for layer in zeros)
    _, _, x_test, y_test = moons()
    assert accuracy(mlp(zeros, x_test), y_test) == 0.5  # p = 1/2 is not above 1/2: everything is class 0
    _, equal = model_optimization_loop(jax.tree.map(lambda a: jnp.full_like(a, 0.1), start), mlp, logistic_loss,
                                       x, y, N_STEPS, STEP_SIZE)
    first = np.asarray(equal[0]["W"])
    assert np.ptp(first, axis=1).max() < 1e-5 and np.abs(first).max() > 0.2  # they moved, all alike
    assert accuracy(mlp(equal, x_test), y_test) < 0.9  # one unit's worth: a straight boundary, like the line's
    # the text: about as well as the line, 0.873 held out against the line's 0.871
    _, line = model_optimization_loop({"w": jnp.zeros(2), "b": 0.0}, logistic_model, logistic_loss, x, y, N_STEPS,
                                      STEP_SIZE)
    held_out = (accuracy(mlp(equal, x_test), y_test), accuracy(logistic_model(line, x_test), y_test))
    assert tuple(f"{value:.3f}" for value in held_out) == ("0.873", "0.871")


def test_eight_starts_trained_with_vmap_match_eight_separate_runs():
    x, y, _, _ = moons()
    keys = jax.random.split(jax.random.key(0), 8)
    starts = jax.vmap(lambda key: init_params(key, LAYER_SIZES))(keys)
    losses, thetas = train_many(starts, mlp, logistic_loss, x, y)
    assert losses.shape == (8, N_STEPS)
    for i, key in enumerate(keys):
        one_losses, one = model_optimization_loop(init_params(key, LAYER_SIZES), mlp, logistic_loss, x, y,
                                                  N_STEPS, STEP_SIZE)
        np.testing.assert_allclose(losses[i], one_losses, rtol=1e-4, atol=1e-6)
        for stacked, single in zip(jax.tree.leaves(thetas), jax.tree.leaves(one)):
            np.testing.assert_allclose(stacked[i], single, rtol=1e-3, atol=1e-4)
    # different starts, different places: final losses that differ, parameters farther from network 0's than
    # network 0's from zero; yet they classify the held-out points almost alike
    assert np.ptp(np.asarray(losses[:, -1])) > 1e-3
    flat = np.stack([np.concatenate([np.ravel(leaf[i]) for leaf in jax.tree.leaves(thetas)]) for i in range(8)])
    apart = np.linalg.norm(flat - flat[0], axis=1) / np.linalg.norm(flat[0])
    assert (apart[1:] > 1).all()
    _, _, x_test, _ = moons()
    classes = np.asarray(jax.vmap(mlp, in_axes=(0, None))(thetas, x_test)) > 0.5
    assert np.mean(classes.all(axis=0) | ~classes.any(axis=0)) > 0.97


def test_swapping_two_hidden_units_gives_the_same_network():
    x, _, _, _ = moons()
    params = init_params(jax.random.key(0), LAYER_SIZES)
    order = jnp.arange(16).at[jnp.array([0, 5])].set(jnp.array([5, 0]))
    swapped = [{"W": params[0]["W"][:, order], "b": params[0]["b"][order]},
               {"W": params[1]["W"][order], "b": params[1]["b"]}, params[2]]
    assert not np.allclose(swapped[0]["W"], params[0]["W"])
    np.testing.assert_allclose(mlp(swapped, x), mlp(params, x), rtol=1e-6)


def test_probability_grid_agrees_with_the_model_point_by_point():
    _, network = trained_network()
    xs, ys, p = probability_grid(mlp, network, n=7)
    assert p.shape == (7, 7)
    np.testing.assert_allclose(p[2, 5], mlp(network, jnp.array([[xs[2, 5], ys[2, 5]]]))[0], rtol=1e-5)
    stacked = jax.tree.map(lambda a: jnp.stack([a, a]), network)
    np.testing.assert_allclose(probability_grid(mlp, stacked, n=7, stacked=True)[2], np.stack([p, p]), rtol=1e-5)


def scikit_learn_network(**options):
    """scikit-learn's network of our size, fitted as notebook 09 fits it; the inputs rounded as the notebook does."""
    x, y, _, _ = moons()
    return MLPClassifier(hidden_layer_sizes=LAYER_SIZES[1:-1], activation="tanh", solver="lbfgs",
                         random_state=0, **options).fit(np.round(np.asarray(x, dtype=float), 3), np.asarray(y))


def test_scikit_learns_network_of_the_same_size_reaches_our_loss_in_few_iterations_and_classifies_alike():
    _, _, x_test, y_test = moons()
    losses, network = trained_network()
    ours = accuracy(mlp(network, x_test), y_test)
    x_test_rounded = np.round(np.asarray(x_test, dtype=float), 3)
    theirs = scikit_learn_network(tol=1e-3)
    assert [w.shape for w in theirs.coefs_] == [(2, 16), (16, 16), (16, 1)]
    assert theirs.n_iter_ < 100 < N_STEPS and abs(theirs.loss_ - float(losses[-1])) < 0.005
    assert theirs.score(x_test_rounded, np.asarray(y_test)) > 0.95
    assert abs(theirs.score(x_test_rounded, np.asarray(y_test)) - ours) < 0.01


@pytest.mark.locked_versions  # the notebook says so from what the locked scikit-learn gives
def test_scikit_learns_network_run_to_its_default_tolerance_fits_every_point_and_is_barely_better_on_new_ones():
    x, y, x_test, y_test = moons()
    ours = accuracy(mlp(trained_network()[1], x_test), y_test)
    harder = scikit_learn_network(max_iter=2000)
    rounded = (np.round(np.asarray(a, dtype=float), 3) for a in (x, x_test))
    assert harder.score(next(rounded), np.asarray(y)) == 1.0
    assert (round(ours, 3), harder.score(next(rounded), np.asarray(y_test))) == (0.980, 0.983)  # 3 points in 1000


# The reviewers' attempts (2026-12-01): each first message says what to change, and gives no answer away.
@pytest.mark.parametrize("name, attempt, shown, not_shown", [
    ("dense", lambda layer, x: x * layer["W"] + layer["b"], ["element by element", "matrix product"],
     ["x @ layer['W']"]),
    ("dense", lambda layer, x: jnp.dot(layer["W"], x) + layer["b"], ["order of the maths", "a row of x"],
     ["x @ layer['W']"]),
])
def test_the_reviewers_attempts_get_a_targeted_nudge(name, attempt, shown, not_shown):
    assert_nudged(name, attempt, shown, not_shown)
