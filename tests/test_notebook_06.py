"""The learner notebook 06 runs to the end as shipped, and with a wrong answer typed into every exercise."""

from exercise_assertions import assert_runs_as_shipped, assert_wrong_answers_hinted

NAME = "06-from-loops-to-compiled.ipynb"

# A typical slip for every exercise, and what its check must then say.
WRONG = {
    # The right arithmetic, not compiled (defect 3): it must not be called correct.
    "make_step": ("def step(theta, x, y):\n"
                  "    grads = jax.grad(loss)(theta, x, y)\n"
                  "    return jax.tree.map(lambda p, g: p - step_size * g, theta, grads)\n"
                  "return step", "not compiled"),
    "fit_step_sizes": ("return scan_fit(loss, theta, x, y, step_sizes[0], n_steps)", "that is one fit"),
    "schedule_fit": ("def step(theta, step_size):\n"
                     "    value, grads = jax.value_and_grad(loss)(theta, x, y)\n"
                     "    return jax.tree.map(lambda p, g: p - step_sizes[0] * g, theta, grads), value\n"
                     "return jax.lax.scan(step, theta, step_sizes)", "every step took the first step size"),
    "exact_step": ("return 2 / curvature", "largest stable constant step"),
    "optax_fit": ("def step(carry, _):\n"
                  "    theta, state = carry\n"
                  "    value, grads = jax.value_and_grad(loss)(theta, x, y)\n"
                  "    updates, state = optimizer.update(grads, state, theta)\n"
                  "    return (jax.tree.map(lambda p, u: p - u, theta, updates), state), value\n"
                  "(theta, _), losses = jax.lax.scan(step, (theta, optimizer.init(theta)), length=n_steps)\n"
                  "return theta, losses", "already carry the minus sign"),
}


def test_runs_to_the_end_as_shipped():
    assert_runs_as_shipped(NAME, WRONG)


def test_wrong_answers_show_hints_and_run_all_completes():
    assert_wrong_answers_hinted(NAME, WRONG)
