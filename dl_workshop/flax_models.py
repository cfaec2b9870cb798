"""Reference answers for notebook 10 (notebook 09's network with Flax NNX): the network as an `nnx.Module`, a
training step compiled with `nnx.jit`, and what `jax.jit` does to a step that changes a module; with the
compiled training loop and the helpers the notebook trains and compares with.

A Flax module keeps its parameters inside itself, as `nnx.Param` variables, and a step changes the module and
its `nnx.Optimizer` in place. The self-checks therefore hand every answer a fresh copy of the objects it will
change (see `_Built`), so that the reference answer, the learner's answer and each slip start from the same
state.
"""

from functools import partial

import jax
import jax.numpy as jnp
import numpy as np
import optax
from flax import nnx

from .checks import Slip, case_key, exercise
from .logistic import binary_cross_entropy, logistic
from .neural import LAYER_SIZES, STEP_SIZE


class _Built(tuple):
    """A check's arguments, built afresh by ``build()`` each time the check unpacks them (``function(*args)``).

    Flax's modules, optimizers and `nnx.Rngs` change when they are used: an `nnx.Rngs` hands out a new key at
    each draw, a training step updates its model. Built afresh, they reach every answer as they started.
    """

    def __new__(cls, build):
        args = super().__new__(cls)
        args.build = build
        return args

    def __iter__(self):
        return iter(self.build())


# ---------------------------------------------------------------------------------------------------------
# Exercise 1: the forward pass of the module
# ---------------------------------------------------------------------------------------------------------


def _module_cases():
    # the notebook's network, its weights drawn from a check's key (`case_key`), which is quick to compile
    return [_Built(lambda: (LAYER_SIZES, nnx.Rngs(case_key(1))))]


def _module_probes():
    return [(_moon_points()[0],)]


def _moon_points(n=200):
    """``(x, y)``: ``n`` points evenly spaced along the two half circles of the moons, without noise, made in NumPy
    (drawing the moons would compile programs before the check could answer); the moons' shapes and labels."""
    angle = np.linspace(0.0, np.pi, n // 2, dtype=np.float32)
    upper = np.stack([np.cos(angle), np.sin(angle)], axis=1)
    lower = np.stack([1.0 - np.cos(angle), 0.5 - np.sin(angle)], axis=1)
    return np.concatenate([upper, lower]), np.repeat(np.array([0.0, 1.0], np.float32), n // 2)


def _module_with(hidden, output):
    """A wrong network: built like `MLP`, with ``hidden(layer, x)`` for its hidden layers and ``output(layer, x)``
    for its last."""

    def build(layer_sizes, rngs):
        layers = MLP(layer_sizes, rngs).layers

        def forward(x):
            for layer in layers[:-1]:
                x = hidden(layer, x)
            return output(layers[-1], x)

        return forward

    return build


@exercise(
    cases=_module_cases,
    probes=_module_probes,
    traced=True,  # built and called in one compiled program: its random weights and layers compile nothing apart
    hint="the same forward pass as notebook 09's mlp, with the module's own layers: self.layers is a list, and "
         "each layer is called on its input, layer(x). Hidden layers and the last one end differently.",
    recipe="for layer in self.layers[:-1]: x = jnp.tanh(layer(x)); then "
           "return logistic(self.layers[-1](x))[:, 0]",
    slips=[
        Slip(_module_with(lambda layer, x: jnp.tanh(layer(x)), lambda layer, x: logistic(jnp.tanh(layer(x)))[:, 0]),
             "the output layer got tanh too: its score is squeezed into (−1, 1) and the probability into "
             "(0.27, 0.73). The last layer takes only the logistic function."),
        Slip(_module_with(lambda layer, x: jnp.tanh(layer(x)), lambda layer, x: jnp.tanh(layer(x))[:, 0]),
             "the output is tanh of a score, which can be negative: the last layer needs the logistic function, "
             "not tanh, to give a probability."),
        Slip(_module_with(lambda layer, x: jnp.tanh(layer(x)), lambda layer, x: layer(x)[:, 0]),
             "that is the last layer's score; pass it through logistic to get a probability."),
        Slip(_module_with(lambda layer, x: layer(x), lambda layer, x: logistic(layer(x))[:, 0]),
             "the hidden layers need their activation (jnp.tanh): without it, the layers compose to one affine map "
             "and the network is a linear model again."),
        Slip(_module_with(lambda layer, x: jnp.tanh(layer(x)), lambda layer, x: logistic(layer(x))),
             "the probabilities have shape (n, 1): the loss compares them with labels of shape (n,), so take "
             "the single column, [:, 0]."),
    ],
)
class MLP(nnx.Module):
    """Notebook 09's network as a Flax module: an `nnx.Linear` layer for each pair of neighbouring
    ``layer_sizes``, tanh after every hidden layer, the logistic function after the last, whose single output
    is returned as shape (n,). The layers draw their starting weights from ``rngs``."""

    def __init__(self, layer_sizes, rngs):
        self.layers = nnx.List(
            [nnx.Linear(n_in, n_out, rngs=rngs) for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:])]
        )

    def __call__(self, x):
        for layer in self.layers[:-1]:
            x = jnp.tanh(layer(x))
        return logistic(self.layers[-1](x))[:, 0]


