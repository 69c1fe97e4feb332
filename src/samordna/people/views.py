"""Screens for finding, registering and keeping individuals up to date. Thin: acts are services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from samordna.accounts.actor import UnitRequest
from samordna.accounts.decorators import unit_required
from samordna.cases.models import Case
from samordna.cases.services import register_death
from samordna.errors import ServiceError
from samordna.organisations.models import Membership
from samordna.people import services
from samordna.people.forms import (
    DeathForm,
    IdentityNumberForm,
    PersonForm,
    RelativeForm,
    RepresentativeForm,
)
from samordna.replicas import reads_from_replica

# Refusals say why nothing can be done here; they are not a field to correct (issue 18 item 15:
# a protected identity was headed "Rätta de markerade fälten").
REFUSALS = frozenset({"protected_identity", "reserve_number"})


def _show_error(form: forms.BaseForm, error: ServiceError) -> None:
    field = error.field if error.field in form.fields and error.code not in REFUSALS else None
    form.add_error(field, error.message)


def start_from_number(request: UnitRequest, identity_number: str) -> services.Lookup | HttpResponse:
    """Where a process starts from an identity number (a SIP, a stay): the lookup, or back to
    the search with the reason when the number is missing or not valid."""
    try:
        return services.lookup(request.actor, identity_number)
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect("people:search")


@reads_from_replica
@unit_required()
def search(request: UnitRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    context: dict[str, Any] = {"query": query, "results": None, "lookup": None, "error": None}
    if query:
        try:
            if services.looks_like_identity_number(query):
                context["lookup"] = services.lookup(request.actor, query)
            else:
                page = request.GET.get("page", "")
                found = services.search_page(
                    request.actor, query, int(page) if page.isdigit() and len(page) < 6 else 1
                )
                context["results"], context["page"] = found.results, found
                context["page_query"] = urlencode({"q": query})
        except ServiceError as error:
            context["error"] = error
    template = "people/_results.html" if request.htmx else "people/search.html"
    status = 400 if context["error"] else 200
    return render(request, template, context, status=status)


@unit_required()
@require_http_methods(["GET", "POST"])
def register(request: UnitRequest) -> HttpResponse:
    """Step 1: the identity number (checked against the register); step 2: the details."""
    actor = request.actor
    raw = request.POST.get("identity_number") or request.GET.get("identity_number", "")
    # An empty submit is bound too, so it says the number is needed (issue 18 item 6).
    posted = request.method == "POST"
    id_form = IdentityNumberForm({"identity_number": raw} if raw or posted else None)
    form: PersonForm | None = None
    status = 200
    if (raw or posted) and id_form.is_valid():
        if request.method == "POST" and "first_name" in request.POST:
            form = PersonForm(request.POST)
            if form.is_valid():
                try:
                    person = services.register(actor, raw, form.cleaned_data)
                except ServiceError as error:
                    _show_error(id_form if error.field == "identity_number" else form, error)
                else:
                    messages.success(request, _("%(name)s is registered.") % {"name": person})
                    return redirect("people:detail", pk=person.pk)
        else:
            try:
                found = services.lookup(actor, raw)
            except ServiceError as error:
                _show_error(id_form, error)
            else:
                if found.person is not None:
                    messages.info(request, _("The individual is already registered."))
                    return redirect(
                        reverse("people:search") + "?" + urlencode({"q": found.identity.value})
                    )
                initial: dict[str, Any] = {}
                if found.record is not None:
                    record = found.record
                    initial = {
                        "first_name": record.first_name,
                        "last_name": record.last_name,
                        "street": record.street,
                        "postal_code": record.postal_code,
                        "city": record.city,
                        "municipality": services.municipality_for(record),
                    }
                form = PersonForm(initial=initial)
    if id_form.errors or (form is not None and form.errors):
        status = 400
    return render(
        request,
        "people/register.html",
        {"id_form": id_form, "form": form, "identity_number": raw},
        status=status,
    )


@unit_required()
@require_http_methods(["GET", "POST"])
def detail(request: UnitRequest, pk: int) -> HttpResponse:
    actor = request.actor
    status = 200
    if request.method == "POST":
        form = PersonForm(request.POST)
        version = request.POST.get("version", "")
        if form.is_valid() and version.isdigit():
            try:
                services.update(actor, pk, int(version), form.cleaned_data)
            except ServiceError as error:
                if error.status == 404:
                    raise
                _show_error(form, error)
                status = error.status
            else:
                messages.success(request, _("The details are saved."))
                return redirect("people:detail", pk=pk)
        else:
            status = 400
        person = services.get_visible(actor, pk, "person.detail")
    else:
        person = services.get_visible(actor, pk, "person.detail")
        form = PersonForm(instance=person)
    context = {
        "person": person,
        "cases": Case.objects.visible_to(actor)
        .filter(person=person)
        .select_related("sip", "owner_unit"),
        "form": form,
        # Read first; the form only on an explicit "Edit" (issue 18 item 11) or a refused save.
        "editing": request.method == "POST" or request.GET.get("edit") == "1",
        "relatives": person.relatives.all(),
        "representatives": person.representatives.all(),
        "relative_form": RelativeForm(prefix="relative"),
        "death_form": DeathForm(prefix="death"),
        "representative_form": RepresentativeForm(prefix="representative"),
        # The register extract (GDPR art. 15) is a unit administrator's (extracts/register.py).
        "makes_extracts": actor.has_role(Membership.Role.UNIT_ADMIN),
    }
    return render(request, "people/detail.html", context, status=status)


@unit_required()
@require_POST
def add_relative(request: UnitRequest, pk: int) -> HttpResponse:
    form = RelativeForm(request.POST, prefix="relative")
    return _add(request, pk, form, services.add_relative, _("The relative is added."))


@unit_required()
@require_POST
def add_representative(request: UnitRequest, pk: int) -> HttpResponse:
    form = RepresentativeForm(request.POST, prefix="representative")
    return _add(request, pk, form, services.add_representative, _("The representative is added."))


def _add(request: UnitRequest, pk: int, form: forms.BaseForm, act: Any, done: str) -> HttpResponse:
    if form.is_valid():
        try:
            act(request.actor, pk, form.cleaned_data)
        except ServiceError as error:
            if error.status == 404:
                raise
            messages.error(request, error.message)
        else:
            messages.success(request, done)
    else:
        errors = "; ".join(str(e) for errs in form.errors.values() for e in errs)
        messages.error(request, _("Nothing was added: %(errors)s") % {"errors": errors})
    return redirect("people:detail", pk=pk)


@unit_required()
@require_POST
def remove_relative(request: UnitRequest, pk: int, item: int) -> HttpResponse:
    services.remove_relative(request.actor, pk, item)
    messages.success(request, _("The relative is removed."))
    return redirect("people:detail", pk=pk)


@unit_required()
@require_POST
def remove_representative(request: UnitRequest, pk: int, item: int) -> HttpResponse:
    services.remove_representative(request.actor, pk, item)
    messages.success(request, _("The representative is removed."))
    return redirect("people:detail", pk=pk)


@unit_required()
@require_POST
def death(request: UnitRequest, pk: int) -> HttpResponse:
    """PER-4: registering a death closes every active case of the individual."""
    form = DeathForm(request.POST, prefix="death")
    if not form.is_valid():
        messages.error(request, _("Give a valid date of death."))
        return redirect("people:detail", pk=pk)
    try:
        closed = register_death(request.actor, pk, form.cleaned_data["died_on"])
    except ServiceError as error:
        if error.status == 404:
            raise
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("The death is registered; %(n)s active cases were closed.") % {"n": closed}
        )
    return redirect("people:detail", pk=pk)
