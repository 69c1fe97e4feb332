"""schemathesis hooks for scripts/fuzz-api (issue 17 item 6), loaded with ``SCHEMATHESIS_HOOKS``.

- The requests go in-process to Samordna's WSGI application (the same Django stack gunicorn
  serves, middleware included) instead of over HTTP: the schema is loaded from a file and
  ``after_load_schema`` hands schemathesis the application, so no server process is started
  and no socket is involved. ``FUZZ_TRANSPORT=http`` in scripts/fuzz-api sends real HTTP to
  ``samordna serve`` instead.
- A WSGI wrapper counts every request the application answered and every server error, by the
  status it sent: the count does not depend on schemathesis' own checks (over HTTP, the answers
  schemathesis received are counted instead).
- Every request schemathesis generated as invalid (negative mode: a wrong type, a missing
  required field, a value outside its enum...) must change nothing in the database: a digest of
  every table (tests/digest.py) is taken before and after it.
At the end the counts are printed, and written to ``$FUZZ_COUNTS`` (JSON) for the script.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import sys
import threading
from collections.abc import Callable, Iterable
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samordna.settings")
django.setup()

import schemathesis  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from schemathesis.transport.wsgi import WSGITransport  # noqa: E402

from tests.digest import changed, snapshot  # noqa: E402

_lock = threading.Lock()
counts: dict[str, Any] = {
    "requests": 0,
    "server_errors": 0,
    "invalid_requests": 0,
    "changes_by_invalid_requests": 0,
    "statuses": {},
    "server_error_requests": [],
    "changes": [],
}
django_app = get_wsgi_application()
# Django logs every 4xx answer as a warning: thousands of lines here. Server errors still are.
logging.getLogger("django.request").setLevel(logging.ERROR)


def count(status: int, what: str) -> None:
    with _lock:
        counts["requests"] += 1
        counts["statuses"][str(status)] = counts["statuses"].get(str(status), 0) + 1
        if status >= 500:
            counts["server_errors"] += 1
            counts["server_error_requests"].append(what)


def counting_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """Samordna's WSGI application, counting the answers by the status it sent."""

    def counting_start_response(status: str, headers: Any, *args: Any) -> Any:
        what = f"{environ['REQUEST_METHOD']} {environ.get('PATH_INFO', '')}"
        count(int(status.split()[0]), f"{what}?{environ.get('QUERY_STRING', '')}")
        return start_response(status, headers, *args)

    return django_app(environ, counting_start_response)


IN_PROCESS = os.environ.get("FUZZ_TRANSPORT", "wsgi") == "wsgi"


def _negative(case: Any) -> bool:
    meta = getattr(case, "meta", None)
    return meta is not None and meta.generation.mode.is_negative


@schemathesis.hook
def after_load_schema(context: Any, schema: Any) -> None:
    if IN_PROCESS:
        schema.app = counting_app


_send = WSGITransport.send


def _send_without_socket_options(self: Any, case: Any, *args: Any, **kwargs: Any) -> Any:
    """schemathesis 4.32's probes (``ignored_auth``) hand the WSGI transport the network
    options of a session (``max_redirects``...), which werkzeug's client refuses with a
    TypeError; the transport drops them itself only when it is given the session."""
    for name in ("max_redirects", "verify", "cert", "proxies"):
        kwargs.pop(name, None)
    return _send(self, case, *args, **kwargs)


WSGITransport.send = _send_without_socket_options  # type: ignore[method-assign]


_digest = threading.local()


@schemathesis.hook
def before_call(context: Any, case: Any, kwargs: dict[str, Any]) -> None:
    """Before an invalid request, the digest of the database. Invalid requests come in runs
    (one operation's negative cases one after another): the digest after one is the digest
    before the next, unless a valid request came in between."""
    if not _negative(case):
        _digest.last = None
    elif getattr(_digest, "last", None) is None:
        _digest.last = snapshot()


@schemathesis.hook
def after_call(context: Any, case: Any, response: Any) -> None:
    if not IN_PROCESS:  # over HTTP, the answers schemathesis received (its probes not included)
        count(response.status_code, f"{case.method} {case.formatted_path}")
    before = getattr(_digest, "last", None)
    if before is None or not _negative(case):
        return
    after = snapshot()
    _digest.last = after
    differs = changed(before, after)
    with _lock:
        counts["invalid_requests"] += 1
        if differs:
            counts["changes_by_invalid_requests"] += 1
            counts["changes"].append(
                f"{case.method} {case.formatted_path} -> {response.status_code}: "
                + ", ".join(differs)
            )


@atexit.register
def report() -> None:
    out = sys.stdout
    print(
        f"== {counts['requests']} requests answered by the application, "
        f"server errors: {counts['server_errors']}, "
        "; "
        f"{counts['invalid_requests']} invalid requests, "
        f"database changes by them: {counts['changes_by_invalid_requests']}",
        file=out,
    )
    print(f"   statuses: {dict(sorted(counts['statuses'].items()))}", file=out)
    for line in counts["server_error_requests"][:20]:
        print(f"   server error: {line}", file=out)
    for line in counts["changes"][:20]:
        print(f"   changed by an invalid request: {line}", file=out)
    if path := os.environ.get("FUZZ_COUNTS"):
        with open(path, "w") as f:
            json.dump(counts, f, indent=1)
