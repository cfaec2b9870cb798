"""Notebook 05: the learner notebook runs as shipped and with wrong answers; its text states the derived numbers."""

import re

import jax.numpy as jnp
import numpy as np
import pytest

from dl_workshop.data import celsius_readings
from dl_workshop.optim import descend
from dl_workshop.regression import design_matrix, least_squares, least_squares_loss, standardise
from exercise_assertions import assert_runs_as_shipped, assert_wrong_answers_hinted
from notebook_runner import ROOT, read

NAME = "05-linear-regression-in-practice.ipynb"
RAW_STEP, SMALL_STEP = 0.015, 0.005  # the step sizes of section 7

# A typical slip for every exercise, and what its check must then say.
WRONG = {
    "design_matrix": ("return jnp.ones((len(x), 2)).at[:, 0].set(x)", "the bias column comes first"),
    "line_by_hand": ("slope = jnp.sum(x * y) / jnp.sum(x**2)\n"
                     "return jnp.array([jnp.mean(y) - slope * jnp.mean(x), slope])", "forced through the origin"),
    "least_squares": ("return jnp.linalg.solve(2 / len(X) * X.T @ X, X.T @ y)", "the factor 2/n"),
    "to_original_units": ("slope = theta_std[1] * y_sd / x_sd\n"
                          "return jnp.array([y_mean + y_sd * theta_std[0] - x_mean * y_sd / x_sd, slope])",
                          "the x̄ term carries the slope"),
    "parameter_tolerance": ("return distance * smallest_curvature", "step_size times the gradient"),
}


def test_runs_to_the_end_as_shipped():
    assert_runs_as_shipped(NAME, WRONG)


def test_wrong_answers_show_hints_and_run_all_completes():
    assert_wrong_answers_hinted(NAME, WRONG)


@pytest.fixture(scope="module")
def solved():
    return read(ROOT / "answers" / NAME)


@pytest.fixture(scope="module")
def text(solved):
    """The notebook's prose: markdown cells and the figures' alt text."""
    return "\n".join(cell.source if cell.cell_type == "markdown" else cell.metadata.get("alt_text", "")
                     for cell in solved.cells)


def test_every_figure_has_alt_text(solved):
    for cell in solved.cells:
        if cell.cell_type == "code" and "plt.show()" in cell.source:
            assert len(cell.metadata.get("alt_text", "")) > 40, cell.source[:80]


def test_the_conditioning_numbers_in_the_text_are_measured(text):
    celsius, _ = celsius_readings()
    x = np.asarray(celsius, np.float64)
    assert f"mean {x.mean():.1f} °C and sd {x.std():.1f} °C" in text
    kelvin = np.column_stack([np.ones_like(x), x + 273.15])
    assert f"$\\kappa(X) \\approx 10^{round(np.log10(np.linalg.cond(kelvin)))}$" in text
    mantissa, exponent = f"{np.linalg.cond(kelvin.T @ kelvin):.0e}".split("e+")
    assert f"$\\kappa(X^\\top X) \\approx {mantissa} \\times 10^{int(exponent)}$" in text
    celsius_X = np.column_stack([np.ones_like(x), x])
    assert f"$\\kappa(X^\\top X)$ is about {float(f'{np.linalg.cond(celsius_X.T @ celsius_X):.1g}'):.0f}" in text
    assert f"{np.finfo(np.float32).eps / 2:.0e}" == "6e-08" and "one part in $10^7$" in text


def test_the_loss_curves_text_gives_the_measured_step_counts(text):
    celsius, fahrenheit = celsius_readings()
    counts = {}
    for name, (X, y, step) in {"raw": (design_matrix(celsius), fahrenheit, RAW_STEP),
                               "standardised": (design_matrix(standardise(celsius)[0]), standardise(fahrenheit)[0],
                                                0.1)}.items():
        _, losses = descend(least_squares_loss, jnp.zeros(2), X, y, step_size=step, n_steps=1000)
        best = float(least_squares_loss(jnp.linalg.lstsq(X, y)[0], X, y))
        counts[name] = int(np.argmax((np.asarray(losses) - best) / best < 1e-4))
    assert counts["standardised"] <= 30 and 350 <= counts["raw"] <= 450
    assert "below 1e-4 within 30 steps" in text and "needs about 400" in text
    assert round(counts["raw"] / counts["standardised"]) == 14 and "about 14 times as many steps" in text
    X = np.asarray(design_matrix(celsius), np.float64)
    smallest = np.linalg.eigvalsh(2 * X.T @ X / len(X))[0]
    shrink = 1 - RAW_STEP * smallest  # per step, along the flattest direction (the loss shrinks by its square)
    assert f"1 - 0.015 \\times {smallest:.3f} \\approx {shrink:.3f}" in text
    assert f"\\ln 0.8 / \\ln {shrink:.3f} \\approx {np.log(0.8) / np.log(shrink):.0f}$" in text


def test_on_standardised_data_the_loss_of_the_best_line_is_1_minus_r_squared(text):
    celsius, fahrenheit = (np.asarray(values, np.float64) for values in celsius_readings())
    x, y = (celsius - celsius.mean()) / celsius.std(), (fahrenheit - fahrenheit.mean()) / fahrenheit.std()
    r = np.corrcoef(x, y)[0, 1]
    np.testing.assert_allclose(np.mean((y - r * x) ** 2), 1 - r**2, rtol=1e-10)
    assert "= 1 - r^2$" in text


def test_the_stopping_rule_numbers_in_the_text_are_derived(text):
    celsius, fahrenheit = celsius_readings()
    X = np.asarray(design_matrix(celsius), np.float64)
    smallest = np.linalg.eigvalsh(2 * X.T @ X / len(X))[0]
    assert f"$\\lambda_{{\\min}} = {smallest:.3f}$" in text
    parameter_rule, loss_rule = 1e-4 / RAW_STEP, np.sqrt(1e-2 / RAW_STEP)  # as gradient tolerances
    assert f"$10^{{-4}}/0.015 \\approx {parameter_rule:.4f}$, and stops within {parameter_rule / smallest:.4f}" in text
    assert f"$\\sqrt{{10^{{-2}}/0.015}} \\approx {loss_rule:.2f}$, and stops within {loss_rule / smallest:.2f}" in text
    assert f"({1e-4 / SMALL_STEP:.2f} and {np.sqrt(1e-2 / SMALL_STEP):.2f} on the gradient)" in text
    loss_floor = float(least_squares_loss(least_squares(jnp.asarray(X, jnp.float32), fahrenheit),
                                          jnp.asarray(X, jnp.float32), fahrenheit))
    assert 5 < loss_floor < 15 and "the loss here is about 10" in text
    assert np.spacing(np.float32(loss_floor)) == pytest.approx(1e-6, rel=0.5) and "about $10^{-6}$ apart" in text


def test_the_kelvin_misses_in_the_text_are_measured(text):
    celsius, fahrenheit = celsius_readings()
    X = np.asarray(design_matrix(celsius + 273.15), np.float64)
    y = np.asarray(fahrenheit, np.float64)
    exact = np.linalg.lstsq(X, y, rcond=None)[0]
    rounded_once = np.linalg.solve((X.T @ X).astype(np.float32).astype(np.float64), X.T @ y)
    assert f"moves the intercept by {abs(rounded_once[0] - exact[0]):.2f} °F" in text
    assert re.search(r"inputs now run from 268 to 288", text)
    assert round(float(celsius.min()) + 273.15) == 268 and round(float(celsius.max()) + 273.15) == 288
