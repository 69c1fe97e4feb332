"""Acts on individuals (SPEC PER-1, PER-2, SEC-2). Each act is one transaction and is logged."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samordna.accounts.actor import Actor
from samordna.audit.models import AccessLog
from samordna.audit.services import log, log_many
from samordna.cases.acts import act
from samordna.core.identity import IdentityNumber, IdentityNumberError, parse_identity_number
from samordna.errors import Conflict, NotFound, ServiceError
from samordna.organisations.models import Principal, Unit
from samordna.people import search as name_search
from samordna.people.models import Person, Relative, Representative, Surname
from samordna.people.register import RegisterRecord, population_register
from samordna.people.search import key

SEARCH_PAGE_SIZE = 50
SEARCH_MAX_PAGE = 40  # 2,000 hits; past that, refine the search
SEARCH_MAX_LENGTH = 100
SEARCH_MAX_WORDS = 4
SIMILAR_SURNAMES = 8  # the surnames most similar to a query that finds no prefix
EDITABLE_FIELDS = (
    "first_name",
    "last_name",
    "street",
    "postal_code",
    "city",
    "municipality",
    "listed_primary_care",
    "phone",
    "preferred_plan_format",
)


def protected_identity_message() -> str:
    return _(
        "Persons with protected identity are not registered in Samordna. "
        "Coordinate by phone instead."
    )


def parse(raw: str) -> IdentityNumber:
    """A valid identity number, or a ServiceError with the validator's code and message."""
    try:
        return parse_identity_number(raw, today=timezone.localdate())
    except IdentityNumberError as error:
        raise ServiceError(error.code, error.message, field="identity_number") from error


def looks_like_identity_number(query: str) -> bool:
    return sum(c.isdigit() for c in query) >= 10


@dataclass(frozen=True)
class Lookup:
    """What an exact identity-number lookup found: a registered person, a register record, or none.

    Any staff member may look a number up (to start a process, as in the population register);
    the full person page still requires visibility.
    """

    identity: IdentityNumber
    person: Person | None
    record: RegisterRecord | None
    visible: bool


def check_register(actor: Actor, identity: IdentityNumber, what: str) -> RegisterRecord | None:
    """Ask the population register; refuse protected identities without storing the number."""
    record = population_register().lookup(identity.value)
    if record is not None and record.protected:
        log(actor, AccessLog.Action.REFUSE, f"{what}: protected_identity")
        raise ServiceError("protected_identity", protected_identity_message(), "identity_number")
    return record


def parse_logged(actor: Actor, raw: str, what: str) -> IdentityNumber:
    """``parse``, logging a reserve number's refusal as the protected identity's is logged
    (issue 18 item 3: the README promised it and the log had nothing). The number itself is not
    logged: a reserve number is never stored."""
    try:
        return parse(raw)
    except ServiceError as error:
        if error.code == "reserve_number":
            log(actor, AccessLog.Action.REFUSE, f"{what}: reserve_number")
        raise


def lookup(actor: Actor, raw: str) -> Lookup:
    identity = parse_logged(actor, raw, "person.lookup")
    person = Person.objects.filter(identity_number=identity.value).first()
    record = None if person else check_register(actor, identity, "person.lookup")
    visible = bool(person and Person.objects.visible_to(actor).filter(pk=person.pk).exists())
    purpose = gettext_lazy("Search by identity number")
    log(actor, AccessLog.Action.SEARCH, "person.lookup", person, purpose)
    return Lookup(identity=identity, person=person, record=record, visible=visible)


@dataclass(frozen=True)
class SearchPage:
    """One page of a name search, in list order (surname, first name)."""

    results: list[Person]
    number: int
    has_next: bool
    # "prefix": names beginning with the words; "similar": nothing begins with them, so the most
    # similar names (trigram word similarity: typos, parts of names) are shown instead.
    mode: str

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def first_index(self) -> int:
        return (self.number - 1) * SEARCH_PAGE_SIZE + 1

    @property
    def last_index(self) -> int:
        return self.first_index + len(self.results) - 1


