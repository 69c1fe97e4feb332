"""SIP case acts over REST (API-1): open, read, consent, coordinator, closure; and death (PER-4).

Same services as the screens; errors are the API's ``{"code", "message", "field"}``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from samordna.accounts.actor import Actor
from samordna.api.common import ERRORS, actor_of, auth
from samordna.cases import services as cases
from samordna.cases.models import Case
from samordna.errors import NotFound, ServiceError
from samordna.organisations.models import Unit, User
from samordna.people.services import lookup
from samordna.sip import listing
from samordna.sip.models import Consent, ConsentForm, SipCase
from samordna.sip.services import case as case_acts
from samordna.sip.services import consent as consent_acts
from samordna.sip.services import stay_link
from samordna.validation import Code, LifeDay, Limit, LongText, Moment, Text

router = Router(tags=["sip"], auth=auth)


def _actor(request: HttpRequest) -> Actor:
    actor: Actor = request.auth  # type: ignore[attr-defined]
    return actor


class OpenIn(Schema):
    identity_number: Code = Field(..., examples=["19360323-9090"])
    type: SipCase.Type
    need_known_at: Moment
    reason: LongText = ""


class DeadlineOut(Schema):
    kind: str
    unit: str = Field(..., alias="unit.code")
    due_at: dt.datetime
    met_at: dt.datetime | None
    cancelled_at: dt.datetime | None


class CoordinatorOut(Schema):
    user: str = Field(..., alias="user.username")
    unit: str = Field(..., alias="unit.code")
    assumed_at: dt.datetime
    renounced_at: dt.datetime | None
    reason: str


class ConsentOut(Schema):
    carried_from_stay: int | None = Field(
        None, alias="carried_from_id", description="Given with this stay's admission notice"
    )
    decision: str
    giver: str
    giver_name: str
    form: str
    given_at: dt.datetime
    withdrawn_at: dt.datetime | None
    superseded_at: dt.datetime | None = Field(None, description="Replaced by an amendment")
    amendment_reason: str = ""
    widened_at: dt.datetime | None = None
    units: list[str]
    child_view: str

    @staticmethod
    def resolve_units(obj: Consent) -> list[str]:
        return [u.code for u in obj.units.all()]


class SipOut(Schema):
    id: int
    identity_number: str = Field(..., alias="person.identity_number")
    type: str = Field(..., alias="sip.type")
    need_known_at: dt.datetime = Field(..., alias="sip.need_known_at")
    phase: SipCase.Phase = Field(..., alias="sip.phase", description="SIP-4, SIP-19 (seed 004).")
    coordinator_wish: str = Field(
        ..., alias="sip.coordinator_wish", description="The individual's wish (SIP-21)"
    )
    follows_stay: int | None = Field(
        ..., alias="sip.origin_id", description="The stay this SIP follows (SIP-17)."
    )
    owner_unit: str = Field(..., alias="owner_unit.code")
    opened_at: dt.datetime
    closed_at: dt.datetime | None
    close_reason: str
    coordinators: list[CoordinatorOut]
    consents: list[ConsentOut]
    deadlines: list[DeadlineOut]

    @staticmethod
    def resolve_coordinators(obj: Case) -> list[Any]:
        return list(obj.coordinators.select_related("user", "unit"))

    @staticmethod
    def resolve_consents(obj: Case) -> list[Any]:
        return list(obj.consents.prefetch_related("units"))

    @staticmethod
    def resolve_deadlines(obj: Case) -> list[Any]:
        return list(obj.obligations.select_related("unit"))


class ConsentIn(Schema):
    decision: Consent.Decision
    giver: Consent.Giver
    giver_name: Text = ""
    form: ConsentForm
    given_at: Moment
    units: list[Code] = Field(default_factory=list, description="Unit codes")
    child_view: LongText = ""


class ConsentAmendIn(Schema):
    """The consent in force as it should read now: a new version replaces it (issue 18 item 2)."""

    giver: Consent.Giver
    giver_name: Text = ""
    form: ConsentForm
    given_at: Moment
    units: list[Code] = Field(default_factory=list, description="Unit codes, all of them")
    child_view: LongText = ""
    reason: Annotated[str, Limit(2000)] = Field(..., description="What is corrected, and why")
    widening_confirmed: bool = Field(
        False, description="Required when units are added: the individual has agreed to them"
    )
    widened_at: Moment | None = Field(None, description="When the individual agreed")


class CoordinatorIn(Schema):
    username: Code
    unit: Code = Field(..., description="Unit code")
    reason: Annotated[str, Limit(300)]


class CoordinatorWishIn(Schema):
    wish: Annotated[str, Limit(500)] = Field(..., description="Empty removes the wish")


class LinkStayIn(Schema):
    stay: int = Field(..., ge=1, le=2**63 - 1, description="The stay's case id")


class CloseIn(Schema):
    reason: Code = Field(..., examples=["goals_met"])
    comment: LongText = ""


class PersonDeathIn(Schema):
    died_on: LifeDay


def _reread(actor: Actor, pk: int) -> Case:
    return case_acts.get(actor, pk)


def _reread_or_gone(actor: Actor, pk: int) -> Any:
    """After an act that may end the unit's sight of the case (a withdrawn consent, coordination
    handed to a unit the consent names): the case, or 204 when the unit no longer sees it
    (SEC-1). The act is stored either way; a 404 would invite a retry."""
    if not Case.objects.visible_to(actor).filter(pk=pk).exists():
        return Status(204, None)
    return _reread(actor, pk)


class SipListItem(Schema):
    id: int = Field(..., alias="case.pk")
    identity_number: str = Field(..., alias="case.person.identity_number")
    name: str = Field(..., alias="case.person.full_name")
    type: str = Field(..., alias="case.sip.type")
    phase: SipCase.Phase = Field(..., alias="case.sip.phase")
    opened_at: dt.datetime = Field(..., alias="case.opened_at")
    coordinator_unit: str | None

    @staticmethod
    def resolve_coordinator_unit(obj: listing.Row) -> str | None:
        return obj.coordinator.unit.code if obj.coordinator else None


class SipListOut(Schema):
    page: int
    has_next: bool
    total: int
    counts: dict[str, int] = Field(..., description='Active SIPs per phase; "" is all.')
    items: list[SipListItem]


@router.get("", response={200: SipListOut, **ERRORS})
def list_sips(
    request: HttpRequest,
    phase: SipCase.Phase | None = None,
    page: Annotated[int, Field(ge=1, le=1000)] = 1,
) -> Any:
    """The active SIPs the token's unit takes part in, newest first, 50 a page, optionally in
    one phase (SIP-19)."""
    found = listing.sip_list(actor_of(request), phase, page)
    return {
        "page": found.page.number,
        "has_next": found.page.has_next,
        "total": found.total,
        "counts": found.counts,
        "items": found.rows,
    }


@router.post("", response={201: SipOut, **ERRORS})
def open_sip(request: HttpRequest, payload: OpenIn) -> Any:
    """Open a SIP for a registered individual; the token's user becomes coordinator."""
    actor = actor_of(request)
    found = lookup(actor, payload.identity_number)
    if found.person is None:
        raise NotFound("not_registered", "Individen är inte registrerad.", "identity_number")
    case = case_acts.open_case(
        actor, found.person.identity_number, payload.type, payload.need_known_at, payload.reason
    )
    return Status(201, _reread(actor, case.pk))


