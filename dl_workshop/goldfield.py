"""Reference answers for notebook 03: the goldfield, its critical points and where descent ends."""

import jax
import jax.numpy as jnp
import numpy as np

from .checks import Slip, exercise
from .mle import descend_two
from .optim import scan_descent

#: The goldfield's critical points, found by hand: where its gradient (4x − 4y, −4x + 4y³) vanishes.
CRITICAL_POINTS = {"saddle": (0.0, 0.0), "minimum (1, 1)": (1.0, 1.0), "minimum (-1, -1)": (-1.0, -1.0)}

#: The two minima, where the gold is; their order gives the labels of :func:`nearest_minimum`.
MINIMA = np.array([[-1.0, -1.0], [1.0, 1.0]], dtype=np.float32)


def goldfield(x, y):
    """The goldfield 2x² − 4xy + y⁴ + 2: minima of 1 at (1, 1) and (−1, −1), a saddle of 2 at the origin."""
    return 2 * x**2 - 4 * x * y + y**4 + 2


def goldfield_at(point):
    """The goldfield at ``point`` = (x, y), one array: the form `jax.hessian` and `descend` take."""
    return goldfield(point[0], point[1])


@exercise(
    cases=lambda: [()],
    probes=lambda: [(3.0, 4.0), (0.5, -1.0), (1.0, 1.0)],
    hint="`jax.grad(goldfield, argnums=(0, 1))` gives (∂f/∂x, ∂f/∂y).",
    slips=[
        Slip(
            lambda: jax.grad(goldfield),
            "`grad` differentiates in the first argument only; argnums=(0, 1) asks for x and y.",
        ),
        Slip(lambda: jax.grad(goldfield, argnums=1), "argnums=1 gives the y derivative alone; ask for (0, 1)."),
    ],
    traced=True,
)
def grad_ex_1():
    """The goldfield's gradient function (x, y) ↦ (4x − 4y, −4x + 4y³)."""
    return jax.grad(goldfield, argnums=(0, 1))


def _grad_ex_2_cases():
    gradient = jax.jit(jax.grad(goldfield, argnums=(0, 1)))

    def dgoldfield(x, y):
        return gradient(x, y)

    return [(0.1, 0.1, dgoldfield, 0.01, 20), (-0.5, 0.3, dgoldfield, 0.05, 10), (1.5, -1.0, dgoldfield, 0.01, 5)]


@exercise(
    cases=_grad_ex_2_cases,
    hint="each step: dx, dy = dgoldfield(x, y); x − step_size·dx, y − step_size·dy; "
    "return (x, y) after n_steps steps.",
    slips=[
        Slip(
            lambda x, y, dgoldfield, step_size, n_steps: descend_two(
                dgoldfield, x, y, -step_size, n_steps
            ),
            "that walks uphill, away from the gold: subtract step_size × gradient.",
        ),
        Slip(
            lambda x, y, dgoldfield, step_size, n_steps: descend_two(
                dgoldfield, x, y, step_size, n_steps, one_at_a_time=True
            ),
            "take both partial derivatives at the same point, then move x and y together.",
        ),
    ],
)
def grad_ex_2(x, y, dgoldfield, step_size=0.01, n_steps=300):
    """``n_steps`` of gradient descent on the goldfield from (x, y); returns the final (x, y)."""
    return descend_two(dgoldfield, x, y, step_size, n_steps)


def _along_x(y, argnums=0):
    """The function x ↦ the goldfield's partial derivative ``argnums`` at (x, y)."""
    partial_derivative = jax.grad(goldfield, argnums=argnums)
    return lambda x: partial_derivative(x, y)


@exercise(
    cases=lambda: [(), (-2.0,)],
    probes=lambda: [(0.1,), (1.0,), (-1.5,)],
    hint="fix y and differentiate in x alone: return a function of x that calls "
    "jax.grad(goldfield)(x, y).",
    slips=[
        Slip(lambda y=1.0: _along_x(y, argnums=1), "that is the derivative in y; the robot moves along x."),
        Slip(lambda y=1.0: _along_x(y, argnums=(0, 1)), "the robot moves along x only: take ∂f/∂x alone."),
        Slip(lambda y=1.0: _along_x(1.0), "use the y you are given, not a fixed 1.0."),
    ],
    traced=True,
)
def grad_ex_3(y=1.0):
    """The robot that moves along x only: the function x ↦ ∂f/∂x (x, y) = 4x − 4y, at the y given."""
    return _along_x(y)


def classify(hessian, point):
    """``(kind, eigenvalues)`` of a critical point, from the eigenvalues (ascending) of the Hessian there.

    ``hessian`` maps a point, one array, to the Hessian matrix at it: `jax.hessian` of a function of one array,
    compiled once by the caller. NumPy finds the eigenvalues of that small matrix: no work worth compiling.
    """
    eigenvalues = np.linalg.eigvalsh(np.asarray(hessian(np.asarray(point, dtype=np.float32))))
    if (eigenvalues > 0).all():
        kind = "minimum"
    elif (eigenvalues < 0).all():
        kind = "maximum"
    else:
        kind = "saddle"
    return kind, eigenvalues


def end_point(start, step_size=0.01, n_steps=1000):
    """Where ``n_steps`` of gradient descent on the goldfield from ``start`` = (x, y) end."""
    end, _ = scan_descent(goldfield_at, start, step_size=step_size, n_steps=n_steps)
    return end


@jax.jit
def nearest_minimum(points, tolerance=0.05):
    """For each row (x, y) of ``points``: 0 near (−1, −1), 1 near (1, 1), −1 near neither."""
    distances = jnp.linalg.norm(points[:, None, :] - MINIMA[None, :, :], axis=-1)
    return jnp.where(distances.min(axis=1) < tolerance, distances.argmin(axis=1), -1)


def grid_starts(lim, n):
    """An ``n`` × ``n`` grid of starting points on [−lim, lim]², as NumPy arrays: X, Y and the points as rows."""
    X, Y = np.meshgrid(np.linspace(-lim, lim, n, dtype=np.float32), np.linspace(-lim, lim, n, dtype=np.float32))
    return X, Y, np.stack([X.ravel(), Y.ravel()], axis=1)
