"""Turn each solved notebook into a reveal.js deck in build/slides; `make slides` runs this.

The decks come from a staging copy (answers/ stays as it is): a markdown cell that opens with a heading of level
1 or 2 starts a slide, one with a deeper heading, or a code cell that shows a figure, starts a sub-slide (reveal.js
shows those below the slide, reached with the down arrow or the space bar); every other cell continues the slide
above it. Figures get their cells' alt text, as on the website. nbconvert's slides exporter writes the decks
with website/slides-template, which loads reveal.js (from the npm package that `npm ci --prefix website`
installs), MathJax and the website's styles from build/slides itself: a deck opened from disk or any server
fetches nothing from the internet.
"""

import re
import shutil
from pathlib import Path

import nbformat
from nbconvert import SlidesExporter

from stage import ROOT, figure_count, mathjax_file, numbered_notebooks, with_alt_text, without_widget_state

SLIDES = ROOT / "build" / "slides"
WEBSITE = ROOT / "website"
REVEAL = WEBSITE / "node_modules" / "reveal.js"
HEADING = re.compile(r"^\s*(#{1,6}) ")


def slide_type(cell: nbformat.NotebookNode) -> str:
    """Where ``cell`` goes in the deck: "slide" (a new slide), "subslide" (below the slide) or "-" (continues)."""
    heading = HEADING.match(cell.source) if cell.cell_type == "markdown" else None
    if heading:
        return "slide" if len(heading.group(1)) <= 2 else "subslide"
    return "subslide" if figure_count(cell) else "-"


def as_slides(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """``notebook`` with slide metadata on every cell (the first cell always starts a slide)."""
    for index, cell in enumerate(notebook.cells):
        cell.metadata["slideshow"] = {"slide_type": "slide" if index == 0 else slide_type(cell)}
    return notebook


def copy_assets(slides_dir: Path) -> None:
    """reveal.js, MathJax and the styles the decks load, beside them."""
    if not (REVEAL / "dist" / "reveal.js").exists():
        raise SystemExit(f"no reveal.js in {REVEAL}: run `npm ci --prefix website` (make slides does)")
    for part in ("dist", "plugin"):
        shutil.copytree(REVEAL / part, slides_dir / "reveal.js" / part)
    (slides_dir / "assets").mkdir()
    for name in ("mathjax-config.js", "focusable-scroll.js", "accessible.css", "slides.css"):
        shutil.copy(WEBSITE / name, slides_dir / "assets")
    shutil.copy(mathjax_file(), slides_dir / "assets")


def build(slides_dir: Path = SLIDES) -> list[Path]:
    """Write a deck for each solved notebook into ``slides_dir`` (emptied first); returns the decks written."""
    shutil.rmtree(slides_dir, ignore_errors=True)
    slides_dir.mkdir(parents=True)
    copy_assets(slides_dir)
    exporter = SlidesExporter(template_name="slides-template", extra_template_basedirs=[str(WEBSITE)],
                              reveal_url_prefix="reveal.js", reveal_theme="white")
    decks = []
    for solved in numbered_notebooks(ROOT / "answers"):
        notebook = as_slides(without_widget_state(with_alt_text(nbformat.read(solved, as_version=4))))
        body, _ = exporter.from_notebook_node(notebook, resources={"metadata": {"name": solved.stem}})
        deck = slides_dir / f"{solved.stem}.slides.html"
        deck.write_text(body, encoding="utf-8")
        decks.append(deck)
    return decks


if __name__ == "__main__":
    print(f"wrote {len(build())} decks in {SLIDES.relative_to(ROOT)}")
