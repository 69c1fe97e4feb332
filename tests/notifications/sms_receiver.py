"""A real SMS gateway stand-in on 127.0.0.1: it takes ``POST`` JSON as ``HttpSmsGateway``
sends it, checks the bearer token, and can be told to answer an error status."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from tests.webhooks.receiver import QuietHandler, serving


@dataclass
class Gateway:
    token: str = "sms-token"
    status: int = 202  # what it answers
    received: list[dict[str, Any]] = field(default_factory=list)
    refused: int = 0
    url: str = ""


@contextmanager
def running(gateway: Gateway) -> Iterator[Gateway]:
    class Handler(QuietHandler):
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

    with serving(Handler, "/sms") as url:
        gateway.url = url
        yield gateway
