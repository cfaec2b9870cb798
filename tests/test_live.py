"""dl_workshop/live.py: a self-check's outcome reaches the instructor's live view on a hub, and nothing else
happens anywhere else: no sending outside a hub, never an exception, never a wait."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from dl_workshop import checks, live


@pytest.fixture
def receiver():
    """An HTTP server on loopback that keeps what is posted to it."""
    received = []

    class Keep(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((self.path, dict(self.headers), json.loads(body)))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Keep)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/services/live-view/api/outcomes", received
    server.shutdown()


def test_outside_a_hub_nothing_is_sent(monkeypatch):
    monkeypatch.delenv(live.URL_VARIABLE, raising=False)
    monkeypatch.setenv(live.TOKEN_VARIABLE, "a-token")
    assert live.report("negloglike", "right") is None
    monkeypatch.setenv(live.URL_VARIABLE, "http://127.0.0.1:9/x")
    monkeypatch.delenv(live.TOKEN_VARIABLE)
    assert live.report("negloglike", "right") is None


def test_sends_name_outcome_and_time_with_the_servers_token(monkeypatch, receiver):
    url, received = receiver
    monkeypatch.setenv(live.URL_VARIABLE, url)
    monkeypatch.setenv(live.TOKEN_VARIABLE, "the-servers-token")
    before = time.time()
    live.report("negloglike", "wrong").join(5)
    ((path, headers, body),) = received
    assert path == "/services/live-view/api/outcomes"
    assert headers["Authorization"] == "token the-servers-token"
    assert set(body) == {"exercise", "outcome", "time"}  # no code, no values, no name of the sender
    assert body["exercise"] == "negloglike" and body["outcome"] == "wrong"
    assert before <= body["time"] <= time.time()


def test_an_unreachable_hub_neither_raises_nor_waits(monkeypatch):
    monkeypatch.setenv(live.TOKEN_VARIABLE, "a-token")
    for url in ("http://127.0.0.1:9/nothing-listens-here", "not a url at all", "ftp://127.0.0.1:9/"):
        monkeypatch.setenv(live.URL_VARIABLE, url)
        start = time.perf_counter()
        live.report("negloglike", "right")
        assert time.perf_counter() - start < 0.5


def test_every_check_reports_its_outcome(monkeypatch):
    reported = []
    monkeypatch.setattr(live, "report", lambda name, outcome: reported.append((name, outcome)))

    def negloglike(mu, log_sigma, data):
        raise NotImplementedError()

    checks.check_exercise("negloglike", negloglike)
    assert reported == [("negloglike", checks.NOT_DONE)]
