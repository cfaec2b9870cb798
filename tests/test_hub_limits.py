"""Limits on a real hub on loopback: the idle culler stops a server left alone once idle for the timeout, and
a kernel that takes more memory than the attendee's limit is stopped while their server carries on.

Run by `make test-hub` as root in the hub's environment (it makes a system user and removes it).
"""

import asyncio
import json
import time
from types import SimpleNamespace

import pytest

from real_hub import load_test_or_skip

load_test_or_skip()
from load_test import Attendee, Hub, remove_test_users  # noqa: E402

ARGS = SimpleNamespace(request_timeout=120, cell_timeout=120, notebook="notebooks/none.ipynb", exercise="")


async def culled_after_idling(hub) -> float:
    """Seconds from an attendee's server start until the idle culler stopped it."""
    ada = Attendee(0, hub, ARGS)
    try:
        await ada.log_in()
        await ada.start_server()
        started = time.monotonic()
        while time.monotonic() - started < 120:
            _, body = await ada.request("GET", f"/hub/api/users/{ada.name}", headers=ada.auth)
            if "" not in json.loads(body)["servers"]:
                return time.monotonic() - started
            await asyncio.sleep(1)
        raise AssertionError("the idle culler left the server running for 2 minutes")
    finally:
        await ada.close()


def test_the_idle_culler_stops_a_server_left_alone(tmp_path):
    remove_test_users()
    hub = Hub(tmp_path / "hub", "2G", HUB_CULL_TIMEOUT="10")
    hub.start()
    try:
        asyncio.run(hub.wait_ready(60))
        assert asyncio.run(culled_after_idling(hub)) >= 5  # not at once: only once idle for the timeout
    finally:
        hub.stop()
        remove_test_users()


async def over_the_limit(hub) -> str:
    """What an attendee's kernel says when it takes more memory than their limit; their server still answers."""
    ada = Attendee(0, hub, ARGS)
    try:
        await ada.log_in()
        await ada.start_server()
        await ada.start_kernel(path=".")
        await ada.run("small = b'x' * (50 * 2**20)")  # well within the limit
        try:
            await ada.run("big = b'x' * (1200 * 2**20)")
            outcome = "ran"
        except RuntimeError as error:
            outcome = str(error)
        status, _ = await ada.request("GET", f"/user/{ada.name}/api/status", headers=ada.auth)
        assert status == 200
        return outcome
    finally:
        await ada.close()


def test_a_kernel_over_the_memory_limit_is_stopped(tmp_path):
    from workshop_hub import memory_cgroup

    probe = memory_cgroup("loadtest-probe", 2**30)
    if probe is None:
        pytest.skip("no writable memory cgroup here: the limit is only advertised")
    probe.parent.rmdir()
    remove_test_users()
    hub = Hub(tmp_path / "hub", "600M")
    hub.start()
    try:
        asyncio.run(hub.wait_ready(60))
        assert "the kernel died" in asyncio.run(over_the_limit(hub))
    finally:
        hub.stop()
        remove_test_users()
