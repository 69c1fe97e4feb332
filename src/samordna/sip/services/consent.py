"""The individual's consent to the SIP: record, withdraw, the consent in force (SIP-2)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from samordna.accounts.actor import Actor
from samordna.cases import services as cases
from samordna.cases.acts import act
from samordna.cases.models import Case, Obligation
from samordna.errors import Conflict, ServiceError
from samordna.sip.models import Consent, SipCase
from samordna.sip.services.case import get, require_coordinator_unit


def consent_in_force(case: Case) -> Consent | None:
    return next((c for c in case.consents.all() if c.in_force), None)


ANY_UNIT = None


def consent_scopes(case_ids: Iterable[int]) -> dict[int, frozenset[int] | None]:
    """For each case with a consent in force, the units it names (``ANY_UNIT`` if it names
    none); a case without one is absent. One query, for a page of invitations (CON-1)."""
    named: dict[int, set[int]] = {}
    for case_id, unit_id in (
        Consent.objects.in_force()
        .filter(case_id__in=list(case_ids))
        .values_list("case_id", "units")
    ):
        units = named.setdefault(case_id, set())
        if unit_id is not None:
            units.add(unit_id)
    return {case_id: frozenset(units) or ANY_UNIT for case_id, units in named.items()}


def scope_of(consent: Consent) -> frozenset[int] | None:
    """``consent_scopes``' answer for one consent in force already read with its units."""
    return frozenset(u.pk for u in consent.units.all()) or ANY_UNIT


def _validated(case: Case, data: dict[str, Any]) -> dict[str, Any]:
    """Who gave the consent, how, when, and for which units: checked the same way when it is
    recorded and when it is amended."""
    giver = data.get("giver")
    if giver not in Consent.Giver.values:
        raise ServiceError("invalid_giver", _("Choose who gave the consent."), "giver")
    if data.get("form") not in Consent.Form.values:
        raise ServiceError("invalid_form", _("Choose oral or written."), "form")
    given_at = data.get("given_at")
    if not isinstance(given_at, dt.datetime) or given_at > timezone.now():
        raise ServiceError(
            "invalid_time", _("Give when consent was given (not in the future)."), "given_at"
        )
    person = case.person
    child = person.is_child(timezone.localdate(given_at))
    rules = case.owner_unit.principal.county.rule_set
    if child and giver == Consent.Giver.INDIVIDUAL:
        raise ServiceError(
            "child_consent",
            _("For a child, the guardians or a legal representative consent."),
            "giver",
        )
    giver_name = str(data.get("giver_name", "")).strip()
    if child and not rules.children_consent_stored:
        giver_name = ""  # the county keeps children's consent outside the system (seed 001)
    elif not giver_name:
        raise ServiceError(
            "required", _("Give the name of the person who gave consent."), "giver_name"
        )
    return {
        "giver": giver,
        "giver_name": giver_name,
        "form": data["form"],
        "given_at": given_at,
        "child": child,
        "child_view": str(data.get("child_view", "")).strip(),
        "units": list(data.get("units") or []),
    }


@act
def record_consent(actor: Actor, pk: int, data: dict[str, Any]) -> Consent:
    """CON-1 to CON-3. A refusal closes the case: it goes no further (the individual keeps the
    right to the interventions, seed 000)."""
    case = get(actor, pk, "sip.consent", lock=True)
    cases.require_active(case)
    if consent_in_force(case) is not None:
        raise Conflict("consent_exists", _("Consent is already recorded; withdraw it first."))
    decision = data.get("decision")
    if decision not in Consent.Decision.values:
        raise ServiceError("invalid_decision", _("Choose whether consent was given."), "decision")
    if decision == Consent.Decision.REFUSED and case.sip.type == SipCase.Type.SVP:
        # SIP-16, seed 001_118551e475ece215.txt lines 1240-1244 and 1253-1255: the SVP is made
        # and attached to the application even so; a refusal would close it.
        raise ServiceError(
            "svp_objection_instead",
            _(
                "A coordinated care plan for ÖPT/ÖRV is made even when the individual objects: "
                "record the objection to information exchange in its section instead."
            ),
            "decision",
        )
    valid = _validated(case, data)
    if valid["child"] and decision == Consent.Decision.GIVEN and not valid["child_view"]:
        raise ServiceError("child_view_required", _("Record the child's own view."), "child_view")
    units = valid["units"]
    consent = Consent.objects.create(
        case=case,
        decision=decision,
        giver=valid["giver"],
        giver_name=valid["giver_name"],
        form=valid["form"],
        given_at=valid["given_at"],
        child_view=valid["child_view"],
        recorded_by=actor.user,
    )
    consent.units.set(units)
    cases.record(
        actor,
        case,
        f"consent_{decision}",
        {"giver": valid["giver"], "units": [u.pk for u in units]},
        occurred_at=valid["given_at"],
    )
    if decision == Consent.Decision.REFUSED:
        cases.close(actor, case, Case.CloseReason.CONSENT_REFUSED)
    return consent


