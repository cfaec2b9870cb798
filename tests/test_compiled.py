"""Notebook 06's reference answers, and every number its text states, against their derivations."""

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

from dl_workshop.checks import RIGHT, evaluate
from dl_workshop.compiled import (
    START,
    exact_step,
    fit_step_sizes,
    kelvin_data,
    line_data,
    line_loss,
    make_step,
    optax_fit,
    scan_fit,
    schedule_fit,
    smallest_loss,
    steps_to_reach,
)
from dl_workshop.optim import plain_descent
from exercise_assertions import assert_reference_right_and_slips_hinted

X, Y = line_data()
#: The eight step sizes of the notebook's sweep.
SWEEP = np.array([0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.15], np.float32)


def analytic_gradient(theta, x=X, y=Y):
    residual = np.asarray(theta["w"] * x + theta["b"] - y, np.float64)
    return {"w": 2 * np.mean(residual * np.asarray(x, np.float64)), "b": 2 * np.mean(residual)}


def close(a, b, rtol=1e-5):
    return all(np.allclose(a[k], b[k], rtol=rtol, atol=1e-6) for k in a)


def hessian_eigenvalues(x):
    """Eigenvalues of the line loss's Hessian, from jax.hessian (not from the 2XᵀX/n formula the notebook uses)."""
    hessian = jax.hessian(lambda t: line_loss({"w": t[0], "b": t[1]}, x, jnp.zeros_like(x)))(jnp.zeros(2))
    return np.linalg.eigvalsh(np.asarray(hessian, np.float64))


def least_squares(x, y):
    return np.polyfit(np.asarray(x, np.float64), np.asarray(y, np.float64), 1)


# --- the loops -------------------------------------------------------------------------------------------


def test_compiled_step_is_one_step_against_the_analytic_gradient():
    stepped = make_step(line_loss, 0.02)(START, X, Y)
    expected = {k: START[k] - 0.02 * g for k, g in analytic_gradient(START).items()}
    assert close(stepped, expected)


def test_scan_takes_the_same_steps_as_the_plain_loop():
    theta, losses = scan_fit(line_loss, START, X, Y, 0.01, 40)
    plain_theta, plain_losses = plain_descent(line_loss, START, X, Y, step_size=0.01, n_steps=40)
    assert close(theta, plain_theta)
    np.testing.assert_allclose(losses, plain_losses, rtol=1e-5)
    assert float(losses[0]) == pytest.approx(float(line_loss(START, X, Y)))


def test_scan_reaches_the_least_squares_fit():
    theta, _ = jax.jit(scan_fit, static_argnums=(0, 5))(line_loss, START, X, Y, 0.05, 3000)
    slope, intercept = least_squares(X, Y)
    assert float(theta["w"]) == pytest.approx(slope, abs=1e-4)
    assert float(theta["b"]) == pytest.approx(intercept, abs=1e-4)


@pytest.mark.locked_versions  # the notebook prints this number, as the locked JAX computes it
def test_an_unrolled_loop_grows_by_21_operations_a_step_and_scan_holds_one_body():
    """Section 3: 210 and 1050 operations for 10 and 50 steps; 63,000 for 3000; scan's body has 21."""

    def unrolled(theta, n_steps):
        for _ in range(n_steps):
            grads = jax.grad(line_loss)(theta, X, Y)
            theta = jax.tree.map(lambda p, g: p - 0.01 * g, theta, grads)
        return theta

    one = len(jax.make_jaxpr(unrolled, static_argnums=1)(START, 1).eqns)
    assert one == 21
    for n_steps in (10, 50):
        assert len(jax.make_jaxpr(unrolled, static_argnums=1)(START, n_steps).eqns) == n_steps * one
    assert 3000 * one == 63_000
    (scan,) = jax.make_jaxpr(scan_fit, static_argnums=(0, 5))(line_loss, START, X, Y, 0.01, 100).eqns
    assert scan.primitive.name == "scan" and len(scan.params["jaxpr"].eqns) == one


# --- vmap over step sizes, and the step-size limit ------------------------------------------------------


def test_vmapped_fits_equal_one_fit_per_step_size():
    step_sizes = jnp.array([0.001, 0.01, 0.05])
    thetas, losses = fit_step_sizes(line_loss, START, X, Y, step_sizes, 25)
    assert losses.shape == (3, 25)
    for i, step_size in enumerate(step_sizes):
        theta, curve = scan_fit(line_loss, START, X, Y, step_size, 25)
        assert close({k: thetas[k][i] for k in thetas}, theta)
        np.testing.assert_allclose(losses[i], curve, rtol=1e-5)