def _search_error(message: str) -> ServiceError:
    return ServiceError("invalid_query", message, field="q")


def _clean_query(query: str) -> list[str]:
    if len(query) > SEARCH_MAX_LENGTH:
        raise _search_error(
            _("The search may be at most %(n)s characters long.") % {"n": SEARCH_MAX_LENGTH}
        )
    return [key(word) for word in name_search.words(query)[:SEARCH_MAX_WORDS]]


def _starts_a_word(field: str, word: str) -> Q:
    """``word`` begins the field's value or one of its later words (Anna-Karin, Karl Johan)."""
    return (
        Q(**{f"{field}__startswith": word})
        | Q(**{f"{field}__contains": f" {word}"})
        | Q(**{f"{field}__contains": f"-{word}"})
    )


def _readings(keys: list[str]) -> list[tuple[int, Q]]:
    """The readings of the words: the surname is the first word ("Lundberg Sture") or the last
    ("Sture Lundberg"); each other word must begin a word of the first name or the surname."""
    readings = []
    for surname in [0] if len(keys) == 1 else [0, len(keys) - 1]:
        others = Q()
        for position, word in enumerate(keys):
            if position != surname:
                others &= _starts_a_word("first_key", word) | _starts_a_word("last_key", word)
        readings.append((surname, others))
    return readings


def _surname_ranges(keys: list[str]) -> list[Q]:
    """Each reading's surname word as a key range (a prefix), with the other words."""
    ranges = []
    for surname, others in _readings(keys):
        condition = Q(last_key__gte=keys[surname])
        upper = name_search.prefix_upper_bound(keys[surname])
        if upper is not None:
            condition &= Q(last_key__lt=upper)
        ranges.append(condition & others)
    return ranges


def _active_participation(actor: Actor) -> Exists:
    from samordna.cases.models import Participation

    # The same participations as the choke point's (``Person.objects.visible_to``), so that a
    # page of candidates is not spent on individuals the consent does not let the unit read.
    return Exists(
        Participation.objects.current()
        .informed()
        .filter(case__person=OuterRef("pk"), unit=actor.unit)
    )


def _sides(actor: Actor, condition: Q, order: list[Any], limit: int) -> list[tuple[str, list[Any]]]:
    """The SQL of the first ``limit`` ids in ``order`` meeting ``condition`` among those the
    unit registered, and among those in whose cases it takes part (see ``_candidates``)."""
    base = Person.objects.filter(condition).order_by(*order).values("pk")
    sides = (base.filter(registered_by_unit=actor.unit), base.filter(_active_participation(actor)))
    return [
        (sql, list(params)) for sql, params in (s[:limit].query.sql_with_params() for s in sides)
    ]


def _union(parts: list[tuple[str, list[Any]]]) -> RawSQL:
    sql = " UNION ALL ".join(
        f"SELECT * FROM ({part}) AS side{i}" for i, (part, _p) in enumerate(parts)
    )
    return RawSQL(sql, [param for _sql, params in parts for param in params])


def _candidates(actor: Actor, conditions: list[Q], order: list[Any], limit: int) -> RawSQL:
    """The ids of the first ``limit`` individuals in ``order`` among those the unit registered,
    and among those in whose cases it takes part, for each condition: index-ordered scans, each
    stopped by its LIMIT, in one UNION ALL used as a subquery.

    ``visible_to`` is the OR of the two sides; written as one filter, PostgreSQL checks the
    participation of every namesake in turn (a common surname in a large county is thousands);
    split, each side is planned on its own (the unit's registrations by the unit+name index, its
    participations from the participation index), and the choke point ``visible_to`` then
    checks only these few candidates.
    """
    return _union(
        [side for condition in conditions for side in _sides(actor, condition, order, limit)]
    )


