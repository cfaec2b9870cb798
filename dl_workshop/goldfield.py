"""Reference answers for notebook 03: the goldfield, its critical points, their Hessians, and where descent ends."""

import functools
import itertools

import jax
import jax.numpy as jnp
import numpy as np
import scipy.linalg  # noqa: F401  JAX's first linear-algebra call loads LAPACK from it: here, not in a check

from .checks import Slip, exercise
from .optim import descend_two, scan_descent

#: The two minima, where the gold is; their order gives the labels of :func:`nearest_minimum`.
MINIMA = np.array([[-1.0, -1.0], [1.0, 1.0]], dtype=np.float32)

#: The step size and number of steps of every descent in notebook 03.
STEP_SIZE, N_STEPS = 0.01, 1000


def goldfield(x, y):
    """The height of the goldfield at (x, y): f(x, y) = 2x² − 4xy + y⁴ + 2."""
    return 2 * x**2 - 4 * x * y + y**4 + 2


def goldfield_at(point):
    """The goldfield at ``point`` = (x, y), one array: the form `jax.hessian` and the descent loops take."""
    return goldfield(point[0], point[1])


def hill_at(point):
    """The goldfield upside down, −f: its minima become maxima (a case for the eigenvalue check)."""
    return -goldfield_at(point)


# ---------------------------------------------------------------------------------------------------------
# Exercise 1: the gradient, by hand
# ---------------------------------------------------------------------------------------------------------


@exercise(
    cases=lambda: [()],
    probes=lambda: [(3.0, 4.0), (0.5, -1.0), (-1.2, 0.3)],
    hint="differentiate one variable at a time and treat the other as a fixed number: "
    "in ∂f/∂x, y is a constant like the 2.",
    recipe="∂f/∂x = 4x − 4y and ∂f/∂y = −4x + 4y³, so return lambda x, y: (4 * x - 4 * y, -4 * x + 4 * y**3).",
    slips=[
        Slip(
            lambda: lambda x, y: (4 * x, -4 * x + 4 * y**3),
            "∂f/∂x: the term −4xy holds x too; with y held fixed its derivative is −4y.",
        ),
        Slip(
            lambda: lambda x, y: (4 * x - 4 * y, -4 * x + y**3),
            "∂f/∂y: the power rule brings the exponent down, d/dy y⁴ = 4y³.",
        ),
        Slip(
            lambda: lambda x, y: (4 * x - 4 * y, 4 * y**3),
            "∂f/∂y: the term −4xy holds y too; with x held fixed its derivative is −4x.",
        ),
        Slip(
            lambda: lambda x, y: (4 * x - 4 * y, -4 * y + 4 * y**3),
            "∂f/∂y: with x held fixed, the y-derivative of −4xy is −4x (x is the constant factor).",
        ),
        Slip(
            lambda: lambda x, y: (-4 * x + 4 * y**3, 4 * x - 4 * y),
            "the pair starts with ∂f/∂x: return (∂f/∂x, ∂f/∂y) in that order.",
        ),
        Slip(
            lambda: jax.grad(goldfield),
            "that is ∂f/∂x alone; the gradient is the pair (∂f/∂x, ∂f/∂y).",
        ),
    ],
    traced=True,
)
def grad_ex_1():
    """The goldfield's gradient function (x, y) ↦ (∂f/∂x, ∂f/∂y)."""
    return jax.grad(goldfield, argnums=(0, 1))


# ---------------------------------------------------------------------------------------------------------
# Exercise 2: the critical points, by hand
# ---------------------------------------------------------------------------------------------------------


def _pairs(*points):
    """Points (x, y) as a list of pairs of floats, the form the exercise asks for."""
    return [(float(x), float(y)) for x, y in points]


def _every_order(hint, *points):
    """A slip for every order of ``points``, the order given first (a learner may list them any way round)."""
    return [Slip(lambda order=order: _pairs(*order), hint) for order in itertools.permutations(points)]


@exercise(
    cases=lambda: [()],
    hint="∂f/∂x = 0 ties x to y; put that into ∂f/∂y = 0, which leaves an equation in y alone, and find all "
    "its roots.",
    recipe="4x − 4y = 0 gives x = y; then −4y + 4y³ = 4y(y − 1)(y + 1) = 0 gives y = −1, 0 and 1, "
    "each with x = y.",
    slips=[
        *_every_order("one point is missing: once x = y, ∂f/∂y = 0 is a cubic equation in y, with three roots. "
                      "Factor it completely before solving.", (-1, -1), (1, 1)),
        *_every_order("y² = 1 has two roots, y = 1 and y = −1.", (0, 0), (1, 1)),
        # every order but the first, the right one
        *_every_order("list the points from the smallest x to the largest.", (-1, -1), (0, 0), (1, 1))[1:],
        Slip(lambda: _pairs((-1, 1), (0, 0), (1, -1)), "∂f/∂x = 4x − 4y vanishes where x = y, not where x = −y."),
    ],
)
def critical_points():
    """The goldfield's critical points, where (4x − 4y, −4x + 4y³) = (0, 0), as pairs (x, y) by increasing x."""
    return _pairs((-1, -1), (0, 0), (1, 1))


