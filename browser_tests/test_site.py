"""The website built by `make site`: every solved notebook has a page, in order, with its figures and its math."""

import re
import urllib.request

import nbformat
import pytest

from conftest import ROOT, image_outputs, served
from stage import numbered_notebooks

SITE = ROOT / "build" / "site"
SOLVED = numbered_notebooks(ROOT / "answers")
# What MathJax leaves behind when it did not run: $$...$$, $...$, \(...\) or \[...\] in the rendered text.
RAW_TEX = re.compile(r"\$\$|\$[^$\n]+\$|\\\(|\\\[")


@pytest.fixture(scope="module")
def site():
    """build/site served on a free loopback port."""
    if not (SITE / "index.html").exists():
        pytest.fail(f"{SITE} is missing: run `make site` first (`make test-browser` does)")
    with served(SITE) as url:
        yield url


def has_math(notebook: nbformat.NotebookNode) -> bool:
    return any(cell.cell_type == "markdown" and "$" in cell.source for cell in notebook.cells)


def test_the_home_page_lists_every_notebook_in_order(site, offline):
    assert SOLVED, "answers/ holds no NN-topic.ipynb notebook"
    offline.page.goto(site)
    links = offline.page.locator(".md-nav--primary a.md-nav__link").evaluate_all("links => links.map(a => a.href)")
    pages = [link.removeprefix(site) for link in links if link.removeprefix(site) and "#" not in link]
    assert pages == [f"{path.stem}/" for path in SOLVED]
    assert "make lab" in offline.page.locator("article").inner_text()  # the README
    assert offline.outside == [] and offline.failed == []


@pytest.fixture(params=SOLVED, ids=[path.stem for path in SOLVED])
def solved_page(request, site, offline):
    """The page of one solved notebook, opened and typeset, and the notebook."""
    offline.page.goto(f"{site}{request.param.stem}/")
    offline.page.wait_for_function("() => window.MathJax?.startup?.promise", timeout=30_000)
    offline.page.evaluate("() => MathJax.startup.promise")
    yield offline.page, request.param
    assert offline.outside == [] and offline.failed == []


def test_each_page_has_a_title_and_a_working_table_of_contents(solved_page):
    page, _ = solved_page
    assert page.locator("article h1").first.inner_text().strip()
    toc = page.locator(".md-nav--secondary a.md-nav__link")
    assert toc.count() > 0
    assert toc.evaluate_all(  # every entry leads to its heading
        "links => links.filter(a => !document.getElementById(decodeURIComponent(a.hash.slice(1)))).map(a => a.hash)"
    ) == []


def test_each_page_shows_every_stored_figure(solved_page, offline):
    page, solved = solved_page
    images = page.locator(".jupyter-wrapper img")
    assert images.count() == image_outputs(nbformat.read(solved, as_version=4))
    assert images.evaluate_all("imgs => imgs.filter(img => !(img.complete && img.naturalWidth > 0))") == []
    if solved == SOLVED[0] and images.count():
        images.first.evaluate("img => img.scrollIntoView({block: 'center'})")  # a figure, with math around it
        offline.screenshot(f"site-{solved.stem}.png")


def test_each_page_renders_its_math(solved_page):
    page, solved = solved_page
    if has_math(nbformat.read(solved, as_version=4)):
        assert page.locator(".jupyter-wrapper mjx-container").count() > 0
    assert page.locator("[data-mml-node='merror']").count() == 0  # TeX that MathJax could not parse
    prose = page.locator(".jp-RenderedMarkdown").evaluate_all(
        """blocks => blocks.map(block => {
            const copy = block.cloneNode(true);
            copy.querySelectorAll('code, pre, mjx-container').forEach(node => node.remove());
            return copy.textContent;
        })"""
    )
    assert [text for text in prose if RAW_TEX.search(text)] == []


def test_each_page_links_its_learner_notebook(solved_page):
    page, solved = solved_page
    link = page.locator(f"a[href$='notebooks/{solved.name}']")
    with urllib.request.urlopen(link.evaluate("a => a.href")) as response:
        learner = nbformat.reads(response.read().decode(), as_version=4)
    notebook = nbformat.read(solved, as_version=4)
    assert [c.source for c in learner.cells if c.cell_type == "markdown"] == [
        c.source for c in notebook.cells if c.cell_type == "markdown"]
    assert "raise NotImplementedError()" in "".join(c.source for c in learner.cells)
    assert not any(cell.get("outputs") for cell in learner.cells)
