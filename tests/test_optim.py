"""The descent engine: compiled in chunks, any pytree, a loss per step, progress, divergence, fallback."""

import subprocess
import sys

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from dl_workshop import optim
from dl_workshop.optim import (
    DivergenceWarning, PlainLoopWarning, descend, descend_until, descent_path, plain_descent, scan_descent,
)

X = jnp.linspace(-1.0, 1.0, 50)
Y = 3.0 * X + 2.0


def line_loss(theta, x, y):
    return jnp.mean((theta["w"] * x + theta["b"] - y) ** 2)


def vector_loss(theta, x, y):
    return jnp.mean((theta[0] * x + theta[1] - y) ** 2)


def tuple_loss(theta, x, y):
    w, (b,) = theta
    return jnp.mean((w * x + b - y) ** 2)


def branching_loss(theta, x, y):
    """Python control flow on a value: fine for `grad`, impossible to compile."""
    scale = 2.0 if theta["w"] > 0 else 1.0
    return scale * line_loss(theta, x, y)


def assert_same_tree(a, b, rtol=1e-5):
    for left, right in zip(jax.tree.leaves(a), jax.tree.leaves(b)):
        np.testing.assert_allclose(left, right, rtol=rtol, atol=1e-6)


@pytest.mark.parametrize("loss, start", [
    (line_loss, {"w": 0.0, "b": 0.0}),
    (vector_loss, jnp.zeros(2)),
    (tuple_loss, (0.0, (0.0,))),
])
def test_descend_takes_the_plain_loops_steps_on_any_pytree(loss, start):
    params, losses = descend(loss, start, X, Y, step_size=0.1, n_steps=40)
    plain_params, plain_losses = plain_descent(loss, start, X, Y, step_size=0.1, n_steps=40)
    assert losses.shape == (40,)
    assert float(losses[0]) == pytest.approx(float(loss(start, X, Y)))
    np.testing.assert_allclose(losses, plain_losses, rtol=1e-5)
    assert_same_tree(params, plain_params)


def test_descend_reaches_the_least_squares_line():
    params, _ = descend(line_loss, {"w": 0.0, "b": 0.0}, X, Y, step_size=0.2, n_steps=3000)
    assert float(params["w"]) == pytest.approx(3.0, abs=1e-4)
    assert float(params["b"]) == pytest.approx(2.0, abs=1e-4)


def test_chunks_add_up_to_one_uninterrupted_scan(monkeypatch):
    monkeypatch.setattr(optim, "CHUNK", 7)
    params, losses = descend(line_loss, {"w": 0.0, "b": 0.0}, X, Y, step_size=0.1, n_steps=30)
    whole_params, whole_losses = scan_descent(line_loss, {"w": 0.0, "b": 0.0}, X, Y, step_size=0.1, n_steps=30)
    assert losses.shape == (30,)
    np.testing.assert_allclose(losses, whole_losses, rtol=1e-6)
    assert_same_tree(params, whole_params, rtol=1e-6)


def test_zero_steps_change_nothing_and_negative_steps_are_refused():
    params, losses = descend(line_loss, {"w": 1.0, "b": 2.0}, X, Y, step_size=0.1, n_steps=0)
    assert params == {"w": 1.0, "b": 2.0} and losses.shape == (0,)
    with pytest.raises(ValueError, match="n_steps must be a whole number ≥ 0, got -1"):
        descend(line_loss, {"w": 1.0, "b": 2.0}, X, Y, step_size=0.1, n_steps=-1)


@pytest.mark.parametrize("engine", [descend, plain_descent])
def test_divergence_stops_warns_and_keeps_the_finite_history(engine):
    with pytest.warns(DivergenceWarning, match=r"at step (\d+), .*try a smaller step size than 5\.0") as caught:
        params, losses = engine(line_loss, {"w": 0.0, "b": 0.0}, X, Y, step_size=5.0, n_steps=2000)
    step = int(str(caught[0].message).split("at step ")[1].split(",")[0])
    assert 0 < step < 2000 and losses.shape == (step,)
    assert np.isfinite(losses).all() and losses[-1] > losses[0]
    assert np.isfinite(float(line_loss(params, X, Y)))


