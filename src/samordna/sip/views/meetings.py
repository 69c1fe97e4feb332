"""The view recording a held meeting."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from samordna.accounts.actor import UnitRequest
from samordna.accounts.decorators import unit_required
from samordna.sip.forms.meetings import RecordForm
from samordna.sip.models import Meeting
from samordna.sip.services import case as case_acts
from samordna.sip.services import meetings as meetings_acts
from samordna.sip.views.case_page import _case_page, _on_meeting, _run, _to_meeting
from samordna.sip.views.meetings_section import _in_order

# Seed 000_106b8acbeb42519c.txt line 212: a warning, never a refusal (SIP-8).
NO_PROFESSIONAL_WARNING = gettext_lazy(
    "The meeting was digital and no professional from the region or municipality was with the "
    "individual in person. The routine says at least one should be."
)


@unit_required()
@require_POST
def record_meeting(request: UnitRequest, pk: int, meeting_pk: int) -> HttpResponse:
    case = case_acts.get(request.actor, pk)
    meeting = meetings_acts.meetings_of(case).filter(pk=meeting_pk).first()
    if meeting is None:
        raise Http404
    form = RecordForm(
        request.POST,
        prefix=f"m{meeting_pk}",
        meeting=meeting,
        participants=_in_order(meetings_acts.expected(meeting), case),
    )
    recorded: list[Meeting] = []

    def act() -> None:
        recorded.append(
            meetings_acts.record_meeting(
                request.actor,
                pk,
                meeting_pk,
                form.cleaned_data["version"],
                form.attendance(),
                form.cleaned_data["chair"],
                form.cleaned_data["documenter"],
                form.cleaned_data.get("professional_with_individual", False),
            )
        )

    status = _run(form, act)
    if not status:
        messages.success(request, _("The meeting is recorded."))
        if recorded[0].ends_at > timezone.now():
            messages.warning(
                request,
                _("The meeting was recorded before its booked end (%(end)s).")
                % {"end": f"{timezone.localtime(recorded[0].ends_at):%H:%M}"},
            )
        if meetings_acts.lacks_professional_with_individual(recorded[0]):
            messages.warning(request, str(NO_PROFESSIONAL_WARNING))
        return _to_meeting(pk, meeting_pk)
    return _case_page(request, pk, status, _on_meeting(meeting_pk, "record_form", form))
