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


def _predicted_steps(X, y, step_size, tolerance=1e-4):
    """The excess (L - L_min) / L_min at θ = 0, and the first step of exact (float64) descent from there at which
    it is below ``tolerance``."""
    X, y = np.asarray(X, np.float64), np.asarray(y, np.float64)
    best_theta = np.linalg.lstsq(X, y, rcond=None)[0]
    best = np.mean((X @ best_theta - y) ** 2)
    hessian = 2 * X.T @ X / len(X)
    error = -best_theta  # θ - θ* at the start θ = 0
    start = excess = np.mean((X @ error) ** 2) / best  # L(θ) - L_min = mean((X (θ - θ*))²) for least squares
    step = 0
    while excess >= tolerance:  # the descent itself, in float64, on the exact quadratic
        error = error - step_size * hessian @ error
        excess, step = np.mean((X @ error) ** 2) / best, step + 1
    return start, step


def test_the_loss_curves_text_gives_the_measured_and_the_predicted_step_counts(text):
    celsius, fahrenheit = celsius_readings()
    one_line = " ".join(text.split())
    counts, predicted, starts = {}, {}, {}
    for name, (X, y, step) in {"raw": (design_matrix(celsius), fahrenheit, RAW_STEP),
                               "standardised": (design_matrix(standardise(celsius)[0]), standardise(fahrenheit)[0],
                                                0.1)}.items():
        _, losses = descend(least_squares_loss, jnp.zeros(2), X, y, step_size=step, n_steps=1000)
        best = float(least_squares_loss(jnp.linalg.lstsq(X, y)[0], X, y))
        counts[name] = int(np.argmax((np.asarray(losses) - best) / best < 1e-4))
        starts[name], predicted[name] = _predicted_steps(X, y, step)
    assert counts == predicted  # the float32 descent takes the steps the per-step factors predict
    assert counts["standardised"] <= 30 and 350 <= counts["raw"] <= 450
    assert "below 1e-4 within 30 steps" in text and "needs about 400" in text
    ratio = counts["raw"] / counts["standardised"]
    assert f"${counts['raw']} / {counts['standardised']} \\approx {ratio:.1f}$ times as many steps" in one_line
    X = np.asarray(design_matrix(celsius), np.float64)
    smallest = np.linalg.eigvalsh(2 * X.T @ X / len(X))[0]
    shrink = 1 - RAW_STEP * smallest  # per step, along the flattest direction (the loss shrinks by its square)
    assert f"1 - 0.015 \\times {smallest:.3f} \\approx {shrink:.3f}" in text
    rates_alone = np.log(0.8) / np.log(shrink)
    assert round(rates_alone, 1) != round(ratio, 1)  # two numbers, and the text says which is which
    assert f"\\ln 0.8 / \\ln {shrink:.3f} \\approx {rates_alone:.1f}$ times as many steps" in one_line
    assert f"The measured {ratio:.1f} is more" in one_line and rates_alone < ratio
    raw_start = float(f"{starts['raw']:.3g}")  # three significant digits
    assert (f"relative excess of about {raw_start:g}, the standardised run at about "
            f"{starts['standardised']:.0f}") in one_line


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


def test_singular_values_are_explained_by_the_eigenvalues_of_xtx(text):
    celsius, _ = celsius_readings()
    X = np.column_stack([np.ones(len(celsius)), np.asarray(celsius, np.float64) + 273.15])
    low, high = np.linalg.eigvalsh(X.T @ X)
    np.testing.assert_allclose(np.linalg.cond(X), np.sqrt(high / low), rtol=1e-6)
    np.testing.assert_allclose(np.linalg.cond(X.T @ X), high / low, rtol=1e-6)
    one_line = " ".join(text.split())
    section_4 = one_line[one_line.index("## 4. Why not form"):]
    assert section_4.index("$\\kappa(X) = \\sqrt{\\lambda_{\\max} / \\lambda_{\\min}}$") < section_4.index("## 5.")
    assert section_4.index("*singular values*") < section_4.index("## 5.")


def test_the_key_points_state_the_ideas_not_the_exercises_formulas(solved):
    key_points = solved.cells[-1].source.split("## Key points")[1].split("## Further reading")[0]
    formulas = ["\\sum (x - \\bar x)(y - \\bar y)", "X^\\top X\\theta = X^\\top y",  # exercises 2 and 3
                "\\tilde\\theta_1 \\sigma_y / \\sigma_x", "\\bar y + \\sigma_y \\tilde\\theta_0",  # exercise 4
                ".at[index].set(values)"]  # exercise 1
    for formula in formulas:
        assert formula not in key_points, formula
