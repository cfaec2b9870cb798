"""The instructor's live view on a real hub (HUB_LIVE_VIEW=1) on loopback: an attendee's self-checks reach it
with their server's own token, only admins see the room, and nobody can post as somebody else.

Run by `make test-hub` as root in the hub's environment (it makes two attendees' system users and removes them).
"""

import asyncio
import json
import os
import time
import urllib.request
from pathlib import Path
from types import SimpleNamespace

import pytest

from real_hub import load_test_or_skip

load_test_or_skip()
from load_test import ADMIN, Attendee, Hub, free_port, remove_test_users  # noqa: E402

SERVICE = "/services/live-view"
SCREENSHOTS = Path(__file__).resolve().parent.parent / "build" / "screenshots"
ARGS = SimpleNamespace(request_timeout=120, cell_timeout=120, notebook="notebooks/none.ipynb", exercise="negloglike")


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    remove_test_users()
    hub = Hub(tmp_path_factory.mktemp("hub"), "2G", HUB_LIVE_VIEW="1", HUB_LIVE_VIEW_PORT=str(free_port()))
    hub.start()
    try:
        asyncio.run(hub.wait_ready(60))
        yield hub
    finally:
        hub.stop()
        remove_test_users()


async def room_seen_by(person: Attendee, want=lambda room: True, timeout=30):
    """The room's table as `person`'s browser session gets it (through the hub's login), once `want` holds."""
    deadline = time.monotonic() + timeout
    while True:
        async with person.session.get(f"{SERVICE}/api/room") as r:
            if r.status != 200:
                return r.status
            room = await r.json()
        if want(room) or time.monotonic() > deadline:
            return room
        await asyncio.sleep(0.5)


CHECKS = """
from dl_workshop import checks
def negloglike(mu, log_sigma, data):
    raise NotImplementedError()
checks.check_exercise("negloglike", negloglike)
checks.check_exercise("negloglike", checks.get_exercise("negloglike").reference)
"""


async def scenario(hub):
    ada, bob = Attendee(0, hub, ARGS), Attendee(1, hub, ARGS)
    instructor = Attendee(0, hub, ARGS, name=ADMIN)
    try:
        await ada.log_in()
        await bob.log_in()
        await instructor.log_in(hub.admin_password)
        hub.tokens = {bob.name: bob.auth}  # for the browser test below

        # Ada's self-checks, run in her kernel, post with her server's token: first not done, then right.
        await ada.start_server()
        await ada.start_kernel(path=".")
        printed = await ada.run(CHECKS)
        assert "✅ negloglike" in printed
        room = await room_seen_by(instructor, lambda r: r["attendees"].get(ada.name, {}).get("negloglike", {})
                                  .get("outcome") == "right")
        assert room["exercises"] == ["negloglike"]
        assert room["attendees"][ada.name]["negloglike"]["outcome"] == "right"
        # What was sent: exercise, outcome, time, and nothing of the code.
        assert set(room["attendees"][ada.name]["negloglike"]) == {"outcome", "time"}

        # Attendees cannot open the room, neither the page nor its data.
        assert await room_seen_by(ada) == 403
        async with bob.session.get(f"{SERVICE}/") as r:
            assert r.status == 403
        async with instructor.session.get(f"{SERVICE}/") as r:
            assert r.status == 200 and "The room" in await r.text()

        # Bob cannot post as Ada: a name in the body is refused, and what he posts is his own.
        claim = {"exercise": "negloglike", "outcome": "wrong", "time": time.time(), "user": ada.name}
        async with bob.session.post(f"{SERVICE}/api/outcomes", json=claim, headers=bob.auth) as r:
            assert r.status == 400
        del claim["user"]
        async with bob.session.post(f"{SERVICE}/api/outcomes", json=claim, headers=bob.auth) as r:
            assert r.status == 204
        room = await room_seen_by(instructor)
        assert room["attendees"][ada.name]["negloglike"]["outcome"] == "right"
        assert room["attendees"][bob.name]["negloglike"]["outcome"] == "wrong"

        # No token, or a login cookie without a token, posts nothing.
        async with bob.session.post(f"{SERVICE}/api/outcomes", json=claim) as r:
            assert r.status in (401, 403)
        async with bob.session.post(f"{SERVICE}/api/outcomes", data=json.dumps(claim),
                                    headers={"Authorization": "token not-a-token"}) as r:
            assert r.status in (401, 403)
    finally:
        for person in (ada, bob, instructor):
            await person.close()


def test_live_view(hub):
    asyncio.run(asyncio.wait_for(scenario(hub), 300))



def test_the_room_in_chromium(hub):
    """The instructor's page in headless Chromium: the room as a table, refreshed as outcomes come in;
    an attendee who opens it is refused."""
    sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright
    chromium = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
    if not chromium.exists():
        pytest.skip("needs Debian's chromium (apt-get install chromium)")
    (bob, auth), = hub.tokens.items()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=["--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 900, "height": 500})
            console = []
            page.on("console", lambda message: console.append(message.text))
            page.on("requestfailed", lambda request: console.append(f"{request.url} {request.failure}"))

            def log_in(name, password):
                page.context.clear_cookies()
                page.goto(f"{hub.url}/hub/login?next={SERVICE}/")
                page.fill("#username_input", name)
                page.fill("#password_input", password)
                page.click("#login_submit")

            log_in(ADMIN, hub.admin_password)
            bob_row = page.locator("tr", has_text=bob)
            try:
                bob_row.get_by_text("❌ wrong").wait_for(timeout=15000)
            except Exception:
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(SCREENSHOTS / "hub-live-view-failed.png"))
                raise AssertionError(f"the room did not show at {page.url}: {console}")
            assert "✅ right" in page.locator("tr", has_text="loadtest000").inner_text()
            assert page.locator("th[scope=col]").all_inner_texts() == ["attendee", "negloglike"]
            # Bob gets it right: the open page shows it within its refresh, without a reload.
            post = {"exercise": "negloglike", "outcome": "right", "time": time.time()}
            request = urllib.request.Request(f"{hub.url}{SERVICE}/api/outcomes", data=json.dumps(post).encode(),
                                             headers=auth, method="POST")
            urllib.request.urlopen(request, timeout=30).close()
            bob_row.get_by_text("✅ right").wait_for(timeout=15000)
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / "hub-live-view.png"))

            log_in(bob, hub.password)
            assert "403" in page.content() and not page.locator("table#room tr").count()
        finally:
            browser.close()
