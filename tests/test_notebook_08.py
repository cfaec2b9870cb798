"""The learner notebook 08 runs to the end as shipped, and with a wrong answer typed into every exercise;
what its text states is what its cells print."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from dl_workshop.data import breast_cancer, labelled_points
from dl_workshop.linear_models import model_optimization_loop
from dl_workshop.logistic import dlogistic_loss, linear_score, logistic_loss, logistic_loss_from_scores, logistic_model
from exercise_assertions import assert_runs_as_shipped, assert_wrong_answers_hinted
from notebook_runner import ROOT, read, text_of

NAME = "08-logistic-regression.ipynb"

# A typical slip for every exercise, and what its check must then say.
WRONG = {
    "logistic": ("return 1 / (1 + jnp.exp(z))", "the sign of the exponent"),
    "dlogistic_by_hand": ("return logistic(z) ** 2", "the other, e^(−z)/u, is 1 − σ"),
    "logistic_model": ('return logistic(theta["b"] * x + theta["w"])', "w and b are swapped"),
    "binary_cross_entropy": ("return -jnp.mean(y_true * jnp.log(y_pred) + (1 - y_true) * jnp.log(1 - y_pred))",
                             "log 0 = −inf"),
    "cross_entropy_gradient_by_hand": ('e = y - logistic(theta["w"] * x + theta["b"])\n'
                                       'return {"w": jnp.mean(e * x), "b": jnp.mean(e)}', "the sign is flipped"),
    "decision_boundary": ('return theta["b"] / theta["w"]', "the sign: w·x + b = 0"),
}


def test_runs_to_the_end_as_shipped():
    assert_runs_as_shipped(NAME, WRONG)


def test_wrong_answers_show_hints_and_run_all_completes():
    assert_wrong_answers_hinted(NAME, WRONG)


def test_the_sliders_wait_for_no_input_and_show_what_nbval_can_compare():
    """The slider cell displays a widget whose text is the same every run; it draws only when a slider moves."""
    solved = read(ROOT / "answers" / NAME)
    cell = next(c for c in solved.cells if c.cell_type == "code" and "widgets.VBox" in c.source)
    assert "interact(" not in cell.source and "input(" not in cell.source
    shown = text_of(cell)
    assert shown.startswith("VBox(children=(FloatSlider(value=0.5, description='w'")
    assert not any("image/png" in out.get("data", {}) for out in cell.outputs)


def test_the_stored_outputs_show_the_fit_agreeing_with_scikit_learn():
    solved = read(ROOT / "answers" / NAME)
    cell = next(c for c in solved.cells if c.cell_type == "code" and "sklearn_fit = LogisticRegression" in c.source)
    assert "largest difference below 1e-3: True" in text_of(cell)


# --- the numbers the text states, against their derivations ------------------------------------------------------

def fit():
    x, y = labelled_points()
    losses, theta = model_optimization_loop({"w": 0.0, "b": 0.0}, logistic_model, logistic_loss, x, y, 1000, 1.0)
    return x, y, np.asarray(losses), theta


def test_the_fit_by_hand_can_get_below_030_and_the_loop_settles_within_25_steps():
    x, y, losses, theta = fit()
    assert losses[-1] < 0.29 < 0.30  # the lowest contour drawn, 0.29, surrounds the minimum
    assert np.all(np.abs(losses[25:] - losses[-1]) < 0.01 * losses[-1])
    np.testing.assert_allclose([theta["w"], theta["b"]], [1.575, -0.680], atol=1e-3)  # the alt text's w ≈ 1.6, b ≈ −0.7
    assert abs(-float(theta["b"]) / float(theta["w"]) - 0.43) < 0.005  # the boundary "near x = 0.43"
    assert float(jnp.max(jnp.abs(linear_score(theta, x)))) < 6  # "the fitted scores stay within a few units"


def test_key_points_fit_is_scikit_learns_to_four_decimals():
    x, y, _, theta = fit()
    model = LogisticRegression(C=np.inf, tol=1e-10, max_iter=10_000).fit(np.asarray(x, np.float64)[:, None],
                                                                          np.asarray(y))
    assert max(abs(float(theta["w"]) - model.coef_[0, 0]), abs(float(theta["b"]) - model.intercept_[0])) < 5e-5


def test_the_step_size_bound_holds_along_the_whole_path_and_allows_a_step_of_one():
    """σ′ ≤ 1/4 bounds the Hessian by (1/4)·mean((x, 1)(x, 1)ᵀ): 2 / bound ≈ 2.32 > 1, and the bound is above the
    largest eigenvalue of the true Hessian anywhere."""
    x, y = labelled_points()
    features = np.stack([np.asarray(x, np.float64), np.ones(len(x))], axis=1)
    bound = np.linalg.eigvalsh(features.T @ features / len(x)).max() / 4
    assert 2 / bound == pytest.approx(2.32, abs=0.005)
    flat = lambda v: logistic_loss({"w": v[0], "b": v[1]}, logistic_model, x, y)  # noqa: E731
    for point in ([0.0, 0.0], [1.575, -0.68], [3.0, 1.0]):
        assert np.linalg.eigvalsh(np.asarray(jax.hessian(flat)(jnp.array(point)))).max() <= bound + 1e-6


def test_a_confidently_wrong_example_costs_16_12_clipped_and_30_from_its_score():
    x, y, theta = jnp.array([1.0]), jnp.array([1.0]), {"w": -30.0, "b": 0.0}
    assert float(logistic_loss(theta, logistic_model, x, y)) == pytest.approx(16.12, abs=0.005)
    assert float(logistic_loss_from_scores(theta, linear_score, x, y)) == pytest.approx(30.0, rel=1e-6)
    assert float(dlogistic_loss(theta, logistic_model, x, y)["w"]) == 0.0


def test_breast_cancer_the_unpenalised_fit_separates_the_training_tumours_with_huge_weights_and_tests_worse():
    x_train, y_train, x_test, y_test = breast_cancer()
    _, theta = model_optimization_loop({"w": jnp.zeros(30), "b": 0.0}, logistic_model, logistic_loss,
                                       x_train, y_train, 500, 0.5)
    ours = np.mean((np.asarray(logistic_model(theta, x_test)) > 0.5) == y_test)
    unpenalised = LogisticRegression(C=np.inf, max_iter=10_000).fit(x_train, y_train)
    assert unpenalised.score(x_train, y_train) >= 0.99  # "almost separable by a plane"
    assert np.abs(unpenalised.coef_).max() > 10 * float(jnp.abs(theta["w"]).max())  # "huge weights"
    assert unpenalised.score(x_test, y_test) < ours  # "classifies held-out tumours slightly worse"
    features = np.hstack([x_train, np.ones((len(x_train), 1))]).astype(np.float64)
    assert 0.5 < 2 / (np.linalg.eigvalsh(features.T @ features / len(x_train)).max() / 4) < 0.6  # "we take 0.5"