def test_divergence_inside_a_later_chunk_reports_the_global_step(monkeypatch):
    monkeypatch.setattr(optim, "CHUNK", 5)
    with pytest.warns(DivergenceWarning) as caught:
        _, losses = descend(line_loss, {"w": 0.0, "b": 0.0}, X, Y, step_size=5.0, n_steps=2000)
    with pytest.warns(DivergenceWarning):
        _, plain_losses = plain_descent(line_loss, {"w": 0.0, "b": 0.0}, X, Y, step_size=5.0, n_steps=2000)
    assert f"at step {losses.shape[0]}," in str(caught[0].message)
    np.testing.assert_allclose(losses, plain_losses, rtol=1e-4)


def test_an_untraceable_loss_falls_back_to_the_plain_loop_with_a_warning(capsys):
    with pytest.warns(PlainLoopWarning, match=r"cannot be compiled \(TracerBoolConversionError\).*plain Python loop"):
        params, losses = descend(branching_loss, {"w": 0.5, "b": 0.0}, X, Y, step_size=0.05, n_steps=25)
    assert capsys.readouterr().out == ""
    plain_params, plain_losses = plain_descent(branching_loss, {"w": 0.5, "b": 0.0}, X, Y, step_size=0.05, n_steps=25)
    np.testing.assert_allclose(losses, plain_losses, rtol=1e-6)
    assert_same_tree(params, plain_params)


ENGINES = {
    "descend": lambda **kw: descend(line_loss, {"w": 0.0, "b": 0.0}, *kw.pop("data", (X, Y)), **kw),
    "plain_descent": lambda **kw: plain_descent(line_loss, {"w": 0.0, "b": 0.0}, *kw.pop("data", (X, Y)), **kw),
    "scan_descent": lambda **kw: scan_descent(line_loss, {"w": 0.0, "b": 0.0}, *kw.pop("data", (X, Y)), **kw),
    "descent_path": lambda **kw: descent_path(line_loss, {"w": 0.0, "b": 0.0}, *kw.pop("data", (X, Y)), **kw),
    "descend_until": lambda n_steps=10, **kw: descend_until(
        line_loss, {"w": 0.0, "b": 0.0}, *kw.pop("data", (X, Y)), stop=lambda change: False, max_steps=n_steps, **kw),
}
BAD_ARGUMENTS = [
    ({"step_size": 0.1, "n_steps": 2.5}, r"n_steps must be a whole number ≥ 0, got 2\.5"),
    ({"step_size": 0.1, "n_steps": -1}, r"n_steps must be a whole number ≥ 0, got -1"),
    ({"step_size": 0.1, "n_steps": True}, r"n_steps must be a whole number ≥ 0, got True"),
    ({"step_size": "0.1", "n_steps": 10}, r"step_size must be a finite number > 0, got '0\.1'"),
    ({"step_size": -0.1, "n_steps": 10}, r"step_size must be a finite number > 0, got -0\.1"),
    ({"step_size": float("nan"), "n_steps": 10}, r"step_size must be a finite number > 0, got nan"),
    ({"step_size": jnp.array([0.1, 0.2]), "n_steps": 10}, r"step_size must be a finite number > 0"),
    ({"step_size": 0.1, "n_steps": 10, "data": (X[:0], Y[:0])}, r"data argument 1 is empty \(shape \(0,\)\)"),
    ({"step_size": 0.1, "n_steps": 10, "data": (X, Y.at[3].set(jnp.nan))},
     r"data argument 2 \(shape \(50,\)\) holds 1 NaN or infinite value\(s\)"),
]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("arguments, says", BAD_ARGUMENTS)
def test_every_engine_refuses_bad_arguments_naming_the_argument(engine, arguments, says):
    with pytest.raises(ValueError, match=says):
        ENGINES[engine](**dict(arguments))


def test_a_step_size_being_traced_passes_the_door_and_vmaps():
    run = jax.vmap(lambda eta: scan_descent(line_loss, {"w": 0.0, "b": 0.0}, X, Y, step_size=eta, n_steps=5)[1])
    assert run(jnp.array([0.1, 0.2])).shape == (2, 5)


