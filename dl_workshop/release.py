"""Write the learner notebooks from the solved ones: ``python -m dl_workshop.release``.

Every region between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` in a code
cell of ``answers/`` becomes a stub that raises ``NotImplementedError``; outputs
and execution counts are cleared, and so is the widget state a run stored; everything
else is copied unchanged, but for a note in the notebook's metadata that says which
solved notebook it was made from.
Markers are found as nbgrader finds them: any line that contains ``BEGIN
SOLUTION`` (``# BEGIN SOLUTION`` and ``###BEGIN SOLUTION`` too), so the same
notebooks work with nbgrader.
"""

import argparse
import copy
import sys
from pathlib import Path

import nbformat

BEGIN, END = "BEGIN SOLUTION", "END SOLUTION"
STUB = ("# YOUR CODE HERE", "raise NotImplementedError()")
#: The key of the learner notebook's metadata that marks it as written by `release`.
GENERATED = "dl_workshop"
ROOT = Path(__file__).resolve().parent.parent


class MarkerError(ValueError):
    """A solution region is not closed, or is opened twice."""


def strip_solutions(source: str) -> str:
    """The cell source with each solution region replaced by an indented stub."""
    lines, inside = [], False
    for number, line in enumerate(source.split("\n"), start=1):
        if BEGIN in line:
            if inside:
                raise MarkerError(f"line {number}: {BEGIN} inside another solution region")
            inside = True
            indent = line[: len(line) - len(line.lstrip())]
            lines.extend(indent + stub for stub in STUB)
        elif END in line:
            if not inside:
                raise MarkerError(f"line {number}: {END} without a {BEGIN} before it")
            inside = False
        elif not inside:
            lines.append(line)
    if inside:
        raise MarkerError(f"{BEGIN} is never closed by {END}")
    return "\n".join(lines)


def learner_notebook(solved: nbformat.NotebookNode, name: str) -> nbformat.NotebookNode:
    """A copy of a solved notebook with solutions stubbed and outputs cleared, marked as generated from ``name``."""
    notebook = copy.deepcopy(solved)
    notebook.metadata.pop("widgets", None)  # the state of widgets a run drew: ids that change on every run
    notebook.metadata[GENERATED] = {"generated_from": f"answers/{name}"}
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        try:
            cell.source = strip_solutions(cell.source)
        except MarkerError as error:
            raise MarkerError(f"code cell {index}: {error}") from None
        cell.outputs = []
        cell.execution_count = None
    return notebook


def learner_text(answer_path: Path) -> str:
    """The learner notebook for ``answer_path``, as the text written to ``notebooks/``."""
    solved = nbformat.read(answer_path, as_version=nbformat.NO_CONVERT)
    try:
        return nbformat.writes(learner_notebook(solved, answer_path.name)) + "\n"
    except MarkerError as error:
        raise MarkerError(f"{answer_path.name}: {error}") from None


def stale_notebooks(answers: Path, notebooks: Path) -> list[Path]:
    """Learner notebooks that are missing, out of date, or generated from a solved notebook that is gone.

    A notebook that `release` did not write (a learner's own notes) is never stale.
    """
    expected = {path.name: learner_text(path) for path in sorted(answers.glob("*.ipynb"))}
    stale = [
        notebooks / name
        for name, text in expected.items()
        if not (notebooks / name).exists() or (notebooks / name).read_text(encoding="utf-8") != text
    ]
    orphans = [path for path in sorted(notebooks.glob("*.ipynb")) if path.name not in expected and generated(path)]
    return stale + orphans


def release(answers: Path, notebooks: Path, force: bool = False) -> list[Path]:
    """Write every learner notebook that is stale; remove orphans; return what changed.

    A learner notebook holding outputs has been run and saved by someone: it is left alone, with a
    warning, unless ``force`` is given, so that nobody's work is overwritten.
    """
    notebooks.mkdir(exist_ok=True)
    changed = []
    for path in stale_notebooks(answers, notebooks):
        if not force and has_outputs(path):
            print(f"kept {path.name}: it holds outputs, so someone has worked in it; "
                  "move it elsewhere, or pass --force to overwrite it", file=sys.stderr)
            continue
        solved = answers / path.name
        if solved.exists():
            path.write_text(learner_text(solved), encoding="utf-8")
        else:
            path.unlink()
        changed.append(path)
    return changed


def has_outputs(path: Path) -> bool:
    """Whether a notebook on disk holds any cell output."""
    return any(cell.get("outputs") for cell in _read_or_empty(path).get("cells", []))


def generated(path: Path) -> bool:
    """Whether `release` wrote the notebook at ``path`` (its metadata says so)."""
    return GENERATED in _read_or_empty(path).get("metadata", {})


def _read_or_empty(path: Path) -> dict:
    """The notebook at ``path``; an empty one when there is none, or it is not a notebook."""
    try:
        return nbformat.read(path, as_version=nbformat.NO_CONVERT)
    except Exception:  # missing, or not a notebook at all: nothing in it worth keeping
        return {}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=Path, default=ROOT / "answers")
    parser.add_argument("--notebooks", type=Path, default=ROOT / "notebooks")
    parser.add_argument("--check", action="store_true", help="only report stale notebooks; exit 1 if any")
    parser.add_argument("--force", action="store_true", help="overwrite learner notebooks that hold outputs")
    args = parser.parse_args(argv)
    try:
        if args.check:
            changed = stale_notebooks(args.answers, args.notebooks)
        else:
            changed = release(args.answers, args.notebooks, args.force)
    except MarkerError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    verb = "stale" if args.check else "written"
    for path in changed:
        print(f"{verb}: {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    if not changed:
        print("notebooks/ is up to date")
    return 1 if args.check and changed else 0


if __name__ == "__main__":
    sys.exit(main())