def test_curvatures_of_the_line_are_2_and_twice_the_mean_square_input():
    """Section 5: the inputs have mean 0, so λmin = 2, λmax = 2·mean(x²) ≈ 17, limit 2/λmax = 0.1176."""
    low, high = hessian_eigenvalues(X)
    x = np.asarray(X, np.float64)
    assert abs(x.mean()) < 1e-6
    assert low == pytest.approx(2.0, rel=1e-5)
    assert high == pytest.approx(2 * np.mean(x**2), rel=1e-5)
    assert f"{high:.2f}" == "17.00" and f"{2 / high:.4f}" == "0.1176"
    assert high / low == pytest.approx(8.5, abs=0.01)


def test_only_the_largest_of_the_eight_step_sizes_diverges():
    """Section 5: "only one of the eight, 0.15, diverges": the only one above 2/λmax."""
    _, losses = jax.jit(fit_step_sizes, static_argnums=(0, 5))(line_loss, START, X, Y, SWEEP, 300)
    losses = np.asarray(losses)
    diverged = ~np.isfinite(losses[:, -1]) | (losses[:, -1] > losses[:, 0])
    assert SWEEP[diverged].tolist() == [np.float32(0.15)]
    assert list(SWEEP > 2 / hessian_eigenvalues(X)[1]) == list(diverged)


def test_eight_fits_end_where_the_least_squares_loss_predicts():
    _, losses = jax.jit(fit_step_sizes, static_argnums=(0, 5))(line_loss, START, X, Y, SWEEP, 300)
    assert np.asarray(losses)[SWEEP == np.float32(0.1), -1][0] == pytest.approx(smallest_loss(X, Y), rel=1e-5)


# --- scan over xs: a schedule ----------------------------------------------------------------------------


def test_a_constant_schedule_is_the_fixed_step_loop():
    theta, losses = schedule_fit(line_loss, START, X, Y, jnp.full(30, 0.02))
    expected_theta, expected = scan_fit(line_loss, START, X, Y, 0.02, 30)
    assert close(theta, expected_theta)
    np.testing.assert_allclose(losses, expected, rtol=1e-5)


def test_a_schedule_takes_each_step_with_its_own_step_size():
    sizes = [0.1, 0.05, 0.02]
    theta, losses = schedule_fit(line_loss, START, X, Y, jnp.array(sizes))
    expected = dict(START)
    for i, size in enumerate(sizes):
        assert float(losses[i]) == pytest.approx(float(line_loss(expected, X, Y)), rel=1e-5)
        expected = {k: expected[k] - size * g for k, g in analytic_gradient(expected).items()}
    assert close(theta, expected, rtol=1e-4)


def test_the_exact_step_zeroes_the_factor_one_minus_step_times_curvature():
    for curvature in (2.0, 17.0, 0.25, 3e4):
        assert 1 - exact_step(curvature) * curvature == pytest.approx(0.0, abs=1e-12)


def test_two_exact_steps_land_on_the_least_squares_line():
    """Section 6: steps 1/λmax then 1/λmin (0.0588, 0.5: 4.3 times the limit) reach the least-squares line."""
    low, high = hessian_eigenvalues(X)
    steps = np.array([exact_step(high), exact_step(low)], np.float32)
    assert f"{steps[0]:.4f}" == "0.0588" and f"{steps[1]:.4f}" == "0.5000"
    assert f"{steps[1] * high / 2:.1f}" == "4.3"
    assert 1 - high / low == pytest.approx(-7.5, abs=0.01)  # what the large step alone would do to the slope
    theta, _ = schedule_fit(line_loss, START, X, Y, steps)
    slope, intercept = least_squares(X, Y)
    assert float(theta["w"]) == pytest.approx(slope, abs=2e-5)
    assert float(theta["b"]) == pytest.approx(intercept, abs=2e-5)
    reversed_theta, _ = schedule_fit(line_loss, START, X, Y, steps[::-1].copy())  # "the order does not matter"
    assert float(reversed_theta["w"]) == pytest.approx(slope, abs=1e-4)
    assert float(reversed_theta["b"]) == pytest.approx(intercept, abs=1e-4)
    assert float(line_loss(theta, X, Y)) == pytest.approx(smallest_loss(X, Y), rel=1e-6)


