"""Stage the website's sources in build/site-src; `make site` runs this, then `mkdocs build -f website/mkdocs.yml`.

The home page is the README. Each solved notebook (answers/NN-topic.ipynb, with its stored outputs) becomes a
page, in notebook order, with a link under its title cell to its learner notebook, written beside the pages
for download by the same code as `make notebooks`. MathJax comes from a PyPI package, so the built site
renders math with no network.
"""

import html
import re
import shutil
from pathlib import Path

import mathjax  # MathJax 3, from the PyPI package django-static-mathjax
import nbformat

from dl_workshop.release import learner_text

ROOT = Path(__file__).resolve().parent.parent
STAGE = ROOT / "build" / "site-src"
NUMBERED = re.compile(r"(\d+)-[\w-]+\.ipynb")
HEADING_LINE = re.compile(r"^(#{1,6} .*)$", re.M)
# One file with every TeX extension and SVG output: it needs no web fonts and loads nothing else.
MATHJAX = Path(mathjax.__file__).parent / "static" / "mathjax" / "es5" / "tex-svg-full.js"


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


def stage(stage_dir: Path = STAGE) -> list[Path]:
    """Write the site's sources to ``stage_dir`` (emptied first); returns the notebook pages written."""
    shutil.rmtree(stage_dir, ignore_errors=True)
    (stage_dir / "notebooks").mkdir(parents=True)
    (stage_dir / "javascripts").mkdir()
    shutil.copy(ROOT / "README.md", stage_dir / "index.md")
    shutil.copy(ROOT / "website" / "mathjax-config.js", stage_dir / "javascripts")
    shutil.copy(MATHJAX, stage_dir / "javascripts")
    pages = []
    for solved in numbered_notebooks(ROOT / "answers"):
        (stage_dir / "notebooks" / solved.name).write_text(learner_text(solved), encoding="utf-8")
        page = with_learner_link(nbformat.read(solved, as_version=4), solved.name)
        for cell in page.cells:
            if cell.cell_type == "markdown":
                cell.source = code_as_html_in_headings(cell.source)
        nbformat.write(page, stage_dir / solved.name)
        pages.append(stage_dir / solved.name)
    return pages


if __name__ == "__main__":
    print(f"staged {len(stage())} notebook pages in {STAGE.relative_to(ROOT)}")