# The parameter each similar surname takes the place of: no key holds a control character
# (``name_search.words`` splits at them), so the query's own words never match it.
_SURNAME = "\x01surname"


def _bearers(
    actor: Actor, surnames: list[tuple[list[str], Q]], order: list[Any], limit: int
) -> RawSQL | None:
    """``_candidates`` for ``Q(last_key=surname) & others``, each surname of each reading.

    The parts differ only in the surname, so each side is compiled once per reading and the
    surname put in its parameter: compiling a side (the choke point's consent ``EXISTS``)
    costs more Python than PostgreSQL spends running it, and a search that finds no prefix
    has up to 2 x 8 surnames (issue 11, profile of the name search)."""
    parts: list[tuple[str, list[Any]]] = []
    for names, others in surnames:
        if not names:
            continue
        for sql, params in _sides(actor, Q(last_key=_SURNAME) & others, order, limit):
            (at,) = [i for i, param in enumerate(params) if param == _SURNAME]
            parts += [(sql, [*params[:at], name, *params[at + 1 :]]) for name in names]
    return _union(parts) if parts else None


def search_page(actor: Actor, query: str, page: int = 1) -> SearchPage:
    """Name search among the individuals the unit may see, a page at a time; the individuals
    shown (and only they) are logged. Cost follows the page, not the county (issue 11 item 4).

    Names beginning with the words come first, in list order. When none does, the most similar
    names are shown (one page): typos ("Lindkvist" finds "Lindqvist") and parts of names.
    """
    keys = _clean_query(query)
    number = min(max(page, 1), SEARCH_MAX_PAGE)
    if not keys:
        return SearchPage([], 1, False, "prefix")
    offset = (number - 1) * SEARCH_PAGE_SIZE
    end = offset + SEARCH_PAGE_SIZE + 1  # one more than the page: is there a next page?
    order = ["last_key", "first_key", "id"]
    candidates = _candidates(actor, _surname_ranges(keys), order, end)
    visible = Person.objects.visible_to(actor).select_related("municipality")
    found = list(visible.filter(pk__in=candidates).order_by(*order)[offset:end])
    mode = "prefix"
    if not found and number == 1 and len("".join(keys)) >= 3:
        mode = "similar"
        found = _similar(actor, keys, name_search.words(query)[:SEARCH_MAX_WORDS])
    shown = found[:SEARCH_PAGE_SIZE]
    log_many(actor, AccessLog.Action.SEARCH, "person.search", shown, gettext_lazy("Search by name"))
    return SearchPage(shown, number, mode == "prefix" and len(found) > SEARCH_PAGE_SIZE, mode)


def _similar(actor: Actor, keys: list[str], words: list[str]) -> list[Person]:
    """A page of the individuals with the surnames most similar to the query's, in list order;
    failing that, the names most similar as a whole (a first name alone, "Sture").

    The surnames are found among the distinct surnames (``Surname``, a GIN trigram index on
    PostgreSQL), then their bearers by the same index ranges as a prefix search: a typo of a
    surname borne by 62,500 individuals costs a page, not 62,500 rows.
    """
    order = ["last_key", "first_key", "id"]
    with transaction.atomic():
        name_search.set_similarity_threshold(connection)
        surnames = []
        for surname, others in _readings(keys):
            text = name_search.fold(words[surname])
            similarity = name_search.WordSimilarity(text, F("text"))
            similar = (
                Surname.objects.filter(text__similar=text)
                .order_by(similarity.desc(), "key")
                .values_list("key", flat=True)[:SIMILAR_SURNAMES]
            )
            surnames.append((list(similar), others))
        candidates = _bearers(actor, surnames, order, SEARCH_PAGE_SIZE)
        if candidates is not None:
            visible = Person.objects.visible_to(actor).select_related("municipality")
            page = list(visible.filter(pk__in=candidates).order_by(*order)[:SEARCH_PAGE_SIZE])
            if page:
                return page
        return _similar_names(actor, " ".join(name_search.fold(word) for word in words))


