"""An individual who already has a SIP is admitted: the SIP follows the stay (issue 14 item 5,
SPEC SIP-17, extending SIP-3 and SIP-7).

Seed 002_ca8314ba67d4fca6.txt line 156: "Kallelse till samordnad individuell planering eller
uppföljning av redan upprättad SIP ska skickas senast tre dagar efter det att meddelande om
utskrivningsklar är skickat ... Önskvärt är att patienten, om möjligt, har en enda SIP upprättad
och att det är den som följs upp." Seed 001_118551e475ece215.txt lines 609-611: "Har patienten
en upprättad plan ska denna följas upp inom 21 dagar efter utskrivning från slutenvården."

So rather than a second SIP (which SIP-3 refuses), the existing one is linked to the stay
(``SipCase.origin``): the invitation deadline runs from the ready notice, the invitation is the
payment-liability condition on the stay, and the discharge gives it a follow-up deadline.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from samordna.accounts.actor import Actor
from samordna.cases import services as cases
from samordna.cases.acts import act
from samordna.cases.models import Case, Notice, Obligation
from samordna.core import deadlines
from samordna.errors import Conflict, ServiceError
from samordna.sip.models import SipCase
from samordna.sip.services import case as case_acts


def following_sip(stay_case: Case) -> Case | None:
    """The active SIP that follows the stay (opened from it or linked to it), if any."""
    return (
        Case.objects.filter(sip__origin=stay_case, closed_at__isnull=True)
        .select_related("owner_unit__principal__county")
        .first()
    )


def ready_notice_sent_at(stay_case: Case) -> dt.datetime | None:
    """When the last ready-for-discharge notice of the stay was sent, or None."""
    return (
        Notice.objects.filter(case=stay_case, kind=Notice.Kind.READY)
        .order_by("-sent_at")
        .values_list("sent_at", flat=True)
        .first()
    )


def oblige_invitation(sip_case: Case, ready_sent_at: dt.datetime) -> None:
    """The SIP's coordinator's unit invites within the rule set's days of the ready notice."""
    rules = sip_case.owner_unit.principal.county.rule_set
    due = deadlines.discharge_invitation_due(ready_sent_at, rules)
    cases.oblige(sip_case, sip_case.owner_unit, Obligation.Kind.SIP_INVITATION, due)


@act
def link_stay(actor: Actor, pk: int, stay_pk: int) -> SipCase:
    """Link the individual's active SIP to a stay. The unit must see both: the SIP (it takes
    part and the consent covers it, seed 002 line 156: "samtycke krävs för att ta del av en
    tidigare upprättad SIP") and the stay (it is the ward or a recipient of its notices)."""
    case = case_acts.get(actor, pk, "sip.link_stay", lock=True)
    cases.require_active(case)
    stay_case = cases.get_case(actor, stay_pk, Case.Kind.DISCHARGE, "stay.link_sip", lock=True)
    sip = case.sip
    if stay_case.person_id != case.person_id:
        raise ServiceError("other_individual", _("The stay is another individual's."), "stay")
    if sip.origin_id == stay_case.pk:
        raise Conflict("already_linked", _("The SIP already follows this stay."))
    if sip.origin_id is not None and sip.origin is not None and sip.origin.is_active:
        raise Conflict(
            "follows_other_stay", _("The SIP already follows another stay that is not over.")
        )
    stay = stay_case.stay
    if not stay_case.is_active and stay.discharged_at is None:
        raise ServiceError("case_closed", _("The stay is closed; nothing more can be done in it."))
    if stay.sip_declined_at is not None:
        raise Conflict("sip_declined", _("The patient declined a SIP during this stay."))
    previous = sip.origin_id
    SipCase.objects.filter(pk=sip.pk).update(origin=stay_case)
    sip.origin = stay_case
    ready_sent_at = ready_notice_sent_at(stay_case)
    if ready_sent_at is not None and stay.sip_invited_at is None:
        # The deadline moves from the stay's primary care to this SIP's coordinator.
        cases.cancel(stay_case, Obligation.Kind.SIP_INVITATION)
        oblige_invitation(case, ready_sent_at)
    if stay.discharged_at is not None:
        case_acts.oblige_plan_after_discharge(sip, stay.discharged_at)
    cases.record(actor, case, "stay_linked", {"stay": stay_case.pk, "previous": previous})
    cases.record(actor, stay_case, "sip_linked", {"sip": case.pk})
    return sip
