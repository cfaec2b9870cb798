"""Stage the website's sources in build/site-src; `make site` runs this, then `mkdocs build -f website/mkdocs.yml`.

The home page is the README. Each solved notebook (answers/NN-topic.ipynb, with its stored outputs) becomes a
page, in notebook order, with a link under its title cell to its learner notebook, written beside the pages
for download by the same code as `make notebooks`. MathJax comes from a PyPI package, so the built site
renders math with no network. Each figure gets its cell's ``alt_text`` metadata as the image's alt text (the
converter would otherwise write "No description has been provided for this image"); the slides of
website/slides.py are staged by the same functions.
"""

import html
import re
import shutil
from pathlib import Path

import nbformat

from dl_workshop.release import learner_text

ROOT = Path(__file__).resolve().parent.parent
STAGE = ROOT / "build" / "site-src"
NUMBERED = re.compile(r"(\d+)-[\w-]+\.ipynb")
HEADING_LINE = re.compile(r"^(#{1,6} .*)$", re.M)
FIGURE = "image/png"
# A cell that makes a matplotlib figure, for cells whose outputs are not stored yet.
DRAWS = re.compile(r"\bplt\.(subplots|subplot|figure|subplot_mosaic)\(")


def mathjax_file() -> Path:
    """MathJax 3 in one file, with every TeX extension and SVG output: it needs no web fonts, loads nothing else.

    It comes from the PyPI package django-static-mathjax (the site extra).
    """
    import mathjax

    return Path(mathjax.__file__).parent / "static" / "mathjax" / "es5" / "tex-svg-full.js"


def figure_count(cell: nbformat.NotebookNode) -> int:
    """How many figures the stored outputs of ``cell`` hold."""
    return sum(FIGURE in output.get("data", {}) for output in cell.get("outputs", []))


def draws_figure(cell: nbformat.NotebookNode) -> bool:
    """``cell`` is code that shows a figure, or creates one (its outputs may not be stored yet)."""
    return cell.cell_type == "code" and (figure_count(cell) > 0 or bool(DRAWS.search(cell.source)))


def alt_texts(cell: nbformat.NotebookNode) -> list[str]:
    """The alt text of each figure of ``cell``, from its metadata ``alt_text``.

    ``alt_text`` is one description for every figure of the cell, or a list with one a figure; a list too short
    for the figures, or empty descriptions, give an empty string for the figures they leave out.
    """
    given = cell.metadata.get("alt_text", "")
    texts = [given] * figure_count(cell) if isinstance(given, str) else list(given)
    texts = [" ".join(str(text).split()) for text in texts]
    return (texts + [""] * figure_count(cell))[: figure_count(cell)]


def with_alt_text(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """``notebook`` with each described figure also given as HTML: an <img> whose alt is its cell's ``alt_text``.

    The converter prefers text/html to image/png, so the page shows the same picture with a real description;
    a figure without one is left as it is (and the tests then find the converter's placeholder).
    """
    for cell in notebook.cells:
        figures = (output for output in cell.get("outputs", []) if FIGURE in output.get("data", {}))
        for output, text in zip(figures, alt_texts(cell)):
            if text:
                data = "".join(output.data[FIGURE].split())
                output.data["text/html"] = (f'<img src="data:{FIGURE};base64,{data}" alt="{html.escape(text)}">')
    return notebook


def numbered_notebooks(folder: Path) -> list[Path]:
    """The NN-topic.ipynb files in ``folder``, ordered by their number."""
    found = [path for path in folder.glob("*.ipynb") if NUMBERED.fullmatch(path.name)]
    return sorted(found, key=lambda path: int(NUMBERED.fullmatch(path.name).group(1)))


def code_as_html_in_headings(markdown: str) -> str:
    """Headings with `code` written as <code>code</code>.

    mkdocs-jupyter drops backtick spans when it reads the headings for page titles and the table of contents,
    which would turn "Gradient basics: `jax.grad` and ..." into "Gradient basics: and ..." and break its links.
    """
    def as_html(heading: re.Match) -> str:
        return re.sub(r"`([^`]+)`", lambda code: f"<code>{html.escape(code.group(1))}</code>", heading.group(1))

    return HEADING_LINE.sub(as_html, markdown)


def with_learner_link(solved: nbformat.NotebookNode, name: str) -> nbformat.NotebookNode:
    """``solved`` with a link to the learner notebook ``notebooks/<name>`` right under its title cell."""
    link = nbformat.v4.new_markdown_cell(
        f'**Work through it yourself:** <a href="../notebooks/{name}" download>download the learner notebook '
        f"<code>{name}</code></a> (the exercises left for you, no outputs) and open it in JupyterLab."
    )
    solved.cells.insert(1, link)
    return solved


def without_widget_state(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """``notebook`` without its saved widget state: a page has no kernel to move a slider, and the converter would
    fetch the widget library from a CDN to draw one; the figures the widgets drew stay."""
    notebook.metadata.pop("widgets", None)
    return notebook


def stage(stage_dir: Path = STAGE) -> list[Path]:
    """Write the site's sources to ``stage_dir`` (emptied first); returns the notebook pages written."""
    shutil.rmtree(stage_dir, ignore_errors=True)
    (stage_dir / "notebooks").mkdir(parents=True)
    (stage_dir / "javascripts").mkdir()
    shutil.copy(ROOT / "README.md", stage_dir / "index.md")
    shutil.copy(ROOT / "website" / "mathjax-config.js", stage_dir / "javascripts")
    shutil.copy(ROOT / "website" / "focusable-scroll.js", stage_dir / "javascripts")
    (stage_dir / "stylesheets").mkdir()
    shutil.copy(ROOT / "website" / "accessible.css", stage_dir / "stylesheets")
    shutil.copy(mathjax_file(), stage_dir / "javascripts")
    pages = []
    for solved in numbered_notebooks(ROOT / "answers"):
        (stage_dir / "notebooks" / solved.name).write_text(learner_text(solved), encoding="utf-8")
        page = with_learner_link(nbformat.read(solved, as_version=4), solved.name)
        page = without_widget_state(with_alt_text(page))
        for cell in page.cells:
            if cell.cell_type == "markdown":
                cell.source = code_as_html_in_headings(cell.source)
        nbformat.write(page, stage_dir / solved.name)
        pages.append(stage_dir / solved.name)
    return pages


if __name__ == "__main__":
    print(f"staged {len(stage())} notebook pages in {STAGE.relative_to(ROOT)}")
