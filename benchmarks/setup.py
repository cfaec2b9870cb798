"""Setting up from nothing: a fresh clone's `make lab` until JupyterLab answers, with uv and with pip, in one run.

Each installer starts from an empty download cache of its own, as on an attendee's laptop; the clones are of
this repository's last commit. Both rows need the package registry, and about 1.2 GB of downloads in all.
"""

import os
import secrets
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from .timing import Row

ROOT = Path(__file__).resolve().parent.parent
DEADLINE_SECONDS = 1800


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def answers(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=5)
        return True
    except (urllib.error.URLError, ConnectionError):
        return False


def lab_ready_seconds(installer: str) -> float:
    """Seconds from `make lab INSTALLER=installer` in a fresh clone to the server answering its status API."""
    with tempfile.TemporaryDirectory() as scratch:
        clone = Path(scratch) / "workshop"
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
        port, token = free_port(), secrets.token_hex(16)
        env = {**os.environ, "PIP_CACHE_DIR": f"{scratch}/pip-cache", "UV_CACHE_DIR": f"{scratch}/uv-cache"}
        env.pop("JAX_COMPILATION_CACHE_DIR", None)
        command = ["make", "lab", f"INSTALLER={installer}", f"PORT={port}",
                   f"LAB_ARGS=--IdentityProvider.token={token} --no-browser"]
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=clone, env=env, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            while not answers(f"http://127.0.0.1:{port}/api/status?token={token}"):
                if process.poll() is not None:
                    raise RuntimeError(f"make lab INSTALLER={installer} exited with code {process.returncode}")
                if time.perf_counter() - start > DEADLINE_SECONDS:
                    raise RuntimeError(f"make lab INSTALLER={installer} did not answer in {DEADLINE_SECONDS} s")
                time.sleep(1)
            return time.perf_counter() - start
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=60)


def rows():
    uv = lab_ready_seconds("uv")
    print(f"make lab with uv: {uv:.0f} s to a serving JupyterLab", flush=True)
    pip = lab_ready_seconds("pip")
    print(f"make lab with pip: {pip:.0f} s to a serving JupyterLab", flush=True)
    yield Row("fresh clone to JupyterLab, uv (the default)", "the same with pip", uv, pip, 1.0)
