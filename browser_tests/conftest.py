"""Headless Chromium (Debian's package, driven by Playwright) for the browser tests, on loopback only."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "website"))  # stage.numbered_notebooks

SCREENSHOTS = ROOT / "build" / "screenshots"
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
# Chromium stays quiet: no update checks, sync or first-run pages on a machine that reaches no network.
QUIET = ["--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run"]
LOOPBACK = {"127.0.0.1", "localhost"}
# axe-core, from the npm package that `npm ci --prefix website` installs (make test-browser does it).
AXE = ROOT / "website" / "node_modules" / "axe-core" / "axe.min.js"
# axe-core's rules for WCAG 2.0, 2.1 and 2.2 at levels A and AA; a violation of impact serious or critical fails.
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = ("serious", "critical")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_served(url: str, process, seconds: float = 120) -> None:
    """Poll ``url`` until it answers; fail early if ``process`` has exited."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server exited with code {process.returncode} before serving {url}")
        try:
            urllib.request.urlopen(url, timeout=5).close()
            return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.25)
    pytest.fail(f"nothing served {url} within {seconds} s")


@contextmanager
def served(directory: Path):
    """``directory`` served over HTTP on a free loopback port, for as long as the block runs; yields its address."""
    port = str(free_port())
    process = subprocess.Popen([sys.executable, "-m", "http.server", port, "--bind", "127.0.0.1",
                                "--directory", directory], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_until_served(url, process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def image_outputs(notebook) -> int:
    """How many figures a notebook's stored outputs hold."""
    return sum("image/png" in output.get("data", {}) for cell in notebook.cells for output in cell.get("outputs", []))


def axe_violations(page, within: str = "document", disable: tuple[str, ...] = ()) -> list[str]:
    """axe-core's serious and critical WCAG 2 A/AA violations on ``page`` (inside the CSS selector ``within``),
    one line per element: rule, impact, element (its selector, then its tag), what to fix. ``disable`` turns rules
    off by name."""
    if not AXE.exists():
        pytest.fail(f"no axe-core at {AXE}: run `npm ci --prefix website` (make test-browser does)")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(content=AXE.read_text(encoding="utf-8"))  # served from here: nothing is fetched
    options = {"runOnly": {"type": "tag", "values": WCAG_AA}, "rules": {rule: {"enabled": False} for rule in disable}}
    result = page.evaluate(
        "([within, options]) => axe.run(within === 'document' ? document : within, options)", [within, options])
    return [f"{rule['id']} ({rule['impact']}) {node['target']} <{tag(node['html'])}>: "
            f"{' '.join(node['failureSummary'].split())[:240]}"
            for rule in result["violations"] if rule["impact"] in BLOCKING for node in rule["nodes"]]


def tag(html: str) -> str:
    """The tag name of the element whose HTML starts ``html``."""
    match = re.match(r"<([\w-]+)", html)
    return match.group(1) if match else "?"


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: install Debian's `chromium` package, or set CHROMIUM=/path")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                             args=["--no-sandbox", *QUIET])
        yield browser
        browser.close()


class OfflinePage:
    """A page whose requests beyond loopback are refused and listed, with same-site responses that failed."""

    def __init__(self, browser):
        self.context = browser.new_context(viewport={"width": 1400, "height": 900})
        self.outside, self.failed = [], []
        self.context.route("**/*", self._keep_local)
        self.page = self.context.new_page()
        self.page.on("response", lambda r: r.status >= 400 and self.failed.append(f"{r.status} {r.url}"))

    def _keep_local(self, route):
        if urlsplit(route.request.url).hostname in LOOPBACK:
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / name
        self.page.screenshot(path=path, animations="disabled")  # no half-finished transitions
        return path


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.failed_call = report.failed
    return report


@pytest.fixture
def offline(browser, request):
    page = OfflinePage(browser)
    yield page
    if getattr(request.node, "failed_call", False):
        page.screenshot(f"FAILED-{request.node.name}.png")
    page.context.close()
