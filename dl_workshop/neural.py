"""Reference answers for notebook 09 (a neural network from scratch): a layer, a scale for its starting weights,
the starting parameters, the forward pass; and the helpers the notebook (and notebook 10) trains and draws with.

The network's parameters are a pytree: a list with one dict ``{"W": weights, "b": biases}`` per layer, ``W`` of
shape (inputs, outputs) so that a layer maps a table ``x`` of shape (n, inputs) to ``x @ W + b``. Hidden layers
pass their output through tanh; the last layer's single output goes through the logistic function, so that the
network gives a probability, and notebook 08's `logistic_loss` trains it with notebook 04's loop unchanged.
"""

from functools import partial

import jax
import jax.numpy as jnp
import numpy as np

from .checks import Slip, case_key, exercise
from .data import two_moons
from .linear_models import _with_model
from .logistic import logistic
from .optim import check_arguments, scan_descent

#: The network of notebooks 09 and 10: 2 inputs, two hidden layers of 16 tanh units, one output (a probability).
LAYER_SIZES = (2, 16, 16, 1)
#: Plain gradient descent on the moons: steps and step size (notebooks 09 and 10 train with these).
N_STEPS, STEP_SIZE = 1000, 0.5
#: The held-out moons: ``two_moons(jax.random.key(TEST_SEED), n=N_TEST)``; the training moons are `two_moons()`.
TEST_SEED, N_TEST = 13, 1000
#: The window the decision boundaries are drawn in.
XLIM, YLIM = (-1.6, 2.6), (-1.2, 1.7)


def moons():
    """The training moons (200, seed 12) and the held-out moons (``N_TEST``, seed ``TEST_SEED``):
    ``(x_train, y_train, x_test, y_test)``."""
    x_train, y_train = two_moons()
    x_test, y_test = two_moons(jax.random.key(TEST_SEED), n=N_TEST)
    return x_train, y_train, x_test, y_test


# ---------------------------------------------------------------------------------------------------------
# Exercise 1: a layer
# ---------------------------------------------------------------------------------------------------------


def _layer_cases():
    """Square weights and as many examples as inputs, so that a transposed W, an elementwise x * W and the
    product the other way round, W @ x, give wrong numbers (and their hints) rather than a shape error."""
    two = {"W": jnp.array([[1.0, 2.0], [-0.5, 0.5]]), "b": jnp.array([0.1, -0.2])}
    three = {"W": jnp.array([[1.0, 0.0, -1.0], [0.5, 2.0, 1.0], [0.0, -1.0, 0.5]]), "b": jnp.array([0.0, 1.0, -1.0])}
    return [(two, jnp.array([[2.0, -1.0], [-1.5, 0.5]])),
            (three, jnp.array([[1.0, 0.0, 2.0], [0.5, -1.0, 1.0], [-1.0, 2.0, 0.0]]))]


@exercise(
    cases=_layer_cases,
    traced=True,  # every case in one compiled program: one compilation instead of a dozen small ones
    hint="each of the layer's outputs is a weighted sum of the inputs plus its own bias; layer['W'] has one row "
         "per input and one column per output, and x one row per example.",
    recipe="return x @ layer['W'] + layer['b']",
    slips=[
        Slip(lambda layer, x: x @ layer["W"].T + layer["b"],
             "the weights are transposed: W has shape (inputs, outputs), so x @ W gives one column per output, "
             "and x @ W.T mixes up which input feeds which output."),
        Slip(lambda layer, x: x * layer["W"] + layer["b"],
             "`*` multiplies element by element; each output is a weighted sum over all the inputs, which is what "
             "a matrix product computes (@ or jnp.dot)."),
        Slip(lambda layer, x: jnp.dot(layer["W"], x) + layer["b"],
             "W·x is the order of the maths, where x is one example as a column; here each example is a row of x, "
             "so the product goes the other way round."),
        Slip(lambda layer, x: x @ layer["W"], "the bias layer['b'] is missing."),
        Slip(lambda layer, x: jnp.tanh(x @ layer["W"] + layer["b"]),
             "this layer is the weighted sum alone; the activation (tanh) is applied in the forward pass, "
             "because the last layer gets a different one."),
    ],
)
def dense(layer, x):
    """The affine map of one layer, ``x @ W + b``: a table ``x`` of shape (n, inputs) to shape (n, outputs)."""
    return x @ layer["W"] + layer["b"]


# ---------------------------------------------------------------------------------------------------------
# Exercise 2: the scale of the starting weights, derived
# ---------------------------------------------------------------------------------------------------------


