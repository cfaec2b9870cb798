"""Reference answers of notebook 01 against their analytic values."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from dl_workshop.checks import evaluate
from dl_workshop.gradient_basics import (
    bowl, bowl_gradient, bowl_vector, central_difference, dbowl, dpolynomial_by_hand, gradient_descent,
    polynomial,
)
from exercise_assertions import assert_reference_right_and_slips_hinted

POINTS = jnp.linspace(-4.0, 4.0, 17)


def test_grad_of_a_line_is_its_slope_everywhere():
    line = lambda x: 3.0 * x + 1.0  # noqa: E731
    np.testing.assert_allclose(jax.vmap(jax.grad(line))(POINTS), 3.0)


def test_derivative_by_hand_matches_grad_and_the_power_rule():
    np.testing.assert_allclose(dpolynomial_by_hand(POINTS), jax.vmap(jax.grad(polynomial))(POINTS), rtol=1e-6)
    assert float(dpolynomial_by_hand(3.0)) == 22.0
    assert float(jax.grad(jax.grad(polynomial))(0.5)) == 6.0


@pytest.mark.parametrize("f, df, x", [(jnp.sin, jnp.cos, 0.7), (jnp.exp, jnp.exp, 1.0), (polynomial, dpolynomial_by_hand, 3.0)])
def test_central_difference_approaches_the_derivative(f, df, x):
    errors = [abs(float(central_difference(f, x, h) - df(x))) for h in (0.2, 0.1, 0.05)]
    assert errors[-1] < 2e-3
    assert errors == sorted(errors, reverse=True) or errors[0] < 1e-4  # shrinks, unless exact already


def test_central_difference_is_second_order():
    error = lambda h: abs(float(central_difference(jnp.sin, 0.7, h)) - float(jnp.cos(0.7)))  # noqa: E731
    assert 3.5 < error(0.2) / error(0.1) < 4.5


def test_a_central_difference_that_cannot_be_traced_is_caught_by_its_check():
    """The notebook runs the checked answer under vmap and jit; one using float() must not get that far."""

    def with_float(f, x, h):
        return float((f(x + h) - f(x - h)) / (2.0 * h))

    assert evaluate("central_difference", central_difference).kind == "right"
    outcome = evaluate("central_difference", with_float)
    assert outcome.kind == "raised" and "ConcretizationTypeError" in outcome.message
    assert ": `return float(" in outcome.message


def test_bowl_gradient_is_twice_theta_in_both_arguments():
    for a, b in [(2.0, 1.0), (-0.5, 3.0), (0.0, 0.0)]:
        assert tuple(float(g) for g in bowl_gradient()(a, b)) == (2 * a, 2 * b)
    theta = jnp.array([2.0, 1.0])
    np.testing.assert_allclose(jax.grad(bowl_vector)(theta), dbowl(theta))
    np.testing.assert_allclose(jax.hessian(bowl_vector)(theta), 2.0 * jnp.eye(2))
    assert float(bowl(2.0, 1.0)) == 5.0


def test_bowl_descent_shrinks_the_cost_by_064_per_step():
    path = gradient_descent(dbowl, jnp.array([2.0, 1.0]), 0.1, 10)
    assert path.shape == (11, 2)
    costs = jax.vmap(bowl_vector)(path)
    np.testing.assert_allclose(costs[:3], [5.0, 3.2, 2.048], rtol=1e-6)
    np.testing.assert_allclose(costs[1:] / costs[:-1], 0.64, rtol=1e-5)


def test_bowl_descent_diverges_above_step_size_one():
    costs = jax.vmap(bowl_vector)(gradient_descent(dbowl, jnp.array([2.0, 1.0]), 1.05, 10))
    np.testing.assert_allclose(costs[1:] / costs[:-1], 1.1**2, rtol=1e-5)


def test_polynomial_descent_reaches_its_minimum():
    path = gradient_descent(jax.jit(jax.grad(polynomial)), 3.0, 0.01, 200)
    assert path.shape == (201,)
    assert abs(float(path[-1]) + 2 / 3) < 1e-4


@pytest.mark.parametrize("name", ["dpolynomial_by_hand", "central_difference", "bowl_gradient", "gradient_descent"])
def test_each_reference_passes_its_check_and_each_slip_gets_its_hint(name):
    assert_reference_right_and_slips_hinted(name)
