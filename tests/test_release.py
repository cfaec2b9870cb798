"""answers/ -> notebooks/: solutions become stubs, outputs go, everything else stays."""

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from dl_workshop.release import ROOT, MarkerError, learner_notebook, main, stale_notebooks, strip_solutions

SOLVED = """def f(x):
    ### BEGIN SOLUTION
    y = 2 * x
    return y
    ### END SOLUTION

f = check_exercise("f", f)"""


def test_solution_becomes_an_indented_stub():
    assert strip_solutions(SOLVED) == """def f(x):
    # YOUR CODE HERE
    raise NotImplementedError()

f = check_exercise("f", f)"""


def test_every_region_is_stubbed_and_other_lines_kept():
    source = "a = 1\n### BEGIN SOLUTION\nb = 2\n### END SOLUTION\nc = 3\n### BEGIN SOLUTION\nd = 4\n### END SOLUTION"
    assert strip_solutions(source).split("\n") == [
        "a = 1", "# YOUR CODE HERE", "raise NotImplementedError()", "c = 3",
        "# YOUR CODE HERE", "raise NotImplementedError()",
    ]


@pytest.mark.parametrize("source, says", [
    ("### BEGIN SOLUTION\nx = 1", "never closed"),
    ("### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION", "line 2: BEGIN SOLUTION inside"),
    ("x = 1\n### END SOLUTION", "line 2: END SOLUTION without"),
])
def test_broken_markers_are_reported_with_their_line(source, says):
    with pytest.raises(MarkerError, match=says):
        strip_solutions(source)


def solved_notebook():
    code = new_code_cell(SOLVED, execution_count=3, outputs=[new_output("stream", text="✅ f: correct\n")])
    code.metadata["tags"] = ["keep-me"]
    notebook = new_notebook(cells=[new_markdown_cell("# Title\n### BEGIN SOLUTION is prose here"), code])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return notebook


def test_learner_notebook_clears_outputs_and_keeps_the_rest():
    solved = solved_notebook()
    learner = learner_notebook(solved, "01-x.ipynb")
    code = learner.cells[1]
    assert code.outputs == [] and code.execution_count is None
    assert "raise NotImplementedError()" in code.source and "y = 2 * x" not in code.source
    assert code.metadata == {"tags": ["keep-me"]} and code.id == solved.cells[1].id
    assert learner.cells[0] == solved.cells[0]
    assert learner.metadata == {**solved.metadata, "dl_workshop": {"generated_from": "answers/01-x.ipynb"}}
    assert solved.cells[1].outputs, "the solved notebook itself is left untouched"


def test_marker_error_names_the_notebook_and_cell(tmp_path):
    (tmp_path / "answers").mkdir()
    broken = solved_notebook()
    broken.cells[1].source = "### BEGIN SOLUTION"
    nbformat.write(broken, tmp_path / "answers" / "09-broken.ipynb")
    assert main(["--answers", str(tmp_path / "answers"), "--notebooks", str(tmp_path / "out")]) == 2


def test_release_writes_then_reports_up_to_date_and_removes_the_notebooks_it_wrote_that_lost_their_twin(tmp_path):
    answers, notebooks = tmp_path / "answers", tmp_path / "notebooks"
    answers.mkdir()
    nbformat.write(solved_notebook(), answers / "01-x.ipynb")
    args = ["--answers", str(answers), "--notebooks", str(notebooks)]
    assert main(args + ["--check"]) == 1
    assert main(args) == 0
    assert main(args + ["--check"]) == 0
    (notebooks / "01-x.ipynb").write_text((notebooks / "01-x.ipynb").read_text().replace("YOUR", "MY"))
    (notebooks / "99-orphan.ipynb").write_text((notebooks / "01-x.ipynb").read_text())  # its twin was renamed
    assert stale_notebooks(answers, notebooks) == [notebooks / "01-x.ipynb", notebooks / "99-orphan.ipynb"]
    main(args)
    assert stale_notebooks(answers, notebooks) == [] and not (notebooks / "99-orphan.ipynb").exists()


def test_a_notebook_release_did_not_write_is_never_touched(tmp_path, capsys):
    answers, notebooks = tmp_path / "answers", tmp_path / "notebooks"
    answers.mkdir()
    notebooks.mkdir()
    nbformat.write(solved_notebook(), answers / "01-x.ipynb")
    own = new_notebook(cells=[new_code_cell("my_notes = 1")])  # a learner's own notebook, never run
    nbformat.write(own, notebooks / "my-notes.ipynb")
    before = (notebooks / "my-notes.ipynb").read_text()
    main(["--answers", str(answers), "--notebooks", str(notebooks)])
    assert (notebooks / "my-notes.ipynb").read_text() == before
    assert "my-notes" not in capsys.readouterr().out
    assert stale_notebooks(answers, notebooks) == []


@pytest.mark.parametrize("begin, end", [
    ("###BEGIN SOLUTION", "###END SOLUTION"),
    ("# BEGIN SOLUTION", "# END SOLUTION"),
    ("## BEGIN SOLUTION", "#### END SOLUTION  "),
])
def test_markers_are_found_as_nbgrader_finds_them(begin, end):
    source = f"def f(x):\n    {begin}\n    return 2 * x\n    {end}"
    assert strip_solutions(source) == "def f(x):\n    # YOUR CODE HERE\n    raise NotImplementedError()"


def test_shipped_notebooks_are_current():
    stale = stale_notebooks(ROOT / "answers", ROOT / "notebooks")
    assert not stale, f"run `make notebooks`: stale {[p.name for p in stale]}"


def test_every_solved_notebook_has_outputs_and_every_learner_notebook_none():
    for path in sorted((ROOT / "answers").glob("*.ipynb")):
        solved = nbformat.read(path, as_version=4)
        code = [c for c in solved.cells if c.cell_type == "code" and c.source.strip()]
        assert all(c.execution_count for c in code), f"{path.name}: execute it with `make answers`"
        learner = nbformat.read(ROOT / "notebooks" / path.name, as_version=4)
        assert not any(c.get("outputs") for c in learner.cells if c.cell_type == "code")


def test_learner_notebooks_drop_the_widget_state_a_run_stored():
    solved = solved_notebook()
    solved.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {"a1b2": {}}}}
    assert "widgets" not in learner_notebook(solved, "01-x.ipynb").metadata


def test_solved_notebooks_store_no_widget_state():
    stored = [p.name for p in sorted((ROOT / "answers").glob("*.ipynb"))
              if "widgets" in nbformat.read(p, as_version=4).metadata]
    assert not stored, f"widget state (ids that change every run) stored in {stored}: run `make answers`"


def test_a_learner_notebook_with_outputs_is_kept_unless_forced(tmp_path, capsys):
    answers, notebooks = tmp_path / "answers", tmp_path / "notebooks"
    answers.mkdir()
    nbformat.write(solved_notebook(), answers / "01-x.ipynb")
    notebooks.mkdir()
    worked_in = solved_notebook()  # someone ran it: it holds outputs
    nbformat.write(worked_in, notebooks / "01-x.ipynb")
    before = (notebooks / "01-x.ipynb").read_text()
    args = ["--answers", str(answers), "--notebooks", str(notebooks)]
    assert main(args) == 0
    assert (notebooks / "01-x.ipynb").read_text() == before
    assert "kept 01-x.ipynb: it holds outputs" in capsys.readouterr().err
    assert main(args + ["--force"]) == 0
    assert stale_notebooks(answers, notebooks) == []
