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

Every one checks its arguments at the door (``n_steps`` a whole number ≥ 0,
``step_size`` a finite number > 0, the data non-empty and finite), with a
message that names the argument, and every one that returns to Python follows
one divergence policy: when the loss stops being finite, stop, warn with a
:class:`DivergenceWarning`, and return the last parameters whose loss was finite.
"""

import math
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


class PlainLoopWarning(RuntimeWarning):
    """The loss cannot be compiled, so descent runs as a (much slower) plain Python loop."""


def descend(loss, params, *data, step_size, n_steps, progress=None):
    """Run ``n_steps`` of gradient descent on ``loss(params, *data)``; return ``(params, losses)``.

    ``params`` may be any pytree (a number, an array, a dict or tuple of arrays);
    ``loss`` must return a scalar. ``losses[i]`` is the loss before step ``i``.
    When the loss stops being finite, the run stops there with a
    :class:`DivergenceWarning`, and returns the last finite parameters and the
    losses before them. ``progress`` forces the progress bar on or off; by
    default it shows for runs of ``PROGRESS_STEPS`` steps or more.
    """
    check_arguments(step_size, n_steps, data)
    show = n_steps >= PROGRESS_STEPS if progress is None else progress
    losses, previous_start = [], None
    with _progress_bar(n_steps, show) as bar:
        for done in range(0, n_steps, CHUNK):
            steps = min(CHUNK, n_steps - done)
            try:
                moved, chunk_losses = _scan(loss, params, data, step_size, steps)
            except jax.errors.JAXTypeError as error:
                warnings.warn(f"this loss cannot be compiled ({type(error).__name__}), so descent runs as a plain "
                              "Python loop instead, which is much slower", PlainLoopWarning, stacklevel=2)
                return plain_descent(loss, params, *data, step_size=step_size, n_steps=n_steps)
            chunk_losses = np.asarray(chunk_losses)
            diverged = np.flatnonzero(~np.isfinite(chunk_losses))
            if diverged.size:
                first = int(diverged[0])
                losses.append(chunk_losses[:first])
                _warn_divergence(done + first, chunk_losses[first], step_size)
                if first == 0 and previous_start is not None:  # the last finite point ends the previous chunk
                    params, first = previous_start, CHUNK
                return _steps_taken(loss, params, data, step_size, first - 1), _concatenate(losses)
            previous_start, params = params, moved
            losses.append(chunk_losses)
            bar.update(steps)
    return params, _concatenate(losses)


def scan_descent(loss, params, *data, step_size, n_steps):
    """``n_steps`` of gradient descent as one compiled `lax.scan`; ``(params, losses)``, no checks.

    A pure function: use it inside `jax.vmap` or `jax.jit`.
    """
    check_arguments(step_size, n_steps, data)
    return _scan(loss, params, data, step_size, n_steps)


def descent_path(loss, params, *data, step_size, n_steps):
    """Like :func:`scan_descent`, but keep every point visited (for pictures of the path).

    Returns ``(path, losses)``: ``path`` stacks the ``n_steps + 1`` values of
    ``params``, leaf by leaf, from the start to the end; ``losses`` is as in
    :func:`scan_descent`. Called with concrete values (not inside `jit` or
    `vmap`), it follows the divergence policy: the path ends at the last point
    whose loss is finite.
    """
    check_arguments(step_size, n_steps, data)
    path, losses = _descent_path(loss, params, data, step_size, n_steps)
    if isinstance(losses, jax.core.Tracer):
        return path, losses
    diverged = np.flatnonzero(~np.isfinite(np.asarray(losses)))
    if diverged.size:
        first = int(diverged[0])
        _warn_divergence(first, losses[first], step_size)
        return jax.tree.map(lambda visited: visited[:first], path), losses[:first]
    return path, losses


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
    check_arguments(step_size, n_steps, data)
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


def descend_two(grad_fn, a, b, step_size, n_steps, one_at_a_time=False):
    """``n_steps`` of gradient descent on two numbers, in a plain Python loop; ``grad_fn(a, b)`` gives the
    partial derivatives in ``a`` and ``b``.

    ``one_at_a_time`` moves ``b`` with the gradient taken after ``a`` has moved: a common slip, for the checks.
    """
    for _ in range(n_steps):
        da, db = grad_fn(a, b)
        a = a - step_size * da
        if one_at_a_time:
            db = grad_fn(a, b)[1]
        b = b - step_size * db
    return a, b


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
    if step == 0:  # no step was taken: the step size cannot be the cause
        message = (f"the loss is {float(value)} at the starting parameters, before any step: check the starting "
                   "parameters and the loss function (the step size is not the cause).")
    else:
        message = (f"the loss became {float(value)} at step {step}, so descent stopped there; "
                   f"try a smaller step size than {step_size}.")
    warnings.warn(message, DivergenceWarning, stacklevel=3)


def check_arguments(step_size, n_steps, data=()):
    """Raise a ValueError that names the argument unless ``n_steps`` is a whole number ≥ 0, ``step_size`` a finite
    number > 0 and every array in ``data`` non-empty and finite. Values being traced (inside `jit` or `vmap`)
    were checked where they were concrete, and pass."""
    if isinstance(n_steps, bool) or not isinstance(n_steps, (int, np.integer)) or n_steps < 0:
        raise ValueError(f"n_steps must be a whole number ≥ 0, got {n_steps!r}")
    if not isinstance(step_size, jax.core.Tracer) and not _is_positive_number(step_size):
        raise ValueError(f"step_size must be a finite number > 0, got {step_size!r}")
    for position, argument in enumerate(data, start=1):
        for leaf in jax.tree.leaves(argument):
            _check_data_leaf(leaf, position)


def _is_numeric(leaf) -> bool:
    """Numbers and arrays of numbers (not random keys, strings or functions)."""
    dtype = getattr(leaf, "dtype", None)
    if dtype is None:
        return isinstance(leaf, (int, float)) and not isinstance(leaf, bool)
    return not jax.dtypes.issubdtype(dtype, jax.dtypes.prng_key) and np.issubdtype(dtype, np.number)


def _is_positive_number(value) -> bool:
    if isinstance(value, (bool, str, bytes)) or np.ndim(value) != 0:
        return False
    try:
        return math.isfinite(float(value)) and float(value) > 0
    except (TypeError, ValueError):
        return False


def _check_data_leaf(leaf, position):
    """Raise if a numeric array of the data is empty or holds NaN or infinite values."""
    if isinstance(leaf, jax.core.Tracer) or not _is_numeric(leaf):
        return
    values = np.asarray(leaf)
    if values.size == 0:
        raise ValueError(f"data argument {position} is empty (shape {values.shape}): there is nothing to fit")
    bad = int(np.size(values) - np.count_nonzero(np.isfinite(values)))
    if bad:
        raise ValueError(f"data argument {position} (shape {values.shape}) holds {bad} NaN or infinite "
                         "value(s): remove or replace them before fitting")


def _concatenate(pieces):
    """The chunks' losses as one JAX array (`device_put`: unlike `jnp.asarray`, nothing to compile)."""
    return jax.device_put(np.concatenate(pieces) if pieces else np.zeros(0, np.float32))


