"""Gradient descent, compiled: the one engine the reference answers use.

- :func:`descend` is what notebooks and reference answers call: compiled
  (`jit` + `lax.scan`), any pytree of parameters, one loss per step, a progress
  bar on long runs, a stop with a warning when the loss stops being finite, and
  the plain Python loop when a loss cannot be compiled.
- :func:`scan_descent` is the compiled loop alone, a pure function that can sit
  inside `jax.vmap` or `jax.jit` (to descend from many starts at once).
- :func:`descent_path` is `scan_descent` keeping every point visited.
- :func:`plain_descent` is the same descent as a Python loop calling `grad`
  every step: the fallback, and the baseline of the benchmarks.
- :func:`descend_until` descends until a stopping rule, given the `StepChange`
  of each step, says stop.
"""

import warnings
from functools import partial
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from tqdm import tqdm

#: Steps compiled into one `lax.scan`; the progress bar and the divergence check run between chunks.
CHUNK = 10_000
#: Runs of at least this many steps show a progress bar.
PROGRESS_STEPS = 50_000


class DivergenceWarning(RuntimeWarning):
    """The loss turned infinite or NaN: the step size is too large for this problem."""


def descend(loss, params, *data, step_size, n_steps, progress=None):
    """Run ``n_steps`` of gradient descent on ``loss(params, *data)``; return ``(params, losses)``.

    ``params`` may be any pytree (a number, an array, a dict or tuple of arrays);
    ``loss`` must return a scalar. ``losses[i]`` is the loss before step ``i``.
    When the loss stops being finite, the run stops there with a
    :class:`DivergenceWarning`, and returns the last finite parameters and the
    losses before them. ``progress`` forces the progress bar on or off; by
    default it shows for runs of ``PROGRESS_STEPS`` steps or more.
    """
    if n_steps < 0:
        raise ValueError(f"n_steps must be a whole number ≥ 0, got {n_steps}")
    show = n_steps >= PROGRESS_STEPS if progress is None else progress
    losses = []
    with _progress_bar(n_steps, show) as bar:
        for done in range(0, n_steps, CHUNK):
            steps = min(CHUNK, n_steps - done)
            try:
                moved, chunk_losses = _scan(loss, params, data, step_size, steps)
            except jax.errors.JAXTypeError as error:
                print(f"This loss cannot be compiled ({type(error).__name__}); running the plain Python loop instead.")
                return plain_descent(loss, params, *data, step_size=step_size, n_steps=n_steps)
            chunk_losses = np.asarray(chunk_losses)
            diverged = np.flatnonzero(~np.isfinite(chunk_losses))
            if diverged.size:
                first = int(diverged[0])
                losses.append(chunk_losses[:first])
                _warn_divergence(done + first, chunk_losses[first], step_size)
                return _steps_taken(loss, params, data, step_size, first - 1), _concatenate(losses)
            params = moved
            losses.append(chunk_losses)
            bar.update(steps)
    return params, _concatenate(losses)


def scan_descent(loss, params, *data, step_size, n_steps):
    """``n_steps`` of gradient descent as one compiled `lax.scan`; ``(params, losses)``, no checks.

    A pure function: use it inside `jax.vmap` or `jax.jit`.
    """
    return _scan(loss, params, data, step_size, n_steps)


def descent_path(loss, params, *data, step_size, n_steps):
    """Like :func:`scan_descent`, but keep every point visited (for pictures of the path).

    Returns ``(path, losses)``: ``path`` stacks the ``n_steps + 1`` values of
    ``params``, leaf by leaf, from the start to the end; ``losses`` is as in
    :func:`scan_descent`.
    """
    return _descent_path(loss, params, data, step_size, n_steps)


@partial(jax.jit, static_argnums=(0, 4))
def _descent_path(loss, params, data, step_size, n_steps):
    step = _gradient_step(loss, data, step_size)

    def step_and_record(params, _):
        new_params, value = step(params)
        return new_params, (params, value)

    end, (visited, losses) = jax.lax.scan(step_and_record, params, length=n_steps)
    path = jax.tree.map(lambda seen, last: jnp.concatenate([seen, last[None]]), visited, end)
    return path, losses


