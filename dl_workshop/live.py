"""The instructor's live view: a self-check's outcome, sent to the room's hub when the hub turned the view on.

What is sent, and only this: the exercise's name, its outcome (right, wrong, not done, raised) and the time.
Never the code, its values or the messages. The hub learns who sent it from the token JupyterHub gives every
attendee's server, so an attendee can report only as themselves. Outside a hub that turned the view on
(it sets WORKSHOP_LIVE_VIEW_URL), nothing is sent; and a report never raises nor makes a check wait.
"""

import json
import os
import threading
import time
import urllib.request

URL_VARIABLE = "WORKSHOP_LIVE_VIEW_URL"
TOKEN_VARIABLE = "JUPYTERHUB_API_TOKEN"
TIMEOUT = 3.0  # seconds; the sending happens in the background


def report(exercise: str, outcome: str) -> threading.Thread | None:
    """Send one outcome in the background; return the sending thread, or None when nothing is sent."""
    try:
        url, token = os.environ.get(URL_VARIABLE), os.environ.get(TOKEN_VARIABLE)
        if not (url and token):
            return None
        body = json.dumps({"exercise": str(exercise), "outcome": str(outcome), "time": time.time()}).encode()
        request = urllib.request.Request(url, data=body, method="POST", headers={
            "Authorization": f"token {token}", "Content-Type": "application/json"})
        sender = threading.Thread(target=_send, args=(request,), name="live-view report", daemon=True)
        sender.start()
        return sender
    except Exception:  # the live view is a courtesy to the instructor: it never gets in the learner's way
        return None


def _send(request: urllib.request.Request) -> None:
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT):
            pass
    except Exception:
        pass
