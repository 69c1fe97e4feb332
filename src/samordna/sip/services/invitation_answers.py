"""A unit's answers to a SIP invitation: acknowledge, accept/decline, forward (SIP-6, MSG-2),
and the unit's list of invitations.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from samordna.accounts.actor import Actor
from samordna.audit.models import AccessLog
from samordna.audit.services import log_many
from samordna.cases import services as cases
from samordna.cases.acts import act
from samordna.cases.models import Case, Delivery, Notice
from samordna.core.paging import Window, segmented
from samordna.errors import Forbidden, NotFound, ServiceError
from samordna.organisations.models import Unit
from samordna.sip.models import (
    Meeting,
)
from samordna.sip.services import case as case_acts
from samordna.sip.services.invitations import _deliver, _require_consent_scope

ANSWERS = (Delivery.Answer.ACCEPTED, Delivery.Answer.DECLINED)


INVITATIONS_PER_PAGE = 50


def _delivery(actor: Actor, delivery_pk: int, what: str) -> tuple[Case, Delivery]:
    """The actor's unit's own invitation delivery, locked; its case read through the choke point.

    Another unit taking part gets Forbidden; a unit outside the case gets NotFound (SEC-1).
    """
    case_pk = (
        Delivery.objects.filter(
            pk=delivery_pk,
            notice__kind=Notice.Kind.INVITATION,
            notice__case__in=Case.objects.visible_to(actor),
        )
        .values_list("notice__case_id", flat=True)
        .first()
    )
    if case_pk is None:
        raise NotFound("not_found", _("The invitation was not found."))
    case = case_acts.get(actor, case_pk, what, lock=True)
    cases.require_active(case)
    delivery = (
        Delivery.objects.select_for_update(of=("self",))
        .select_related("notice__meeting", "unit")
        .get(pk=delivery_pk)
    )
    if delivery.unit_id != actor.unit.pk:
        raise Forbidden(
            "not_your_invitation", _("Only the unit the invitation was sent to can do this.")
        )
    if delivery.forwarded_to_id is not None:
        raise ServiceError("forwarded", _("Your unit has forwarded this invitation."))
    return case, delivery


def _open_meeting(delivery: Delivery) -> Meeting:
    meeting: Meeting = delivery.notice.meeting
    if meeting.cancelled_at is not None:
        raise ServiceError("cancelled", _("The meeting is cancelled."))
    if meeting.held:
        raise ServiceError("already_held", _("The meeting is already recorded as held."))
    return meeting


def _acknowledge(actor: Actor, delivery: Delivery, now: dt.datetime) -> None:
    delivery.acknowledged_at = now
    delivery.acknowledged_by = actor.user


@act
def acknowledge(actor: Actor, delivery_pk: int) -> Delivery:
    """ "Kvitterar kallelse" (seed 004_2b6a4bde1435f963.txt line 66); who and when (MSG-2).

    A cancelled meeting is acknowledged too: that is how the recipient confirms it read it.
    """
    case, delivery = _delivery(actor, delivery_pk, "sip.ack")
    if delivery.acknowledged_at is not None:
        raise ServiceError(
            "already_acknowledged",
            _("%(user)s already acknowledged the invitation at %(time)s.")
            % {
                "user": delivery.acknowledged_by,
                "time": f"{timezone.localtime(delivery.acknowledged_at):%Y-%m-%d %H:%M}",
            },
        )
    now = timezone.now()
    _acknowledge(actor, delivery, now)
    delivery.save(update_fields=["acknowledged_at", "acknowledged_by"])
    late = delivery.due_at is not None and now >= delivery.due_at
    cases.record(actor, case, "invitation_acknowledged", {"delivery": delivery.pk, "late": late})
    return delivery


@act
def answer(actor: Actor, delivery_pk: int, answer: str, reason: str = "") -> Delivery:
    """Accept or decline: "nekar eller accepterar kallelse" (seed 004_2b6a4bde1435f963.txt
    lines 66-67). A decline needs a reason: "Frånvaro ... måste meddelas till den som kallat"
    (seed 002_ca8314ba67d4fca6.txt line 140). An answer can be changed until the meeting is
    held, and answering acknowledges the invitation if that was not done."""
    case, delivery = _delivery(actor, delivery_pk, "sip.answer")
    _open_meeting(delivery)
    if answer not in ANSWERS:
        raise ServiceError("invalid_answer", _("Choose accept or decline."), "answer")
    reason = reason.strip()
    if answer == Delivery.Answer.DECLINED and not reason:
        raise ServiceError("reason_required", _("Give a reason for declining."), "reason")
    now = timezone.now()
    if delivery.acknowledged_at is None:
        _acknowledge(actor, delivery, now)
    delivery.answer = answer
    delivery.answer_reason = reason
    delivery.answered_at = now
    delivery.answered_by = actor.user
    delivery.save()
    cases.record(
        actor,
        case,
        f"invitation_{answer}",
        {"delivery": delivery.pk, "reason": reason},
    )
    return delivery


@act
def forward(actor: Actor, delivery_pk: int, unit_pk: int) -> Delivery:
    """A unit that got a wrongly addressed invitation passes it on: the invited unit is obliged
    to "förmedla kallelsen till rätt vårdnivå/enhet om den hamnat fel" (seed
    002_ca8314ba67d4fca6.txt line 140). The new unit gets its own delivery and takes part; the
    original counts as acknowledged and keeps its participation (it may need to follow up)."""
    case, delivery = _delivery(actor, delivery_pk, "sip.forward")
    meeting = _open_meeting(delivery)
    unit = (
        Unit.objects.filter(
            pk=unit_pk,
            active=True,
            connected=True,
            principal__county=case.owner_unit.principal.county_id,
        )
        .exclude(pk__in=[actor.unit.pk, case.owner_unit_id])
        .first()
    )
    if unit is None:
        raise ServiceError(
            "invalid_unit", _("Choose another connected unit of the county."), "unit"
        )
    _require_consent_scope(case, [unit])
    if delivery.notice.deliveries.filter(unit=unit).exists():
        raise ServiceError(
            "already_invited",
            _("%(unit)s is already invited to the meeting.") % {"unit": unit.name},
            "unit",
        )
    now = timezone.now()
    new = _deliver(case, delivery.notice, meeting, unit, now)
    delivery.forwarded_to = new
    if delivery.acknowledged_at is None:
        _acknowledge(actor, delivery, now)
    delivery.save(update_fields=["forwarded_to", "acknowledged_at", "acknowledged_by"])
    cases.record(actor, case, "invitation_forwarded", {"delivery": delivery.pk, "to_unit": unit.pk})
    return new


def invitations_page(actor: Actor, number: int | str | None = 1) -> Window[Delivery]:
    """The unit's invitations: to acknowledge first, most urgent first, then the newest.

    O(page) whatever the unit's history (BOX-1, issue 11 item 3): each part is an index range
    with LIMIT (``Delivery.objects.inbox_segments``), no COUNT; the individuals shown are
    logged in one INSERT (SEC-2).
    """
    invitations = Q(notice__kind=Notice.Kind.INVITATION)
    page = segmented(
        Delivery.objects.inbox_segments(actor, invitations),
        lambda keys: Delivery.objects.filter(pk__in=keys).select_related(
            "notice__case__person",
            "notice__case__sip",
            "notice__meeting",
            "notice__sender",
            "notice__sender_unit",
            "acknowledged_by",
            "forwarded_to__unit",
        ),
        number,
        INVITATIONS_PER_PAGE,
    )
    log_many(
        actor,
        AccessLog.Action.READ,
        "sip.invitations.read",
        list({d.notice.case.person_id: d.notice.case.person for d in page}.values()),
    )
    return page


def open_invitation_count(actor: Actor) -> int:
    """For the menu: one COUNT over the partial index of open deliveries."""
    return Delivery.objects.filter(
        unit=actor.unit, acknowledged_at__isnull=True, notice__kind=Notice.Kind.INVITATION
    ).count()
