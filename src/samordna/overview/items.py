"""What each overview item says and where it leads (BOX-1).

``title`` and ``party`` (what, and which other unit) never name the individual, so the digest
e-mail can carry them; ``detail`` (meeting time, subject, note) is shown only on screen.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samordna.cases.models import Case, Delivery, Notice, Obligation
from samordna.core.deadlines import end_of_day
from samordna.core.identity import Named
from samordna.overview.readmodel import (
    AWAITING,
    DEADLINE,
    DISCHARGE,
    FOLLOW_UP,
    INVITATION,
    MEETING,
    MESSAGE,
    NOTICE,
)
from samordna.sip.models import Meeting

KINDS = {
    INVITATION: gettext_lazy("Invitations to acknowledge"),
    NOTICE: gettext_lazy("Notices about stays to acknowledge"),
    MESSAGE: gettext_lazy("Messages"),
    DEADLINE: gettext_lazy("Deadlines"),
    FOLLOW_UP: gettext_lazy("Follow-ups"),
    AWAITING: gettext_lazy("Acknowledgements awaited from others"),
    MEETING: gettext_lazy("Meetings"),
    DISCHARGE: gettext_lazy("Expected discharges"),
}
INCOMING = (INVITATION, NOTICE, MESSAGE)

OVERDUE, TODAY, UPCOMING, DUE = "overdue", "today", "upcoming", "due"
BUCKETS = (OVERDUE, TODAY, UPCOMING)
WHEN = {
    OVERDUE: gettext_lazy("Overdue"),
    TODAY: gettext_lazy("Due today"),
    DUE: gettext_lazy("Overdue or due today"),
    UPCOMING: gettext_lazy("Upcoming"),
}


@dataclass(frozen=True)
class Moment:
    """When the overview is computed, and the end of that local day."""

    now: dt.datetime
    today: dt.date
    end_of_today: dt.datetime

    @classmethod
    def at(cls, now: dt.datetime) -> Moment:
        today = timezone.localdate(now)
        return cls(now, today, end_of_day(today))

    def bucket(self, due: dt.datetime | None) -> str:
        """Overdue when its time has come (as ``Obligation.status``), due today when it falls
        before the end of the local day, upcoming otherwise (and without a due time)."""
        if due is None or due > self.end_of_today:
            return UPCOMING
        return OVERDUE if due <= self.now else TODAY


@dataclass(frozen=True)
class PersonRow(Named):
    """What an item shows of its individual."""

    pk: int
    first_name: str
    last_name: str
    identity_number: str


@dataclass(frozen=True)
class CaseRow:
    """What an item shows of its case: where it leads, whose it is."""

    pk: int
    kind: str
    owner_unit_name: str
    person: PersonRow

    @property
    def person_id(self) -> int:
        return self.person.pk


@dataclass(frozen=True)
class DeliveryRow:
    pk: int
    mode: str
    due_at: dt.datetime | None
    notice_pk: int
    notice_kind: str
    subject: str
    sender_name: str
    meeting_pk: int | None
    meeting_starts_at: dt.datetime | None
    unit_name: str  # the recipient


@dataclass(frozen=True)
class ObligationRow:
    pk: int
    kind: str
    due_at: dt.datetime | None
    note: str


@dataclass(frozen=True)
class MeetingRow:
    pk: int
    starts_at: dt.datetime | None
    purpose: str
    form: str
    place: str


@dataclass(frozen=True)
class Item:
    """One thing to act on (see the module's docstring for what may name the individual)."""

    kind: str
    due: dt.datetime | None
    status: str
    title: str
    party: str
    detail: str
    case: CaseRow
    url: str | None
    pk: int

    @property
    def kind_label(self) -> str:
        return str(KINDS[self.kind])

    @property
    def status_label(self) -> str:
        return str(WHEN[self.status])

    @property
    def case_page(self) -> str:
        """Where the Individ column leads: the case the item belongs to, or for a message case
        (which has no page of its own) the individual (issue 18 item 12)."""
        return case_url(self.case) or _url("people:detail", self.case.person_id)


# Labels looked up directly: Model.get_FOO_display() hashes every lazy choice on each call,
# which for a page of a hundred items costs more than its queries.
NOTICE_KINDS = dict(Notice.Kind.choices)
OBLIGATION_KINDS = dict(Obligation.Kind.choices)
PURPOSES = dict(Meeting.Purpose.choices)
FORMS = dict(Meeting.Form.choices)

_SENTINEL = 987654321987
_patterns: dict[str, str] = {}


def _url(name: str, pk: int) -> str:
    """``reverse(name, args=[pk])`` for a URL with one number, its pattern resolved once per
    process: a page of a hundred items would otherwise resolve a hundred URLs."""
    if name not in _patterns:
        _patterns[name] = reverse(name, args=[_SENTINEL]).replace(str(_SENTINEL), "{}")
    return _patterns[name].format(pk)


def message_url(notice_pk: int) -> str:
    return _url("messaging:message", notice_pk)


def case_url(case: CaseRow) -> str | None:
    if case.kind == Case.Kind.SIP:
        return _url("sip:case", case.pk)
    if case.kind == Case.Kind.DISCHARGE:
        return _url("discharge:stay", case.pk)
    return None


def _notice_url(delivery: DeliveryRow, case: CaseRow, incoming: bool) -> str | None:
    if delivery.notice_kind == Notice.Kind.MESSAGE:
        return message_url(delivery.notice_pk)
    if delivery.notice_kind == Notice.Kind.INVITATION:
        if incoming:
            return reverse("sip:invitations") + f"#invitation-{delivery.pk}"
        url = case_url(case)
        return f"{url}#meeting-{delivery.meeting_pk}" if url and delivery.meeting_pk else url
    return _url("discharge:stay", case.pk) + f"#notice-{delivery.notice_pk}"


def _local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def incoming(d: DeliveryRow, case: CaseRow, m: Moment) -> Item:
    sender = {"unit": d.sender_name}
    if d.mode == Delivery.Mode.ACK:
        party = _("To acknowledge, from %(unit)s") % sender
    else:
        party = _("For information, from %(unit)s") % sender
    if d.meeting_starts_at is not None:
        detail = _("Meeting %(time)s") % {"time": _local(d.meeting_starts_at)}
    else:
        detail = d.subject
    kinds: dict[str, str] = {Notice.Kind.INVITATION: INVITATION, Notice.Kind.MESSAGE: MESSAGE}
    return Item(
        kinds.get(d.notice_kind, NOTICE),
        d.due_at,
        m.bucket(d.due_at),
        str(NOTICE_KINDS.get(d.notice_kind, d.notice_kind)),
        party,
        detail,
        case,
        _notice_url(d, case, incoming=True),
        d.pk,
    )


def awaiting(d: DeliveryRow, case: CaseRow, m: Moment) -> Item:
    return Item(
        AWAITING,
        d.due_at,
        m.bucket(d.due_at),
        str(NOTICE_KINDS.get(d.notice_kind, d.notice_kind)),
        _("Not acknowledged by %(unit)s") % {"unit": d.unit_name},
        "",
        case,
        _notice_url(d, case, incoming=False),
        d.pk,
    )


def obligation(o: ObligationRow, case: CaseRow, m: Moment) -> Item:
    kind = FOLLOW_UP if o.kind == Obligation.Kind.FOLLOW_UP else DEADLINE
    return Item(
        kind,
        o.due_at,
        m.bucket(o.due_at),
        str(OBLIGATION_KINDS.get(o.kind, o.kind)),
        "",
        o.note,
        case,
        case_url(case),
        o.pk,
    )


def meeting(meeting: MeetingRow, case: CaseRow, m: Moment) -> Item:
    url = case_url(case)
    return Item(
        MEETING,
        meeting.starts_at,
        m.bucket(meeting.starts_at),
        _("SIP meeting: %(purpose)s") % {"purpose": PURPOSES.get(meeting.purpose, meeting.purpose)},
        case.owner_unit_name,
        ", ".join(filter(None, [str(FORMS.get(meeting.form, meeting.form)), meeting.place])),
        case,
        f"{url}#meeting-{meeting.pk}" if url else None,
        meeting.pk,
    )


def stay(case: CaseRow, due: dt.datetime | None, m: Moment) -> Item:
    return Item(
        DISCHARGE,
        due,
        m.bucket(due),
        _("Expected discharge"),
        case.owner_unit_name,
        "",
        case,
        case_url(case),
        case.pk,
    )