AMENDABLE = ("giver", "giver_name", "form", "given_at", "child_view")


@act
def amend_consent(actor: Actor, pk: int, data: dict[str, Any]) -> Consent:
    """Correct the consent in force (who gave it, how, when) or change the units it names, as a
    new version that replaces it (issue 18 item 2; CON-1 to CON-3).

    Removing a unit narrows at once: the unit loses sight of the case on its next request, as on
    a withdrawal (``cases.models.ParticipationQuerySet``). Adding a unit, or going from named
    units to none (which restricts no one), widens what is shared: that is never done by a
    correction alone, it needs ``widening_confirmed`` and the time the individual agreed
    (``widened_at``) — seed 000_106b8acbeb42519c.txt line 110: "Grunden är att om den enskilde
    samtycker kan informationsöverföring ske."
    """
    case = get(actor, pk, "sip.consent_amend", lock=True)
    require_coordinator_unit(actor, case)
    cases.require_active(case)
    current = consent_in_force(case)
    if current is None:
        raise ServiceError("no_consent", _("There is no consent in force to amend."))
    reason = str(data.get("reason", "")).strip()
    if not reason:
        raise ServiceError("required", _("Say what is corrected or added, and why."), "reason")
    valid = _validated(case, data)
    if valid["child"] and not valid["child_view"]:
        raise ServiceError("child_view_required", _("Record the child's own view."), "child_view")
    before = {u.pk for u in current.units.all()}
    after = {u.pk for u in valid["units"]}
    added = sorted(after - before) if before else []
    widens = bool(before) and (not after or bool(after - before))
    changed = [f for f in AMENDABLE if getattr(current, f) != valid[f]]
    if not changed and before == after:
        raise ServiceError("unchanged", _("Nothing is changed in the consent."))
    widened_at = data.get("widened_at")
    if widens:
        if not data.get("widening_confirmed"):
            raise ServiceError(
                "widening_unconfirmed",
                _(
                    "Units are added to what may be shared. Confirm that the individual has "
                    "agreed to that, and when."
                ),
                "widening_confirmed",
            )
        if not isinstance(widened_at, dt.datetime) or widened_at > timezone.now():
            raise ServiceError(
                "invalid_time",
                _("Give when the individual agreed to the added units (not in the future)."),
                "widened_at",
            )
        if widened_at < valid["given_at"]:
            raise ServiceError(
                "invalid_time",
                _("The added units cannot have been agreed to before the consent itself."),
                "widened_at",
            )
    else:
        widened_at = None
    now = timezone.now()
    current.superseded_at = now
    current.save(update_fields=["superseded_at"])
    amended = Consent.objects.create(
        case=case,
        decision=Consent.Decision.GIVEN,
        giver=valid["giver"],
        giver_name=valid["giver_name"],
        form=valid["form"],
        given_at=valid["given_at"],
        child_view=valid["child_view"],
        recorded_by=actor.user,
        recorded_at=now,
        supersedes=current,
        amendment_reason=reason,
        widened_at=widened_at,
    )
    amended.units.set(valid["units"])
    cases.record(
        actor,
        case,
        "consent_amended",
        {
            "changed": changed,
            "added_units": added,
            "removed_units": sorted(before - after),
            "named_none": not after,
            "reason": reason,
        },
    )
    return amended


@act
def withdraw_consent(actor: Actor, pk: int) -> None:
    """CON-2: consent can be withdrawn at any time; the plan is closed with that reason."""
    case = get(actor, pk, "sip.consent_withdraw", lock=True)
    cases.require_active(case)
    consent = consent_in_force(case)
    if consent is None:
        raise ServiceError("no_consent", _("There is no consent in force to withdraw."))
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_by = actor.user
    consent.save(update_fields=["withdrawn_at", "withdrawn_by"])
    cases.record(actor, case, "consent_withdrawn")
    # The individual's request from their own pages (issue 15), if any, is now acted on.
    cases.meet(case, Obligation.Kind.CONSENT_WITHDRAWAL)
    cases.close(actor, case, Case.CloseReason.CONSENT_WITHDRAWN)
