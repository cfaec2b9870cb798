"""The learner's path in the real JupyterLab: open notebook 01, Run All, read the self-checks, answer one."""

import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import urllib.request

import nbformat
import pytest
from playwright.sync_api import expect

from conftest import ROOT, axe_violations, free_port, image_outputs, wait_until_served
from dl_workshop.release import BEGIN, END

NAME = "01-gradient-basics.ipynb"
CHECKED = re.compile(r"check_exercise\(\s*['\"](\w+)['\"]")
# axe-core scans the whole page after Run All. The workshop's extension (labextension/index.js) gives each figure
# its cell's alt_text, and names what JupyterLab and ipywidgets leave unnamed (code editors, heading fold buttons,
# slider handles) or mis-nested (cells in the notebook's feed). What remains is JupyterLab's own, exempted here by
# rule, element and message, each with its reason; anything else fails the test.
EXEMPT = {
    re.compile(r'^aria-allowed-attr \(critical\) \[.*\] <jp-button>: .* not allowed: aria-pressed="(true|false)"$'):
        "JupyterLab's toolbar buttons (file browser, notebook toolbar) are jp-button web components whose host element, "
        "which has no role, carries aria-pressed for the button inside its shadow root, which does have the role "
        "and announces the state; removing it from the host removes it from the button too. Upstream: "
        "jupyterlab/jupyterlab#16891.",
}


def write_settings(folder, plugin: str, **settings):
    """User settings of the JupyterLab plugin ``@jupyterlab/<plugin>``, in ``folder``."""
    path = folder / "@jupyterlab" / f"{plugin}.jupyterlab-settings"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(settings))


class Lab:
    """`jupyter lab` from this environment on a copy of notebooks/, with its own settings and workspaces."""

    def __init__(self, home):
        self.root = home / "notebooks"
        shutil.copytree(ROOT / "notebooks", self.root)
        port, self.token = free_port(), secrets.token_hex(16)
        self.base = f"http://127.0.0.1:{port}"
        # No "Jupyter news?" toast over the notebook; and the notebook's own python3 kernel starts without the
        # "Select Kernel" dialog that JupyterLab shows when the kernel list arrives after the notebook opens.
        write_settings(home / "settings", "apputils-extension/notification", fetchNews="false")
        write_settings(home / "settings", "notebook-extension/tracker", autoStartDefaultKernel=True)
        command = [
            sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={port}", f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.root}", f"--LabApp.user_settings_dir={home / 'settings'}",
            f"--LabApp.workspaces_dir={home / 'workspaces'}", "--LabApp.news_url=None",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            *(["--allow-root"] if os.geteuid() == 0 else []),
        ]
        env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "BROWSER")}
        env["JUPYTER_RUNTIME_DIR"] = str(home / "runtime")
        with (home / "lab.log").open("w") as log:
            self.process = subprocess.Popen(command, cwd=home, env=env, stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True)

    def url(self, path: str) -> str:
        return f"{self.base}/{path}?token={self.token}"

    def api(self, path: str, method: str = "GET"):
        request = urllib.request.Request(f"{self.base}/api/{path}", method=method,
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read()
        return json.loads(body) if body else None

    def shut_down(self):
        """Close every session (and so its kernel), then stop the server; kill it if it will not stop."""
        try:
            for session in self.api("sessions"):
                self.api(f"sessions/{session['id']}", method="DELETE")
            self.api("shutdown", method="POST")
            self.process.wait(timeout=30)
        except Exception:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)
            raise


@pytest.fixture
def lab(tmp_path):
    server = Lab(tmp_path)
    try:
        wait_until_served(server.url("api/status"), server.process)
        yield server
    finally:
        if server.process.poll() is None:
            server.shut_down()


def exercises(notebook: nbformat.NotebookNode) -> dict[int, str]:
    """The index of each cell that checks an exercise, and the exercise's name."""
    found = {i: CHECKED.search(cell.source) for i, cell in enumerate(notebook.cells) if cell.cell_type == "code"}
    return {i: match.group(1) for i, match in found.items() if match}


def without_markers(source: str) -> str:
    """A solved cell as a learner types it: the solution without its markers."""
    return "\n".join(line for line in source.split("\n") if line.strip() not in (BEGIN, END))


def wait_for_idle_kernel(page, kernel: str):
    """The status bar shows ``kernel`` connected and idle (the toolbar's indicator says idle before that)."""
    page.locator(".jp-StatusBar-TextItem", has_text=f"{kernel} | Idle").wait_for(timeout=120_000)


def run_all_cells(page):
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()


def show(page, cell):
    """Scroll ``cell`` into view and let JupyterLab paint it (it renders the cells near the view lazily)."""
    cell.scroll_into_view_if_needed()
    expect(cell).to_be_in_viewport()
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")


