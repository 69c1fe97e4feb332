"""Structured logs (issue 16 item 5): each request gets an id (the proxy's ``X-Request-ID`` when
it is a plain token, else a new one), sent back in the answer's ``X-Request-ID`` and attached to
every log record written while the request runs; the request log is one JSON object per line.

No personal data: the request line names the view and its URL pattern (``sip/<int:case_id>/``),
never the path itself or the query (a search for a name or an identity number is in them),
nor the user, nor the client's address (the proxy's access log has it, under its own rules).
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
import re
import uuid
from typing import Any

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")

# What a proxy's id may look like to be kept (nginx's $request_id is 32 hex digits).
_ACCEPTED = re.compile(r"[A-Za-z0-9._-]{8,64}\Z")


def choose_id(header: str | None) -> str:
    if header and _ACCEPTED.match(header):
        return header
    return uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    """Gives every record the id of the request it was written in ("" outside one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id.get()
        return True


# LogRecord's own attributes: everything else on a record came from ``extra``.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "request_id"}


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time (UTC), level, logger, message, the request id and the
    fields given in ``extra``."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "") or request_id.get(),
        }
        entry.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)