def bce_loss(model, x, y):
    """Notebook 08's cross-entropy of ``model``'s probabilities for the rows of ``x`` against the labels ``y``:
    the loss takes the module itself, where notebook 09's took ``(params, model, x, y)``."""
    return binary_cross_entropy(y, model(x))


def predict(model, x):
    """``model(x)``: the module's probabilities, as a function of the module (`neural.probability_grid` takes one)."""
    return model(x)


def n_params(model):
    """How many numbers the module's `nnx.Param` variables hold: what the optimizer updates."""
    return sum(leaf.size for leaf in jax.tree.leaves(nnx.state(model, nnx.Param)))


# ---------------------------------------------------------------------------------------------------------
# Exercise 2: the training step
# ---------------------------------------------------------------------------------------------------------


class _Optimizer(nnx.Optimizer):
    """An `nnx.Optimizer` that a check's message names in two words rather than printing in full."""

    def __repr__(self):
        return "an nnx.Optimizer"


def _step_probes(n_calls=3):
    """Three calls of a step on the same model and optimizer: the first gets them fresh, the next ones as the
    calls before left them, so that the losses the calls return show whether each call updated the model.

    A step works for any model: the smallest one, a single layer, keeps the check's program small."""
    x, y = _moon_points()
    state = {}

    def fresh():
        model = MLP((2, 1), nnx.Rngs(case_key(3)))
        state["objects"] = (model, _Optimizer(model, optax.sgd(STEP_SIZE), wrt=nnx.Param))
        return (*state["objects"], x, y)

    def again():
        return (*state["objects"], x, y)

    return [_Built(fresh)] + [_Built(again) for _ in range(n_calls - 1)]


def _step_with(update, loss_after=False, compile=nnx.jit):
    """A wrong step factory: ``update(optimizer, model, grads)`` instead of the optimizer's update."""

    def make(loss_fn):
        @compile
        def step(model, optimizer, x, y):
            loss, grads = nnx.value_and_grad(loss_fn)(model, x, y)
            update(optimizer, model, grads)
            return loss_fn(model, x, y) if loss_after else loss

        return step

    return make


def _update(optimizer, model, grads):
    optimizer.update(model, grads)


