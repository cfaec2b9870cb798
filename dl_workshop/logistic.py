"""Reference answers for notebook 08 (logistic regression): a model of probabilities, the cross-entropy, and the
same loop as notebook 04.

Two forms of the loss live here. `logistic_loss` takes a model that returns probabilities (the seed workshop's
`logistic_model`) and clips them away from 0 and 1, so that the loss stays finite; `logistic_loss_from_scores`
takes a model that returns scores (logits, the w·x + b before σ) and computes the same loss with log-sigmoid,
which stays exact and keeps its gradient where clipped probabilities lose it.
"""

import jax
import jax.numpy as jnp

from .checks import Slip, exercise
from .linear_models import _check_same_shape

#: Probabilities are clipped to [EPS, 1 − EPS] before their logarithm: the cross-entropy of one example is then
#: at most −log(EPS) ≈ 16.1.
EPS = 1e-7


@exercise(
    cases=lambda: [(jnp.array([-3.0, -0.5, 0.0, 0.5, 3.0]),), (jnp.array([-20.0, 1.0, 20.0]),), (2.0,)],
    hint="σ(z) = 1 / (1 + e^(−z)): mind the sign in the exponent, and where the parentheses go.",
    recipe="return 1 / (1 + jnp.exp(-z))",
    slips=[
        Slip(lambda z: 1 / (1 + jnp.exp(z)), "the sign of the exponent: σ(z) must rise with z, so e^(−z), not e^z."),
        Slip(lambda z: 1 / 1 + jnp.exp(-z), "Python divides before it adds: 1 / 1 + e is 1 + e. Put the whole "
                                            "denominator in parentheses."),
    ],
    traced=True,  # one compiled program a check: quicker than many small eager calls
)
def logistic(z):
    """The logistic function σ(z) = 1 / (1 + e^(−z)), elementwise: any real number to a probability in (0, 1).

    Computed as `jax.nn.sigmoid`, whose gradient stays finite however large |z| gets.
    """
    return jax.nn.sigmoid(z)


def _sigma(z):
    return 1 / (1 + jnp.exp(-z))


@exercise(
    cases=lambda: [(jnp.array([-3.0, -1.0, 0.0, 0.5, 2.0]),), (1.5,)],
    hint="this exercise asks for σ′ written by hand, a formula in z that works entry by entry (no jax.grad: the "
         "next cell checks your formula against it). Write σ = 1/u with u = 1 + e^(−z) and apply the chain rule; "
         "then notice that e^(−z)/u = 1 − σ(z).",
    recipe="σ′(z) = e^(−z) / (1 + e^(−z))² = σ(z)·(1 − σ(z)): return logistic(z) * (1 - logistic(z))",
    slips=[
        Slip(lambda z: -_sigma(z) * (1 - _sigma(z)), "the sign: σ rises everywhere, so its derivative is positive. "
                                                      "The two minus signs (from 1/u and from e^(−z)) cancel."),
        Slip(lambda z: 1 - _sigma(z), "the derivative of 1/u is −u′/u²: the denominator is squared."),
        Slip(lambda z: _sigma(z) ** 2, "σ′ = e^(−z)/u²; one factor 1/u is σ, but the other, e^(−z)/u, is 1 − σ."),
        Slip(lambda z: _sigma(z) * (1 + _sigma(z)), "check your result at z = 0: the slope of σ there is 1/4."),
    ],
    traced=True,  # one compiled program a check: quicker than many small eager calls
)
def dlogistic_by_hand(z):
    """σ′(z) = σ(z)(1 − σ(z)), the derivative of the logistic function worked out by hand."""
    return logistic(z) * (1 - logistic(z))


def _model_cases():
    table = jnp.array([[1.0, 0.0], [0.5, -1.0], [-2.0, 1.0], [0.0, 0.0]])
    return [({"w": 2.0, "b": -1.0}, jnp.array([-2.0, 0.0, 0.5, 3.0])),
            ({"w": jnp.array([1.0, -2.0]), "b": 0.5}, table)]


@exercise(
    cases=_model_cases,
    hint="two steps: the linear model's score w·x + b, then the logistic function turns it into a probability. "
         "For a table x of shape (n, d), w·x is a matrix–vector product; jnp.dot handles both a number w "
         "and a vector w (x @ w needs w to be an array).",
    recipe="return logistic(jnp.dot(x, theta['w']) + theta['b'])  (jnp.dot multiplies by a number w, and is "
           "x @ w for a table x)",
    slips=[
        Slip(lambda theta, x: jnp.dot(x, theta["w"]) + theta["b"],
             "that is the score; a probability lies between 0 and 1: pass the score through logistic."),
        Slip(lambda theta, x: logistic(theta["b"] * x + theta["w"]), "w and b are swapped: w multiplies x."),
        Slip(lambda theta, x: logistic(jnp.dot(x, theta["w"])), "the intercept theta['b'] is missing."),
        Slip(lambda theta, x: logistic(theta["w"] * x + theta["b"]),
             "right for n numbers, but for a table x of shape (n, d) the score is one number an example: "
             "multiply the table by w as a matrix–vector product (x @ w, or jnp.dot(x, w), which also works "
             "for a number w)."),
    ],
    traced=True,  # one compiled program a check: quicker than many small eager calls
)
def logistic_model(theta, x):
    """The probability σ(x·w + b) that each example belongs to class 1, with ``theta = {"w": w, "b": b}``.

    ``x`` holds n numbers with a number ``w``, or is a table of shape (n, d) with ``w`` of shape (d,); a ``w`` of
    shape (d, 1) with ``b`` of shape (1,) gives a column of shape (n, 1).
    """
    return logistic(linear_score(theta, x))


