"""The FHIR reads, each logged in the access log as the system's (``via`` = ``fhir``)."""

from __future__ import annotations

from django.http import QueryDict
from fhir.resources.R4B.resource import Resource

from samordna.accounts.actor import Actor
from samordna.audit.models import AccessLog
from samordna.audit.services import log, log_many
from samordna.interop.fhir.kinds import KINDS, Found
from samordna.interop.fhir.search import as_id, check_names, page_of


def read(actor: Actor, kind: str, pk: str) -> Resource | None:
    """One resource the system's unit sees, or None (404: not there, or not for this unit)."""
    number = as_id(pk)
    found = KINDS[kind].read(actor, number) if number is not None else None
    if found is None:
        return None
    resource, person = found
    if person is not None:
        log(actor, AccessLog.Action.READ, f"fhir.read: {kind}", person)
    return resource


def search(actor: Actor, kind: str, query: QueryDict) -> tuple[Found, int, int]:
    """A page of the type's resources the system's unit sees; raises ``search.Invalid``. The
    individuals shown are logged one row each; a search naming an individual is logged even
    when it finds nothing (an unknown individual too, without one)."""
    check_names(query, KINDS[kind].params)
    page = page_of(query)
    found = KINDS[kind].search(actor, query, page)
    what = f"fhir.search: {kind}"
    shown = list({p.pk: p for p in found.persons}.values())
    if found.unknown_patient:
        log(actor, AccessLog.Action.SEARCH, "fhir.search: unknown_patient")
    elif shown:
        log_many(actor, AccessLog.Action.SEARCH, what, shown)
    elif found.asked is not None:
        log(actor, AccessLog.Action.SEARCH, what, found.asked)
    return found, page.number, page.size
