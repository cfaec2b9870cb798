// A code block or output wider (or taller) than its box scrolls; such a box takes the keyboard's focus, with a
// name, so it can be scrolled with the arrow keys (WCAG 2.1.1; axe-core's scrollable-region-focusable rule).
(function () {
  const SCROLLERS = [
    ".jupyter-wrapper .highlight-ipynb", ".jupyter-wrapper pre", ".jupyter-wrapper .jp-OutputArea-output",  // website
    ".reveal .slides section", ".reveal .highlight", ".reveal pre", ".reveal .jp-OutputArea-output",  // slides
  ].join(", ");

  function scrolls(box) {
    return box.scrollWidth > box.clientWidth + 1 || box.scrollHeight > box.clientHeight + 1;
  }

  function markScrollable() {
    for (const box of document.querySelectorAll(SCROLLERS)) {
      if (scrolls(box) && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        const kind = box.matches("section") ? "slide" : box.closest(".jp-OutputArea") ? "output" : "code";
        box.setAttribute("aria-label", `${kind}, scrollable`);
      }
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", markScrollable);
  } else {
    markScrollable();
  }
  window.addEventListener("load", markScrollable);
  window.addEventListener("resize", markScrollable);
  window.markScrollable = markScrollable;  // the slides call it again on each slide shown
})();
