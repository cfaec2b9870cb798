"""What ships in notebooks/: what nbgrader would write, no solution above its stub, and every notebook's frame
(time, optional parts, key points, further reading).

(That every stub has its reference answer's signature is tested in test_checks.py.)
"""

import re
from pathlib import Path

import nbformat
import pytest
from nbgrader.preprocessors import ClearSolutions

from dl_workshop.release import ROOT, learner_notebook

SOLVED = sorted((ROOT / "answers").glob("*.ipynb"))
SOLUTION = re.compile(r"^[ \t]*#+ ?BEGIN SOLUTION.*?\n(.*?)^[ \t]*#+ ?END SOLUTION", re.M | re.S)
# A line of a solution this long is specific enough that finding it elsewhere means it was given away,
TELLING_LENGTH = 16
# unless it only returns names, or is a line of a skill the learner already has: the two lines of a gradient step,
# written in notebook 04, which later exercises repeat around their own new skill.
PRIOR_SKILLS = re.compile(
    r"^(return [\w, ()]+"
    r"|value, grads = jax\.value_and_grad\(loss\)\(theta, .*\)"
    r"|(return )?jax\.tree\.map\(lambda p, g: p - step_size \* g, theta, grads\)(, value)?)$"
)


def normalised(text):
    """Spaces and quote styles ignored, so that `theta['w']` in prose matches `theta["w"]` in code."""
    return re.sub(r"\s+", "", text).replace("'", '"')


def code_sources(notebook):
    return [cell.source for cell in notebook.cells if cell.cell_type == "code"]


def solved_and_learner(path: Path):
    return nbformat.read(path, as_version=4), nbformat.read(ROOT / "notebooks" / path.name, as_version=4)


@pytest.mark.parametrize("path", SOLVED, ids=lambda p: p.name)
def test_nbgrader_clears_the_solutions_into_the_same_code_cells(path):
    solved = nbformat.read(path, as_version=4)
    nbgrader_version, _ = ClearSolutions(enforce_metadata=False).preprocess(solved, {"language": "python"})
    assert code_sources(nbgrader_version) == code_sources(learner_notebook(solved, path.name))


@pytest.mark.parametrize("path", SOLVED, ids=lambda p: p.name)
def test_no_learner_cell_holds_a_marker_or_a_solution_line_above_its_stub(path):
    solved, learner = solved_and_learner(path)
    above = []  # the sources of the learner's cells seen so far
    for solved_cell, learner_cell in zip(solved.cells, learner.cells):
        for region in SOLUTION.findall(solved_cell.source) if solved_cell.cell_type == "code" else []:
            telling = [line.strip() for line in region.splitlines()
                       if len(line.strip()) >= TELLING_LENGTH and not PRIOR_SKILLS.match(line.strip())]
            leaked = [line for line in telling if any(normalised(line) in normalised(source) for source in above)]
            assert not leaked, f"{path.name}: a solution line stands above its stub: {leaked}"
        assert "SOLUTION" not in learner_cell.source, f"{path.name}: a solution marker was left in a learner cell"
        above.append(learner_cell.source)


@pytest.mark.parametrize("path", SOLVED, ids=lambda p: p.name)
def test_every_notebook_states_its_time_and_optional_parts_and_ends_with_key_points_and_reading(path):
    solved = nbformat.read(path, as_version=4)
    opening = solved.cells[0].source
    assert "**Time needed:**" in opening and "optional" in opening.lower(), f"{path.name}: minutes and optional parts"
    closing = "\n".join(cell.source for cell in solved.cells[-2:] if cell.cell_type == "markdown")
    assert "Key points" in closing and "Further reading" in closing, f"{path.name}: key points, further reading"
    links = closing.split("Further reading")[1].count("](https://")
    assert 2 <= links <= 4, f"{path.name}: {links} further-reading links, where two to four are wanted"
