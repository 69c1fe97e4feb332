"""The individual's login with e-identification (issue 15 item 1): the federated login of the
identity work (``accounts.oidc``), with the county's identity broker for individuals
(``settings.INDIVIDUAL_OIDC_PROVIDERS``), its own callback and its own kind of session
(``mypages.session``).

The claim must be a valid personal identity number (12 digits, ``core.identity``). The
population register is asked before anything is shown: a person with a protected identity gets
a page that shows nothing and says whom to call, and no session at all (seed 000, PER-1).
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from samordna.accounts import oidc
from samordna.accounts.middleware import client_ip
from samordna.accounts.oidc_config import OidcProvider
from samordna.audit.models import AccessLog
from samordna.core.identity import IdentityNumber, IdentityNumberError
from samordna.mypages import services, session
from samordna.people import subjects
from samordna.people.register import population_register

NEXT_KEY = "samordna_individual_next"


def _provider(name: str) -> OidcProvider:
    provider = next((p for p in settings.INDIVIDUAL_OIDC_PROVIDERS if p.name == name), None)
    if provider is None:
        raise Http404
    return provider


def _refused(request: HttpRequest, message: object, status: int = 400) -> HttpResponse:
    return render(request, "mypages/refused.html", {"message": message}, status=status)


@never_cache
@require_GET
def login(request: HttpRequest) -> HttpResponse:
    if session.current_subject(request) is not None and not request.user.is_authenticated:
        return HttpResponseRedirect(reverse("mypages:home"))
    next_url = request.GET.get("next", "")
    if not next_url.startswith("/mina-sidor/"):
        next_url = ""
    context = {"providers": settings.INDIVIDUAL_OIDC_PROVIDERS, "next": next_url}
    return render(request, "mypages/login.html", context)


@never_cache
@require_GET
def start(request: HttpRequest, name: str) -> HttpResponse:
    provider = _provider(name)
    next_url = request.GET.get("next", "")
    if next_url.startswith("/mina-sidor/") and url_has_allowed_host_and_scheme(
        next_url, {request.get_host()}
    ):
        request.session[NEXT_KEY] = next_url
    try:
        return HttpResponseRedirect(oidc.start(request, provider, "mypages:oidc-callback"))
    except oidc.Refused as refusal:
        oidc.log.warning("individual oidc %s: refused (%s)", provider.name, refusal.reason)
        return _refused(request, refusal.message, status=503)


@never_cache
@require_GET
def callback(request: HttpRequest, name: str) -> HttpResponse:
    provider = _provider(name)
    try:
        identity = oidc.complete(request, provider)
    except oidc.Refused as refusal:
        oidc.log.warning(
            "individual oidc %s: login refused (%s) from %s",
            provider.name,
            refusal.reason,
            client_ip(request),
        )
        status = 503 if refusal.reason == "unreachable" else 400
        return _refused(request, refusal.message, status=status)
    try:
        number = IdentityNumber(identity.value)
    except IdentityNumberError:
        oidc.log.warning("individual oidc %s: no identity number in the claim", provider.name)
        return _refused(
            request, _("The login service did not say who you are. Call your coordinator.")
        )
    record = population_register().lookup(number.value)
    if record is not None and record.protected:
        # Never shown anything, and nothing says whether Samordna knows the person.
        oidc.log.warning("individual oidc %s: protected identity, nothing shown", provider.name)
        request.session.flush()
        return render(request, "mypages/protected.html", status=403)
    next_url = request.session.get(NEXT_KEY, "")
    name_claim = identity.claims.get("name")
    session.start(
        request,
        number.value,
        name_claim if isinstance(name_claim, str) else "",
        provider.name,
        identity.id_token,
    )
    subject = session.current_subject(request)
    if subject is not None and subject.person is not None:
        services.log(subject, f"login.individual: {provider.label}", AccessLog.Action.LOGIN)
    home = reverse("mypages:home")
    if not (isinstance(next_url, str) and next_url.startswith(home)):
        next_url = home
    if next_url == home and len(subjects.subjects_for(number.value)) > 1:
        # One who may see several people's pages (a guardian of two children, a god man who
        # also has their own plan) chooses first, rather than landing on the first of them.
        next_url = reverse("mypages:choose")
    return HttpResponseRedirect(next_url)


@never_cache
@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return HttpResponseRedirect(reverse("mypages:login"))
    data = session.end(request)
    provider = next(
        (p for p in settings.INDIVIDUAL_OIDC_PROVIDERS if p.name == data.get("provider")), None
    )
    if provider is not None:
        url = oidc.logout_url(
            request, provider, str(data.get("id_token", "")), after_name="mypages:login"
        )
        if url:
            return HttpResponseRedirect(url)
    return HttpResponseRedirect(reverse("mypages:login"))
