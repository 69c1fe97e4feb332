"""The individual's session: whose pages are shown, and who is looking (issue 15, PAT-1).

An individual logs in with e-identification (``views_login``), never as a ``User``: the session
holds ``SESSION_KEY`` = {"viewer": identity number, "name": ..., "person": pk or None,
"acting_as": "self", "active_at": seconds}. Staff views never see it (they look at the Django
user, which such a session has none of), and a staff login removes it
(``user_logged_in``); ``individual_required`` refuses a staff session.

``current_subject(request)`` is the one way later code learns whose pages are shown: a
``Subject`` with the viewer (who logged in) and the person (whose pages). A guardian or a legal
representative acting for someone is a viewer whose ``person`` is another's; ``may_view``
decides which persons a viewer may see (today: only themself), so adding representatives is one
function.

The idle timeout is the individual's own (``settings.INDIVIDUAL_IDLE_TIMEOUT_SECONDS``, 15
minutes): the session row expires that long after its last renewal (``set_expiry``), and
``active_at`` is checked on each request as well, so a longer staff cookie age never applies.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode

from samordna.people import subjects
from samordna.people.models import Person

SESSION_KEY = "samordna_individual"
# Renew the activity mark (a session write) at most this often.
RENEW_SECONDS = 60

SELF = "self"


@dataclass(frozen=True)
class Subject:
    """Who is looking (``viewer_*``) and whose pages are shown (``person``, None when Samordna
    has nothing about them). ``acting_as`` says how the viewer may see the person: "self", or
    (later) a representative's kind."""

    viewer_identity: str
    viewer_name: str
    person: Person | None
    acting_as: str = SELF  # a ``people.subjects.Relation`` value
    ip: str | None = None

    @property
    def on_behalf(self) -> bool:
        return self.acting_as != SELF

    @property
    def viewer_label(self) -> str:
        """Who wrote something, as stored on what they wrote."""
        return self.viewer_name if not self.on_behalf else f"{self.viewer_name} ({self.acting_as})"


class IndividualRequest(HttpRequest):
    """The request type of views behind ``individual_required``: the subject is always set."""

    subject: Subject


def may_view(viewer_identity: str, person: Person) -> str | None:
    """How a viewer may see a person's pages ("self", "guardian", "trustee", "administrator"),
    None when not at all: ``people.subjects`` decides (the county's age for a child's own
    access, representatives recorded with the viewer's identity number, never a deceased or
    protected individual), asked again on every request."""
    found = subjects.subject_for(viewer_identity, person.pk)
    return None if found is None else str(found.relation)


def start(
    request: HttpRequest, identity_number: str, name: str, provider: str, id_token: str
) -> None:
    """A new individual session (any earlier session, staff or individual, is ended first)."""
    request.session.flush()
    # Their own pages first, else the first individual they represent (``people.subjects``).
    found = subjects.subjects_for(identity_number)
    person = found[0].person if found else None
    request.session[SESSION_KEY] = {
        "viewer": identity_number,
        "name": name[:200],
        "person": person.pk if person is not None else None,
        "acting_as": SELF,
        "active_at": int(time.time()),
        "provider": provider,
        "id_token": id_token,
    }
    request.session.set_expiry(settings.INDIVIDUAL_IDLE_TIMEOUT_SECONDS)


def end(request: HttpRequest) -> dict[str, Any]:
    """End the individual's session; what it held (for the provider's logout)."""
    data: dict[str, Any] = dict(request.session.get(SESSION_KEY) or {})
    request.session.flush()
    return data


def current_subject(request: HttpRequest) -> Subject | None:
    """Whose pages this request may show, or None (no individual session, or it has expired).
    Cached on the request."""
    if hasattr(request, "_individual_subject"):
        cached: Subject | None = request._individual_subject
        return cached
    subject = _load(request)
    request._individual_subject = subject  # type: ignore[attr-defined]
    return subject


def _load(request: HttpRequest) -> Subject | None:
    data = request.session.get(SESSION_KEY)
    if not isinstance(data, dict) or not isinstance(data.get("viewer"), str):
        return None
    now = int(time.time())
    active_at = data.get("active_at")
    if not isinstance(active_at, int) or not 0 <= now - active_at < (
        settings.INDIVIDUAL_IDLE_TIMEOUT_SECONDS
    ):
        request.session.flush()
        return None
    person = None
    person_pk = data.get("person")
    if isinstance(person_pk, int):
        person = Person.objects.select_related("municipality").filter(pk=person_pk).first()
    acting_as = None if person is None else may_view(data["viewer"], person)
    if person is not None and acting_as is None:
        person = None  # the link ended since login: nothing is shown
    if now - active_at >= RENEW_SECONDS:
        request.session[SESSION_KEY] = {**data, "active_at": now}
        request.session.set_expiry(settings.INDIVIDUAL_IDLE_TIMEOUT_SECONDS)
    from samordna.accounts.middleware import client_ip

    return Subject(
        viewer_identity=data["viewer"],
        viewer_name=str(data.get("name", "")),
        person=person,
        acting_as=acting_as or SELF,
        ip=client_ip(request),
    )


View = Callable[..., HttpResponse]


def individual_required(view: View) -> View:
    """Only an individual's session: a staff session is refused (403), no session goes to the
    individual's login page."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            raise PermissionDenied
        subject = current_subject(request)
        if subject is None:
            login = reverse("mypages:login")
            return HttpResponseRedirect(login + "?" + urlencode({"next": request.get_full_path()}))
        request.subject = subject  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapped


def _staff_login(sender: Any, request: HttpRequest | None, **kwargs: Any) -> None:
    """A staff login in a browser that had an individual's session: the individual's part goes."""
    if (
        request is not None
        and hasattr(request, "session")
        and request.session.pop(SESSION_KEY, None) is not None
    ):
        request.session.pop("_session_expiry", None)  # the staff idle timeout again


def connect() -> None:
    user_logged_in.connect(_staff_login, dispatch_uid="mypages-staff-login")