def wait_until_every_code_cell_ran(page, count: int):
    """Every one of ``count`` code cells shows an execution number."""
    page.wait_for_function(
        """count => {
            const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')];
            return prompts.length === count && prompts.every(p => /^\\[\\d+\\]:$/.test(p.textContent.trim()));
        }""",
        arg=count, timeout=180_000,
    )


def open_and_run_all(lab, page) -> nbformat.NotebookNode:
    """Open the learner's notebook in ``page``, Run All, and wait until every cell ran; returns the notebook."""
    learner = nbformat.read(lab.root / NAME, as_version=4)
    kernel = learner.metadata.kernelspec.display_name
    page.goto(lab.url(f"lab/tree/{NAME}"))
    wait_for_idle_kernel(page, kernel)
    run_all_cells(page)
    wait_until_every_code_cell_ran(page, sum(cell.cell_type == "code" for cell in learner.cells))
    wait_for_idle_kernel(page, kernel)
    return learner


def figures(notebook: nbformat.NotebookNode) -> dict[int, str]:
    """The index of each cell whose outputs hold a figure, and its alt text (cell metadata ``alt_text``)."""
    return {i: cell.metadata.get("alt_text") for i, cell in enumerate(notebook.cells)
            if any("image/png" in output.get("data", {}) for output in cell.get("outputs", []))}


def not_exempt(problems: list[str]) -> list[str]:
    return [problem for problem in problems if not any(pattern.search(problem) for pattern in EXEMPT)]


def test_run_all_shows_every_self_check_and_no_error_then_an_answer_is_accepted(lab, offline):
    solved = nbformat.read(ROOT / "answers" / NAME, as_version=4)
    page = offline.page
    cells = page.locator(".jp-Notebook .jp-Cell")
    learner = open_and_run_all(lab, page)
    kernel = learner.metadata.kernelspec.display_name
    checked = exercises(learner)
    assert checked, f"{NAME} checks no exercise"
    for index, name in checked.items():
        assert f"⏳ {name}: not done yet" in cells.nth(index).locator(".jp-OutputArea").text_content()
    errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    assert errors.count() == 0, errors.all_text_contents()
    assert "Traceback" not in page.locator(".jp-Notebook").text_content()
    assert page.locator(".jp-OutputArea-output img").count() == image_outputs(solved)
    # Each figure shows its cell's description as its alt text (the learner's notebook keeps the metadata).
    described = figures(solved)
    assert described and all(described.values()), f"a figure of {NAME} has no alt_text: {described}"
    for index, alt_text in described.items():
        assert learner.cells[index].metadata.get("alt_text") == alt_text
        for image in cells.nth(index).locator(".jp-OutputArea-output img").all():
            expect(image).to_have_attribute("alt", alt_text.strip())
    first, name = next(iter(checked.items()))
    show(page, cells.nth(first))
    offline.screenshot("jupyterlab-01-run-all.png")
    on_page = not_exempt(axe_violations(page, within="document"))
    # The sidebar shows the running kernels instead of the files (its kernel logo is an image, too).
    page.get_by_role("tab", name="Running Terminals and Kernels").click()
    page.locator(".jp-RunningSessions-item").first.wait_for()
    on_page += [f"running kernels: {problem}" for problem in not_exempt(axe_violations(page, within="document"))]

    # The learner types the answer to the first exercise over the stub and runs the cell.
    cells.nth(first).locator(".cm-content").click()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.insert_text(without_markers(solved.cells[first].source))
    page.keyboard.press("Shift+Enter")
    page.wait_for_function(
        "([i, text]) => document.querySelectorAll('.jp-Notebook .jp-Cell')[i].textContent.includes(text)",
        arg=[first, f"✅ {name}: correct"], timeout=60_000,
    )
    wait_for_idle_kernel(page, kernel)
    show(page, cells.nth(first))
    offline.screenshot("jupyterlab-01-answered.png")
    assert offline.outside == [] and offline.failed == []
    assert on_page == [], "axe-core, the whole JupyterLab page after Run All:\n" + "\n".join(on_page)


def test_a_figure_keeps_its_alt_text_when_its_cell_draws_it_again(lab, offline):
    page = offline.page
    learner = open_and_run_all(lab, page)
    index, alt_text = next(iter(figures(nbformat.read(ROOT / "answers" / NAME, as_version=4)).items()))
    cell = page.locator(".jp-Notebook .jp-Cell").nth(index)
    image = cell.locator(".jp-OutputArea-output img")
    expect(image).to_have_attribute("alt", alt_text.strip())
    page.evaluate("image => image.removeAttribute('alt')", image.element_handle())  # so any alt seen next is new
    prompt = cell.locator(".jp-InputPrompt").text_content()
    show(page, cell)
    cell.locator(".cm-content").click()
    page.keyboard.press("Shift+Enter")
    expect(cell.locator(".jp-InputPrompt")).not_to_have_text(prompt, timeout=60_000)
    wait_for_idle_kernel(page, learner.metadata.kernelspec.display_name)
    expect(image).to_have_count(1)
    expect(image).to_have_attribute("alt", alt_text.strip())
