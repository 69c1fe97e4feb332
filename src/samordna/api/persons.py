"""The individual's record over the API (API-1, PER-*): the schemas every person operation
answers with, and the acts of the person's page: correcting the details, relatives and legal
representatives, and the name search. Each calls the same service as the screen; every read is
logged there."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from samordna.api.common import ERRORS, actor_of, auth
from samordna.errors import ServiceError
from samordna.organisations.models import Principal, Unit
from samordna.people import services
from samordna.people.models import Person, PlanFormat, Representative
from samordna.validation import Code, Limit, Phone, PostalCode, Text

router = Router(auth=auth, tags=["individuals"])


class RelativeOut(Schema):
    id: int
    name: str
    relation: str
    phone: str
    is_guardian: bool


class RepresentativeOut(Schema):
    id: int
    kind: str
    name: str
    identity_number: str
    phone: str
    street: str
    postal_code: str
    city: str


class PersonOut(Schema):
    id: int
    identity_number: str
    first_name: str
    last_name: str
    street: str
    postal_code: str
    city: str
    municipality: str = Field(..., alias="municipality.code")
    listed_primary_care: str | None = Field(None, alias="listed_primary_care.code")
    phone: str
    preferred_plan_format: str
    deceased_on: dt.date | None
    version: int


class PersonDetailOut(PersonOut):
    relatives: list[RelativeOut]
    representatives: list[RepresentativeOut]

    @staticmethod
    def resolve_relatives(obj: Person) -> list[Any]:
        return list(obj.relatives.all())

    @staticmethod
    def resolve_representatives(obj: Person) -> list[Any]:
        return list(obj.representatives.all())


class PersonDetailsIn(Schema):
    """The individual's details as registered and as corrected (all but the identity number)."""

    first_name: Annotated[str, Limit(100, min_length=1)] = Field(...)
    last_name: Annotated[str, Limit(100, min_length=1)] = Field(...)
    street: Text = ""
    postal_code: PostalCode = ""
    city: Annotated[str, Limit(100)] = ""
    municipality: Code = Field(..., description="Code of the municipality of residence")
    listed_primary_care: Code | None = Field(
        None, description="Code of the listed primary care centre"
    )
    phone: Phone = ""
    preferred_plan_format: PlanFormat = PlanFormat.PAPER


class PersonIn(PersonDetailsIn):
    identity_number: Annotated[str, Limit(20)] = Field(..., examples=["19121212-1212"])


class PersonUpdateIn(PersonDetailsIn):
    """The details staff may correct (not the identity number); ``version`` is the one read."""

    version: int = Field(..., ge=1, le=2**31)


class RelativeIn(Schema):
    name: Annotated[str, Limit(200, min_length=1)]
    relation: Annotated[str, Limit(60, min_length=1)]
    phone: Phone = ""
    is_guardian: bool = False


class RepresentativeIn(Schema):
    kind: Representative.Kind
    name: Annotated[str, Limit(200, min_length=1)]
    # For the login to the individual's pages; checked as the individual's is (no reserve
    # number, no protected identity).
    identity_number: Annotated[str, Limit(20)] = ""
    phone: Phone = ""
    street: Text = ""
    postal_code: PostalCode = ""
    city: Annotated[str, Limit(100)] = ""


class SearchOut(Schema):
    results: list[PersonOut]
    page: int
    has_next: bool
    mode: str = Field(
        ...,
        description="`prefix`: names beginning with the words; `similar`: none did, so the "
        "most similar names",
    )


def fields_of(payload: PersonIn | PersonUpdateIn) -> dict[str, Any]:
    data = payload.dict(exclude={"identity_number", "version"})
    data["municipality"] = Principal.objects.filter(
        code=payload.municipality, kind=Principal.Kind.MUNICIPALITY
    ).first()
    if data["municipality"] is None:
        raise ServiceError("invalid_municipality", "Okänd kommun.", "municipality")
    if payload.listed_primary_care:
        data["listed_primary_care"] = Unit.objects.filter(
            code=payload.listed_primary_care, kind=Unit.Kind.PRIMARY_CARE
        ).first()
        if data["listed_primary_care"] is None:
            raise ServiceError("invalid_primary_care", "Okänd vårdcentral.", "listed_primary_care")
    else:
        data["listed_primary_care"] = None
    return data


@router.get("/{int:person_id}", response={200: PersonDetailOut, **ERRORS})
def get_person(request: HttpRequest, person_id: int) -> Any:
    return services.get_visible(actor_of(request), person_id, "person.detail", "API")


@router.put("/{int:person_id}", response={200: PersonDetailOut, **ERRORS})
def update_person(request: HttpRequest, person_id: int, payload: PersonUpdateIn) -> Any:
    """Correct the individual's details (PER-2); 409 ``edit_conflict`` when someone saved
    since ``version`` was read, and nothing is written."""
    actor = actor_of(request)
    services.update(actor, person_id, payload.version, fields_of(payload))
    return services.get_visible(actor, person_id, "person.detail", "API")


@router.post("/{int:person_id}/relatives", response={201: RelativeOut, **ERRORS})
def add_relative(request: HttpRequest, person_id: int, payload: RelativeIn) -> Any:
    return Status(201, services.add_relative(actor_of(request), person_id, payload.dict()))


@router.delete("/{int:person_id}/relatives/{int:relative_id}", response={204: None, **ERRORS})
def remove_relative(request: HttpRequest, person_id: int, relative_id: int) -> Any:
    services.remove_relative(actor_of(request), person_id, relative_id)
    return Status(204, None)


@router.post("/{int:person_id}/representatives", response={201: RepresentativeOut, **ERRORS})
def add_representative(request: HttpRequest, person_id: int, payload: RepresentativeIn) -> Any:
    data = payload.dict()
    data["kind"] = str(payload.kind.value)
    return Status(201, services.add_representative(actor_of(request), person_id, data))


@router.delete(
    "/{int:person_id}/representatives/{int:representative_id}", response={204: None, **ERRORS}
)
def remove_representative(request: HttpRequest, person_id: int, representative_id: int) -> Any:
    services.remove_representative(actor_of(request), person_id, representative_id)
    return Status(204, None)


class SearchQuery(Schema):
    q: Annotated[str, Limit(200, min_length=1)] = Field(..., description="Name words")
    page: int = Field(1, ge=1, le=1000)


@router.get("/search", response={200: SearchOut, **ERRORS})
def search_people(request: HttpRequest, query: Query[SearchQuery]) -> Any:
    """Name search among the individuals the token's unit may see (PER-3), a page at a time;
    the individuals answered (and only they) are logged."""
    found = services.search_page(actor_of(request), query.q, query.page)
    return {
        "results": found.results,
        "page": found.number,
        "has_next": found.has_next,
        "mode": found.mode,
    }
