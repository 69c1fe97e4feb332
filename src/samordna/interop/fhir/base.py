"""What every resource type's read and search share: the answer of a search, the
``patient``/``patient.identifier`` condition, a page of rows (a count and a slice)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.http import QueryDict
from fhir.resources.R4B.resource import Resource

from samordna.accounts.actor import Actor
from samordna.interop.fhir.search import Page, identity, one, reference_id
from samordna.people.models import Person

PATIENT_PARAMS = {"patient", "patient.identifier"}


@dataclass
class Found:
    resources: list[Resource]
    persons: list[Person]  # the individuals the page shows, for the access log
    total: int
    unknown_patient: bool = False  # the search named an individual Samordna does not know
    asked: Person | None = None  # the individual the search named, when known


@dataclass(frozen=True)
class Kind:
    name: str
    params: set[str]
    read: Callable[[Actor, int], tuple[Resource, Person | None] | None]
    search: Callable[[Actor, QueryDict, Page], Found]
    search_doc: dict[str, str] = field(default_factory=dict)  # param -> type, for /metadata


class Unknown(Exception):
    pass


def patient_condition(query: QueryDict, key: str = "patient") -> tuple[Q, Person | None]:
    """The condition of ``patient`` / ``patient.identifier`` on ``key`` (a path to a Person),
    and the individual they name; raises ``Unknown`` for a well-formed number Samordna does
    not know."""
    condition = Q()
    asked: Person | None = None
    token = one(query, "patient.identifier")
    if token is not None:
        number = identity(token)
        asked = Person.objects.filter(identity_number=number.value).first()
        if asked is None:
            raise Unknown
        condition &= Q(**{key: asked})
    reference = one(query, "patient")
    if reference is not None:
        pk = reference_id(reference, "Patient")
        condition &= Q(**{f"{key}_id": pk})
        if asked is None:
            asked = Person.objects.filter(pk=pk).first()
    return condition, asked


def page_rows(rows: QuerySet[Any], page: Page) -> tuple[list[Any], int]:
    total = rows.count()
    return list(rows[page.offset : page.offset + page.size]), total


def searching(
    run: Callable[[Actor, QueryDict, Page], Found],
) -> Callable[[Actor, QueryDict, Page], Found]:
    def search(actor: Actor, query: QueryDict, page: Page) -> Found:
        try:
            return run(actor, query, page)
        except Unknown:
            return Found([], [], 0, unknown_patient=True)

    return search