def plain_descent(loss, params, *data, step_size, n_steps):
    """The same descent as a Python loop that calls `jax.value_and_grad` every step.

    It stops like :func:`descend` when the loss stops being finite.
    """
    step = _gradient_step(loss, data, step_size)
    losses, last_finite = [], params
    for index in range(n_steps):
        moved, value = step(params)
        if not jnp.isfinite(value):
            _warn_divergence(index, value, step_size)
            return last_finite, jnp.asarray(losses, dtype=jnp.float32)
        losses.append(value)
        last_finite, params = params, moved
    return params, jnp.asarray(losses, dtype=jnp.float32)


@partial(jax.jit, static_argnums=(0, 4))
def _scan(loss, params, data, step_size, n_steps):
    step = _gradient_step(loss, data, step_size)
    return jax.lax.scan(lambda params, _: step(params), params, length=n_steps)


def _gradient_step(loss, data, step_size):
    """The function ``params ↦ (params after one step, loss at params)``."""
    loss_and_grad = jax.value_and_grad(loss)

    def step(params):
        value, grads = loss_and_grad(params, *data)
        return jax.tree.map(lambda p, g: p - step_size * g, params, grads), value

    return step


def _steps_taken(loss, params, data, step_size, n_steps):
    """``params`` after ``n_steps`` steps (none when ``n_steps`` ≤ 0): recovers the last finite point."""
    return _scan(loss, params, data, step_size, n_steps)[0] if n_steps > 0 else params


def _progress_bar(n_steps, show):
    """A `tqdm.auto` bar (a widget in notebooks) when shown; a silent one, with no widget to import, otherwise."""
    if not show:
        return tqdm(total=n_steps, disable=True)
    from tqdm.auto import tqdm as auto_tqdm  # loads the notebook widget library: only for bars we show

    return auto_tqdm(total=n_steps, unit="step", desc="gradient descent")


def _warn_divergence(step, value, step_size):
    warnings.warn(
        f"the loss became {float(value)} at step {step}, so descent stopped there; "
        f"try a smaller step size than {step_size}.",
        DivergenceWarning,
        stacklevel=3,
    )


def _concatenate(pieces):
    """The chunks' losses as one JAX array (`device_put`: unlike `jnp.asarray`, nothing to compile)."""
    return jax.device_put(np.concatenate(pieces) if pieces else np.zeros(0, np.float32))


class StepChange(NamedTuple):
    """What one step of gradient descent changed; a stopping rule looks at these."""

    parameters: jax.Array  # ‖θ_{t+1} − θ_t‖
    loss: jax.Array  # |L(θ_{t−1}) − L(θ_t)|
    gradient_norm: jax.Array  # ‖∇L(θ_t)‖


def tree_norm(tree):
    """The Euclidean norm of all the numbers of a pytree taken together."""
    return jnp.sqrt(sum(jnp.sum(leaf**2) for leaf in jax.tree.leaves(tree)))


def descend_until(loss, theta, *data, step_size, stop, max_steps=100_000):
    """Gradient descent on ``loss(theta, *data)`` until ``stop(change)`` is true or ``max_steps`` are taken.

    ``stop`` receives the `StepChange` of the step just taken and returns a boolean. The loop is compiled
    once per loss, rule and ``max_steps``. Returns ``(theta, steps taken)``.
    """
    return _descend_until(loss, stop, max_steps, theta, data, step_size)


@partial(jax.jit, static_argnums=(0, 1, 2))
def _descend_until(loss, stop, max_steps, theta, data, step_size):
    loss_and_grad = jax.value_and_grad(loss)
    never_stopped = StepChange(*(jnp.array(jnp.inf),) * 3)

    def keep_going(state):
        steps, _, _, change = state
        return (steps < max_steps) & ~stop(change)

    def step(state):
        steps, theta, previous_loss, _ = state
        value, grads = loss_and_grad(theta, *data)
        new_theta = jax.tree.map(lambda p, g: p - step_size * g, theta, grads)
        change = StepChange(
            parameters=tree_norm(jax.tree.map(jnp.subtract, new_theta, theta)),
            loss=jnp.abs(previous_loss - value),
            gradient_norm=tree_norm(grads),
        )
        return steps + 1, new_theta, value, change

    steps, theta, _, _ = jax.lax.while_loop(keep_going, step, (0, theta, jnp.array(jnp.inf), never_stopped))
    return theta, steps
