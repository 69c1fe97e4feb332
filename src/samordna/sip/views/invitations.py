"""Views sending, changing and cancelling invitations."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from samordna.accounts.actor import UnitRequest
from samordna.accounts.decorators import unit_required
from samordna.cases.models import Case
from samordna.sip.forms.invitations import (
    CancelForm,
    ChangeForm,
    ExternalFormSet,
    InvitationForm,
    externals,
)
from samordna.sip.models import Meeting
from samordna.sip.services import case as case_acts
from samordna.sip.services import invitations as invitations_acts
from samordna.sip.services import meetings as meetings_acts
from samordna.sip.views.case_page import _case_page, _on_meeting, _run, _to_meeting
from samordna.sip.views.folded_forms import folded
from samordna.sip.views.meetings_section import county_units


def _warn_outside_weekdays(request: UnitRequest, case: Case, meeting: Meeting) -> None:
    """SIP-23, seed 001 lines 351-353: outpatient SIP "sker vardagar måndag till fredag"."""
    if meetings_acts.outside_weekdays(meeting, case.sip.type):
        messages.warning(
            request,
            _(
                "The meeting is on a Saturday, Sunday or public holiday. Outpatient SIP meetings "
                "are held on weekdays, Monday to Friday, according to the routine."
            ),
        )


@unit_required()
@require_http_methods(["GET", "POST"])
@folded("invite")
def invite(request: UnitRequest, pk: int) -> HttpResponse:
    case = case_acts.get(request.actor, pk)
    form = InvitationForm(request.POST, case=case, units=county_units(request.actor))
    formset = ExternalFormSet(request.POST, prefix="external")
    sent: list[Meeting] = []

    def act() -> None:
        sent.append(
            invitations_acts.send_invitation(
                request.actor,
                pk,
                form.details(),
                form.invitees(externals(formset)),
                form.cleaned_data["consent_confirmed"],
                form.cleaned_data["occurred_at"],
            )
        )

    status = _run(form, act) if formset.is_valid() else 400
    if not status:
        messages.success(request, _("The invitation is sent."))
        _warn_outside_weekdays(request, case, sent[0])
        return _to_meeting(pk, sent[0].pk)
    return _case_page(
        request,
        pk,
        status,
        lambda c: c.update(invitation_form=form, external_formset=formset),
    )


@unit_required()
@require_POST
def change(request: UnitRequest, pk: int, meeting_pk: int) -> HttpResponse:
    form = ChangeForm(request.POST, prefix=f"m{meeting_pk}")
    status = _run(
        form,
        lambda: invitations_acts.change_invitation(
            request.actor, pk, meeting_pk, form.cleaned_data["version"], form.details()
        ),
    )
    if not status:
        messages.success(request, _("The invitation is changed; the recipients are told."))
        changed = Meeting.objects.select_related("case__sip").get(pk=meeting_pk)
        _warn_outside_weekdays(request, changed.case, changed)
        return _to_meeting(pk, meeting_pk)
    return _case_page(request, pk, status, _on_meeting(meeting_pk, "change_form", form))


@unit_required()
@require_POST
def cancel(request: UnitRequest, pk: int, meeting_pk: int) -> HttpResponse:
    form = CancelForm(request.POST, prefix=f"m{meeting_pk}")
    status = _run(
        form,
        lambda: invitations_acts.cancel_invitation(
            request.actor, pk, meeting_pk, form.cleaned_data["version"], form.cleaned_data["reason"]
        ),
    )
    if not status:
        messages.success(request, _("The meeting is cancelled; the recipients are told."))
        return _to_meeting(pk, meeting_pk)
    return _case_page(request, pk, status, _on_meeting(meeting_pk, "cancel_form", form))