def linear_score(theta, x):
    """The score (logit) x·w + b that `logistic_model` passes through σ: the log-odds of class 1."""
    return jnp.dot(x, theta["w"]) + theta["b"]


def _cross_entropy_cases():
    return [(jnp.array([1.0, 0.0, 1.0, 0.0]), jnp.array([0.9, 0.2, 0.6, 0.4])),
            (jnp.array([1.0, 0.0, 1.0]), jnp.array([1.0, 0.0, 0.3]))]


def _log_likelihoods(y, p):
    return y * jnp.log(p) + (1 - y) * jnp.log(1 - p)


def _clipped(p):
    return jnp.clip(p, EPS, 1 - EPS)


@exercise(
    cases=_cross_entropy_cases,
    hint="the log of the probability the model gave each example's own label, averaged, with a minus sign so "
         "that a good fit has a small loss. Keep the logarithms finite (clip the probabilities first).",
    recipe="p = jnp.clip(y_pred, 1e-7, 1 - 1e-7); "
           "return -jnp.mean(y_true * jnp.log(p) + (1 - y_true) * jnp.log(1 - p))",
    slips=[
        Slip(lambda y, p: jnp.mean(_log_likelihoods(y, _clipped(p))),
             "the sign: the log of a probability is negative, and the loss is its negative, so that it falls as "
             "the fit gets better."),
        Slip(lambda y, p: -jnp.sum(_log_likelihoods(y, _clipped(p))),
             "that is the sum over the examples; the loss is their mean (jnp.mean), so that it does not grow with n."),
        Slip(lambda y, p: -jnp.mean(_log_likelihoods(y, p)),
             "a probability of exactly 0 or 1 gives log 0 = −inf, and 0 · (−inf) is nan: clip the probabilities "
             "to [1e-7, 1 − 1e-7] (jnp.clip) before the logarithms."),
        Slip(lambda y, p: -jnp.mean(y * jnp.log(_clipped(p))),
             "the examples with label 0 count too: the probability the model gives them is 1 − p."),
        Slip(lambda y, p: -jnp.mean(_log_likelihoods(p, _clipped(y))),
             "y_true and y_pred are swapped: take the logarithm of the predicted probabilities, y_pred."),
    ],
    traced=True,  # one compiled program a check: quicker than many small eager calls
)
def binary_cross_entropy(y_true, y_pred):
    """The mean binary cross-entropy −(1/n) Σ_i [y_i log p_i + (1 − y_i) log(1 − p_i)] of the probabilities
    ``y_pred`` against the 0/1 labels ``y_true``, of the same shape.

    The probabilities are clipped to [EPS, 1 − EPS] first, so a probability of exactly 0 or 1 (float32 rounds
    σ(17) to 1) gives a large but finite loss rather than inf or nan.
    """
    _check_same_shape(y_pred, y_true, name="binary_cross_entropy")
    y_true = jnp.asarray(y_true)
    return -jnp.mean(_log_likelihoods(y_true, _clipped(jnp.asarray(y_pred))))


def logistic_loss(params, model, x, y):
    """The mean binary cross-entropy of ``model(params, x)``, a probability an example, against the labels ``y``.

    The same arguments as notebook 04's `mseloss`, so `model_optimization_loop` trains with it unchanged.
    """
    return binary_cross_entropy(y, model(params, x))


dlogistic_loss = jax.grad(logistic_loss)
dlogistic_loss.__doc__ = "The gradient of `logistic_loss` with respect to ``params``, in the same shape as ``params``."


def logistic_loss_from_scores(params, model, x, y):
    """The same cross-entropy for a ``model`` that returns scores (logits) z, not probabilities: stable for any z.

    log σ(z) = −softplus(−z) and log(1 − σ(z)) = −softplus(z), so each example's loss is softplus(z) − y·z, which
    never takes the logarithm of a rounded probability (as `optax.sigmoid_binary_cross_entropy` does).
    """
    scores = model(params, x)
    _check_same_shape(scores, y, name="logistic_loss_from_scores")
    return jnp.mean(jax.nn.softplus(scores) - jnp.asarray(y) * scores)


