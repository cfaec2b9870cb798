"""The learner notebook 07 runs to the end as shipped, and with a wrong answer typed into every exercise."""

from exercise_assertions import assert_runs_as_shipped, assert_wrong_answers_hinted

NAME = "07-stochastic-gradient-descent.ipynb"

# A typical slip for every exercise, and what its check must then say.
WRONG = {'mse_gradient_by_hand': ('return X.T @ (X @ theta - y) / len(y)', 'brings down a factor 2'),
 'per_example_gradients': ('return jax.vmap(jax.grad(point_loss))(theta, X, y)', 'your code raised ValueError')}


def test_runs_to_the_end_as_shipped():
    assert_runs_as_shipped(NAME, WRONG)


def test_wrong_answers_show_hints_and_run_all_completes():
    assert_wrong_answers_hinted(NAME, WRONG)
