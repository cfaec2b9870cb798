// MathJax 3 settings for every page, read before website/stage.py's vendored tex-svg-full.js loads.
// Math is written as in Jupyter: $...$ inline, $$...$$ displayed.
window.MathJax = {
  tex: {
    inlineMath: [["$", "$"], ["\\(", "\\)"]],
    displayMath: [["$$", "$$"], ["\\[", "\\]"]],
    processEscapes: true,
  },
  svg: { fontCache: "global" },
};