def _similar_names(actor: Actor, text: str) -> list[Person]:
    """The page of whole names most similar to ``text``, shown in list order.

    PostgreSQL: the GIN trigram index finds the names at least SIMILARITY_THRESHOLD similar;
    SQLite (demo and development databases): the similarity function runs over the unit's own
    individuals (registered or taking part), so it costs the unit's size, not the county's.
    Its cost follows the number of similar names: the last resort, after the surnames.
    """
    similarity = name_search.WordSimilarity(text, F("name_text"))
    order: list[Any] = [similarity.desc(), "last_key", "first_key", "id"]
    candidates = _candidates(actor, [Q(name_text__similar=text)], order, SEARCH_PAGE_SIZE)
    best = list(
        Person.objects.visible_to(actor)
        .filter(pk__in=candidates)
        .select_related("municipality")
        .order_by(*order)[:SEARCH_PAGE_SIZE]
    )
    return sorted(best, key=lambda person: (person.last_key, person.first_key, person.pk))


def search(actor: Actor, query: str) -> list[Person]:
    """The first page of ``search_page``."""
    return search_page(actor, query).results


def get_visible(actor: Actor, pk: int, what: str = "person.detail", purpose: str = "") -> Person:
    person = (
        Person.objects.visible_to(actor)
        .select_related("municipality", "listed_primary_care")
        .filter(pk=pk)
        .first()
    )
    if person is None:
        raise NotFound(
            "not_found",
            _("The individual was not found, or your unit is not permitted to see them."),
        )
    log(actor, AccessLog.Action.READ, what, person, purpose)
    return person


def _clean_fields(data: dict[str, Any]) -> dict[str, Any]:
    fields = {k: v for k, v in data.items() if k in EDITABLE_FIELDS}
    for name in ("first_name", "last_name"):
        if name in fields and not str(fields[name]).strip():
            raise ServiceError("required", _("First and last name are required."), name)
    municipality = fields.get("municipality")
    if municipality is not None and (
        not isinstance(municipality, Principal) or municipality.kind != Principal.Kind.MUNICIPALITY
    ):
        raise ServiceError("invalid_municipality", _("Choose a municipality."), "municipality")
    care = fields.get("listed_primary_care")
    if care is not None and (not isinstance(care, Unit) or care.kind != Unit.Kind.PRIMARY_CARE):
        raise ServiceError(
            "invalid_primary_care", _("Choose a primary care centre."), "listed_primary_care"
        )
    return fields


def register(actor: Actor, raw_identity_number: str, data: dict[str, Any]) -> Person:
    """Register an individual. Reserve numbers and protected identities are refused (PER-1).

    The register check runs before the transaction so that the log of a refusal is kept.
    """
    identity = parse_logged(actor, raw_identity_number, "person.register")
    if Person.objects.filter(identity_number=identity.value).exists():
        raise Conflict(
            "already_registered", _("The individual is already registered."), "identity_number"
        )
    check_register(actor, identity, "person.register")
    fields = _clean_fields(data)
    if fields.get("municipality") is None:
        raise ServiceError("invalid_municipality", _("Choose a municipality."), "municipality")
    try:
        with transaction.atomic():
            person = Person.objects.create(
                identity_number=identity.value,
                registered_by=actor.user,
                registered_by_unit=actor.unit,
                **fields,
            )
            purpose = gettext_lazy("Registration")
            log(actor, AccessLog.Action.CREATE, "person.register", person, purpose)
    except IntegrityError as error:
        if not Person.objects.filter(identity_number=identity.value).exists():
            raise
        # Registered by someone else a moment ago.
        raise Conflict(
            "already_registered", _("The individual is already registered."), "identity_number"
        ) from error
    return person