# --- optax ------------------------------------------------------------------------------------------------


def adam_by_hand(theta, x, y, step_size, n_steps, b1=0.9, b2=0.999, eps=1e-8):
    """Adam as the notebook describes it, in float64: −η·m̂/(√v̂ + ε) with bias-corrected running means."""
    theta = {k: float(v) for k, v in theta.items()}
    m = {k: 0.0 for k in theta}
    v = {k: 0.0 for k in theta}
    for t in range(1, n_steps + 1):
        grads = analytic_gradient(theta, x, y)
        for k in theta:
            m[k] = b1 * m[k] + (1 - b1) * grads[k]
            v[k] = b2 * v[k] + (1 - b2) * grads[k] ** 2
            m_hat, v_hat = m[k] / (1 - b1**t), v[k] / (1 - b2**t)
            theta[k] -= step_size * m_hat / (np.sqrt(v_hat) + eps)
    return theta


def test_optax_fit_honours_its_optimizer():
    """Two optimizers, two different fits, each the one its own update rule gives."""
    theta_sgd, losses_sgd = optax_fit(optax.sgd(0.01), line_loss, START, X, Y, 60)
    theta, losses = scan_fit(line_loss, START, X, Y, 0.01, 60)
    assert close(theta_sgd, theta, rtol=1e-6)
    np.testing.assert_allclose(losses_sgd, losses, rtol=1e-6)
    theta_adam, _ = optax_fit(optax.adam(0.1), line_loss, START, X, Y, 20)
    assert close(theta_adam, adam_by_hand(START, X, Y, 0.1, 20), rtol=1e-4)
    assert not close(theta_adam, scan_fit(line_loss, START, X, Y, 0.01, 20)[0], rtol=1e-2)


def test_adam_converges_on_the_line():
    theta_adam, _ = optax_fit(optax.adam(0.1), line_loss, START, X, Y, 1000)
    assert float(line_loss(theta_adam, X, Y)) == pytest.approx(smallest_loss(X, Y), rel=1e-4)


def sweep(make_optimizer, step_sizes, x, y, n_steps):
    return jax.jit(jax.vmap(lambda s: optax_fit(make_optimizer(s), line_loss, START, x, y, n_steps)))(step_sizes)


def best_steps(make_optimizer, candidates):
    _, curves = sweep(make_optimizer, candidates, X, Y, 300)
    steps = steps_to_reach(curves, 1.001 * smallest_loss(X, Y))
    steps = np.where(steps < 0, 10**6, steps)
    return candidates[np.argmin(steps)], steps.min()


def test_at_their_best_step_sizes_plain_descent_needs_fewer_steps_than_adam_on_the_line():
    """Section 7: sgd at 0.1 needs 22 steps to come within 0.1% of the least-squares loss; Adam at 0.5, 61."""
    candidates = np.array([0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0], np.float32)
    sgd_step, sgd_steps = best_steps(optax.sgd, candidates)
    adam_step, adam_steps = best_steps(optax.adam, candidates)
    assert (float(sgd_step), float(adam_step)) == (pytest.approx(0.1), pytest.approx(0.5))
    # The derivation for plain descent: the excess loss is Σ cᵢ (1 − ηλᵢ)^(2t) along the two eigenvectors.
    low, high = hessian_eigenvalues(X)
    slope, intercept = least_squares(X, Y)
    errors = {"w": START["w"] - slope, "b": START["b"] - intercept}  # H is diagonal: w ↔ λmax, b ↔ λmin
    t = np.arange(300)
    excess = (high / 2 * errors["w"] ** 2 * (1 - 0.1 * high) ** (2 * t)
              + low / 2 * errors["b"] ** 2 * (1 - 0.1 * low) ** (2 * t))
    predicted = int(np.argmax(excess <= 0.001 * smallest_loss(X, Y)))
    assert sgd_steps == predicted == 22
    assert adam_steps == 61


def test_steps_to_reach_counts_from_zero_and_marks_runs_that_never_get_there():
    losses = np.array([[5.0, 3.0, 1.0, 0.5], [5.0, 4.0, 3.0, 2.0]])
    assert steps_to_reach(losses, 1.0).tolist() == [2, -1]


