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

#: Notebook 04's inputs: 100 evenly spaced points on [−5, 5], in float32 like JAX's arrays. A NumPy array, so that
#: importing the package starts no JAX backend; every JAX function takes it as it is.
LINE_X = np.linspace(-5.0, 5.0, 100, dtype=np.float32)


def key_or_seed(key, seed):
    """``key``, or ``jax.random.key(seed)`` when it is None: made when called, so importing compiles nothing."""
    return jax.random.key(seed) if key is None else key


def noise(shape_or_n, key=None):
    """Standard Gaussian noise of shape ``shape_or_n`` (a whole number n means shape (n,)), from ``key`` (seed 8)."""
    shape = (shape_or_n,) if isinstance(shape_or_n, (int, np.integer)) else shape_or_n
    if not isinstance(shape, tuple) or not all(isinstance(size, (int, np.integer)) and size >= 0 for size in shape):
        raise TypeError(f"noise expected a whole number n or a shape such as (n, 1), got {shape_or_n!r}")
    return jax.random.normal(key_or_seed(key, 8), tuple(int(size) for size in shape))


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


#: The curve behind notebook 04's saturating readings: y = V · tanh(W · x + B) + C.
CURVE_TRUE = {"w": 1.0, "b": -1.0, "v": 3.0, "c": 2.0}


@jax.jit
def saturating_readings(key=None, noise_scale=0.3):
    """Readings at notebook 04's inputs ``LINE_X`` of a response that levels off at both ends (seed 9).

    The readings scatter around y = 3 tanh(x − 1) + 2 (the parameters ``CURVE_TRUE``) with Gaussian noise of
    standard deviation ``noise_scale``. Returns ``(x, y)``.
    """
    t = CURVE_TRUE
    clean = t["v"] * jnp.tanh(t["w"] * LINE_X + t["b"]) + t["c"]
    return LINE_X, clean + noise_scale * jax.random.normal(key_or_seed(key, 9), LINE_X.shape)


@jax.jit(static_argnames="n")
def celsius_readings(key=None, n=400, noise_scale=3.0):
    """``n`` thermometer readings in Fahrenheit, read by eye, at temperatures from −5 °C to 15 °C (seed 5).

    Returns ``(celsius, fahrenheit)``; the readings scatter around F = 9/5 · C + 32 with a standard
    deviation of ``noise_scale`` degrees Fahrenheit.
    """
    celsius = jnp.linspace(-5.0, 15.0, n)
    return celsius, make_y(celsius, 9.0 / 5.0, 32.0, key=key_or_seed(key, 5), noise_scale=noise_scale)


def three_points():
    """The three points (1, 1), (2, 2.2), (3, 2.8): inputs and targets, small enough to check by hand.

    JAX arrays copied from NumPy ones, which compiles nothing (`jnp.array` of a list compiles a conversion): a
    self-check that uses them answers sooner."""
    return jax.device_put((np.array([1.0, 2.0, 3.0], np.float32), np.array([1.0, 2.2, 2.8], np.float32)))


@jax.jit(static_argnames="n")
def points_near_a_line(key=None, n=200, noise_scale=0.2):
    """``n`` points scattered around the line y = 0.2 + 0.9 x, with x uniform on [1, 3] (seed 7).

    The line is the least-squares line of `three_points`, so the loss is an elongated bowl like theirs, with many
    examples: notebook 07 counts the examples stochastic gradient descent processes. Returns ``(x, y)``.
    """
    x_key, noise_key = jax.random.split(key_or_seed(key, 7))
    x = jax.random.uniform(x_key, (n,), minval=1.0, maxval=3.0)
    return x, 0.2 + 0.9 * x + noise_scale * jax.random.normal(noise_key, (n,))


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


# ---------------------------------------------------------------------------------------------------------
# Notebook 08 (logistic regression)
# ---------------------------------------------------------------------------------------------------------

#: The logistic curve behind notebook 08's labels: P(y = 1 | x) = σ(LOGISTIC_W · x + LOGISTIC_B).
LOGISTIC_W, LOGISTIC_B = 2.0, -1.0


@jax.jit(static_argnames="n")
def labelled_points(key=None, n=200, w=LOGISTIC_W, b=LOGISTIC_B):
    """``n`` inputs uniform on [−3, 3], each labelled 1 with probability σ(w·x + b), else 0 (seed 10).

    The classes overlap where σ is neither near 0 nor near 1, so no threshold separates them: the best fit
    is finite. Returns ``(x, y)``, both float32 of shape (n,).
    """
    x_key, label_key = jax.random.split(key_or_seed(key, 10))
    x = jax.random.uniform(x_key, (n,), minval=-3.0, maxval=3.0)
    y = jax.random.bernoulli(label_key, jax.nn.sigmoid(w * x + b))
    return x, y.astype(jnp.float32)


def breast_cancer(key=None, test_fraction=0.3):
    """scikit-learn's breast-cancer data (569 tumours, 30 measurements; shipped inside scikit-learn), split and
    standardised (seed 11).

    A random ``test_fraction`` of the tumours, drawn with ``key``, is held out. Each measurement is standardised
    with the mean and standard deviation of the training tumours. Returns NumPy arrays
    ``(x_train, y_train, x_test, y_test)``, float32, the labels 1 for benign and 0 for malignant.
    """
    if not 0.0 < test_fraction < 1.0:
        raise ValueError(f"breast_cancer expected a test_fraction between 0 and 1, got {test_fraction!r}")
    from sklearn.datasets import load_breast_cancer  # imported on use: scikit-learn is slow to import

    data = load_breast_cancer()
    order = np.asarray(jax.random.permutation(key_or_seed(key, 11), len(data.target)))
    n_test = int(round(test_fraction * len(order)))
    test, train = order[:n_test], order[n_test:]
    mean, sd = data.data[train].mean(axis=0), data.data[train].std(axis=0)
    x = ((data.data - mean) / sd).astype(np.float32)
    y = data.target.astype(np.float32)
    return x[train], y[train], x[test], y[test]


# ---------------------------------------------------------------------------------------------------------
# Notebooks 09 and 10 (a neural network, from scratch and with Flax)
# ---------------------------------------------------------------------------------------------------------


@jax.jit(static_argnames="n")
def two_moons(key=None, n=200, noise=0.15):
    """``n`` points on two interleaving half circles, Gaussian noise of standard deviation ``noise`` added
    (seed 12): no straight line separates the two classes.

    The first ``n // 2`` points lie on the upper moon (label 0), the centre of its circle at (0, 0); the rest on
    the lower moon (label 1), the centre of its circle at (1, 0.5); both radii are 1, the angles uniform.
    Returns ``(x, y)``: ``x`` float32 of shape (n, 2), ``y`` the labels, float32 of shape (n,).
    """
    angle_key, noise_key = jax.random.split(key_or_seed(key, 12))
    angle = jax.random.uniform(angle_key, (n,), maxval=jnp.pi)
    label = (jnp.arange(n) >= n // 2).astype(jnp.float32)
    upper = jnp.stack([jnp.cos(angle), jnp.sin(angle)], axis=1)
    lower = jnp.stack([1.0 - jnp.cos(angle), 0.5 - jnp.sin(angle)], axis=1)
    x = jnp.where(label[:, None] == 1.0, lower, upper)
    return x + noise * jax.random.normal(noise_key, (n, 2)), label
