"""Run notebooks in the current environment, as a learner would, and read what they show."""

import re
import sys
import tempfile
from pathlib import Path

import nbformat
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
STUB = "raise NotImplementedError()"


def execute(notebook: nbformat.NotebookNode, timeout: int = 600) -> nbformat.NotebookNode:
    """Execute ``notebook`` top to bottom in a kernel of this interpreter; errors raise."""
    with tempfile.TemporaryDirectory() as sockets:  # local sockets rather than TCP ports
        manager = KernelManager(kernel_name="python3", transport="ipc", ip=str(Path(sockets) / "kernel"))
        manager.kernel_spec  # resolve before overriding the command
        manager.kernel_spec.argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
        client = NotebookClient(notebook, km=manager, timeout=timeout, resources={"metadata": {"path": str(ROOT)}})
        try:
            client.execute()
        finally:  # the client leaves a kernel it did not create running
            manager.shutdown_kernel(now=True)
    return notebook


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def learner(name: str) -> nbformat.NotebookNode:
    """The shipped learner notebook ``notebooks/<name>``."""
    return read(ROOT / "notebooks" / name)


def exercise_cell(notebook: nbformat.NotebookNode, exercise: str) -> nbformat.NotebookNode:
    """The code cell that checks ``exercise``."""
    pattern = re.compile(rf"check_exercise\(\s*['\"]{re.escape(exercise)}['\"]")
    cells = [c for c in notebook.cells if c.cell_type == "code" and pattern.search(c.source)]
    if len(cells) != 1:
        raise LookupError(f"expected one cell checking {exercise!r}, found {len(cells)}")
    return cells[0]


def fill_in(notebook: nbformat.NotebookNode, exercise: str, body: str) -> nbformat.NotebookNode:
    """Type ``body`` in place of the stub of ``exercise``, indented like the stub."""
    cell = exercise_cell(notebook, exercise)
    lines = cell.source.split("\n")
    at = next(i for i, line in enumerate(lines) if line.strip() == STUB)
    indent = lines[at][: len(lines[at]) - len(lines[at].lstrip())]
    lines[at] = "\n".join(indent + line for line in body.strip("\n").split("\n"))
    cell.source = "\n".join(lines)
    return notebook


def text_of(cell: nbformat.NotebookNode) -> str:
    """Everything a cell printed, as plain text."""
    parts = []
    for output in cell.get("outputs", []):
        if output.output_type == "stream":
            parts.append(output.text)
        elif "data" in output:
            parts.append(output.data.get("text/plain", ""))
        elif output.output_type == "error":
            parts.append(f"{output.ename}: {output.evalue}")
    return "".join(parts)


def errors(notebook: nbformat.NotebookNode) -> list[str]:
    """The error outputs of every cell."""
    return [
        f"{o.ename}: {o.evalue}"
        for c in notebook.cells if c.cell_type == "code"
        for o in c.get("outputs", []) if o.output_type == "error"
    ]