@router.get("/{int:case_id}", response={200: SipOut, **ERRORS})
def get_sip(request: HttpRequest, case_id: int) -> Any:
    return _reread(actor_of(request), case_id)


@router.post("/{int:case_id}/consent", response={200: SipOut, **ERRORS})
def record_consent(request: HttpRequest, case_id: int, payload: ConsentIn) -> Any:
    actor = actor_of(request)
    data = payload.dict()
    data["units"] = _units(payload.units)
    consent_acts.record_consent(actor, case_id, data)
    return _reread(actor, case_id)


def _units(codes: list[str]) -> list[Unit]:
    units = list(Unit.objects.filter(code__in=codes))
    if len(units) != len(set(codes)):
        raise ServiceError("invalid_unit", "Okänd enhet i samtyckets omfattning.", "units")
    return units


@router.post("/{int:case_id}/consent/amend", response={200: SipOut, **ERRORS})
def amend_consent(request: HttpRequest, case_id: int, payload: ConsentAmendIn) -> Any:
    """Correct the consent in force or change its units, as a new version. Adding units needs
    ``widening_confirmed`` and ``widened_at``; a removed unit no longer sees the case. Only the
    coordinator's unit amends, and it always sees the case."""
    actor = actor_of(request)
    data = payload.dict()
    data["units"] = _units(payload.units)
    consent_acts.amend_consent(actor, case_id, data)
    return _reread(actor, case_id)


