"""The instructor's live view: a JupyterHub service that shows the room as attendees by exercises.

Started by the hub when HUB_LIVE_VIEW=1 (hub/jupyterhub_config.py). Attendees' self-checks post
`{"exercise", "outcome", "time"}` to /services/live-view/api/outcomes with their server's own token
(dl_workshop/live.py); the attendee is whoever the hub says owns that token, never a name in the body. The page
(/services/live-view/) and its data (/services/live-view/api/room) are for admin accounts alone; the page
refreshes itself every few seconds. Outcomes are kept in memory only: a restart of the hub starts afresh.
"""

import json
import os
import re
from urllib.parse import urlparse

from jupyterhub.services.auth import HubAuthenticated, HubOAuthCallbackHandler, HubOAuthenticated
from jupyterhub.utils import url_path_join
from tornado import ioloop, web

OUTCOMES = ("right", "wrong", "not done", "raised")
EXERCISE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
MAX_EXERCISES = 500  # per attendee: a bound on what one attendee can make the service keep


class Room:
    """The latest outcome of each attendee on each exercise, with the time it came."""

    def __init__(self):
        self.outcomes: dict[str, dict[str, dict]] = {}

    def record(self, attendee: str, exercise: str, outcome: str, when: float) -> None:
        mine = self.outcomes.setdefault(attendee, {})
        if exercise not in mine and len(mine) >= MAX_EXERCISES:
            raise ValueError("too many exercises")
        if exercise not in mine or mine[exercise]["time"] <= when:
            mine[exercise] = {"outcome": outcome, "time": when}

    def table(self) -> dict:
        """Exercises in the order they were first seen, and each attendee's row."""
        exercises = []
        for row in self.outcomes.values():
            exercises += [name for name in row if name not in exercises]
        return {"exercises": exercises, "attendees": {name: self.outcomes[name] for name in sorted(self.outcomes)}}


def parse_outcome(body: bytes) -> tuple[str, str, float]:
    """(exercise, outcome, time) from a posted body, or ValueError saying what was expected."""
    data = json.loads(body)
    if not isinstance(data, dict) or set(data) != {"exercise", "outcome", "time"}:
        raise ValueError('expected exactly {"exercise": name, "outcome": one of %s, "time": seconds}' % (OUTCOMES,))
    exercise, outcome, when = data["exercise"], data["outcome"], data["time"]
    if not (isinstance(exercise, str) and EXERCISE_NAME.match(exercise)):
        raise ValueError("the exercise should be a Python name of at most 64 characters")
    if outcome not in OUTCOMES:
        raise ValueError(f"the outcome should be one of {OUTCOMES}")
    if not isinstance(when, (int, float)) or isinstance(when, bool):
        raise ValueError("the time should be seconds since the epoch")
    return exercise, outcome, float(when)


class OutcomeHandler(HubAuthenticated, web.RequestHandler):
    """POST an outcome, authenticated by an API token in the Authorization header alone (a server's token):
    a login cookie never posts, so no page elsewhere can post in an attendee's name."""

    def initialize(self, room: Room):
        self.room = room

    def check_xsrf_cookie(self):
        pass  # no cookie is looked at

    async def post(self):
        scheme, _, token = self.request.headers.get("Authorization", "").partition(" ")
        user = await self.hub_auth.user_for_token(token, sync=False) if scheme == "token" and token else None
        if not user or not self.hub_auth.check_scopes(self.hub_auth.access_scopes, user):
            raise web.HTTPError(403, "post with your server's token")
        try:
            self.room.record(user["name"], *parse_outcome(self.request.body))
        except ValueError as error:
            raise web.HTTPError(400, str(error))
        self.set_status(204)


class AdminOnly(HubOAuthenticated):
    """A page for admin accounts only; anybody else gets 403."""

    def initialize(self, room: Room):
        self.room = room

    def prepare(self):
        user = self.current_user
        if user is None:
            return  # @web.authenticated sends them to log in
        if not user.get("admin"):
            raise web.HTTPError(403, "the live view is for the instructor's (admin) accounts")


class RoomDataHandler(AdminOnly, web.RequestHandler):
    @web.authenticated
    def get(self):
        self.set_header("Cache-Control", "no-store")
        self.write(self.room.table())


