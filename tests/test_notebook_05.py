"""The learner notebook 05 runs to the end as shipped, and with a wrong answer typed into every exercise."""

from exercise_assertions import assert_runs_as_shipped, assert_wrong_answers_hinted

NAME = "05-linear-regression-in-practice.ipynb"

# A typical slip for every exercise, and what its check must then say.
WRONG = {'design_matrix': ('return jnp.ones((len(x), 2)).at[:, 0].set(x)', 'the bias column comes first'),
 'least_squares': ('return jnp.linalg.solve(X.T @ X, X.T @ y) * 2', 'solve the normal equations'),
 'to_original_units': ('slope = slope_std * y_sd / x_sd\n'
                       'return slope, y_mean + y_sd * intercept_std - x_mean * y_sd / x_sd',
                       'the x̄ term carries the slope')}


def test_runs_to_the_end_as_shipped():
    assert_runs_as_shipped(NAME, WRONG)


def test_wrong_answers_show_hints_and_run_all_completes():
    assert_wrong_answers_hinted(NAME, WRONG)
