"""The closed-form fit at 1,000,000 × 16 against scikit-learn, and a gradient step's memory bandwidth."""

import jax
import jax.numpy as jnp
import numpy as np
from sklearn.linear_model import LinearRegression

from dl_workshop.regression import least_squares, least_squares_loss

from .timing import Row, seconds

N_ROWS, N_FEATURES = 1_000_000, 16


def regression_problem(key=jax.random.key(0)):
    """Features, a bias column in front for the closed form, and noisy targets, all float32."""
    feature_key, weight_key, noise_key = jax.random.split(key, 3)
    features = jax.random.normal(feature_key, (N_ROWS, N_FEATURES))
    weights = jax.random.normal(weight_key, (N_FEATURES,))
    y = features @ weights + 0.5 + 0.1 * jax.random.normal(noise_key, (N_ROWS,))
    return features, jnp.concatenate([jnp.ones((N_ROWS, 1)), features], axis=1), y


def rows(repeat=3):
    features, X, y = regression_problem()
    closed_form = jax.jit(least_squares)
    features_np, y_np = np.asarray(features), np.asarray(y)
    fit_sklearn = lambda: LinearRegression().fit(features_np, y_np)  # noqa: E731
    ours = seconds(closed_form, X, y, repeat=repeat)
    theirs = seconds(fit_sklearn, repeat=repeat)
    theta, model = closed_form(X, y), fit_sklearn()
    np.testing.assert_allclose(theta[1:], model.coef_, atol=1e-3)
    np.testing.assert_allclose(theta[0], model.intercept_, atol=1e-3)
    print(f"closed form at {N_ROWS:,} x {N_FEATURES}: coefficients agree with scikit-learn to 1e-3")
    yield Row(f"closed form, jit + solve, {N_ROWS:,} x {N_FEATURES}", "sklearn LinearRegression", ours, theirs, 1)

    step = jax.jit(lambda theta: theta - 0.1 * jax.grad(least_squares_loss)(theta, X, y))
    step_seconds = seconds(step, jnp.zeros(N_FEATURES + 1), repeat=max(repeat, 5))
    X_np = np.asarray(X)
    copy_seconds = seconds(np.copy, X_np, repeat=max(repeat, 5))
    X_bytes = X.size * X.dtype.itemsize
    # A step reads X twice (X @ theta, then X.T @ residuals); a copy reads it once and writes it once.
    step_bandwidth, copy_bandwidth = 2 * X_bytes / step_seconds, 2 * X_bytes / copy_seconds
    print(f"gradient step: {step_bandwidth / 1e9:.1f} GB/s effective; NumPy copy: {copy_bandwidth / 1e9:.1f} GB/s")
    yield Row("gradient step, bytes of X moved per second", "NumPy copy of X", step_seconds, copy_seconds, None)