class PageHandler(AdminOnly, web.RequestHandler):
    @web.authenticated
    def get(self):
        self.set_header("Content-Security-Policy", "default-src 'self'; script-src 'unsafe-inline' 'self'; "
                                                   "style-src 'unsafe-inline'")
        xsrf = self.xsrf_token  # scripts' requests carry it: the hub accepts no cookie alone from a script
        self.write(PAGE.replace("DATA_URL", json.dumps(url_path_join(self.hub_auth.base_url, "api/room")))
                   .replace("XSRF_TOKEN", json.dumps(xsrf.decode() if isinstance(xsrf, bytes) else xsrf)))


PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>The room: live view</title>
<style>
 body { font-family: system-ui, sans-serif; margin: 1.5rem; }
 table { border-collapse: collapse; } th, td { border: 1px solid #999; padding: .3rem .6rem; text-align: center; }
 th[scope=row] { text-align: left; }
 .right { background: #d9f2d9; } .wrong, .raised { background: #f9d6d5; } .not-done { background: #eee; }
 caption { text-align: left; margin-bottom: .5rem; }
</style></head>
<body>
<h1>The room</h1>
<p>Each self-check's latest outcome: ✅ right, ❌ wrong, 💥 raised an error, ⏳ not done yet, with how long ago.
Refreshed every 3 seconds. Sent by the attendees' checks: exercise, outcome and time only, never their code.</p>
<table id="room"><caption id="summary">Waiting for the first outcome…</caption></table>
<script>
const MARKS = {"right": "✅ right", "wrong": "❌ wrong", "raised": "💥 raised", "not done": "⏳ not done"};
function ago(seconds) {
  const s = Math.max(0, Math.round(Date.now() / 1000 - seconds));
  return s < 60 ? s + " s ago" : Math.round(s / 60) + " min ago";
}
function cell(tag, text, attrs) {
  const el = document.createElement(tag);
  el.textContent = text;
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, v);
  return el;
}
async function refresh() {
  try {
    const response = await fetch(DATA_URL, {credentials: "same-origin", headers: {"X-XSRFToken": XSRF_TOKEN}});
    if (!response.ok) throw new Error(response.status);
    const room = await response.json();
    const table = document.getElementById("room");
    const names = Object.keys(room.attendees);
    const count = (n, word) => n + " " + word + (n === 1 ? "" : "s");
    table.replaceChildren(cell("caption", count(names.length, "attendee") + ", " +
                                          count(room.exercises.length, "exercise")));
    const head = document.createElement("tr");
    head.append(cell("th", "attendee", {scope: "col"}));
    room.exercises.forEach(e => head.append(cell("th", e, {scope: "col"})));
    table.append(head);
    for (const name of names) {
      const row = document.createElement("tr");
      row.append(cell("th", name, {scope: "row"}));
      for (const e of room.exercises) {
        const got = room.attendees[name][e];
        row.append(got ? cell("td", MARKS[got.outcome] + " (" + ago(got.time) + ")",
                              {class: got.outcome.replace(" ", "-")}) : cell("td", "–"));
      }
      table.append(row);
    }
  } catch (error) {
    document.getElementById("summary").textContent = "Could not refresh (" + error.message + "); retrying.";
  }
}
refresh();
setInterval(refresh, 3000);
</script>
</body></html>
"""


def make_app(room: Room | None = None) -> web.Application:
    prefix = os.environ["JUPYTERHUB_SERVICE_PREFIX"]
    room = room or Room()
    return web.Application([
        (url_path_join(prefix, "api/outcomes"), OutcomeHandler, {"room": room}),
        (url_path_join(prefix, "api/room"), RoomDataHandler, {"room": room}),
        (url_path_join(prefix, "oauth_callback"), HubOAuthCallbackHandler),
        (prefix, PageHandler, {"room": room}),
    ], cookie_secret=os.urandom(32))


def main():
    url = urlparse(os.environ["JUPYTERHUB_SERVICE_URL"])
    make_app().listen(url.port, url.hostname)
    ioloop.IOLoop.current().start()


if __name__ == "__main__":
    main()
