"""Text messages through the county's SMS gateway (issue 15 item 5).

``SmsGateway`` is what the worker needs of one: ``send(to, text)`` that returns when the gateway
took the message and raises ``SmsError`` otherwise. ``HttpSmsGateway`` speaks the common shape
of such services: a POST of JSON ``{"to": "+4670...", "from": ..., "text": ...}`` with a bearer
token, any 2xx meaning taken. ``settings.SMS_GATEWAY`` names the class (another adapter for
another gateway plugs in there); ``SMS_GATEWAY_URL``/``_TOKEN``/``_SENDER`` come from the
environment (``SAMORDNA_SMS_GATEWAY_URL`` ...). Without a URL there is no SMS: the pages do not
offer it.
"""

from __future__ import annotations

from typing import Protocol

import requests
from django.conf import settings
from django.utils.module_loading import import_string

CONNECT_TIMEOUT = 5
READ_TIMEOUT = 10


class SmsError(Exception):
    pass


class SmsGateway(Protocol):
    def send(self, to: str, text: str) -> None:
        """Hand one message to the gateway; raise SmsError unless it took it."""


class HttpSmsGateway:
    def __init__(self, url: str, token: str = "", sender: str = "Samordna") -> None:
        self.url, self.token, self.sender = url, token, sender

    def send(self, to: str, text: str) -> None:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        try:
            with requests.post(
                self.url,
                json={"to": to, "from": self.sender, "text": text},
                headers=headers,
                timeout=(CONNECT_TIMEOUT, READ_TIMEOUT),
                allow_redirects=False,
                stream=True,
            ) as response:
                status = response.status_code
        except requests.RequestException as error:
            raise SmsError(type(error).__name__) from None
        if not 200 <= status < 300:
            raise SmsError(f"HTTP {status}")


def available() -> bool:
    return bool(getattr(settings, "SMS_GATEWAY_URL", ""))


def gateway() -> SmsGateway:
    if not available():
        raise SmsError("no SMS gateway configured")
    cls = import_string(settings.SMS_GATEWAY)
    found: SmsGateway = cls(
        settings.SMS_GATEWAY_URL, settings.SMS_GATEWAY_TOKEN, settings.SMS_GATEWAY_SENDER
    )
    return found
