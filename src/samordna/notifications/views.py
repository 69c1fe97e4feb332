"""The notification settings page (BOX-3)."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from samordna.accounts.actor import UnitRequest
from samordna.accounts.decorators import unit_required
from samordna.cases.views import run_act
from samordna.notifications import services
from samordna.notifications.forms import PreferenceForm


@unit_required()
@require_http_methods(["GET", "POST"])
def settings(request: UnitRequest) -> HttpResponse:
    pref = services.preference(request.user)

    def page(status: int = 200, form: PreferenceForm | None = None) -> HttpResponse:
        form = form or PreferenceForm(
            initial={"digest": pref.digest, "address": pref.address, "version": pref.version}
        )
        if request.user.email:
            form.fields["address"].help_text = _(
                "Leave empty to use the address of your account, %(address)s."
            ) % {"address": request.user.email}
        else:
            form.fields["address"].help_text = _("Your account has no e-mail address.")
        return render(request, "notifications/settings.html", {"form": form}, status=status)

    if request.method == "GET":
        return page()
    form = PreferenceForm(request.POST)
    return run_act(
        request,
        form,
        lambda f: services.update(
            request.actor,
            f.cleaned_data["digest"],
            f.cleaned_data["address"],
            f.cleaned_data["version"],
        ),
        _("Your notification settings are saved."),
        request.path,
        lambda status: page(status, form),
    )