# ---------------------------------------------------------------------------------------------------------
# Exercise 3: the eigenvalues of the Hessian, and what their signs say
# ---------------------------------------------------------------------------------------------------------


def _hessian_eigenvalue_cases():
    def point(x, y):
        return np.array([x, y], dtype=np.float32)

    # a saddle, whose Hessian is not diagonal, and another function: two cases are enough to tell the slips
    # apart, and each more would trace two Hessians more before the check can answer
    return [(goldfield_at, point(0.0, 0.0)), (hill_at, point(0.5, -0.5))]


@exercise(
    cases=_hessian_eigenvalue_cases,
    hint="first the Hessian matrix of f at the point, with jax.hessian; then its eigenvalues, with a function "
    "of jnp.linalg made for symmetric matrices.",
    recipe="return jnp.linalg.eigvalsh(jax.hessian(f)(point)): jax.hessian(f) is a function, called at the point "
    "it gives the 2 × 2 matrix, and eigvalsh its eigenvalues from the smallest up.",
    slips=[
        Slip(
            lambda f, point: jnp.diag(jax.hessian(f)(point)),
            "those are the diagonal entries, the curvatures along the x and y axes only; the eigenvalues are the "
            "curvatures along the matrix's own directions: jnp.linalg.eigvalsh.",
        ),
        Slip(
            lambda f, point: jnp.linalg.eigh(jax.hessian(f)(point)),
            "eigh returns the eigenvalues and the eigenvectors; eigvalsh returns the eigenvalues alone.",
        ),
        Slip(
            lambda f, point: jnp.linalg.eigvals(jax.hessian(f)(point)),
            "eigvals is for any square matrix: complex numbers in no set order. A Hessian is symmetric: "
            "eigvalsh gives its real eigenvalues, the smallest first.",
        ),
        Slip(
            lambda f, point: jnp.linalg.eigvalsh(jax.hessian(goldfield_at)(point)),
            "use the function f you are given, not goldfield_at.",
        ),
    ],
    traced=True,
)
def hessian_eigenvalues(f, point):
    """The eigenvalues, smallest first, of the Hessian of ``f`` (a function of one array) at ``point``."""
    return jnp.linalg.eigvalsh(jax.hessian(f)(point))


def kind_of_critical_point(eigenvalues):
    """What the Hessian's eigenvalues at a critical point say it is: 'saddle' when they have both signs,
    'minimum' when all are positive, 'maximum' when all are negative, else 'undecided' (a zero eigenvalue)."""
    eigenvalues = np.asarray(eigenvalues)
    if (eigenvalues > 0).any() and (eigenvalues < 0).any():
        return "saddle"
    if (eigenvalues > 0).all():
        return "minimum"
    if (eigenvalues < 0).all():
        return "maximum"
    return "undecided"


# ---------------------------------------------------------------------------------------------------------
# Exercise 4: descent from many starts at once
# ---------------------------------------------------------------------------------------------------------


def end_point(start, step_size=STEP_SIZE, n_steps=N_STEPS):
    """Where ``n_steps`` of gradient descent on the goldfield from ``start`` = (x, y) end."""
    end, _ = scan_descent(goldfield_at, start, step_size=step_size, n_steps=n_steps)
    return end


def _end_points_cases():
    starts = np.array([[0.5, -0.30], [0.5, -0.33], [-1.5, 1.5], [2.0, 2.0]], dtype=np.float32)
    return [(starts, STEP_SIZE), (starts, 0.002)]  # 1000 steps of 0.002 stop short of the minima


@exercise(
    cases=_end_points_cases,
    hint="map starts alone and keep step_size, which every start shares, out of the mapping: jax.vmap's "
    "in_axes says which arguments to map; or map a function of the start alone.",
    recipe="return jax.vmap(end_point, in_axes=(0, None))(starts, step_size): None leaves step_size unmapped; "
    "or jax.vmap(lambda start: end_point(start, step_size))(starts).",
    slips=[
        Slip(
            lambda starts, step_size: jax.vmap(end_point, in_axes=(1, None))(starts, step_size),
            "vmap went over the columns (all the x values, then all the y values); map over axis 0, the rows: "
            "one start each.",
        ),
        Slip(
            lambda starts, step_size: jax.vmap(end_point)(starts),
            "use the step_size you are given; end_point's own default is 0.01.",
        ),
        Slip(
            lambda starts, step_size: jax.vmap(goldfield_at)(starts),
            "that maps goldfield_at, the height at each start; map end_point, the whole descent, instead.",
        ),
    ],
    traced=True,
)
def end_points(starts, step_size):
    """The end of the descent with ``step_size`` from each row (x, y) of ``starts``, as rows."""
    return jax.vmap(end_point, in_axes=(0, None))(starts, step_size)


