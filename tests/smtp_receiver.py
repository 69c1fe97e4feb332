"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps every message it accepted, for tests
of mail that must arrive once: the digest's kill test and ``scripts/reliability``.

``stall()`` makes it hold the next messages at the end of DATA without answering, as a slow
mail server does: the client is then inside ``send`` (claimed, not yet sent), the moment a kill
must lose nothing. A held message is never accepted (no 250), so it does not count.
"""

from __future__ import annotations

import asyncio
import email
import socket
import threading
from collections import Counter
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _Handler:
    def __init__(self, receiver: SmtpReceiver) -> None:
        self.receiver = receiver

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        r = self.receiver
        if r.stalling:
            r.held.set()
            while r.stalling:
                await asyncio.sleep(0.05)
            return "451 4.3.0 try again later"
        message = email.message_from_bytes(envelope.content)
        with r.lock:
            r.messages.append(
                {
                    "message_id": message["Message-ID"],
                    "to": list(envelope.rcpt_tos),
                    "subject": message["Subject"],
                }
            )
        return "250 OK"


class SmtpReceiver:
    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.messages: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        self.stalling = False
        self.held = threading.Event()
        self.controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> SmtpReceiver:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stalling = False
        self.controller.stop()

    def stall(self) -> None:
        self.held.clear()
        self.stalling = True

    def release(self) -> None:
        self.stalling = False

    def ids(self) -> Counter[str]:
        with self.lock:
            return Counter(m["message_id"] for m in self.messages)
