"""Reference answers for notebook 05 (linear regression in practice): the closed form, scaling, units, stopping.

Parameters are one vector θ = (θ0, θ1) = (intercept, slope) throughout, and so is every line returned here.
"""

import jax
import jax.numpy as jnp
import numpy as np
import scipy.linalg  # noqa: F401  JAX's first linear-algebra call loads LAPACK from it: here, not in a check

from .checks import Slip, exercise
from .data import three_points


@exercise(
    cases=lambda: [(jnp.array([1.0, 2.0, 3.0]),), (jnp.array([-1.0, 0.5, 2.0]),)],
    traced=True,
    hint="column 0 multiplies the intercept, so every entry of it is 1; column 1 holds the inputs. "
    "Make a whole matrix of one value first, then replace one column.",
    recipe="jnp.ones((len(x), 2)).at[:, 1].set(x): a matrix of ones with column 1 replaced by x.",
    slips=[
        Slip(
            lambda x: jnp.ones((len(x), 2)).at[:, 0].set(x),
            "the bias column comes first: column 0 holds the ones, column 1 the inputs.",
        ),
        Slip(
            lambda x: jnp.zeros((len(x), 2)).at[:, 1].set(x),
            "the bias column holds ones (it multiplies the intercept), so start from jnp.ones.",
        ),
        Slip(
            lambda x: jnp.ones((len(x), 2)),
            "column 1 is still all ones: `.at[:, 1].set(x)` leaves the array it is called on as it was and "
            "returns a new one, so keep what it returns (X = X.at[:, 1].set(x), or return it directly).",
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


def _thermometer_readings(n=400):
    """Readings like `data.celsius_readings`' (−5 °C to 15 °C against °F), a fixed wiggle of 3 °F for their noise:
    made in NumPy, nothing to compile before the check runs."""
    celsius = np.linspace(-5.0, 15.0, n, dtype=np.float32)
    return celsius, (9.0 / 5.0 * celsius + 32.0 + 3.0 * np.sin(5.0 * celsius)).astype(np.float32)


def _line_cases():
    return [three_points(), _thermometer_readings()]


def _centred_sums(x, y):
    dx, dy = x - jnp.mean(x), y - jnp.mean(y)
    return jnp.sum(dx * dy), jnp.sum(dx**2), jnp.sum(dy**2)


def _through_means(slope_of):
    """A slip's line: the slope ``slope_of(x, y)``, with the intercept that puts the line through (x̄, ȳ)."""

    def line(x, y):
        slope = slope_of(x, y)
        return jnp.array([jnp.mean(y) - slope * jnp.mean(x), slope])

    return line


_uncentred_slope = _through_means(lambda x, y: jnp.sum(x * y) / jnp.sum(x**2))
_raw_denominator = _through_means(lambda x, y: _centred_sums(x, y)[0] / jnp.sum(x**2))
_spread_of_y = _through_means(lambda x, y: _centred_sums(x, y)[0] / _centred_sums(x, y)[2])


def _plus_sign(x, y):
    slope = _centred_sums(x, y)[0] / _centred_sums(x, y)[1]
    return jnp.array([jnp.mean(y) + slope * jnp.mean(x), slope])


def _slope_first(x, y):
    return line_by_hand(x, y)[::-1]


@exercise(
    cases=_line_cases,
    traced=True,
    hint="∂L/∂θ0 = 0 says that the residuals average to zero, so the line passes through the point of means "
    "(x̄, ȳ). Use it to write θ0 in terms of θ1, then put that into ∂L/∂θ1 = 0.",
    recipe="slope θ1 = Σ(x − x̄)(y − ȳ) / Σ(x − x̄)², intercept θ0 = ȳ − θ1 x̄; return jnp.array([θ0, θ1]).",
    slips=[
        Slip(_uncentred_slope, "Σxy / Σx² is the slope of a line forced through the origin. Eliminate θ0 "
             "first (θ0 = ȳ − θ1 x̄): the sums in the slope then hold x − x̄ and y − ȳ."),
        Slip(_raw_denominator, "the denominator Σx² uses the raw inputs: once θ0 is eliminated, every x in the "
             "slope appears as its deviation from x̄, in the denominator as well as the numerator."),
        Slip(_plus_sign, "the line passes through (x̄, ȳ): ȳ = θ0 + θ1 x̄, so θ0 = ȳ − θ1 x̄."),
        Slip(_spread_of_y, "the slope is y per x: divide by the spread of the inputs, Σ(x − x̄)²."),
        Slip(_slope_first, "θ is (intercept, slope): θ0, the intercept, comes first."),
    ],
)
def line_by_hand(x, y):
    """The least-squares line through the points (x, y) from sums alone: returns θ = (intercept, slope)."""
    cross, spread_x, _ = _centred_sums(x, y)
    slope = cross / spread_x
    return jnp.array([jnp.mean(y) - slope * jnp.mean(x), slope])


#: Three inputs and an intercept: a case with more columns than the line's two.
_THREE_INPUTS = ([[1.0, 0.0, 1.0], [1.0, 1.0, 0.0], [1.0, 2.0, 3.0], [1.0, 3.0, 1.0], [1.0, 4.0, 2.0]],
                 [1.0, 2.5, 2.0, 5.5, 6.0])


def _with_ones(x):
    """The design matrix made in NumPy and handed to JAX as it is: nothing to compile."""
    x = np.asarray(x, dtype=np.float32)
    return jax.device_put(np.column_stack([np.ones_like(x), x]))


def _regression_cases():
    x, y = three_points()
    X3, y3 = (jax.device_put(np.asarray(values, dtype=np.float32)) for values in _THREE_INPUTS)
    return [(_with_ones(x), y), (X3, y3)]


@exercise(
    cases=_regression_cases,
    traced=True,
    hint="at the minimum the gradient (2/n) Xᵀ(Xθ − y) is zero. Rearrange that into "
    "(a matrix) θ = (a vector) and give both to jnp.linalg.solve.",
    recipe="jnp.linalg.solve(X.T @ X, X.T @ y) solves the normal equations XᵀX θ = Xᵀy.",
    slips=[
        Slip(lambda X, y: jnp.linalg.solve(2 / len(X) * X.T @ X, X.T @ y),
             "the factor 2/n multiplies both sides of XᵀX θ = Xᵀy, so it cancels: leave it out of both."),
    ],
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
    return [(jnp.array([0.0, 0.98]), 5.0, 5.8, 41.0, 11.6), (jnp.array([0.3, 0.5]), -2.0, 2.0, 10.0, 4.0),
            (jnp.array([-0.4, -1.2]), 3.0, 0.5, 1.0, 2.0)]


def _unit_slip(intercept):
    """A wrong map back whose intercept is ``intercept(θ̃0, α, ...)``, with the slope α = θ̃1 σy/σx right."""

    def mapped(theta_std, x_mean, x_sd, y_mean, y_sd):
        slope = theta_std[1] * y_sd / x_sd
        return jnp.array([intercept(theta_std[0], theta_std[1], slope, x_mean, x_sd, y_mean, y_sd), slope])

    return mapped


@exercise(
    cases=_unit_cases,
    traced=True,
    hint="put x̃ = (x − x̄)/σx and ỹ = (y − ȳ)/σy into ỹ = θ̃0 + θ̃1 x̃, solve for y, and sort the terms: "
    "those multiplying x make the slope, the rest the intercept.",
    recipe="slope θ1 = θ̃1 σy/σx, intercept θ0 = ȳ + σy θ̃0 − θ1 x̄; return jnp.array([θ0, θ1]).",
    slips=[
        Slip(
            _unit_slip(lambda b, a, slope, xm, xs, ym, ys: ym + b * ys - xm * ys / xs),
            "the x̄ term carries the slope: it is −θ1 x̄ with θ1 = θ̃1 σy/σx, not −x̄ σy/σx.",
        ),
        Slip(
            _unit_slip(lambda b, a, slope, xm, xs, ym, ys: ym - slope * xm),
            "the standardised intercept θ̃0 is in units of σy and adds σy θ̃0 to the intercept.",
        ),
        Slip(
            lambda theta_std, xm, xs, ym, ys: jnp.array(
                [ym + ys * theta_std[0] - theta_std[1] * xs / ys * xm, theta_std[1] * xs / ys]),
            "the slope is y per x: θ1 = θ̃1 σy/σx.",
        ),
        Slip(
            lambda theta_std, xm, xs, ym, ys: to_original_units(theta_std, xm, xs, ym, ys)[::-1],
            "θ is (intercept, slope): θ0, the intercept, comes first.",
        ),
    ],
)
def to_original_units(theta_std, x_mean, x_sd, y_mean, y_sd):
    """Map a line θ̃ = (intercept, slope) fitted to standardised data back to the data's own units: returns θ."""
    slope = theta_std[1] * y_sd / x_sd
    return jnp.array([y_mean + y_sd * theta_std[0] - slope * x_mean, slope])


def _tolerance_cases():
    return [(0.01, 0.015, 1.137), (1e-3, 0.1, 2.0), (0.5, 0.005, 0.2)]


@exercise(
    cases=_tolerance_cases,
    hint="chain the two facts of this section: how small must the gradient be for the distance to stay below "
    "`distance`, and how far does one step move for that gradient?",
    recipe="a gradient below λmin · distance keeps ‖θ − θ*‖ ≤ distance, and a step moves η ‖∇L‖: "
    "so the tolerance is distance * step_size * smallest_curvature.",
    slips=[
        Slip(lambda d, eta, lam: d * lam,
             "that is the tolerance of the gradient-norm rule; a step moves step_size times the gradient."),
        Slip(lambda d, eta, lam: d * eta / lam,
             "a gradient g allows a distance up to g / λmin, so a distance d needs a gradient below λmin · d: "
             "multiply by the curvature."),
        Slip(lambda d, eta, lam: d * lam / eta,
             "that divides by step_size: a step moves θ by step_size times the gradient, so a smaller step makes "
             "smaller moves near the minimum and needs a smaller tolerance, not a larger one."),
        Slip(lambda d, eta, lam: d / (eta * lam),
             "a step moves step_size times the gradient, so the tolerance grows with the step size and the "
             "curvature: multiply, do not divide."),
    ],
)
def parameter_tolerance(distance, step_size, smallest_curvature):
    """The tolerance ε of the rule ‖θ_{t+1} − θ_t‖ < ε that keeps plain gradient descent within ``distance``
    of the minimum of a bowl whose smallest curvature is ``smallest_curvature``."""
    return distance * step_size * smallest_curvature
