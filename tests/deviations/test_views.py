"""DEV-1 screens: the register list with filters and counts, writing, the suggestion flow,
handling, the CSV export, and what charlie of an unrelated unit sees (nothing)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from samordna.audit.models import AccessLog
from samordna.deviations import jobs
from samordna.deviations.export import cell
from samordna.deviations.models import Deviation
from samordna.organisations.models import Unit, User
from tests.conftest import World, make_user
from tests.deviations.conftest import COMPLETE, overdue_delivery, sent, write

Login = Callable[..., Client]
Status = Deviation.Status


def form_data(world: World, **extra: Any) -> dict[str, Any]:
    return {
        "occurred_at": f"{timezone.localtime():%Y-%m-%dT%H:%M}",
        "concerned_unit": world.participant_unit.pk,
        "case": world.case.pk,
        **COMPLETE,
        **extra,
    }


def test_writing_a_deviation_saves_a_draft(login: Login, world: World) -> None:
    client = login(world.alice)
    page = client.get(reverse("deviations:new"))
    assert page.status_code == 200
    html = page.content.decode()
    assert world.participant_unit.name in html and world.unrelated_unit.name in html
    assert f'value="{world.owner_unit.pk}"' not in html  # not the own unit
    done = client.post(reverse("deviations:new"), form_data(world), follow=True)
    d = Deviation.objects.get()
    assert done.redirect_chain[-1][0] == reverse("deviations:detail", args=[d.pk])
    assert d.status == Status.DRAFT and d.case == world.case


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"event": ""}, "event"),
        ({"event": "Gäller 19360323-9090"}, "event"),
        ({"occurred_at": "2999-01-01T10:00"}, "occurred_at"),
        ({"case": "999999"}, "case"),
    ],
)
def test_bad_input_is_shown_again_and_nothing_stored(
    login: Login, world: World, extra: dict[str, str], field: str
) -> None:
    response = login(world.alice).post(reverse("deviations:new"), form_data(world, **extra))
    assert response.status_code == 400
    assert f'id="id_{field}_error"' in response.content.decode()
    assert not Deviation.objects.exists()


def test_a_suggestion_is_confirmed_edited_and_sent(login: Login, world: World) -> None:
    overdue_delivery(world)
    jobs.run(timezone.now())
    d = Deviation.objects.get()
    client = login(world.alice)
    detail = reverse("deviations:detail", args=[d.pk])
    html = client.get(detail).content.decode()
    assert reverse("deviations:confirm", args=[d.pk]) in html
    assert reverse("deviations:dismiss", args=[d.pk]) in html
    client.post(reverse("deviations:confirm", args=[d.pk]), {"version": 1})
    d.refresh_from_db()
    assert d.status == Status.DRAFT and d.confirmed_by == world.alice
    edit = reverse("deviations:edit", args=[d.pk])
    data = form_data(world, event=d.event, version=d.version)
    incomplete = client.post(edit, {**data, "risk": "", "send": "1"})
    assert incomplete.status_code == 400 and 'id="id_risk_error"' in incomplete.content.decode()
    d.refresh_from_db()
    assert (d.status, d.consequence) == (Status.DRAFT, "")  # neither saved nor sent
    assert client.post(edit, data).status_code == 302  # saved as a draft
    stale = client.post(edit, data)
    assert stale.status_code == 409
    d.refresh_from_db()
    assert d.status == Status.DRAFT and d.consequence == COMPLETE["consequence"]
    sending = {**data, "version": d.version, "improvement": "Ny rutin.", "send": "1"}
    assert client.post(edit, sending).status_code == 302
    d.refresh_from_db()
    assert (d.status, d.sent_by, d.improvement) == (Status.SENT, world.alice, "Ny rutin.")
    again = client.post(edit, {**sending, "version": d.version})
    assert again.status_code == 400  # only a draft can be edited or sent


def test_the_concerned_unit_marks_it_handled(login: Login, world: World) -> None:
    d = sent(world)
    client = login(world.bob)
    html = client.get(reverse("deviations:detail", args=[d.pk])).content.decode()
    assert reverse("deviations:handle", args=[d.pk]) in html
    assert reverse("deviations:edit", args=[d.pk]) not in html
    forbidden = client.post(
        reverse("deviations:edit", args=[d.pk]),
        form_data(world, version=d.version, send="1", concerned_unit=""),
    )
    assert forbidden.status_code == 403
    client.post(
        reverse("deviations:handle", args=[d.pk]),
        {"version": d.version, "comment": "Genomgånget på APT."},
    )
    d.refresh_from_db()
    assert (d.status, d.handled_by, d.handled_comment) == (
        Status.HANDLED,
        world.bob,
        "Genomgånget på APT.",
    )


def test_dismissing_a_suggestion(login: Login, world: World) -> None:
    overdue_delivery(world)
    jobs.run(timezone.now())
    d = Deviation.objects.get()
    login(world.alice).post(reverse("deviations:dismiss", args=[d.pk]), {"version": 1})
    d.refresh_from_db()
    assert (d.status, d.dismissed_by) == (Status.DISMISSED, world.alice)


def test_charlie_sees_nothing(login: Login, world: World) -> None:
    d = sent(world)
    write(world)
    client = login(world.charlie)
    html = client.get(reverse("deviations:list")).content.decode()
    assert COMPLETE["event"] not in html
    assert client.get(reverse("deviations:detail", args=[d.pk])).status_code == 404
    assert client.post(reverse("deviations:handle", args=[d.pk]), {"version": 2}).status_code == 404
    exported = client.get(reverse("deviations:export")).content.decode("utf-8-sig")
    assert len(list(csv.reader(io.StringIO(exported), delimiter=";"))) == 1  # headers only
    d.refresh_from_db()
    assert d.status == Status.SENT


def test_the_list_filters_counts_and_is_constant_in_queries(
    login: Login,
    world: World,
    django_assert_max_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    client = login(world.alice)
    url = reverse("deviations:list")
    sent(world)
    write(world)
    with django_assert_max_num_queries(100) as few:
        client.get(url)
    for i in range(12):
        (sent if i % 2 else write)(world, event=f"Händelse {i}")
    overdue_delivery(world)
    jobs.run(timezone.now())
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get(url).content.decode()
    assert html.count("<tr>") == 1 + 15
    assert world.person.full_name in html  # alice's unit takes part in the case
    assert AccessLog.objects.filter(user=world.alice, what="deviations.list").exists()
    drafts = client.get(url, {"status": "draft", "side": "reported"}).content.decode()
    assert drafts.count("<tr>") == 1 + 7
    assert "(7)" in drafts and "(15)" in drafts and "(1)" in drafts  # draft, all, suggested


def test_csv_export_for_the_deviation_system(login: Login, world: World) -> None:
    sent(world, risk='=HYPERLINK("http://evil.example")', action="-1+1")
    write(world, event="Utkast")
    response = login(world.alice).get(reverse("deviations:export"), {"status": "sent"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    raw = response.content
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    header, [row] = rows[0], rows[1:]
    values = dict(zip(header, row, strict=True))
    assert values["händelse"] == COMPLETE["event"]
    assert values["risk"] == '\'=HYPERLINK("http://evil.example")'
    assert values["åtgärd"] == "'-1+1"
    assert values["rapporterande enhet"] == world.owner_unit.name
    assert values["berörd enhet"] == world.participant_unit.name
    assert values["ärende"] == str(world.case.pk)
    assert values["personnummer"] == world.person.identity.formatted
    assert AccessLog.objects.filter(
        user=world.alice, what="deviations.export", person=world.person
    ).exists()


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("=1+1", "'=1+1"),
        ("+46 920", "'+46 920"),
        ("-x", "'-x"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("Vanlig text", "Vanlig text"),
        (12, "12"),
        (None, ""),
    ],
)
def test_cells_never_become_formulas(value: object, shown: str) -> None:
    assert cell(value) == shown


def test_a_unit_outside_the_case_gets_no_case_or_individual_in_the_csv(
    login: Login, world: World
) -> None:
    nurse: User = make_user("wilma", world.ward)
    sent(world, concerned_unit=Unit.objects.get(pk=world.ward.pk))
    exported = login(nurse).get(reverse("deviations:export")).content.decode("utf-8-sig")
    header, row = list(csv.reader(io.StringIO(exported), delimiter=";"))
    values = dict(zip(header, row, strict=True))
    assert values["ärende"] == "" and values["personnummer"] == ""
    assert world.person.last_name not in exported
