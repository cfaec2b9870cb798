"""The learner notebook 04 runs to the end as shipped, and with a wrong answer typed into every exercise."""

from exercise_assertions import assert_runs_as_shipped, assert_wrong_answers_hinted

NAME = "04-linear-models.ipynb"

# A typical slip for every exercise, and what its check must then say.
WRONG = {'linear_model': ('return theta["w"] * x', "the intercept theta['b'] is missing"),
 'initialize_linear_params': ('return {"w": jax.random.normal(key), "b": jax.random.normal(key)}',
                              'Split it first'),
 'mseloss': ('return jnp.sum((model(theta, x) - y) ** 2)', 'that is the sum of squares'),
 'mse_gradient_by_hand': ('r = theta["w"] * x + theta["b"] - y\n'
                          'return {"w": 2 * jnp.mean(r), "b": 2 * jnp.mean(r)}',
                          '∂L/∂w is missing the inputs'),
 'dmseloss': ('return jax.tree.map(jnp.negative, jax.grad(mseloss)(theta, model, x, y))', 'sign is flipped'),
 'model_optimization_loop': ('value, grads = loss_and_grad(theta, model, x, y)\n'
                             'return jax.tree.map(lambda p, g: p + step_size * g, theta, grads), value',
                             'that climbs the loss')}


def test_runs_to_the_end_as_shipped():
    assert_runs_as_shipped(NAME, WRONG)


def test_wrong_answers_show_hints_and_run_all_completes():
    assert_wrong_answers_hinted(NAME, WRONG)