def _gradient_cases():
    x = jnp.array([-2.0, -0.5, 0.0, 1.0, 2.5])
    y = jnp.array([0.0, 1.0, 0.0, 1.0, 1.0])
    return [({"w": 0.5, "b": -0.3}, x, y), ({"w": -1.0, "b": 1.0}, x, y)]


def _by_hand(scale_w, scale_b):
    """A wrong gradient built from the errors e = p − y: ``∂w ≈ scale_w(e, p, x)``, ``∂b ≈ scale_b(e, p, x)``."""

    def gradient(theta, x, y):
        p = _sigma(theta["w"] * x + theta["b"])
        return {"w": scale_w(p - y, p, x), "b": scale_b(p - y, p, x)}

    return gradient


@exercise(
    cases=_gradient_cases,
    hint="a chain of three links: L depends on p_i, p_i = σ(z_i) on z_i (σ′ = σ(1 − σ), exercise 2), and "
         "z_i = w·x_i + b on w and b. Simplify ∂L/∂p_i · σ′(z_i) before going on: almost everything cancels.",
    recipe="∂L/∂w = (1/n) Σ (p_i − y_i) x_i and ∂L/∂b = (1/n) Σ (p_i − y_i): with "
           "p = logistic(theta['w'] * x + theta['b']), return {'w': jnp.mean((p - y) * x), 'b': jnp.mean(p - y)}",
    slips=[
        Slip(_by_hand(lambda e, p, x: -jnp.mean(e * x), lambda e, p, x: -jnp.mean(e)),
             "the sign is flipped: ∂L/∂p_i = (p_i − y_i) / (p_i(1 − p_i)) is positive when p_i is too large."),
        Slip(_by_hand(lambda e, p, x: jnp.sum(e * x), lambda e, p, x: jnp.sum(e)),
             "that is the gradient of the summed loss; the loss is a mean, so keep the 1/n."),
        Slip(_by_hand(lambda e, p, x: jnp.mean(e * p * (1 - p) * x), lambda e, p, x: jnp.mean(e * p * (1 - p))),
             "the factor σ′ = p(1 − p) should cancel: ∂L/∂p_i = (p_i − y_i) / (p_i(1 − p_i)) has it in its "
             "denominator."),
        Slip(_by_hand(lambda e, p, x: jnp.mean(e), lambda e, p, x: jnp.mean(e * x)),
             "w and b are swapped: w multiplies x, so the derivative with respect to w is the one weighted by x."),
        Slip(_by_hand(lambda e, p, x: jnp.mean(e), lambda e, p, x: jnp.mean(e)),
             "∂L/∂w is missing the inputs: ∂z_i/∂w = x_i weights each example's error."),
        Slip(_by_hand(lambda e, p, x: jnp.mean(e * x), lambda e, p, x: jnp.mean(e * x)),
             "∂L/∂b is weighted by the inputs too: b is added to the score, not multiplied by x_i, so "
             "∂z_i/∂b = 1."),
    ],
    traced=True,  # one compiled program a check: quicker than many small eager calls
)
def cross_entropy_gradient_by_hand(theta, x, y):
    """The gradient of the cross-entropy of `logistic_model` with ``theta = {"w", "b"}`` (a number each), by hand.

    ``∂L/∂w = (1/n) Σ (p_i − y_i) x_i`` and ``∂L/∂b = (1/n) Σ (p_i − y_i)``, with ``p_i = σ(w x_i + b)``: σ′
    cancels against the derivative of the logarithm, and the error p − y is all that is left.
    """
    errors = logistic(theta["w"] * x + theta["b"]) - y
    return {"w": jnp.mean(errors * x), "b": jnp.mean(errors)}


@exercise(
    cases=lambda: [({"w": 2.0, "b": -1.0},), ({"w": -0.5, "b": 2.0},), ({"w": 4.0, "b": 3.0},)],
    hint="the model says 'class 1' when its probability is above 1/2. For which score is σ exactly 1/2? "
         "Then solve the score w·x + b for x.",
    recipe="σ(s) = 1/2 exactly when s = 0, and w·x + b = 0 at x = −b/w: return -theta['b'] / theta['w']",
    slips=[
        Slip(lambda theta: theta["b"] / theta["w"], "the sign: w·x + b = 0 gives w·x = −b."),
        Slip(lambda theta: -theta["w"] / theta["b"], "w and b are swapped: it is w that multiplies x."),
        Slip(lambda theta: theta["w"] / theta["b"], "w and b are swapped (w multiplies x), and mind the sign."),
        Slip(lambda theta: (0.5 - theta["b"]) / theta["w"],
             "that is where the score is 1/2; it is the probability σ(score) that is 1/2 on the boundary."),
    ],
    traced=True,  # one compiled program a check: quicker than many small eager calls
)
def decision_boundary(theta):
    """The input x at which the one-input logistic model ``theta`` switches class: σ(w·x + b) = 1/2 at x = −b/w."""
    return -theta["b"] / theta["w"]
