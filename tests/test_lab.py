"""`make lab` serves JupyterLab on notebooks/, with no display, and prints its address."""

import json
import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from notebook_runner import ROOT

URL = re.compile(r"(http://127\.0\.0\.1:(\d+)/lab\?token=([0-9a-f]+))")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def lab():
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "BROWSER")}
    process = subprocess.Popen(
        ["make", "lab", f"PORT={free_port()}"], cwd=ROOT, env=env, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
    )
    try:
        yield process
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def wait_for_url(process, seconds=90):
    deadline = time.monotonic() + seconds
    seen = []
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line and process.poll() is not None:
            break
        seen.append(line)
        found = URL.search(line)
        if found:
            return found.groups()
    pytest.fail("make lab printed no URL:\n" + "".join(seen[-20:]))


def fetch(request, seconds=30):
    """urlopen, retried while the server finishes starting."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            return urllib.request.urlopen(request, timeout=30).read().decode()
        except urllib.error.URLError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def test_make_lab_serves_the_lab_page_and_lists_the_notebooks(lab):
    url, port, token = wait_for_url(lab)
    assert "<title>JupyterLab</title>" in fetch(url)
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/contents", headers={"Authorization": f"token {token}"}
    )
    listing = json.loads(fetch(request))
    names = {item["name"] for item in listing["content"]}
    shipped = {path.name for path in (ROOT / "notebooks").glob("*.ipynb")}
    assert shipped and shipped <= names
