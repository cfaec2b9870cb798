// The workshop's JupyterLab extension (issue 18, "Accessible to every learner"): it gives names to what JupyterLab
// and ipywidgets draw without one, so that a screen reader can tell a learner what each part of a notebook is.
// - a figure: its cell's metadata `alt_text` becomes the `alt` of every image the cell's outputs show;
// - a cell: the role the notebook's "feed" of cells asks of its children (article), and its editor's name,
//   "Code cell 3" (the cell's position in the notebook);
// - a heading's fold button: a name and whether its section is shown;
// - an ipywidgets slider: its handle is named by the slider's description;
// - the kernel's logo in the sidebar's list of running kernels: decorative (the kernel's name is beside it).
// Outputs are drawn again whenever a cell runs, so every notebook is watched and its names are set again.
import { INotebookTracker } from '@jupyterlab/notebook';

const CELL_KINDS = { code: 'Code', markdown: 'Markdown', raw: 'Raw' };

function setAttribute(element, name, value) {
  if (element.getAttribute(name) !== value) {
    element.setAttribute(name, value);
  }
}

function describeFigures(cell) {
  const altText = cell.model.getMetadata('alt_text');
  if (cell.model.type !== 'code' || typeof altText !== 'string') {
    return;
  }
  for (const image of cell.outputArea.node.querySelectorAll('img')) {
    setAttribute(image, 'alt', altText.trim());
  }
}

function nameCell(cell, position) {
  if (cell.node.parentElement?.getAttribute('role') === 'feed') {
    setAttribute(cell.node, 'role', 'article');
  }
  const name = `${CELL_KINDS[cell.model.type] ?? 'Cell'} cell ${position}`;
  for (const editor of cell.node.querySelectorAll('.jp-InputArea-editor .cm-content')) {
    setAttribute(editor, 'aria-label', name);
  }
}

function nameFoldButtons(cell) {
  for (const button of cell.node.querySelectorAll('.jp-collapseHeadingButton')) {
    setAttribute(button, 'aria-label', 'Show or hide this section');
    setAttribute(button, 'aria-expanded', String(!cell.headingCollapsed));
  }
}

function nameSliders(cell) {
  if (cell.model.type !== 'code') {
    return;
  }
  for (const slider of cell.outputArea.node.querySelectorAll('.widget-slider')) {
    const name = slider.querySelector('.widget-label')?.textContent.trim() || 'Slider';
    for (const handle of slider.querySelectorAll('.noUi-handle')) {
      setAttribute(handle, 'aria-label', name);
    }
  }
}

function label(notebook) {
  notebook.widgets.forEach((cell, index) => {
    nameCell(cell, index + 1);
    nameFoldButtons(cell);
    describeFigures(cell);
    nameSliders(cell);
  });
}

function markDecorativeIcons(root) {
  for (const icon of root.querySelectorAll('img.jp-RunningSessions-icon:not([alt])')) {
    icon.setAttribute('alt', '');
  }
}

// `update` once in the next frame, however many times the returned function is called before then.
function onceAFrame(update) {
  let pending = false;
  return () => {
    if (!pending) {
      pending = true;
      requestAnimationFrame(() => {
        pending = false;
        update();
      });
    }
  };
}

// Only added and removed nodes are watched: the attributes set here do not wake the observer again.
function observeChildren(node, callback) {
  const observer = new MutationObserver(callback);
  observer.observe(node, { childList: true, subtree: true });
  return observer;
}

function watch(panel) {
  const notebook = panel.content;
  const schedule = onceAFrame(() => notebook.isDisposed || label(notebook));
  const observer = observeChildren(notebook.node, schedule);
  notebook.modelContentChanged.connect(schedule); // a cell's metadata edited
  notebook.node.addEventListener('click', schedule); // a heading folded or unfolded
  panel.disposed.connect(() => observer.disconnect());
  schedule();
}

export default {
  id: 'dl-workshop-a11y:plugin',
  description: 'Alt text for figures and names for unlabelled controls in notebooks',
  autoStart: true,
  requires: [INotebookTracker],
  activate: (app, tracker) => {
    tracker.forEach(watch);
    tracker.widgetAdded.connect((_, panel) => watch(panel));
    observeChildren(document.body, onceAFrame(() => markDecorativeIcons(document.body)));
  }
};
