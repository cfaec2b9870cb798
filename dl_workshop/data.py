"""Every data set of the workshop, each made from an explicit `jax.random` key.

Each function takes a ``key``; left out, it is ``jax.random.key(seed)`` with the seed its docstring names.
"""

import jax
import jax.numpy as jnp
import numpy as np

# ---------------------------------------------------------------------------------------------------------
# Notebooks 04 (linear models), 05 (linear regression in practice) and 07 (stochastic gradient descent)
# ---------------------------------------------------------------------------------------------------------

#: The line behind notebook 04's readings: y = W_TRUE · x + B_TRUE.
W_TRUE, B_TRUE = 2.0, 5.0

#: Notebook 04's inputs: 100 evenly spaced points on [−5, 5], a JAX array made in NumPy (nothing to compile).
LINE_X = jax.device_put(np.linspace(-5.0, 5.0, 100, dtype=np.float32))


def key_or_seed(key, seed):
    """``key``, or ``jax.random.key(seed)`` when it is None: made when called, so importing compiles nothing."""
    return jax.random.key(seed) if key is None else key


@jax.jit
def make_y(x, w, b, key=None, noise_scale=1.0):
    """Noisy readings of the linear map x·w + b, with Gaussian noise of standard deviation ``noise_scale`` (seed 4).

    ``x`` and ``w`` are numbers or arrays: an input array of shape (n,) with a number ``w`` gives n readings;
    inputs of shape (n, d) with weights of shape (d, k) and ``b`` of shape (k,) give n readings of k outputs.
    Compiled: one call runs as one program.
    """
    clean = jnp.dot(x, w) + b
    return clean + noise_scale * jax.random.normal(key_or_seed(key, 4), jnp.shape(clean))


@jax.jit(static_argnames="n")
def three_inputs_two_outputs(key=None, n=200, noise_scale=0.5):
    """``n`` examples of a linear map with three inputs and two outputs (seed 6): returns ``(X, Y, W, b)``.

    The inputs ``X`` (n × 3) are standard normal; the outputs ``Y = X @ W + b`` (n × 2) carry Gaussian noise.
    """
    W = jnp.array([[1.0, -2.0], [0.5, 0.0], [-1.0, 3.0]])
    b = jnp.array([0.5, -1.0])
    draws = jax.random.normal(key_or_seed(key, 6), (n, 5))  # one draw, cheaper to compile than two
    X = draws[:, :3]
    return X, X @ W + b + noise_scale * draws[:, 3:], W, b


@jax.jit(static_argnames="n")
def celsius_readings(key=None, n=400, noise_scale=3.0):
    """``n`` thermometer readings in Fahrenheit, read by eye, at temperatures from −5 °C to 15 °C (seed 5).

    Returns ``(celsius, fahrenheit)``; the readings scatter around F = 9/5 · C + 32 with a standard
    deviation of ``noise_scale`` degrees Fahrenheit.
    """
    celsius = jnp.linspace(-5.0, 15.0, n)
    return celsius, make_y(celsius, 9.0 / 5.0, 32.0, key=key_or_seed(key, 5), noise_scale=noise_scale)


def three_points():
    """The three points (1, 1), (2, 2.2), (3, 2.8): inputs and targets, small enough to check by hand."""
    return jnp.array([1.0, 2.0, 3.0]), jnp.array([1.0, 2.2, 2.8])


# ---------------------------------------------------------------------------------------------------------
# Notebook 02 (maximum likelihood)
# ---------------------------------------------------------------------------------------------------------

#: The normal distribution behind notebook 02's data.
NORMAL_MEAN, NORMAL_SD = -3.0, 2.0


@jax.jit(static_argnames="n")
def normal_draws(key=None, n=1000, mean=NORMAL_MEAN, sd=NORMAL_SD):
    """``n`` independent draws from a normal distribution with the given mean and standard deviation (seed 44)."""
    return mean + sd * jax.random.normal(key_or_seed(key, 44), (n,))


@jax.jit(static_argnames="n")
def exponential_draws(key=None, n=500, rate=0.5):
    """``n`` independent draws from an exponential distribution with the given rate, mean 1 / rate (seed 45)."""
    return jax.random.exponential(key_or_seed(key, 45), (n,)) / rate