def test_divergence_on_the_first_step_of_a_later_chunk_returns_the_last_finite_point(monkeypatch):
    with pytest.warns(DivergenceWarning) as caught:
        _, all_losses = plain_descent(line_loss, {"w": 0.0, "b": 0.0}, X, Y, step_size=5.0, n_steps=2000)
    first_bad = int(str(caught[0].message).split("at step ")[1].split(",")[0])
    monkeypatch.setattr(optim, "CHUNK", first_bad)  # the loss turns non-finite on the first step of chunk 2
    with pytest.warns(DivergenceWarning, match=f"at step {first_bad},"):
        params, losses = descend(line_loss, {"w": 0.0, "b": 0.0}, X, Y, step_size=5.0, n_steps=2000)
    assert losses.shape == (first_bad,)
    assert float(line_loss(params, X, Y)) == pytest.approx(float(losses[-1]), rel=1e-5)


def test_a_loss_not_finite_at_the_start_blames_the_start_not_the_step_size():
    with pytest.warns(DivergenceWarning, match="at the starting parameters, before any step") as caught:
        params, losses = descend(line_loss, {"w": jnp.inf, "b": 0.0}, X, Y, step_size=0.1, n_steps=10)
    assert "smaller step size" not in str(caught[0].message)
    assert losses.shape == (0,) and params["w"] == jnp.inf


def test_descend_until_and_descent_path_stop_at_the_last_finite_point():
    with pytest.warns(DivergenceWarning, match="try a smaller step size than 5.0"):
        theta, steps = descend_until(line_loss, {"w": 0.0, "b": 0.0}, X, Y, step_size=5.0,
                                     stop=lambda change: False, max_steps=2000)
    assert 0 < int(steps) < 2000 and np.isfinite(float(line_loss(theta, X, Y)))
    with pytest.warns(DivergenceWarning):
        path, losses = descent_path(line_loss, {"w": 0.0, "b": 0.0}, X, Y, step_size=5.0, n_steps=2000)
    assert path["w"].shape == losses.shape and np.isfinite(losses).all()
    with pytest.warns(DivergenceWarning):
        _, plain_losses = plain_descent(line_loss, {"w": 0.0, "b": 0.0}, X, Y, step_size=5.0, n_steps=2000)
    assert losses.shape == plain_losses.shape


def test_importing_the_package_starts_no_jax_backend():
    code = ("import jax._src.xla_bridge as xb, dl_workshop.checks as c, dl_workshop.plotting, dl_workshop.answers, "
            "dl_workshop.jax_idioms; c.registered_exercises(); assert not xb._backends, 'a backend started'")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def test_progress_bar_only_on_long_runs_and_updated_per_chunk(capsys, monkeypatch):
    descend(line_loss, {"w": 0.0, "b": 0.0}, X, Y, step_size=0.1, n_steps=100)
    assert capsys.readouterr().err == ""
    monkeypatch.setattr(optim, "CHUNK", 25)
    descend(line_loss, {"w": 0.0, "b": 0.0}, X, Y, step_size=0.1, n_steps=100, progress=True)
    bar = capsys.readouterr().err
    assert "gradient descent" in bar and "100/100" in bar
    monkeypatch.setattr(optim, "PROGRESS_STEPS", 50)
    descend(line_loss, {"w": 0.0, "b": 0.0}, X, Y, step_size=0.1, n_steps=100)
    assert "100/100" in capsys.readouterr().err


def test_scan_descent_runs_under_vmap():
    starts = {"w": jnp.array([0.0, 1.0, -1.0]), "b": jnp.zeros(3)}
    run = jax.vmap(lambda theta: scan_descent(line_loss, theta, X, Y, step_size=0.1, n_steps=20))
    params, losses = run(starts)
    assert losses.shape == (3, 20)
    one, _ = scan_descent(line_loss, {"w": 1.0, "b": 0.0}, X, Y, step_size=0.1, n_steps=20)
    assert float(params["w"][1]) == pytest.approx(float(one["w"]), rel=1e-6)
