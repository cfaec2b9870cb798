"""Reference answers for notebook 05 (linear regression in practice): the closed form, scaling, units."""

import jax
import jax.numpy as jnp

from .checks import Slip, exercise
from .data import celsius_readings, three_points


@exercise(
    cases=lambda: [(jnp.array([1.0, 2.0, 3.0]),), (jnp.array([-1.0, 0.5, 2.0]),)],
    hint="start from jnp.ones((len(x), 2)) and set column 1 to x with .at[:, 1].set(x).",
    slips=[
        Slip(
            lambda x: jnp.ones((len(x), 2)).at[:, 0].set(x),
            "the bias column comes first: column 0 holds the ones, column 1 the inputs.",
        ),
        Slip(
            lambda x: jnp.zeros((len(x), 2)).at[:, 1].set(x),
            "the bias column holds ones (it multiplies the intercept), so start from jnp.ones.",
        ),
    ],
)
def design_matrix(x):
    """The n × 2 matrix [1, x]: a column of ones for the intercept, then the inputs."""
    return jnp.ones((len(x), 2)).at[:, 1].set(x)


@jax.jit
def least_squares_loss(theta, X, y):
    """The mean squared error of the predictions ``X @ theta`` against ``y`` (compiled: one call, one program)."""
    return jnp.mean((X @ theta - y) ** 2)


def _regression_cases():
    celsius, fahrenheit = celsius_readings()
    x, y = three_points()
    return [(design_matrix(x), y), (design_matrix(celsius), fahrenheit)]


@exercise(
    cases=_regression_cases,
    hint="solve the normal equations XᵀX θ = Xᵀy: jnp.linalg.solve(X.T @ X, X.T @ y).",
)
def least_squares(X, y):
    """The parameters minimising the squared error of ``X @ theta`` against ``y``, from the normal equations."""
    return jnp.linalg.solve(X.T @ X, X.T @ y)


@jax.jit
def standardise(values):
    """``(values − mean) / sd`` with the mean and the standard deviation (ddof = 0) it used; compiled."""
    mean, sd = jnp.mean(values), jnp.std(values)
    return (values - mean) / sd, mean, sd


def _unit_cases():
    return [(0.98, 0.0, 5.0, 5.8, 41.0, 11.6), (0.5, 0.3, -2.0, 2.0, 10.0, 4.0), (-1.2, -0.4, 3.0, 0.5, 1.0, 2.0)]


@exercise(
    cases=_unit_cases,
    hint="substitute x̃ = (x − x̄)/σx and ỹ = (y − ȳ)/σy into ỹ = α̃ x̃ + β̃ and solve for y: "
    "slope α = α̃ σy/σx, intercept β = ȳ + σy β̃ − α x̄.",
    slips=[
        Slip(
            lambda a, b, xm, xs, ym, ys: (a * ys / xs, ym + b * ys - xm * ys / xs),
            "the x̄ term carries the slope: it is −α x̄ with α = α̃ σy/σx, not −x̄ σy/σx.",
        ),
        Slip(
            lambda a, b, xm, xs, ym, ys: (a * ys / xs, ym - a * ys / xs * xm),
            "the standardised intercept β̃ is in units of σy and adds σy β̃ to the intercept.",
        ),
        Slip(
            lambda a, b, xm, xs, ym, ys: (a * xs / ys, ym + b * ys - a * xs / ys * xm),
            "the slope is y per x: α = α̃ σy/σx.",
        ),
    ],
)
def to_original_units(slope_std, intercept_std, x_mean, x_sd, y_mean, y_sd):
    """Map a line fitted to standardised data back to the data's own units: returns (slope, intercept)."""
    slope = slope_std * y_sd / x_sd
    return slope, y_mean + y_sd * intercept_std - slope * x_mean
