"""Each notebook, executed as nbval does, against the floor: a notebook that only imports."""

import copy
import sys
import time
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

from .timing import Row

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from notebook_runner import execute  # noqa: E402

FLOOR_SOURCE = "import jax\nimport jax.numpy as jnp\nimport matplotlib.pyplot as plt\nimport dl_workshop"


def floor_notebook():
    notebook = new_notebook(cells=[new_code_cell(FLOOR_SOURCE)])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return notebook


def execution_seconds(notebook, repeat):
    """Best wall time to start a kernel and run every cell, over ``repeat`` runs."""
    best = float("inf")
    for _ in range(repeat):
        fresh = copy.deepcopy(notebook)
        start = time.perf_counter()
        execute(fresh)
        best = min(best, time.perf_counter() - start)
    return best


def rows(repeat=2, target=2.0):
    floor = execution_seconds(floor_notebook(), repeat)
    paths = sorted((ROOT / "answers").glob("*.ipynb")) + sorted((ROOT / "notebooks").glob("*.ipynb"))
    for path in paths:
        seconds = execution_seconds(nbformat.read(path, as_version=4), repeat)
        yield Row(f"{path.parent.name}/{path.name}", "imports-only notebook", seconds, floor, target, "within")
