"""The names the original workshop's notebooks import, ``from dl_workshop.answers import linear_model, ...``.

Nothing is defined here: each name is re-exported from the module it lives in.
"""

from .data import B_TRUE as b_true
from .data import LINE_X as x
from .data import W_TRUE as w_true
from .data import make_y, noise
from .gradient_basics import df, f
from .linear_models import dmseloss, initialize_linear_params, linear_model, model_optimization_loop, mse, mseloss
from .logistic import binary_cross_entropy, dlogistic_loss, logistic, logistic_loss, logistic_model

__all__ = [
    "linear_model", "initialize_linear_params", "mseloss", "dmseloss", "x", "make_y", "b_true", "w_true",
    "model_optimization_loop", "logistic", "logistic_model", "binary_cross_entropy", "logistic_loss",
    "dlogistic_loss", "noise", "mse", "f", "df",
]
