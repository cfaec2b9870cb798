"""Each notebook, executed as nbval does, against its floor: a notebook that only runs the notebook's imports.

The floor imports what the notebook imports (scikit-learn, optax, flax, ...), so that using the library a user
would use costs a notebook nothing in this comparison.

Each notebook runs first with an empty JAX compilation cache (cold: everything compiled, as on a
learner's first run) and then again with the cache it filled (warm: as on every later run, and as
under ``make test``, where the unit tests have compiled the same functions before nbval runs).
"""

import ast
import copy
import os
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

from .timing import Row

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from notebook_runner import execute  # noqa: E402

def imports_of(notebook) -> str:
    """Every top-level import statement of the notebook's code cells, in order, one per line."""
    statements = []
    for cell in notebook.cells:
        if cell.cell_type == "code":
            tree = ast.parse(cell.source)
            statements += [ast.unparse(node) for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))]
    return "\n".join(dict.fromkeys(statements))


def floor_notebook(notebook):
    """A notebook that runs ``notebook``'s imports and nothing else."""
    floor = new_notebook(cells=[new_code_cell(imports_of(notebook))])
    floor.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return floor


def execution_seconds(notebook, cache_dir):
    """Wall time to start a kernel and run every cell, with JAX's compilation cache in ``cache_dir``."""
    os.environ["JAX_COMPILATION_CACHE_DIR"] = cache_dir
    start = time.perf_counter()
    execute(copy.deepcopy(notebook))
    return time.perf_counter() - start


def rows(repeat=5, target=2.0):
    """Each notebook's cold and warm times, against a floor measured alternately with its warm runs.

    Floor and notebook take turns, ``repeat`` times each, and the best of each counts: a shared machine
    that slows down for a minute slows both sides of the ratio alike. Five turns, not three: on a shared
    2-core machine the best of three still moved the ratios by ±0.1 from run to run.
    """
    os.environ.setdefault("JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS", "0")
    os.environ.setdefault("JAX_PERSISTENT_CACHE_MIN_ENTRY_SIZE_BYTES", "-1")
    folders = os.environ.get("BENCH_NOTEBOOKS", "answers notebooks").split()  # `make bench BENCH_NOTEBOOKS=answers`
    paths = [path for folder in folders for path in sorted((ROOT / folder).glob("*.ipynb"))]
    with tempfile.TemporaryDirectory() as floor_cache:
        for path in paths:
            notebook = nbformat.read(path, as_version=4)
            with tempfile.TemporaryDirectory() as cache:
                cold = execution_seconds(notebook, cache)
                floor = warm = float("inf")
                for _ in range(repeat):
                    floor = min(floor, execution_seconds(floor_notebook(notebook), floor_cache))
                    warm = min(warm, execution_seconds(notebook, cache))
            name = f"{path.parent.name}/{path.name}"
            print(f"{name}: {cold:.2f} s cold, {warm:.2f} s warm; floor {floor:.2f} s", flush=True)
            yield Row(f"{name[:-6]}, cold", "imports-only notebook", cold, floor, None, "within")
            yield Row(f"{name[:-6]}, warm", "imports-only notebook", warm, floor, target, "within")
