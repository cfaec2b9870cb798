"""`make lab` serves JupyterLab on notebooks/, with no display.

The test runs the command `make lab` runs (read with `make -n`, so nothing is rebuilt), in this environment,
and polls the server with a deadline: a server that never answers fails the test instead of hanging it.
"""

import json
import os
import secrets
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from notebook_runner import ROOT

DEADLINE_SECONDS = 90


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def lab_command(port: int, token: str) -> list[str]:
    """The last command `make lab` would run, with this interpreter's jupyter."""
    lab_args = f"--IdentityProvider.token={token} --no-browser"
    printed = subprocess.run(
        ["make", "--no-print-directory", "-n", "lab", f"PORT={port}", f"LAB_ARGS={lab_args}"], cwd=ROOT, text=True,
        capture_output=True, check=True, timeout=30,
    ).stdout
    commands = [shlex.split(line) for line in printed.splitlines() if " lab " in line]
    command = next((c for c in commands if c[0].endswith("/jupyter") and c[1] == "lab"), None)
    assert command, f"make -n lab printed no `jupyter lab` command:\n{printed}"
    return [sys.executable, "-m", "jupyter", *command[1:]]


@pytest.fixture
def lab():
    port, token = free_port(), secrets.token_hex(16)
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "BROWSER")}
    process = subprocess.Popen(
        lab_command(port, token), cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        yield process, port, token
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def fetch(process, url, token):
    """The body at ``url``, retried while the server starts, until DEADLINE_SECONDS."""
    request = urllib.request.Request(url, headers={"Authorization": f"token {token}"})
    deadline = time.monotonic() + DEADLINE_SECONDS
    while True:
        if process.poll() is not None:
            pytest.fail(f"JupyterLab exited with code {process.returncode}")
        try:
            return urllib.request.urlopen(request, timeout=10).read().decode()
        except (urllib.error.URLError, ConnectionError):
            if time.monotonic() > deadline:
                pytest.fail(f"JupyterLab did not answer at {url} within {DEADLINE_SECONDS} s")
            time.sleep(0.5)


def test_make_lab_serves_the_lab_page_and_lists_the_notebooks(lab):
    process, port, token = lab
    assert "<title>JupyterLab</title>" in fetch(process, f"http://127.0.0.1:{port}/lab", token)
    listing = json.loads(fetch(process, f"http://127.0.0.1:{port}/api/contents", token))
    names = {item["name"] for item in listing["content"]}
    shipped = {path.name for path in (ROOT / "notebooks").glob("*.ipynb")}
    assert shipped and shipped <= names
