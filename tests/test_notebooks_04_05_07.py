"""Learner notebooks 04, 05 and 07 run to the end as shipped, and with a wrong answer typed into every exercise."""

import pytest

from exercise_assertions import assert_runs_as_shipped, assert_wrong_answers_hinted

# For each notebook, a typical slip for every exercise and what its check must then say.
SLIPS = {
    "04-linear-models.ipynb": {
        "linear_model": ('return theta["w"] * x', "the intercept theta['b'] is missing"),
        "initialize_linear_params": (
            'return {"w": jax.random.normal(key), "b": jax.random.normal(key)}', "Split it first"),
        "mseloss": ("return jnp.sum((model(theta, x) - y) ** 2)", "that is the sum of squares"),
        "dmseloss": ("return jax.tree.map(jnp.negative, jax.grad(mseloss)(theta, model, x, y))", "sign is flipped"),
        "model_optimization_loop": (
            "value, grads = loss_and_grad(theta, model, x, y)\n"
            "return jax.tree.map(lambda p, g: p + step_size * g, theta, grads), value",
            "that climbs the loss",
        ),
    },
    "05-linear-regression-in-practice.ipynb": {
        "design_matrix": ("return jnp.ones((len(x), 2)).at[:, 0].set(x)", "the bias column comes first"),
        "least_squares": ("return jnp.linalg.solve(X.T @ X, X.T @ y) * 2", "solve the normal equations"),
        "to_original_units": (
            "slope = slope_std * y_sd / x_sd\nreturn slope, y_mean + y_sd * intercept_std - x_mean * y_sd / x_sd",
            "the x̄ term carries the slope",
        ),
    },
    "07-stochastic-gradient-descent.ipynb": {
        "mse_gradient_by_hand": ("return X.T @ (X @ theta - y) / len(y)", "brings down a factor 2"),
        "per_example_gradients": ("return jax.vmap(jax.grad(point_loss))(theta, X, y)", "your code raised ValueError"),
    },
}


@pytest.mark.parametrize("name", SLIPS)
def test_runs_to_the_end_as_shipped_with_every_check_not_done(name):
    assert_runs_as_shipped(name, SLIPS[name])


@pytest.mark.parametrize("name", SLIPS)
def test_a_slip_in_every_exercise_shows_its_hint_and_run_all_completes(name):
    assert_wrong_answers_hinted(name, SLIPS[name])
