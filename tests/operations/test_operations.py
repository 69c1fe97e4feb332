"""OPS-2: the health endpoint, the operating-status banner and the downtime page with the
blank paper forms (seeds 000 lines 220 and 287-289, 002 line 74, 003 line 80)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import OperationalError, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from samordna.documents import blank
from samordna.operations import context_processors
from samordna.operations.models import Banner
from samordna.organisations.models import User
from tests.conftest import STOCKHOLM, World, force_full_login
from tests.documents.pdfs import keep, pages_of, text_of


def test_health_answers_ok_with_the_version_when_the_database_answers(
    client: Client, db: None
) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["version"] not in ("", None)


def test_health_answers_503_when_the_database_is_unreachable(
    client: Client, db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unreachable() -> None:
        raise OperationalError("connection refused")

    with monkeypatch.context() as patched:
        patched.setattr(connection, "cursor", unreachable)
        response = client.get(reverse("health"))
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response.json()["database"] == "unreachable"


def banner(kind: str = "maintenance", **times: dt.datetime | None) -> Banner:
    now = timezone.now()
    values = {"starts_at": now - dt.timedelta(hours=1), "ends_at": now + dt.timedelta(hours=1)}
    values.update(times)
    return Banner.objects.create(kind=kind, message=f"Samordna uppdateras ({kind}).", **values)


def test_a_current_banner_is_on_every_page_and_others_are_not(
    world: World, login: Callable[..., Client], client: Client
) -> None:
    now = timezone.now()
    banner("outage", ends_at=None)
    banner(
        "maintenance", starts_at=now + dt.timedelta(hours=1), ends_at=now + dt.timedelta(hours=2)
    )
    banner(
        "information", starts_at=now - dt.timedelta(hours=2), ends_at=now - dt.timedelta(hours=1)
    )
    page = login(world.alice).get(reverse("people:search")).content.decode()
    assert 'class="messages site-status"' in page
    assert "Samordna uppdateras (outage)." in page
    assert "(maintenance)" not in page
    assert "(information)" not in page


def test_a_banner_must_end_after_it_starts() -> None:
    now = timezone.now()
    with pytest.raises(ValidationError):
        Banner(kind="outage", message="x", starts_at=now, ends_at=now).full_clean()


# An evening banner set on a Monday morning: with the clock's own time, "a minute ago" lay on
# the other side of midnight at 00:00 and in the hour that happens twice in October, which the
# admin's split date and time fields refuse as ambiguous.
@time_machine.travel(dt.datetime(2026, 11, 23, 9, tzinfo=STOCKHOLM), tick=True)
def test_administrators_set_the_banner_in_the_admin(client: Client, db: None) -> None:
    admin = User.objects.create_superuser("root", password="x" * 12)
    force_full_login(client, admin)
    now = timezone.localtime()
    response = client.post(
        "/admin/operations/banner/add/",
        {
            "kind": "maintenance",
            "message": "Planerat underhåll i kväll 18–20. Använd pappersblanketterna.",
            "starts_at_0": f"{now:%Y-%m-%d}",
            "starts_at_1": f"{now - dt.timedelta(minutes=1):%H:%M:%S}",
            "ends_at_0": f"{now + dt.timedelta(days=1):%Y-%m-%d}",
            "ends_at_1": "20:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()
    assert Banner.objects.current().get().message.startswith("Planerat underhåll")


def test_the_downtime_page_has_every_blank_form_even_without_a_unit(
    world: World, client: Client
) -> None:
    banner("outage")
    footer = client.get(reverse("accounts:login")).content.decode()
    assert reverse("operations:downtime") in footer
    pages = [client.get(reverse("operations:downtime"))]  # not logged in
    client.force_login(world.alice)  # logged in, no unit chosen
    pages.append(client.get(reverse("operations:downtime")))
    for response in pages:
        assert response.status_code == 200
        html = response.content.decode()
        for form in blank.FORMS:
            assert reverse("documents:blank", args=[form.slug]) in html
        assert reverse("documents:blank", args=["all"]) in html
        assert "Samordna uppdateras (outage)." in html


@pytest.mark.parametrize(
    ("slug", "expected"),
    [
        (
            "meeting-record",
            ["Dokumentation vid SIP-möte", "Ordförande", "Huvudmål", "Fast vårdkontakt"],
        ),
        ("consent-adult", ["Samtycke till samordnad individuell plan (SIP)", "legal företrädare"]),
        ("consent-child", ["barn och unga under 18 år", "Vårdnadshavare 2", "Barnets egen syn"]),
        ("invitation", ["Kallelse till samordnad individuell planering (SIP)", "samtyckt"]),
    ],
)
def test_each_blank_form_reads_back_in_swedish_with_the_county(
    world: World, client: Client, slug: str, expected: list[str]
) -> None:
    client.force_login(world.charlie)
    response = client.get(reverse("documents:blank", args=[slug]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    keep(f"blank-{slug}", response.content)
    text = text_of(response.content)
    assert "Norrbottens län" in text
    assert f"Datum: {timezone.localdate():%Y-%m-%d}" in text
    assert "Registrera uppgifterna i Samordna" in text or slug.startswith("consent")
    for phrase in expected:
        assert phrase in text


def test_all_blank_forms_come_in_one_file_and_unknown_ones_are_not_found(
    world: World, client: Client
) -> None:
    response = client.get(reverse("documents:blank", args=["all"]))
    parts = [blank.render(form.slug, "") for form in blank.FORMS]
    assert pages_of(response.content) == sum(pages_of(p) for p in parts if p)
    text = text_of(response.content)
    assert all(form.title in text for form in blank.FORMS)
    assert "Norrbottens län" in text  # the installation's only county, before login
    assert client.get(reverse("documents:blank", args=["recipe"])).status_code == 404


def test_the_downtime_page_and_the_forms_work_when_the_database_does_not_answer(
    world: World, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before login nothing needs the database: the login page, the downtime page (which
    says it cannot read the status) and the blank forms still answer."""

    def unreachable() -> None:
        raise OperationalError("connection refused")

    banner("outage")
    with monkeypatch.context() as patched:
        patched.setattr(connection, "cursor", unreachable)
        login_page = client.get(reverse("accounts:login"))
        page = client.get(reverse("operations:downtime"))
        form = client.get(reverse("documents:blank", args=["meeting-record"]))
    assert login_page.status_code == 200
    assert page.status_code == 200
    assert "Samordna uppdateras" not in page.content.decode()
    assert reverse("documents:blank", args=["meeting-record"]) in page.content.decode()
    assert form.status_code == 200
    assert "Dokumentation vid SIP-möte" in text_of(form.content)


