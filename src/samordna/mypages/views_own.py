"""The individual's pages of issue 15 items 3-5: whose pages (the chooser), who has read my
case (the access-log extract, PAT-2) and my notifications.

Behind ``individual_required`` like the rest of ``mypages``; every read is logged as the
individual (``services.log``). The chooser takes a person id from a form but never trusts it:
``people.subjects.subject_for`` says whether the viewer may see that person now.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from samordna.audit import extract
from samordna.audit.models import AccessLog
from samordna.errors import ServiceError
from samordna.mypages import services, session
from samordna.mypages.session import IndividualRequest, individual_required
from samordna.notifications import individual, sms
from samordna.people import subjects
from samordna.validation import Form


class ChooseForm(Form):
    person = forms.IntegerField(min_value=1, max_value=2**62)


class ExtractForm(Form):
    fore = forms.CharField(required=False, max_length=40)

    def clean_fore(self) -> str:
        value: str = self.cleaned_data.get("fore") or ""
        if value:
            try:
                extract.parse_cursor(value)
            except extract.BadCursor:
                raise forms.ValidationError(_("The page asked for does not exist.")) from None
        return value


class NotificationsForm(Form):
    by_email = forms.BooleanField(label=gettext_lazy("Tell me by e-mail"), required=False)
    email = forms.EmailField(label=gettext_lazy("E-mail address"), required=False, max_length=254)
    by_sms = forms.BooleanField(label=gettext_lazy("Tell me by text message (SMS)"), required=False)
    phone = forms.CharField(
        label=gettext_lazy("Mobile number"),
        required=False,
        max_length=20,
        help_text=gettext_lazy("e.g. 070-123 45 67"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31)

    def __init__(self, *args: Any, sms_available: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["phone"].widget.attrs.update({"autocomplete": "tel", "inputmode": "tel"})
        if not sms_available:
            del self.fields["by_sms"]
            del self.fields["phone"]


def _context(request: IndividualRequest, **extra: Any) -> dict[str, Any]:
    subject = request.subject
    case = services.current_case(subject)
    return {
        "subject": subject,
        "person": subject.person,
        "case": case,
        "coordinator": services.coordinator(case) if case is not None else None,
        **extra,
    }


@never_cache
@require_http_methods(["GET", "POST"])
@individual_required
def choose(request: IndividualRequest) -> HttpResponse:
    """Whose pages: the individual themself and everyone they represent (issue 15 item 4)."""
    viewer = request.subject.viewer_identity
    found = subjects.subjects_for(viewer)
    status = 200
    if request.method == "POST":
        form = ChooseForm(request.POST)
        chosen = (
            next((s for s in found if s.person.pk == form.cleaned_data["person"]), None)
            if form.is_valid()
            else None
        )
        if chosen is not None:
            data = request.session[session.SESSION_KEY]
            request.session[session.SESSION_KEY] = {
                **data,
                "person": chosen.person.pk,
                "acting_as": str(chosen.relation),
            }
            return HttpResponseRedirect(reverse("mypages:home"))
        messages.error(request, _("Choose one of the people listed."))
        status = 400
    context = _context(request, choices=found)
    return render(request, "mypages/choose.html", context, status=status)


@never_cache
@require_GET
@individual_required
def access_log(request: IndividualRequest) -> HttpResponse:
    """Who has read my case (PAT-2): the extract of the access log, newest first."""
    person = request.subject.person
    context = _context(request)
    if person is None:
        return render(request, "mypages/nothing.html", context)
    form = ExtractForm(request.GET)
    if not form.is_valid():
        context["form_error"] = _("The page asked for does not exist.")
        return render(request, "mypages/access_log.html", context, status=400)
    fore = form.cleaned_data["fore"]
    # Logged first, so the extract's first page shows this read too: one's own reads are
    # listed like anyone's.
    services.log(request.subject, "mypages.accesslog.read")
    context["page"] = extract.page(person, fore)
    context["first"] = not fore
    return render(request, "mypages/access_log.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
@individual_required
def notifications(request: IndividualRequest) -> HttpResponse:
    """My notifications (issue 15 item 5): opt-in, by e-mail and (where the county has a
    gateway) text message. The setting is the viewer's, for every individual they see."""
    subject = request.subject
    holder = subject.viewer_identity
    pref = individual.preference(holder)
    available = sms.available()
    status = 200
    if request.method == "POST":
        form = NotificationsForm(request.POST, sms_available=available)
        if form.is_valid():
            data = form.cleaned_data
            try:
                individual.update(
                    holder,
                    data["by_email"],
                    data.get("email") or "",
                    bool(data.get("by_sms")),
                    data.get("phone") or "",
                    data["version"],
                )
            except ServiceError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
                status = 409 if error.status == 409 else 400
            else:
                services.log(subject, "mypages.notifications.update", AccessLog.Action.UPDATE)
                messages.success(request, _("Your choices are saved."))
                return HttpResponseRedirect(reverse("mypages:notifications"))
        else:
            status = 400
    else:
        form = NotificationsForm(
            initial={
                "by_email": pref.by_email,
                "email": pref.email,
                "by_sms": pref.by_sms,
                "phone": pref.phone,
                "version": pref.version,
            },
            sms_available=available,
        )
        services.log(subject, "mypages.notifications.read")
    context = _context(request, form=form, sms_available=available)
    return render(request, "mypages/notifications.html", context, status=status)
