"""The outcomes the access table declares, and how an answer is sorted into one.

An outcome is a status (or a few equivalent ones), whether the answer may show the individual
and whether the request may change anything. Only the outcomes marked ``shows`` may show Sture:
every other answer is searched for his name, identity number and record, and a hit is a leak
whatever the status. Only the outcomes marked ``writes`` (``DONE``, ``CREATED``, ``ACCEPTED``,
``NO_CONTENT``) may change a table."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpResponseBase


@dataclass(frozen=True)
class Outcome:
    name: str
    statuses: frozenset[int]
    shows: bool = False  # may the answer show the individual
    writes: bool = False  # may the request change something (an accepted write)
    location: str | None = None  # a redirect's target: "login", "admin-login", "other", "inside"

    def __repr__(self) -> str:
        return self.name


def outcome(name: str, *statuses: int, **kind: bool | str) -> Outcome:
    return Outcome(name, frozenset(statuses), **kind)  # type: ignore[arg-type]


SEES = outcome("SEES", 200, shows=True)  # the page or answer, the individual's data on it
OK = outcome("OK", 200)  # a page or answer that must not show the individual
STOP_POLLING = outcome("STOP_POLLING", 286)  # htmx: stop polling (the login has ended)
DONE = outcome("DONE", 302, writes=True, location="other")  # a screen's write, accepted
REDIRECT = outcome("REDIRECT", 302, location="other")  # onwards, nothing changed (a refusal
# shown as a message on the next page counts here: the change check proves it refused)
LOGIN = outcome("LOGIN", 302, location="login")  # to the login page, nothing else
ADMIN_LOGIN = outcome("ADMIN_LOGIN", 302, location="admin-login")  # to the admin's login
CREATED = outcome("CREATED", 201, shows=True, writes=True)  # an API write, accepted
ACCEPTED = outcome("ACCEPTED", 200, shows=True, writes=True)  # an API write answered 200
NO_CONTENT = outcome("NO_CONTENT", 204, writes=True)  # an API write, accepted, nothing to show
INVALID = outcome("INVALID", 400, 422)  # the input is refused; says nothing of the individual
REFUSED_SEEN = outcome("REFUSED_SEEN", 400, 422, shows=True)  # refused, form shown again
CONFLICT = outcome("CONFLICT", 409)  # the act refuses in this state (already done, too early)
CONFLICT_SEEN = outcome("CONFLICT_SEEN", 409, shows=True)  # ... with the page shown again
UNAUTHENTICATED = outcome("UNAUTHENTICATED", 401)  # the API without a valid token
DENIED = outcome("DENIED", 403)  # the role may not
DENIED_SEEN = outcome("DENIED_SEEN", 403, shows=True)  # refused act, the case page shown again
NOT_FOUND = outcome("NOT_FOUND", 404)  # not there for this unit (or at all)
NOT_ALLOWED = outcome("NOT_ALLOWED", 405)  # the route does not take this method
UNAVAILABLE = outcome("UNAVAILABLE", 503)  # a service it depends on does not answer
# The Django admin, for staff: whatever Django answers (a page, a redirect inside the admin, 403
# for what no one may do such as adding an access-log row, 404), never its login again. It shows
# the access log, which names individuals, to the county administrator who reviews it.
STAFF = outcome("STAFF", 200, 302, 403, 404, 405, shows=True, location="inside")


def location_kind(response: HttpResponseBase, login: str, admin_login: str) -> str:
    target = response.get("Location", "").split("?")[0]  # the login page itself, not under it
    if target == admin_login:
        return "admin-login"
    if target == login:
        return "login"
    return "other"


def matches(expected: Outcome, response: HttpResponseBase, login: str, admin_login: str) -> bool:
    if response.status_code not in expected.statuses:
        return False
    if response.status_code != 302 or expected.location is None:
        return True
    kind = location_kind(response, login, admin_login)
    if expected.location == "inside":
        return kind != "admin-login"
    return kind == expected.location


def describe(response: HttpResponseBase, login: str, admin_login: str) -> str:
    """What came instead, for a mismatch message."""
    status = response.status_code
    if status == 302:
        return f"302 to {response.get('Location', '')}"
    return str(status)