@exercise(
    cases=lambda: [(2,), (16,), (100,)],
    hint="the variance of a sum of fan_in independent terms W_i·x_i is fan_in · Var(W_i) · E[x_i²]. "
         "Which standard deviation of W_i makes that equal to E[x_i²]?",
    recipe="fan_in · σ² = 1 gives σ = 1/√fan_in: return 1 / jnp.sqrt(fan_in)",
    slips=[
        Slip(lambda fan_in: 1 / fan_in, "1/fan_in is the variance that works; the function returns the standard "
                                        "deviation, its square root."),
        Slip(lambda fan_in: jnp.sqrt(fan_in), "upside down: more inputs add up to a larger sum, so each weight "
                                              "must get smaller as fan_in grows."),
        Slip(lambda fan_in: 1.0 + 0 * fan_in, "a standard deviation of 1 is the N(0, 1) start shown above: the "
                                              "variance of the sum grows with fan_in."),
    ],
)
def init_scale(fan_in):
    """The standard deviation 1/√fan_in of a layer's starting weights (LeCun's scale): with ``fan_in`` inputs
    of mean square 1 and independent weights of that spread, each weighted sum has variance 1 too."""
    return 1 / jnp.sqrt(fan_in)


# ---------------------------------------------------------------------------------------------------------
# Exercise 3: starting parameters
# ---------------------------------------------------------------------------------------------------------


def _layer_shapes(layer_sizes):
    return list(zip(layer_sizes[:-1], layer_sizes[1:]))


def _init_with(weights):
    """A wrong initialiser whose layer ``i`` gets ``W = weights(key_i, n_in, n_out, key)`` and zero biases."""

    def init(key, layer_sizes):
        keys = jax.random.split(key, len(layer_sizes) - 1)
        return [{"W": weights(k, n_in, n_out, key), "b": jnp.zeros(n_out)}
                for k, (n_in, n_out) in zip(keys, _layer_shapes(layer_sizes))]

    return init


@exercise(
    cases=lambda: [(case_key(5), (3, 4, 4, 2))],  # one case: drawing random numbers is slow to compile
    traced=True,  # every case in one compiled program: one compilation instead of a dozen small ones
    hint="one dict {'W', 'b'} per pair of neighbouring sizes, in a list. Each layer's weights need a key of their "
         "own and the spread you derived in exercise 2; the biases can all start at zero.",
    recipe="keys = jax.random.split(key, len(layer_sizes) - 1); then for each layer i, with n_in, n_out = "
           "layer_sizes[i], layer_sizes[i + 1]: {'W': init_scale(n_in) * jax.random.normal(keys[i], (n_in, n_out)), "
           "'b': jnp.zeros(n_out)}. Return the list of these dicts.",
    slips=[
        Slip(_init_with(lambda k, n_in, n_out, key: jnp.zeros((n_in, n_out))),
             "weights that all start at zero stay equal to one another: every unit of a layer computes the same "
             "thing and gets the same gradient. Draw them at random."),
        Slip(_init_with(lambda k, n_in, n_out, key: jax.random.normal(k, (n_in, n_out))),
             "these weights are N(0, 1): scale each layer's draws by init_scale(n_in), so that the weighted sums "
             "keep the spread of their inputs."),
        Slip(_init_with(lambda k, n_in, n_out, key: init_scale(n_in) * jax.random.normal(key, (n_in, n_out))),
             "every layer drew from the same key, so their weights are copies of one another's pattern: split "
             "key into one key a layer (jax.random.split(key, number of layers))."),
        Slip(_init_with(lambda k, n_in, n_out, key: init_scale(n_in) * jax.random.normal(k, (n_out, n_in))),
             "the weights are transposed: W has shape (n_in, n_out), one row per input, so that x @ W works."),
        Slip(_init_with(lambda k, n_in, n_out, key: init_scale(n_out) * jax.random.normal(k, (n_in, n_out))),
             "the scale comes from the layer's inputs, fan_in = n_in: it is their number that the weighted sum "
             "adds up."),
    ],
)
def init_params(key, layer_sizes):
    """Starting parameters for a network of ``layer_sizes`` (inputs, hidden sizes..., outputs): a list with one
    dict ``{"W", "b"}`` a layer, ``W`` of shape (n_in, n_out) drawn from N(0, 1/n_in) with key ``i`` of
    ``jax.random.split(key, number of layers)``, ``b`` zeros."""
    keys = jax.random.split(key, len(layer_sizes) - 1)
    return [{"W": init_scale(n_in) * jax.random.normal(k, (n_in, n_out)), "b": jnp.zeros(n_out)}
            for k, (n_in, n_out) in zip(keys, _layer_shapes(layer_sizes))]


# ---------------------------------------------------------------------------------------------------------
# Exercise 4: the forward pass
# ---------------------------------------------------------------------------------------------------------


def _forward_cases():
    """Two small networks with fixed, varied weights and nonzero biases (so that a missing bias shows), made with
    NumPy: building the cases starts no JAX computation."""

    def network(sizes, phase):
        return [{"W": np.sin(np.arange(n_in * n_out, dtype=np.float32) + phase).reshape(n_in, n_out),
                 "b": np.linspace(-0.5, 0.4, n_out, dtype=np.float32)} for n_in, n_out in _layer_shapes(sizes)]

    x = np.array([[0.5, -1.0], [1.5, 0.2], [-0.3, 0.8]], dtype=np.float32)
    return [(network((2, 3, 1), 0.0), x), (network((2, 4, 3, 1), 1.0), x)]


