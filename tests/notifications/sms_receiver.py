"""A real SMS gateway stand-in on 127.0.0.1: it takes ``POST`` JSON as ``HttpSmsGateway``
sends it, checks the bearer token, and can be told to answer an error status."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Gateway:
    token: str = "sms-token"
    status: int = 202  # what it answers
    received: list[dict[str, Any]] = field(default_factory=list)
    refused: int = 0
    url: str = ""


@contextmanager
def running(gateway: Gateway) -> Iterator[Gateway]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            if self.headers.get("authorization") != f"Bearer {gateway.token}":
                gateway.refused += 1
                status = 401
            else:
                status = gateway.status
                if 200 <= status < 300:
                    gateway.received.append(json.loads(body))
            self.send_response(status)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    gateway.url = f"http://127.0.0.1:{server.server_address[1]}/sms"
    try:
        yield gateway
    finally:
        server.shutdown()
