"""How quickly each self-check answers: the first check of an exercise, and the same check again.

Each exercise is checked in a fresh Python process, as in a notebook's kernel: the package imported and JAX
started, then the check timed on the reference answer (its first call), on the same function again, and on a
new function object of the same code (what running the cell again gives). JAX's disk cache is warm: filled by
a first pass over every exercise, as a learner's earlier runs or the unit tests fill it. Each exercise gets
``repeat`` fresh processes and the best of each time counts (the machine may be shared); the processor time of
the first call is printed too, as it hardly depends on what else the machine runs.

Run as a script (``python benchmarks/checks.py --child NAME``), this file is that fresh process: it is not
imported as part of ``benchmarks``, whose import turns JAX's disk cache off.
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUDGET = 0.200  # seconds: the target for every first call


def rows(repeat=3):
    from .timing import Row

    with tempfile.TemporaryDirectory() as cache:
        environment = {**os.environ, "JAX_COMPILATION_CACHE_DIR": cache,
                       "JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS": "0",
                       "JAX_PERSISTENT_CACHE_MIN_ENTRY_SIZE_BYTES": "-1"}
        names = _child(["--names"], environment)
        _child(["--fill", *names], environment)  # JAX's disk cache warm
        print(f"{'exercise':28} {'first call':>11} {'(processor)':>12} {'again':>9} {'cell rerun':>11}")
        for name in names:
            runs = [_child(["--child", name], environment) for _ in range(repeat)]
            times = {label: min(run[label] for run in runs) for label in runs[0]}
            print(f"{name:28} {_ms(times['first']):>11} {_ms(times['first_cpu']):>12} {_ms(times['again']):>9} "
                  f"{_ms(times['rerun']):>11}", flush=True)
            yield Row(f"check {name}, first call", "the 200 ms budget", times["first"], BUDGET, 1.0, "within")
            yield Row(f"check {name}, cell run again", f"check {name}, first call", times["rerun"], times["first"],
                      None)


def _child(arguments, environment):
    """Run this file in a fresh process with ``arguments``; what it printed last, read as JSON."""
    done = subprocess.run([sys.executable, __file__, *arguments], env=environment, cwd=ROOT, check=True,
                          capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _ms(seconds):
    return f"{seconds * 1e3:.1f} ms"


def _measure(name):
    """Times of three checks of exercise ``name`` on its reference answer, in seconds."""
    import time

    import jax
    import jax.numpy as jnp

    from dl_workshop.checks import RIGHT, evaluate, get_exercise

    jax.block_until_ready(jnp.zeros(()) + 1)  # JAX started, as by any earlier cell of a notebook
    ex = get_exercise(name)
    rerun = _run_again(ex.reference)
    times = {}
    for label, answer in (("first", ex.reference), ("again", ex.reference), ("rerun", rerun)):
        start, processor = time.perf_counter(), time.process_time()
        outcome = evaluate(name, answer)
        times[label] = time.perf_counter() - start
        times[f"{label}_cpu"] = time.process_time() - processor
        if outcome.kind != RIGHT:
            raise SystemExit(f"{name}: the reference answer fails its own check:\n{outcome.message}")
    return times


def _run_again(function):
    """A new function object of the same code, as running the cell that defines it again gives."""
    import types

    if isinstance(function, types.FunctionType):
        return types.FunctionType(function.__code__, function.__globals__, function.__name__,
                                  function.__defaults__, function.__closure__)
    return function


def _main(arguments):
    if arguments[0] == "--names":
        from dl_workshop.checks import registered_exercises

        return sorted(registered_exercises())
    if arguments[0] == "--fill":
        from dl_workshop.checks import evaluate, get_exercise

        for name in arguments[1:]:
            evaluate(name, get_exercise(name).reference)
        return {}
    return _measure(arguments[1])


if __name__ == "__main__":
    print(json.dumps(_main(sys.argv[1:])))