def test_staff_still_logged_in_get_the_downtime_page_when_the_database_does_not_answer(
    world: World, login: Callable[..., Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An outage usually starts while staff are logged in; their session lives in the
    database, so these pages must not read or save it."""
    client = login(world.alice)

    def unreachable() -> None:
        raise OperationalError("connection refused")

    with monkeypatch.context() as patched:
        patched.setattr(connection, "cursor", unreachable)
        page = client.get(reverse("operations:downtime"))
        form = client.get(reverse("documents:blank", args=["consent-adult"]))
    assert (page.status_code, form.status_code) == (200, 200)
    assert client.get(reverse("overview:overview")).status_code == 200  # still logged in


def test_a_process_reads_the_banners_once_in_a_while_and_shows_them_on_the_second(
    world: World, login: Callable[..., Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every page shows the banners, so a process reads them at most once every READ_EVERY
    seconds; which of them are current is still decided on each request, and a banner saved in
    this process shows at once."""
    monkeypatch.setattr(context_processors, "READ_EVERY", 10.0)  # the tests' fixture reads always
    client = login(world.alice)
    url = reverse("people:search")
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        soon = banner("maintenance", starts_at=start + dt.timedelta(minutes=5), ends_at=None)
        with CaptureQueriesContext(connection) as first:
            assert "(maintenance)" not in client.get(url).content.decode()
        clock.shift(dt.timedelta(minutes=5))  # starts now: shown, without reading again
        with CaptureQueriesContext(connection) as second:
            assert "Samordna uppdateras (maintenance)." in client.get(url).content.decode()
        banner_reads = [
            [q for q in c.captured_queries if "operations_banner" in q["sql"]]
            for c in (first, second)
        ]
        assert [len(reads) for reads in banner_reads] == [1, 0]
        soon.ends_at = timezone.now() + dt.timedelta(minutes=1)
        soon.save()  # saved here: read again at once
        clock.shift(dt.timedelta(minutes=1))
        assert "(maintenance)" not in client.get(url).content.decode()
        # Changed by another process (no signal here): shown from the next read on.
        Banner.objects.filter(pk=soon.pk).update(ends_at=None)
        assert "(maintenance)" not in client.get(url).content.decode()
        later = context_processors._clock() + context_processors.READ_EVERY
        monkeypatch.setattr(context_processors, "_clock", lambda: later)
        assert "Samordna uppdateras (maintenance)." in client.get(url).content.decode()