@jax.jit
def nearest_minimum(points, tolerance=0.05):
    """For each row (x, y) of ``points``: 0 near (−1, −1), 1 near (1, 1), −1 near neither."""
    distances = jnp.linalg.norm(points[:, None, :] - MINIMA[None, :, :], axis=-1)
    return jnp.where(distances.min(axis=1) < tolerance, distances.argmin(axis=1), -1)


def grid_starts(lim, n):
    """An ``n`` × ``n`` grid of starting points on [−lim, lim]², as NumPy arrays: X, Y and the points as rows.

    With ``n`` even no point sits on the saddle at the origin, where the gradient is zero and descent stays.
    """
    X, Y = np.meshgrid(np.linspace(-lim, lim, n, dtype=np.float32), np.linspace(-lim, lim, n, dtype=np.float32))
    return X, Y, np.stack([X.ravel(), Y.ravel()], axis=1)


def diagonal_band(half_length, half_width, n=50):
    """An ``n`` × ``n`` grid on the rectangle along the diagonal y = x: ``half_length`` either way along it,
    ``half_width`` either side of it. Returns X, Y; the surface drawn over it has straight edges."""
    along, across = np.meshgrid(np.linspace(-half_length, half_length, n), np.linspace(-half_width, half_width, n))
    X, Y = (along + across) / np.sqrt(2), (along - across) / np.sqrt(2)
    return X.astype(np.float32), Y.astype(np.float32)


# ---------------------------------------------------------------------------------------------------------
# Exercise 5 (optional): the robot that moves along x only
# ---------------------------------------------------------------------------------------------------------


def _along_x(y, argnums=0):
    """The function x ↦ the goldfield's partial derivative ``argnums`` at (x, y)."""
    partial_derivative = jax.grad(goldfield, argnums=argnums)
    return lambda x: partial_derivative(x, y)


@exercise(
    # y = −2 first: at the default y = 1, x ↦ ∂f/∂y(x, 1) and y's value bound to x by position coincide.
    cases=lambda: [(-2.0,), ()],
    probes=lambda: [(0.1,), (1.0,), (-1.5,)],
    hint="make f a function of x alone, with y held at the value given, then differentiate that. A lambda that "
    "calls goldfield is such a function, and so is functools.partial of goldfield with y given by name.",
    recipe="return jax.grad(lambda x: goldfield(x, y)), or jax.grad(functools.partial(goldfield, y=y)): "
    "grad then differentiates in x, the only argument left.",
    slips=[
        Slip(lambda y=1.0: functools.partial(jax.grad(goldfield), y),
             "functools.partial(g, y) fixes g's first parameter, which is x, to the value of y, so x is held and y "
             "moves; fix y by name instead (y=y), leaving x free."),
        Slip(lambda y=1.0: jax.grad(functools.partial(goldfield, y)),
             "functools.partial(goldfield, y) puts the value of y into goldfield's first parameter, which is x; "
             "the function left takes y, so jax.grad differentiates in y. Give y by name (y=y), leaving x free."),
        Slip(lambda y=1.0: _along_x(y, argnums=1), "that is the derivative in y; the robot moves along x."),
        Slip(lambda y=1.0: _along_x(y, argnums=(0, 1)), "the robot moves along x only: take ∂f/∂x alone."),
        Slip(lambda y=1.0: _along_x(1.0), "use the y you are given, not a fixed 1.0."),
        Slip(lambda y=1.0: lambda x: goldfield(x, y), "that is the height f itself; the robot needs its slope, "
             "the derivative in x."),
    ],
    traced=True,
)
def grad_ex_3(y=1.0):
    """The robot that moves along x only: the function x ↦ ∂f/∂x (x, y) = 4x − 4y, at the y given."""
    return _along_x(y)


# ---------------------------------------------------------------------------------------------------------
# The original workshop's descent loop (notebook 01 teaches it; notebook 03 no longer asks for it again)
# ---------------------------------------------------------------------------------------------------------


def grad_ex_2(x, y, dgoldfield, step_size=0.01, n_steps=300):
    """``n_steps`` of gradient descent on the goldfield from (x, y); returns the final (x, y)."""
    return descend_two(dgoldfield, x, y, step_size, n_steps)
