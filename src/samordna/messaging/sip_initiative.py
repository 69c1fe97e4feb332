"""The two message templates that start a SIP (SPEC SIP-20, issue 14 item 8, extending MSG-3).

Seed 004_2b6a4bde1435f963.txt lines 50-52 (the preparation phase, "Initiativ"): "Skickar ett
första meddelande med initiativorsak till tänkbara deltagare i en SIP samt markerar om
mottagande enhet ska få meddelande för kvittering eller enbart för kännedom." The initiative
therefore carries its reason, and every recipient is marked to acknowledge or for information
(the compose form's two lists, ``Delivery.Mode``).

Seed 003_9c6849ff85993bc8.txt lines 69-70 (the municipality's responsibility): "Om kommunen ser
behov av samordning av insatser, SIP, skickar kommunen ett meddelande utanför vårdtillfälle till
närsjukvården/psykiatrisk öppenvård. Det ska tydligt framgå vilka parter och om närstående ska
kallas samt syftet med upprättande av SIP i meddelandet som skickas." The request therefore names
the parties, says yes or no about relatives (a choice, not an unticked box, so "whether" is
always answered) and the purpose; it is the municipality's, and goes to a primary care centre or
outpatient psychiatry, which is to act on it: at least one of them acknowledges it.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from samordna.accounts.actor import Actor
from samordna.cases.models import Delivery
from samordna.errors import Forbidden, ServiceError
from samordna.messaging.models import Template
from samordna.organisations.models import Principal, Unit
from samordna.validation import Form

# Seed 003 line 69: "till närsjukvården/psykiatrisk öppenvård".
REQUEST_RECIPIENT_KINDS = (Unit.Kind.PRIMARY_CARE, Unit.Kind.OUTPATIENT_PSYCHIATRY)


def _text(label: Any, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SipInitiativeForm(Form):
    """ "Initiativ": the reason for the initiative (seed 004 lines 50-52)."""

    reason = _text(
        _("Reason for the initiative"),
        _("Why a SIP may be needed: which interventions need coordinating."),
    )
    proposed_participants = forms.CharField(
        label=_("Other possible participants"),
        help_text=_("Parties not among the recipients, such as relatives or an external actor."),
        max_length=1000,
        required=False,
    )


class SipRequestForm(Form):
    """ "Meddelande utanför vårdtillfälle" from the municipality asking outpatient care for a
    SIP: which parties, whether relatives are invited, the purpose (seed 003 line 70)."""

    parties = _text(_("Parties to invite"), _("Which units and professions should take part."))
    relatives_invited = forms.ChoiceField(
        label=_("Are relatives to be invited?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether relatives are to be invited.")},
    )
    relatives = forms.CharField(
        label=_("Which relatives"),
        max_length=1000,
        required=False,
    )
    purpose = _text(_("Purpose of the SIP"))

    def clean(self) -> dict[str, Any] | None:
        data = super().clean() or {}
        if data.get("relatives_invited") == "no" and (data.get("relatives") or "").strip():
            self.add_error(
                "relatives", _("Relatives are not to be invited: leave this field empty.")
            )
        return data


FORMS: dict[str, type[forms.Form]] = {
    Template.SIP_INITIATIVE: SipInitiativeForm,
    Template.SIP_REQUEST: SipRequestForm,
}

SIP_REQUEST_SUGGESTION = _(
    "The municipality asks for a SIP: the individual needs coordinated interventions. Open the "
    "SIP with the individual's consent and invite the parties named."
)


def check(actor: Actor, template: str, recipients: list[tuple[Unit, str]]) -> None:
    """Who sends the request and to whom (seed 003 line 69); the initiative goes to any
    possible participant, each marked (seed 004 lines 50-52, checked by the sending act)."""
    if template != Template.SIP_REQUEST:
        return
    if actor.unit.principal.kind != Principal.Kind.MUNICIPALITY:
        raise Forbidden(
            "request_by_municipality",
            gettext(
                "The request for a SIP is the municipality's message to outpatient care; "
                "use the initiative to a SIP instead."
            ),
            "template",
        )
    if not any(
        unit.kind in REQUEST_RECIPIENT_KINDS and mode == Delivery.Mode.ACK
        for unit, mode in recipients
    ):
        raise ServiceError(
            "request_to_outpatient_care",
            gettext(
                "Send the request for a SIP to a primary care centre or outpatient psychiatry, "
                "to acknowledge."
            ),
            "recipients",
        )