@exercise(
    cases=lambda: [(bce_loss,)],
    probes=_step_probes,
    compiled=True,
    traced=True,  # the model, the optimizer and the three calls in one compiled program
    compile_hint="put @nnx.jit on the line above train_step's `def` (or return nnx.jit(train_step)): a step that "
                 "updates a Flax module in place is compiled with nnx.jit, which carries the module's updates out.",
    hint="one step has two parts: the loss and its gradients with respect to the model's parameters, in one "
         "call (nnx.value_and_grad), then the optimizer's update, which needs the model and the gradients. "
         "Return the loss from before the update, and compile the step with nnx.jit.",
    recipe="@nnx.jit above `def train_step(model, optimizer, x, y):`; inside, "
           "loss, grads = nnx.value_and_grad(loss_fn)(model, x, y); optimizer.update(model, grads); return loss. "
           "make_train_step returns train_step.",
    slips=[
        Slip(_step_with(lambda optimizer, model, grads: None),
             "the loss did not change from one call to the next: the model was never updated. Is "
             "optimizer.update(model, grads) there, with the model first? Or is the step compiled with jax.jit? "
             "jax.jit updates a copy of the model and throws it away; nnx.jit carries the changes back to it."),
        Slip(_step_with(_update, loss_after=True),
             "each call returned the loss after its update, one step ahead: return the loss that "
             "nnx.value_and_grad computed, from before the update."),
        Slip(_step_with(lambda optimizer, model, grads: optimizer.update(model, jax.tree.map(jnp.negative, grads))),
             "the loss rises: the update went uphill. optimizer.update already steps against the gradients you "
             "give it; pass them as they are."),
    ],
)
def make_train_step(loss_fn):
    """A training step for ``loss_fn(model, x, y)``, compiled with `nnx.jit`: ``train_step(model, optimizer, x,
    y)`` updates ``model`` and ``optimizer`` in place with one step of the optimizer and returns the loss from
    before it."""

    @nnx.jit
    def train_step(model, optimizer, x, y):
        loss, grads = nnx.value_and_grad(loss_fn)(model, x, y)
        optimizer.update(model, grads)
        return loss

    return train_step


def train(step, model, optimizer, x, y, n_steps):
    """``n_steps`` calls of ``step(model, optimizer, x, y)`` in one compiled loop: ``model`` and ``optimizer``
    are updated in place, and the losses the calls return come back as an array of shape (n_steps,).

    Inside, `nnx.split` takes the state (every array) out of the two objects, `jax.lax.scan` carries it from
    step to step, `nnx.merge` rebuilds the objects in each step for ``step`` to use, and `nnx.update` writes
    the final state back into the caller's objects.
    """
    if not isinstance(n_steps, int) or n_steps < 1:
        raise ValueError(f"train expected a whole number of steps n_steps ≥ 1, got {n_steps!r}")
    return _train(step, model, optimizer, x, y, n_steps)


@partial(nnx.jit, static_argnums=(0, 5))
def _train(step, model, optimizer, x, y, n_steps):
    graphdef, state = nnx.split((model, optimizer))

    def one_step(state, _):
        model, optimizer = nnx.merge(graphdef, state)
        loss = step(model, optimizer, x, y)
        return nnx.state((model, optimizer)), loss

    state, losses = jax.lax.scan(one_step, state, length=n_steps)
    nnx.update((model, optimizer), state)
    return losses


# ---------------------------------------------------------------------------------------------------------
# Exercise 3: predict, then run: a step compiled with jax.jit
# ---------------------------------------------------------------------------------------------------------

@exercise(
    cases=lambda: [()],
    hint="jax.jit compiles a pure function: it sees the arrays that go in and the arrays that come out. "
         "Which arrays come out of train_step, and where do the updated parameters go?",
    recipe="2: jax.jit takes the module apart into its arrays and rebuilds a copy inside; the step updates the "
           "copy, and only the loss comes out. nnx.jit writes the copy's new state back into your module.",
    slips=[
        Slip(lambda: 1, "the step does update a model, but which one? Under jax.jit it works on a copy made from "
                        "the arrays that went in; only the returned loss comes out."),
        Slip(lambda: 3, "jax.jit accepts a Flax module as an argument, as it accepts a dict of parameters: there is "
                        "no error. Between 1 and 2: what does jax.jit hand to the step, the module you passed in, or "
                        "something rebuilt from its arrays?"),
    ],
)
def jax_jit_outcome():
    """The outcome of twenty calls of the training step compiled with `jax.jit`, among the notebook's three (1, the
    loss falls; 2, the model stays as it was; 3, an error): 2, since the step changes a copy that jax.jit builds."""
    return 2
