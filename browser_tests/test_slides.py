"""The reveal.js decks of `make slides`: one opens with nothing fetched from outside, steps forward with the keyboard
alone, and axe-core finds no serious or critical WCAG 2 A/AA violation on the slides shown."""

import pytest

from conftest import ROOT, axe_violations, served
from stage import numbered_notebooks

SLIDES = ROOT / "build" / "slides"
SOLVED = numbered_notebooks(ROOT / "answers")
STEPS = 6  # slides and sub-slides visited, each checked by axe-core


@pytest.fixture(scope="module")
def decks():
    """build/slides served on a free loopback port."""
    if not SOLVED or not (SLIDES / f"{SOLVED[0].stem}.slides.html").exists():
        pytest.fail(f"no decks in {SLIDES}: run `make slides` first (`make test-browser` does)")
    with served(SLIDES) as url:
        yield url


def test_every_solved_notebook_has_a_deck():
    assert sorted(path.name for path in SLIDES.glob("*.slides.html")) == sorted(
        f"{path.stem}.slides.html" for path in SOLVED)


def test_a_deck_steps_through_with_the_keyboard_and_passes_axe_core(decks, offline):
    page = offline.page
    page.goto(f"{decks}{SOLVED[0].stem}.slides.html")
    page.wait_for_function("() => window.Reveal?.isReady()", timeout=30_000)
    page.evaluate("() => MathJax.startup.promise")
    assert page.locator(".reveal .slides > section").count() > 3  # one slide a section, not one long page
    seen, problems = [], []
    for step in range(STEPS):
        seen.append(page.evaluate("() => { const i = Reveal.getIndices(); return [i.h, i.v]; }"))
        problems += [f"slide {seen[-1]}: {problem}" for problem in axe_violations(page)]
        if step == 1:
            offline.screenshot("slides-01.png")
        page.keyboard.press("Space")  # the next slide or sub-slide, in reading order
        page.wait_for_function("seen => { const i = Reveal.getIndices(); return `${i.h},${i.v}` !== seen; }",
                               arg=",".join(map(str, seen[-1])), timeout=10_000)
    assert len(set(map(tuple, seen))) == STEPS, seen
    page.keyboard.press("Home")  # back to the title slide
    assert page.evaluate("() => Reveal.getIndices().h") == 0
    assert problems == [], "axe-core on the slides:\n" + "\n".join(problems)
    assert offline.outside == [] and offline.failed == []
