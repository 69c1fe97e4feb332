"""Writing the access log. Every view and API endpoint that touches personal data calls ``log``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

from django.conf import settings
from django.db import connection
from django.utils import timezone, translation

from samordna.audit.models import AccessLog
from samordna.cases.acts import in_act

if TYPE_CHECKING:
    from samordna.accounts.actor import Actor
    from samordna.organisations.models import User
    from samordna.people.models import Person


class Keyed(Protocol):
    """An individual as a list shows it: a model instance or a row with its key."""

    @property
    def pk(self) -> Any: ...


def log(
    actor: Actor,
    action: str,
    what: str,
    person: Person | None = None,
    purpose: object = "",
) -> AccessLog:
    """Purposes may be lazy translations; they are stored in the installation's language so the
    log does not mix languages with each user's choice.

    One request logs one read once: a failed form post read the case to check the act and again
    to show the page, and the log said "SIP-ärende läst" three times in the same second (issue
    18 item 3). An entry written inside an act is not remembered, since the act may roll back and
    take it along; the page shown afterwards then logs the read it really did."""
    key = (action, what[:200], person.pk if person is not None else None)
    if key in actor.logged:
        entry: AccessLog = actor.logged[key]
        return entry
    entry = AccessLog.objects.create(
        user=actor.user,
        unit=actor.unit,
        person=person,
        action=action,
        what=what[:200],
        purpose=_stored(purpose),
        via=actor.via,
        ip=actor.ip,
    )
    if not in_act():
        actor.logged[key] = entry
    return entry


def log_many(
    actor: Actor, action: str, what: str, persons: Sequence[Keyed], purpose: object = ""
) -> None:
    """One row per person shown in a result list, in plain INSERTs of up to 500 rows: the ORM's
    bulk_create of 50 rows cost the overview 18 ms of Python (model instances, then compiling
    them), this ~1. The values are adapted as the ORM adapts them (an empty address is NULL,
    the time as the database stores it)."""
    ops = connection.ops
    fixed: list[Any] = [
        ops.adapt_datetimefield_value(timezone.now()), actor.user.pk, actor.unit.pk, action,
        what[:200], _stored(purpose), actor.via, ops.adapt_ipaddressfield_value(actor.ip), "", "",
    ]  # fmt: skip
    row = "(" + ", ".join(["%s"] * (len(fixed) + 1)) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(persons), _BATCH):
            batch = persons[start : start + _BATCH]
            cursor.execute(
                f"INSERT INTO {AccessLog._meta.db_table} ({_COLUMNS}) "
                f"VALUES {', '.join([row] * len(batch))}",
                [value for person in batch for value in (person.pk, *fixed)],
            )


_BATCH = 500  # rows per statement: 5,500 parameters, within SQLite's 32,766
_COLUMNS = (
    "person_id, at, user_id, unit_id, action, what, purpose, via, ip, reader, reader_relation"
)


def _stored(purpose: object) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return str(purpose)[:200]


def log_login(user: User, what: str, ip: str | None, refused: bool = False) -> AccessLog:
    """A login (or a refused one) of a known account: no unit yet, so the row is the user's."""
    return AccessLog.objects.create(
        user=user,
        unit=None,
        action=AccessLog.Action.REFUSE if refused else AccessLog.Action.LOGIN,
        what=what[:200],
        via="web",
        ip=ip,
    )


def log_individual(
    reader: str,
    relation: str,
    action: str,
    what: str,
    person: Person,
    ip: str | None = None,
    purpose: object = "",
) -> AccessLog:
    """A read (or change) on the individual's own pages (PAT-2): no staff user and no unit;
    ``reader`` is the identity number the identity provider vouched for and ``relation`` how
    that reader stands to ``person`` (``people.subjects.Relation``). The individual sees these
    rows in their extract too."""
    return AccessLog.objects.create(
        user=None,
        unit=None,
        person=person,
        action=action,
        what=what[:200],
        purpose=_stored(purpose),
        via="mypages",
        ip=ip,
        reader=reader[:12],
        reader_relation=relation[:20],
    )
