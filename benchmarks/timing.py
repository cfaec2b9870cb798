"""Timing helpers: best-of-n wall time, with JAX's asynchronous dispatch waited for."""

import time
from dataclasses import dataclass

import jax


def seconds(function, *args, repeat=3, setup=None):
    """The best wall time of ``function(*args)`` over ``repeat`` runs, results waited for.

    ``setup`` runs before each timed call, untimed (to clear caches for a cold measurement).
    """
    best = float("inf")
    for _ in range(repeat):
        if setup:
            setup()
        start = time.perf_counter()
        jax.block_until_ready(function(*args))
        best = min(best, time.perf_counter() - start)
    return best


@dataclass
class Row:
    """One line of the report: a time, the baseline it is compared with, and the target.

    ``kind`` is "faster" (the baseline over the time must reach ``target``) or
    "within" (the time over the baseline must stay under ``target``).
    """

    what: str
    against: str
    measured: float
    baseline: float
    target: float | None
    kind: str = "faster"

    @property
    def ratio(self) -> float:
        return self.baseline / self.measured if self.kind == "faster" else self.measured / self.baseline

    @property
    def met(self) -> bool:
        if self.target is None:
            return True
        return self.ratio >= self.target if self.kind == "faster" else self.ratio <= self.target


def report(rows):
    """Print the rows as a table; return whether every target was met."""
    print(f"{'measured':46} {'against':34} {'time':>9} {'baseline':>9}   {'ratio':16} {'target':12} met")
    for row in rows:
        ratio = f"{row.ratio:.1f}x {row.kind}"
        target = "—" if row.target is None else f"{'≥' if row.kind == 'faster' else '≤'} {row.target:g}x"
        print(
            f"{row.what:46} {row.against:34} {_t(row.measured):>9} {_t(row.baseline):>9}"
            f"   {ratio:16} {target:12} {'—' if row.target is None else 'yes' if row.met else 'NO'}"
        )
    return all(row.met for row in rows)


def _t(seconds):
    return f"{seconds * 1e3:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"
