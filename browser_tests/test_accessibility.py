"""The website read by everyone: axe-core finds no serious or critical WCAG 2 A/AA violation on any page, every
figure has its description as alt text, and the keyboard alone reaches the navigation and the content."""

import nbformat
import pytest

from conftest import axe_violations
from stage import alt_texts
from test_site import SOLVED, site  # noqa: F401 (the fixture serving build/site)

PLACEHOLDER = "No description has been provided for this image"
PAGES = ["", *(f"{path.stem}/" for path in SOLVED)]
# What a focused element shows, read from its computed style: an outline or a ring of box-shadow.
FOCUS_STYLE = """() => {
    const element = document.activeElement, style = getComputedStyle(element);
    return {
        tag: element.tagName.toLowerCase() + (element.className ? '.' + String(element.className).split(' ')[0] : ''),
        inNavigation: !!element.closest('nav, .md-nav, .md-header, .md-footer'),
        inContent: !!element.closest('article, .md-content'),
        ring: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2 || style.boxShadow !== 'none',
    };
}"""


def opened(page, url: str):
    page.goto(url)
    page.wait_for_function("() => window.MathJax?.startup?.promise", timeout=30_000)
    page.evaluate("() => MathJax.startup.promise")  # typeset math, as a reader sees it
    page.wait_for_load_state("load")
    return page


@pytest.mark.parametrize("path", PAGES, ids=[path.rstrip("/") or "home" for path in PAGES])
def test_axe_core_finds_no_serious_violation(site, offline, path):
    problems = axe_violations(opened(offline.page, site + path))
    assert problems == [], f"axe-core on /{path}:\n" + "\n".join(problems)
    assert offline.outside == [] and offline.failed == []


@pytest.mark.parametrize("solved", SOLVED, ids=[path.stem for path in SOLVED])
def test_each_figure_has_its_cells_description_as_alt_text(site, offline, solved):
    notebook = nbformat.read(solved, as_version=4)
    described = [text for cell in notebook.cells for text in alt_texts(cell)]
    page = opened(offline.page, f"{site}{solved.stem}/")
    shown = page.locator(".jupyter-wrapper .jp-OutputArea-output img").evaluate_all("imgs => imgs.map(i => i.alt)")
    assert PLACEHOLDER not in shown
    assert shown == described
    assert all(text.strip() for text in shown), f"figures without alt text on {solved.stem}: {shown}"


def test_the_keyboard_alone_reaches_the_navigation_and_the_content_with_a_visible_focus(site, offline):
    page = opened(offline.page, f"{site}{SOLVED[0].stem}/")
    visited = []
    for _ in range(80):
        page.keyboard.press("Tab")
        visited.append(page.evaluate(FOCUS_STYLE))
        if any(v["inNavigation"] for v in visited) and any(v["inContent"] for v in visited) and len(visited) > 20:
            break
    assert any(v["inNavigation"] for v in visited), visited
    assert any(v["inContent"] for v in visited), visited
    assert [v["tag"] for v in visited if v["tag"] != "body" and not v["ring"]] == []
    offline.screenshot("site-keyboard-focus.png")
    # The first Tab reaches the skip link, whose Enter takes the reader past the header to the content.
    page.goto(f"{site}{SOLVED[0].stem}/")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.classList.contains('md-skip')")
    page.keyboard.press("Enter")
    assert page.evaluate("() => location.hash") != ""
