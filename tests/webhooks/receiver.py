"""A real webhook receiver on 127.0.0.1, as an integrating system would write one: it verifies
each request with the ``standardwebhooks`` reference library and de-duplicates on
``webhook-id``. It can be told to fail requests (an error status, or a dropped connection), or
(``stall()``, for ``scripts/reliability``) to store a request and hold its answer, as a receiver
whose answer is lost does: the sender is then between post and finish, the moment a kill makes
the one repetition at-least-once allows."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks.webhooks import Webhook, WebhookVerificationError


@dataclass
class Receiver:
    secret: str
    # What to do with the n-th request (from 1): "ok", "500" (not stored), "drop" (the
    # connection is closed unanswered), "stored-500" (stored, yet answered 500: the sender must
    # retry and the receiver sees a duplicate).
    plan: dict[int, str] = field(default_factory=dict)
    requests: int = 0
    arrivals: list[str] = field(default_factory=list)  # every webhook-id verified, in order
    events: dict[str, dict[str, Any]] = field(default_factory=dict)  # de-duplicated
    order: list[str] = field(default_factory=list)  # ids in the order first stored
    bad_signatures: int = 0
    url: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)
    stalling: bool = False
    held: threading.Event = field(default_factory=threading.Event)

    def stall(self) -> None:
        self.held.clear()
        self.stalling = True

    def release(self) -> None:
        self.stalling = False

    def handle(self, headers: dict[str, str], body: bytes) -> str:
        with self.lock:
            self.requests += 1
            what = self.plan.get(self.requests, "ok")
            if what == "drop":
                return what
            try:
                payload = Webhook(self.secret).verify(body, headers)
            except WebhookVerificationError:
                self.bad_signatures += 1
                return "400"
            if what == "500":
                return what
            message_id = headers["webhook-id"]
            self.arrivals.append(message_id)
            if message_id not in self.events:  # de-duplication on the stable id
                self.events[message_id] = payload
                self.order.append(message_id)
            return "500" if what == "stored-500" else "ok"


@contextmanager
def running(receiver: Receiver) -> Iterator[Receiver]:
    class Handler(QuietHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            headers = {k.lower(): v for k, v in self.headers.items()}
            what = receiver.handle(headers, body)
            if what == "ok" and receiver.stalling:  # stored; the answer is held
                receiver.held.set()
                while receiver.stalling:
                    time.sleep(0.05)
                with contextlib.suppress(OSError):  # the sender may be dead by now
                    self.send_response(204)
                    self.send_header("content-length", "0")
                    self.end_headers()
                return
            if what == "drop":
                self.close_connection = True
                self.connection.close()
                return
            status = 204 if what == "ok" else int(what)
            self.send_response(status)
            self.send_header("content-length", "0")
            self.end_headers()

    with serving(Handler, "/hooks") as url:
        receiver.url = url
        yield receiver


class QuietHandler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serving(handler: type[BaseHTTPRequestHandler], path: str) -> Iterator[str]:
    """A real HTTP server on a free port of 127.0.0.1 in a thread; yields its URL for ``path``."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{path}"
    finally:
        server.shutdown()
        server.server_close()


def types(receiver: Receiver) -> list[str]:
    return [receiver.events[i]["type"] for i in receiver.order]


def dumps(receiver: Receiver) -> str:
    return json.dumps(list(receiver.events.values()), ensure_ascii=False)