@router.post("/{int:case_id}/consent/withdraw", response={200: SipOut, 204: None, **ERRORS})
def withdraw_consent(request: HttpRequest, case_id: int) -> Any:
    """Withdraw the consent in force; the case closes. The coordinator's unit gets the closed
    case back; any other unit no longer sees it once the consent is gone (SEC-1): 204."""
    actor = actor_of(request)
    consent_acts.withdraw_consent(actor, case_id)
    return _reread_or_gone(actor, case_id)


@router.post("/{int:case_id}/coordinator", response={200: SipOut, 204: None, **ERRORS})
def change_coordinator(request: HttpRequest, case_id: int, payload: CoordinatorIn) -> Any:
    """Hand the coordination to another user and unit. A unit that hands it over and that the
    consent does not name no longer sees the case: 204."""
    actor = actor_of(request)
    user = User.objects.filter(username=payload.username).first()
    unit = Unit.objects.filter(code=payload.unit).first()
    case_acts.change_coordinator(
        actor, case_id, user.pk if user else 0, unit.pk if unit else 0, payload.reason
    )
    return _reread_or_gone(actor, case_id)


@router.post("/{int:case_id}/coordinator-wish", response={200: SipOut, **ERRORS})
def coordinator_wish(request: HttpRequest, case_id: int, payload: CoordinatorWishIn) -> Any:
    """SIP-21: the individual's wish about who coordinates (seed 004 lines 208-210)."""
    actor = actor_of(request)
    case_acts.record_coordinator_wish(actor, case_id, payload.wish)
    return _reread(actor, case_id)


@router.post("/{int:case_id}/link-stay", response={200: SipOut, **ERRORS})
def link_stay(request: HttpRequest, case_id: int, payload: LinkStayIn) -> Any:
    """SIP-17: the individual's existing SIP follows the stay instead of a second SIP (seed 002
    line 156, seed 001 lines 609-611)."""
    actor = actor_of(request)
    stay_link.link_stay(actor, case_id, payload.stay)
    return _reread(actor, case_id)


@router.post("/{int:case_id}/close", response={200: SipOut, **ERRORS})
def close_sip(request: HttpRequest, case_id: int, payload: CloseIn) -> Any:
    actor = actor_of(request)
    case_acts.close_case(actor, case_id, payload.reason, payload.comment)
    return _reread(actor, case_id)


persons_router = Router(tags=["individuals"], auth=auth)


class DeathOut(Schema):
    closed_cases: int


@persons_router.post("/{int:person_id}/death", response={200: DeathOut, **ERRORS})
def register_death(request: HttpRequest, person_id: int, payload: PersonDeathIn) -> Any:
    """PER-4: closes every active SIP and discharge process of the individual."""
    return {"closed_cases": cases.register_death(actor_of(request), person_id, payload.died_on)}
