from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from samordna.accounts.actor import UnitRequest
from samordna.accounts.middleware import SESSION_KEY
from samordna.organisations.models import Unit


@login_required
@require_http_methods(["GET", "POST"])
def choose_unit(request: UnitRequest) -> HttpResponse:
    """Choose the unit to work for; skipped when the user belongs to exactly one."""
    units = list(
        Unit.objects.filter(memberships__user=request.user, active=True)
        .select_related("principal")
        .distinct()
        .order_by("name")
    )
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
        next_url = ""
    chosen: Unit | None = None
    if request.method == "POST":
        chosen = next((u for u in units if str(u.pk) == request.POST.get("unit")), None)
        if chosen is None:
            messages.error(request, _("Choose one of your units."))
    elif len(units) == 1 and getattr(request, "actor", None) is None:
        chosen = units[0]
    if chosen is not None:
        request.session[SESSION_KEY] = chosen.pk
        messages.success(request, _("You are now working for %(unit)s.") % {"unit": chosen})
        return redirect(next_url or "home")
    return render(
        request,
        "accounts/choose_unit.html",
        {"units": units, "next": next_url},
        status=400 if request.method == "POST" else 200,
    )