class StepChange(NamedTuple):
    """What a stopping rule sees after a step: two changes, and the size of the gradient that made the step."""

    parameter_change: jax.Array  # ‖θ_{t+1} − θ_t‖ (= η‖∇L(θ_t)‖ for plain gradient descent)
    loss_change: jax.Array  # |L(θ_{t−1}) − L(θ_t)|, the previous step's change in the loss
    gradient_norm: jax.Array  # ‖∇L(θ_t)‖, a size, not a change


def tree_norm(tree):
    """The Euclidean norm of all the numbers of a pytree taken together."""
    return jnp.sqrt(sum(jnp.sum(leaf**2) for leaf in jax.tree.leaves(tree)))


def descend_until(loss, theta, *data, step_size, stop, max_steps=100_000):
    """Gradient descent on ``loss(theta, *data)`` until ``stop(change)`` is true or ``max_steps`` are taken.

    ``stop`` receives the `StepChange` of the step just taken and returns a boolean. The loop is compiled
    once per loss, rule and ``max_steps``. Returns ``(theta, steps taken)``. When the loss stops being finite,
    it stops there with a :class:`DivergenceWarning` and returns the last parameters whose loss was finite.
    """
    check_arguments(step_size, max_steps, data)
    theta, steps, last_loss = _descend_until(loss, stop, max_steps, theta, data, step_size)
    if not np.isfinite(last_loss):
        _warn_divergence(int(steps), last_loss, step_size)
    return theta, steps


@partial(jax.jit, static_argnums=(0, 1, 2))
def _descend_until(loss, stop, max_steps, theta, data, step_size):
    """``(theta, steps taken, loss at theta before the step that would come next)``."""
    loss_and_grad = jax.value_and_grad(loss)
    never_stopped = StepChange(*(jnp.array(jnp.inf),) * 3)

    def keep_going(state):
        steps, _, _, value, _, change = state
        return (steps < max_steps) & jnp.isfinite(value) & ~jnp.asarray(stop(change), dtype=bool)

    def step(state):
        steps, theta, previous_value, value, grads, _ = state
        new_theta = jax.tree.map(lambda p, g: p - step_size * g, theta, grads)
        change = StepChange(
            parameter_change=tree_norm(jax.tree.map(jnp.subtract, new_theta, theta)),
            loss_change=jnp.abs(previous_value - value),
            gradient_norm=tree_norm(grads),
        )
        new_value, new_grads = loss_and_grad(new_theta, *data)
        moved = jnp.isfinite(new_value)  # a step onto a non-finite loss is not taken
        kept = jax.tree.map(lambda new, old: jnp.where(moved, new, old), new_theta, theta)
        return steps + moved, kept, value, new_value, new_grads, change

    value, grads = loss_and_grad(theta, *data)
    state = (0, theta, jnp.array(jnp.inf), value, grads, never_stopped)
    steps, theta, _, value, _, _ = jax.lax.while_loop(keep_going, step, state)
    return theta, steps, value
