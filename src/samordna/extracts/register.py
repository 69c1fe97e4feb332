"""The individual's register extract (GDPR art. 15; issue 16 item 2): everything Samordna stores
about one person that the unit administrator's unit may see, and the access log of their data.

What goes in is found generically: from the individual and from each case the unit may see
(``Case.objects.visible_to``, the one choke point), every row that refers to them through a
foreign key, and onwards (notices and their deliveries, consents, plan versions with goals and
actions, meetings, stays, messages, deviations, and whatever a later model hangs on a case). Two
narrowings follow the screens: a message thread only when the unit sent or received a message in
it (``messaging.services.reading.of_case``), a deviation only as the deviation register shows it
(``Deviation.objects.visible_to``). The overview's read model is left out: it is derived from the
rows above. The access log part is the unit's own review scope (``audit.views.scope``): each
principal answers for its own data, and the county administrator reviews the whole county.
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from samordna.accounts.actor import Actor
from samordna.audit.models import AccessLog
from samordna.audit.services import log
from samordna.audit.views import scope
from samordna.cases.models import Case
from samordna.errors import Forbidden, NotFound
from samordna.organisations.models import Membership
from samordna.people.models import Person

FORMAT = "samordna.register-extract"
VERSION = 1
MAKERS = (Membership.Role.UNIT_ADMIN,)
# Rows that refer to a case or the individual but are not data about them: the overview's read
# model (derived from the acts' rows, rebuilt at will) and the access log (its own section).
LEFT_OUT = {"overview.workitem", "overview.workcount", "audit.accesslog", "cases.case"}
LOG_FIELDS = ("at", "user", "unit", "action", "what", "purpose", "via")


@dataclass(frozen=True)
class Section:
    model: type[models.Model]
    rows: list[dict[str, Any]]


def value(field: models.Field[Any, Any], obj: models.Model) -> Any:
    """A field's value as JSON: a reference to a user, unit or principal by its name (what a
    reader needs), any other reference by its id."""
    related_model = field.related_model
    if field.is_relation and related_model is not None and not isinstance(related_model, str):
        if related_model._meta.app_label == "organisations":
            related = getattr(obj, field.name)
            return None if related is None else str(related)
        return getattr(obj, field.attname)
    raw = getattr(obj, field.attname)
    if isinstance(raw, dt.datetime | dt.date | dt.time):
        return raw.isoformat()
    if isinstance(raw, decimal.Decimal | uuid.UUID):
        return str(raw)
    if isinstance(raw, bytes | memoryview):
        return None
    return raw


def row(obj: models.Model) -> dict[str, Any]:
    out = {f.name: value(f, obj) for f in obj._meta.concrete_fields}
    for m2m in obj._meta.many_to_many:
        out[m2m.name] = sorted(str(o) for o in getattr(obj, m2m.name).all())
    return out


def _narrowing(actor: Actor) -> dict[str, Callable[[Any], Any]]:
    message = apps.get_model("messaging", "Message")
    deviation = apps.get_model("deviations", "Deviation")
    party = message.objects.filter(
        Q(notice__sender_unit=actor.unit) | Q(notice__deliveries__unit=actor.unit)
    ).values("thread_id")
    return {
        "cases.notice": lambda rows: rows.filter(
            ~Q(kind="message") | Q(message__thread_id__in=party)
        ),
        "messaging.message": lambda rows: rows.filter(thread_id__in=party),
        "deviations.deviation": lambda rows: rows & deviation.objects.visible_to(actor),
    }


def _children(obj: models.Model) -> list[tuple[str, Any]]:
    """Every reverse foreign key and one-to-one of the object (also those named "+")."""
    found = []
    for rel in obj._meta.get_fields(include_hidden=True):
        if not (rel.auto_created and not rel.concrete and (rel.one_to_many or rel.one_to_one)):
            continue
        model = rel.related_model
        assert model is not None and not isinstance(model, str)
        label = model._meta.label_lower
        if label in LEFT_OUT or model._meta.auto_created:  # many-to-many tables: in the row
            continue
        field = rel.field  # type: ignore[union-attr]
        found.append((label, model._default_manager.filter(**{field.name: obj})))
    return found


def collect(actor: Actor, person: Person) -> list[Section]:
    narrow = _narrowing(actor)
    found: dict[str, dict[Any, models.Model]] = {}

    def add(obj: models.Model) -> None:
        label = obj._meta.label_lower
        if obj.pk in found.setdefault(label, {}):
            return
        found[label][obj.pk] = obj
        for child_label, rows in _children(obj):
            if child_label in narrow:
                rows = narrow[child_label](rows)
            for child in rows.order_by("pk"):
                add(child)

    add(person)
    for case in Case.objects.visible_to(actor).filter(person=person).order_by("pk"):
        add(case)
    sections = [Section(Person, [row(person)])]
    order = [m._meta.label_lower for m in apps.get_models()]
    for label in sorted(found, key=order.index):
        if label != "people.person" and found[label]:
            model = apps.get_model(label)
            sections.append(Section(model, [row(o) for _pk, o in sorted(found[label].items())]))
    return sections


def _field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    return field


def access_log(actor: Actor, person: Person) -> list[dict[str, Any]]:
    entries = scope(actor).filter(person=person).order_by("at", "pk")
    out = []
    for entry in entries:
        item = {name: value(_field(AccessLog, name), entry) for name in LOG_FIELDS}
        item["what"] = entry.what_display
        out.append(item)
    return out


@dataclass(frozen=True)
class Extract:
    person: Person
    made_at: dt.datetime
    sections: list[Section]
    log: list[dict[str, Any]]

    def as_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": VERSION,
            "made_at": self.made_at.isoformat(),
            "individual": self.person.identity_number,
            "data": {s.model._meta.label_lower: s.rows for s in self.sections},
            "access_log": self.log,
        }


def make(actor: Actor, person_pk: int, form: str) -> Extract:
    """The act: refused for anyone but a unit administrator, 404 for an individual the unit
    may not see, and itself logged (after the log part is read, so it shows in the next one)."""
    if not actor.has_role(*MAKERS):
        raise Forbidden("not_unit_admin", _("Only a unit administrator makes register extracts."))
    person = Person.objects.visible_to(actor).filter(pk=person_pk).first()
    if person is None:
        raise NotFound(
            "not_found",
            _("The individual was not found, or your unit is not permitted to see them."),
        )
    extract = Extract(person, timezone.now(), collect(actor, person), access_log(actor, person))
    log(actor, AccessLog.Action.EXPORT, "person.register_extract", person, purpose=form)
    return extract