def _forward_with(hidden, output, shape=lambda p: p[:, 0]):
    """A wrong forward pass: ``hidden(layer, x)`` for the hidden layers, ``output(layer, x)`` for the last."""

    def forward(params, x):
        for layer in params[:-1]:
            x = hidden(layer, x)
        return shape(output(params[-1], x))

    return forward


def _tanh_layer(layer, x):
    return jnp.tanh(dense(layer, x))


def _logistic_layer(layer, x):
    return logistic(dense(layer, x))


@exercise(
    cases=_forward_cases,
    traced=True,  # every case in one compiled program: one compilation instead of a dozen small ones
    hint="go through the layers in order: each hidden layer is dense then tanh, and its output is the next "
         "layer's input. The last layer is different: it must give a probability, one number an example.",
    recipe="for layer in params[:-1]: x = jnp.tanh(dense(layer, x)); then "
           "return logistic(dense(params[-1], x))[:, 0]  (the [:, 0] turns shape (n, 1) into (n,))",
    slips=[
        Slip(_forward_with(_tanh_layer, lambda layer, x: logistic(jnp.tanh(dense(layer, x)))),
             "the output layer got tanh too: then its score is squeezed into (−1, 1) and the probability into "
             "(0.27, 0.73). The last layer takes only the logistic function."),
        Slip(_forward_with(_tanh_layer, _tanh_layer),
             "the output is tanh of a score, which can be negative: the last layer needs the logistic function, "
             "not tanh, to give a probability."),
        Slip(_forward_with(_tanh_layer, dense),
             "that is the last layer's score; pass it through logistic to get a probability."),
        Slip(_forward_with(dense, _logistic_layer),
             "the hidden layers need their activation (jnp.tanh): without it, the layers compose to one affine map "
             "and the network is a linear model again."),
        Slip(_forward_with(lambda layer, x: jnp.tanh(x @ layer["W"]), lambda layer, x: logistic(x @ layer["W"])),
             "the biases are missing: each layer adds its layer['b'] (dense does it for you)."),
        Slip(_forward_with(_tanh_layer, _logistic_layer, shape=lambda p: p),
             "the probabilities have shape (n, 1): the loss compares them with labels of shape (n,), so take "
             "the single column, [:, 0]."),
    ],
)
def mlp(params, x):
    """The network's probability of class 1 for each row of ``x``: tanh after every hidden layer, the logistic
    function after the last, whose single output is returned as shape (n,)."""
    for layer in params[:-1]:
        x = jnp.tanh(dense(layer, x))
    return logistic(dense(params[-1], x))[:, 0]


# ---------------------------------------------------------------------------------------------------------
# Helpers: accuracy, many trainings at once, probabilities on a grid
# ---------------------------------------------------------------------------------------------------------


def accuracy(probabilities, y):
    """The fraction of examples whose predicted class (probability above 1/2) is their label ``y``."""
    return float(np.mean((np.asarray(probabilities) > 0.5) == (np.asarray(y) > 0.5)))


def train_many(thetas, model, loss, x, y, n_steps=N_STEPS, step_size=STEP_SIZE):
    """`model_optimization_loop` from every start in ``thetas`` (a pytree whose leaves stack the starts along
    their first axis), all in one compiled call of `jax.vmap`: returns ``(losses, thetas)``, each stacked the
    same way, ``losses`` of shape (starts, n_steps)."""
    check_arguments(step_size, n_steps, (x, y))
    thetas, losses = _train_many(_with_model(loss, model), thetas, x, y, step_size, n_steps)
    return losses, thetas


@partial(jax.jit, static_argnums=(0, 5))
def _train_many(bound_loss, thetas, x, y, step_size, n_steps):
    def train(theta):
        return scan_descent(bound_loss, theta, x, y, step_size=step_size, n_steps=n_steps)

    return jax.vmap(train)(thetas)


def grid(xlim=XLIM, ylim=YLIM, n=100):
    """An ``n`` × ``n`` grid over the window: ``(xs, ys, points)``, ``points`` of shape (n², 2), NumPy float32."""
    xs, ys = np.meshgrid(np.linspace(*xlim, n, dtype=np.float32), np.linspace(*ylim, n, dtype=np.float32))
    return xs, ys, np.stack([xs.ravel(), ys.ravel()], axis=1)


def probability_grid(model, params, xlim=XLIM, ylim=YLIM, n=100, stacked=False):
    """``model(params, ·)`` on an ``n`` × ``n`` grid, in one compiled call: ``(xs, ys, probabilities)``.

    With ``stacked``, ``params`` holds several networks stacked along their leaves' first axis, and the
    probabilities have shape (networks, n, n); otherwise (n, n).
    """
    xs, ys, points = grid(xlim, ylim, n)
    values = np.asarray(_on_points(model, params, points, stacked))
    return xs, ys, values.reshape(values.shape[:-1] + xs.shape)


@partial(jax.jit, static_argnums=(0, 3))
def _on_points(model, params, points, stacked):
    if stacked:
        return jax.vmap(model, in_axes=(0, None))(params, points)
    return model(params, points)