def test_kelvin_curvatures_from_the_trace_and_determinant():
    """Section 8: λmin ≈ 8.66e-4, λmax ≈ 1.55e5, ratio 1.8e8, largest stable step 1.29e-5."""
    kelvin, _ = kelvin_data()
    k = np.asarray(kelvin, np.float64)
    low, high = np.linalg.eigvalsh(2 * np.array([[1, k.mean()], [k.mean(), np.mean(k**2)]]))
    trace, determinant = 2 * (1 + np.mean(k**2)), 4 * np.var(k)  # of H = 2 [[1, mean k], [mean k, mean k²]]
    assert low + high == pytest.approx(trace) and low * high == pytest.approx(determinant, rel=1e-6)
    assert f"{low:.2e}" == "8.66e-04" and f"{high:.2e}" == "1.55e+05"
    assert f"{high / low:.1e}" == "1.8e+08" and f"{2 / high:.2e}" == "1.29e-05"
    assert 0.9 * 2 / high * low == pytest.approx(1e-8, rel=0.2)  # the factor 1 − ηλmin ≈ 1 − 10⁻⁸ a step
    assert float(kelvin.min()) == pytest.approx(268.15) and float(kelvin.max()) == pytest.approx(288.15)


def test_on_the_kelvin_data_adam_gets_further_than_plain_descent_but_not_to_the_least_squares_line():
    """Section 8's claims after 10,000 steps: plain descent's intercept barely moves, its loss stays near
    105; Adam's falls below half of that but stays well above the least-squares loss (about 10)."""
    kelvin, fahrenheit = kelvin_data()
    k = np.asarray(kelvin, np.float64)
    high = 2 * (1 + np.mean(k**2) + np.sqrt((1 + np.mean(k**2)) ** 2 - 4 * np.var(k))) / 2
    sgd_thetas, sgd_losses = sweep(optax.sgd, np.array([0.9 * 2 / high], np.float32), kelvin, fahrenheit, 10_000)
    adam_thetas, adam_losses = sweep(optax.adam, np.array([0.01, 0.1, 0.3, 1.0], np.float32), kelvin, fahrenheit,
                                     10_000)
    best = int(np.argmin(np.asarray(adam_losses)[:, -1]))
    lowest = smallest_loss(kelvin, fahrenheit)
    assert lowest == pytest.approx(10.18, abs=0.01)
    assert abs(float(sgd_thetas["b"][0]) - START["b"]) < 0.1
    assert float(sgd_losses[0, -1]) == pytest.approx(105, abs=1)
    assert best == 2  # step size 0.3
    assert 3 * lowest < float(adam_losses[best, -1]) < float(sgd_losses[0, -1]) / 2


# --- the self-checks -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["make_step", "fit_step_sizes", "schedule_fit", "exact_step", "optax_fit"])
def test_reference_answers_pass_and_slips_get_their_hints(name):
    assert_reference_right_and_slips_hinted(name)


def test_a_step_that_is_not_compiled_is_not_called_correct():
    """Defect 3: the right arithmetic without @jax.jit must not pass (checks.py's `compiled` check)."""

    def make_step_without_jit(loss, step_size):
        def step(theta, x, y):
            return jax.tree.map(lambda p, g: p - step_size * g, theta, jax.grad(loss)(theta, x, y))

        return step

    outcome = evaluate("make_step", make_step_without_jit)
    assert outcome.kind != RIGHT and "not compiled" in outcome.message
    assert "@jax.jit" in outcome.message and "nnx" not in outcome.message  # Flax comes in notebook 10


def test_an_optax_fit_that_subtracts_the_updates_gets_the_sign_hint():
    """The optax slip `theta - updates`: its own hint, naming apply_updates."""

    def subtracts(optimizer, loss, theta, x, y, n_steps):
        def step(carry, _):
            theta, state = carry
            value, grads = jax.value_and_grad(loss)(theta, x, y)
            updates, state = optimizer.update(grads, state, theta)
            return (jax.tree.map(lambda p, u: p - u, theta, updates), state), value

        (theta, _), losses = jax.lax.scan(step, (theta, optimizer.init(theta)), length=n_steps)
        return theta, losses

    outcome = evaluate("optax_fit", subtracts)
    assert "already carry the minus sign" in outcome.details["hint"]
    assert "optax.apply_updates" in outcome.details["hint"]


def test_an_optax_fit_that_ignores_its_optimizer_fails():
    def ignores(optimizer, loss, theta, x, y, n_steps):
        return optax_fit(optax.adam(0.1), loss, theta, x, y, n_steps)

    outcome = evaluate("optax_fit", ignores)
    assert outcome.kind != RIGHT and "use the optimizer you were given" in outcome.details["hint"]
