"""Every figure of the solved notebooks has a description, and the website's pages use it as the image's alt text.

A figure cell carries its description in the cell metadata "alt_text" (DESIGN.md, RULES.md: one or two plain
sentences saying what the figure shows); website/stage.py and website/slides.py turn it into the alt attribute,
in place of the converter's "No description has been provided for this image".
"""

import re
import sys
from pathlib import Path

import nbformat
import pytest
from nbconvert import HTMLExporter

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "website"))
from stage import alt_texts, draws_figure, figure_count, numbered_notebooks, with_alt_text  # noqa: E402

SOLVED = numbered_notebooks(ROOT / "answers")
PLACEHOLDER = "No description has been provided for this image"
IMG_ALT = re.compile(r"<img\b[^>]*?\balt=\"([^\"]*)\"", re.S)
IMAGES = re.compile(r"<img\b", re.S)
TINY_PNG = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")


def figure_cell(alt_text=None, figures=1) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell("fig, ax = plt.subplots()")
    cell.outputs = [nbformat.v4.new_output("display_data", data={"image/png": TINY_PNG, "text/plain": "<Figure>"})
                    for _ in range(figures)]
    if alt_text is not None:
        cell.metadata["alt_text"] = alt_text
    return cell


def page_alts(notebook: nbformat.NotebookNode) -> list[str]:
    """The alt text of every image of ``notebook``'s page, as the site converts it (HTML, JupyterLab's look)."""
    body, _ = HTMLExporter(template_name="lab").from_notebook_node(with_alt_text(notebook))
    alts = IMG_ALT.findall(body)
    assert len(alts) == len(IMAGES.findall(body)), "an image without any alt attribute"
    return alts


def is_description(text: str) -> bool:
    """Plain words that say something: at least four words and a full stop, no placeholder, no markup."""
    return len(text.split()) >= 4 and text.rstrip().endswith(".") and PLACEHOLDER not in text and "<" not in text


def descriptions(cell: nbformat.NotebookNode) -> list[str]:
    """What describes each figure of ``cell``; for a cell whose figures are not stored yet, its alt_text as given."""
    given = cell.metadata.get("alt_text", "")
    if figure_count(cell):
        return alt_texts(cell)
    return [given] if isinstance(given, str) else [str(text) for text in given] or [""]


@pytest.mark.parametrize("solved", SOLVED, ids=[path.stem for path in SOLVED])
def test_every_figure_cell_has_alt_text(solved):
    notebook = nbformat.read(solved, as_version=4)
    missing = [cell.get("id", index) for index, cell in enumerate(notebook.cells)
               if draws_figure(cell) and not all(map(is_description, descriptions(cell)))]
    assert missing == [], f"{solved.name}: figure cells without a real alt_text in their metadata: {missing}"


@pytest.mark.parametrize("solved", SOLVED, ids=[path.stem for path in SOLVED])
def test_every_image_on_the_page_has_its_cells_description(solved):
    notebook = nbformat.read(solved, as_version=4)
    described = [text for cell in notebook.cells for text in alt_texts(cell)]
    alts = page_alts(notebook)
    assert alts == described
    assert [alt for alt in alts if not is_description(alt)] == []


def test_a_figure_without_alt_text_is_caught_on_the_page_and_in_the_notebook():
    notebook = nbformat.v4.new_notebook(cells=[figure_cell("A falling curve: the loss halves every ten steps."),
                                               figure_cell()])
    assert page_alts(notebook) == ["A falling curve: the loss halves every ten steps.", PLACEHOLDER]
    assert [is_description(text) for cell in notebook.cells for text in descriptions(cell)] == [True, False]
    unrun = nbformat.v4.new_code_cell("fig, axes = plt.subplots(1, 2)")  # a figure cell whose outputs are not stored
    assert draws_figure(unrun) and not is_description(descriptions(unrun)[0])


def test_a_cell_with_two_figures_may_describe_each():
    cell = figure_cell(["Left: the surface, a bowl.", "Right: its contours, ellipses."], figures=2)
    assert page_alts(nbformat.v4.new_notebook(cells=[cell])) == ["Left: the surface, a bowl.",
                                                                 "Right: its contours, ellipses."]
    assert alt_texts(figure_cell("One description for both.", figures=2)) == ["One description for both."] * 2