@act
def update(actor: Actor, pk: int, version: int, data: dict[str, Any]) -> Person:
    """Change contact details; refuses if someone else saved since ``version`` was read."""
    person = get_visible(actor, pk, "person.update")
    fields = _clean_fields(data)
    changed = Person.objects.filter(pk=pk, version=version).update(
        version=F("version") + 1, **fields
    )
    if not changed:
        raise Conflict(
            "edit_conflict",
            _(
                "Someone else changed the individual's details while you were editing. "
                "Your changes have not been saved; review the current details and try again."
            ),
        )
    log(actor, AccessLog.Action.UPDATE, "person.update", person, ", ".join(sorted(fields)))
    person.refresh_from_db()
    return person


@act
def add_relative(actor: Actor, pk: int, data: dict[str, Any]) -> Relative:
    person = get_visible(actor, pk, "relative.add")
    if not str(data.get("name", "")).strip() or not str(data.get("relation", "")).strip():
        raise ServiceError("required", _("Name and relation are required."), "name")
    relative = Relative.objects.create(
        person=person,
        name=data["name"].strip(),
        relation=data["relation"].strip(),
        phone=data.get("phone", "").strip(),
        is_guardian=bool(data.get("is_guardian")),
    )
    log(actor, AccessLog.Action.UPDATE, "relative.add", person)
    return relative


@act
def remove_relative(actor: Actor, pk: int, relative_pk: int) -> None:
    person = get_visible(actor, pk, "relative.remove")
    deleted, _count = Relative.objects.filter(person=person, pk=relative_pk).delete()
    if not deleted:
        raise NotFound("not_found", _("The relative was not found."))
    log(actor, AccessLog.Action.UPDATE, "relative.remove", person)


def add_representative(actor: Actor, pk: int, data: dict[str, Any]) -> Representative:
    """The identity number is checked before the act's transaction, so that the log of a
    refusal is kept (as ``register``)."""
    identity_number = representative_identity(actor, str(data.get("identity_number") or ""))
    return _add_representative(actor, pk, data, identity_number)


@act
def _add_representative(
    actor: Actor, pk: int, data: dict[str, Any], identity_number: str
) -> Representative:
    person = get_visible(actor, pk, "representative.add")
    if not str(data.get("name", "")).strip():
        raise ServiceError("required", _("Name is required."), "name")
    if data.get("kind") not in Representative.Kind.values:
        raise ServiceError("invalid_kind", _("Choose a kind of representative."), "kind")
    representative = Representative.objects.create(
        person=person,
        kind=data["kind"],
        name=data["name"].strip(),
        identity_number=identity_number,
        phone=data.get("phone", "").strip(),
        street=data.get("street", "").strip(),
        postal_code=data.get("postal_code", "").strip(),
        city=data.get("city", "").strip(),
    )
    log(actor, AccessLog.Action.UPDATE, "representative.add", person)
    return representative


def representative_identity(actor: Actor, raw: str) -> str:
    """The representative's identity number as stored: empty, or 12 valid digits that are no
    reserve number (refused by ``parse``) and no protected identity in the register (refused
    and logged, nothing stored), as for the individual (PER-1, issue 15 item 4)."""
    if not raw.strip():
        return ""
    identity = parse_logged(actor, raw, "representative.add")
    check_register(actor, identity, "representative.add")
    return identity.value


@act
def remove_representative(actor: Actor, pk: int, representative_pk: int) -> None:
    person = get_visible(actor, pk, "representative.remove")
    deleted, _count = Representative.objects.filter(person=person, pk=representative_pk).delete()
    if not deleted:
        raise NotFound("not_found", _("The representative was not found."))
    log(actor, AccessLog.Action.UPDATE, "representative.remove", person)


def municipality_for(record: RegisterRecord) -> Principal | None:
    """Map the register's municipality to a principal by SCB code or our own code."""
    return Principal.objects.filter(
        Q(municipality_code=record.municipality_code) | Q(code=record.municipality_code),
        kind=Principal.Kind.MUNICIPALITY,
    ).first()
