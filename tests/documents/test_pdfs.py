"""DOC-1: the plan for the individual, the invitation letter, the consent form and the
discharge information, downloaded from the screens and read back as text, with the three
test users: alice (coordinator's unit), bob (takes part), charlie (sees nothing)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from samordna.audit.models import AccessLog
from samordna.cases.models import Case
from samordna.discharge.services import collaboration as svu_collaboration_acts
from samordna.discharge.services import notices as notices_acts
from samordna.documents.pdf import clock, day, weekday_and_day
from samordna.organisations.models import User
from samordna.people.models import Person, Relative, Representative
from samordna.sip.models import Meeting, Participant
from samordna.sip.services import case as case_acts
from samordna.sip.services import invitations as invitations_acts
from samordna.sip.services.invitations import External, Invitees
from tests.conftest import World, valid_identity_number
from tests.discharge.conftest import version, ward
from tests.discharge.test_stay import ready_data
from tests.documents.pdfs import keep, text_of
from tests.sip.test_meetings import details

PT_PER_MM = 72 / 25.4


def get(client: Client, name: str, *args: int) -> bytes:
    response = client.get(reverse(f"documents:{name}", args=args))
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "no-store"
    return response.content


def dated(text: str) -> None:
    """Every document carries the county and the date it was made."""
    assert "Norrbottens län" in text
    assert f"Datum: {timezone.localdate():%Y-%m-%d}" in text


def logged(user: User, what: str, person: Person) -> bool:
    return AccessLog.objects.filter(user=user, what=what, person=person).exists()


# The plan for the individual ----------------------------------------------------------------------


def test_the_plan_pdf_says_the_plan_in_plain_words_with_contacts_and_next_meeting(
    world: World, login: Callable[..., Client], sip: Case, meeting: Meeting
) -> None:
    content = get(login(world.alice), "plan", sip.pk)
    keep("plan-for-the-individual", content)
    text = text_of(content)
    dated(text)
    assert "Din plan, Sture Lundberg" in text
    assert "”Att kunna bo kvar hemma och gå till affären själv.”" in text
    assert "Dina mål" in text and "Klara morgonrutinerna" in text
    assert "Vem gör vad, och när" in text
    assert "Hemtjänst hjälper till med dusch Vem Luleå biståndshandläggning" in text
    assert "Tar sitt insulin morgon och kväll Vem Du" in text
    assert "Egenvård: du gör det här själv" in text
    assert "Följer med och handlar Vem Anna (dotter)" in text
    assert "Om du blir sämre Ring hälsocentralen; efter 17 ring 1177." in text
    assert "Karin Holm, Hertsöns hälsocentral, telefon 0920-123 45" in text
    assert "Alice, Hertsöns hälsocentral" in text  # the coordinator
    assert f"{weekday_and_day(meeting.starts_at)}, kl. 10.00–11.00" in text
    assert "Plats: Hertsöns hälsocentral, rum 4" in text
    follow_up = timezone.localdate() + dt.timedelta(days=60)
    assert f"Vi går igenom planen tillsammans igen {day(follow_up)}." in text
    assert logged(world.alice, "documents.plan.read", world.person)


def test_the_coordinator_has_one_phone_number_on_screen_and_on_paper(
    world: World, login: Callable[..., Client], sip: Case, meeting: Meeting
) -> None:
    """Issue 18 item 15: the plain-language page gave the unit's number, the PDF the person's."""
    User.objects.filter(pk=world.alice.pk).update(phone="070-123 45 67")
    world.owner_unit.phone = "0920-999 99"
    world.owner_unit.save()
    client = login(world.alice)
    paper = text_of(get(client, "plan", sip.pk))
    screen = client.get(reverse("sip:for-individual", args=[sip.pk])).content.decode()
    for text in (paper, screen):
        assert "070-123 45 67" in text
        assert "0920-999 99" not in text
    assert "Din samordningsansvariga: håller ihop planen" in paper
    assert "Din samordningsansvariga: håller ihop planen" in screen


def test_the_plan_pdf_is_for_units_taking_part_once_a_version_is_documented(
    world: World, login: Callable[..., Client], sip: Case
) -> None:
    assert "Din plan" in text_of(get(login(world.bob), "plan", sip.pk))
    url = reverse("documents:plan", args=[sip.pk])
    assert login(world.charlie).get(url).status_code == 404
    assert not logged(world.charlie, "documents.plan.read", world.person)
    sip.plans.update(documented_at=None)
    assert login(world.alice).get(url).status_code == 404


# The invitation letter ---------------------------------------------------------------------------


def positions(content: bytes, wanted: str) -> list[tuple[float, float]]:
    """Where (mm from the left and from the top of the page) text containing ``wanted`` is
    drawn on the first page."""
    found: list[tuple[float, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], *_: object) -> None:
        if wanted in text:
            found.append((tm[4] / PT_PER_MM, 297 - tm[5] / PT_PER_MM))

    PdfReader(io.BytesIO(content)).pages[0].extract_text(visitor_text=visit)
    return found


def letter_for(client: Client, meeting: Meeting, kind: str) -> bytes:
    participant = meeting.participants.get(kind=kind)
    return get(client, "letter", meeting.case_id, meeting.pk, participant.pk)


def test_the_letter_to_the_individual_has_the_address_in_the_envelope_window(
    world: World, login: Callable[..., Client], meeting: Meeting
) -> None:
    content = letter_for(login(world.alice), meeting, Participant.Kind.INDIVIDUAL)
    keep("invitation-letter", content)
    text = text_of(content)
    dated(text)
    assert "Sture Lundberg Hertsövägen 12 973 34 Luleå" in text
    assert "Kallelse till samordnad individuell planering (SIP)" in text
    assert "Du kallas till ett möte om din samordnade individuella plan." in text
    assert "Syfte Upprätta plan" in text
    assert f"Dag {weekday_and_day(meeting.starts_at)}" in text
    assert f"Tid {clock(meeting.starts_at, meeting.ends_at)}" in text
    assert "Plats Hertsöns hälsocentral, rum 4" in text
    assert "Hur blir det med hemtjänsten?" in text
    # Issue 18 item 15: a letter to the individual speaks to them, not of them.
    assert "Du har samtyckt till mötet." in text
    assert "Sture Lundberg har samtyckt" not in text
    assert "Kan du inte komma? Meddela den som kallar så snart som möjligt." in text
    assert "arbetsmaterial" not in text
    # The right-hand window of a Swedish C5/C4 window envelope: 118 mm in, 50-85 mm down.
    for name in ("Sture Lundberg", "Hertsövägen 12", "973 34 Luleå"):
        ((x, y),) = positions(content, name)[:1]
        assert 117 <= x <= 125 and 50 <= y <= 85, (name, x, y)
    assert logged(world.alice, "documents.invitation_letter.read", world.person)


def test_the_letter_to_an_external_actor_names_the_individual_and_follows_changes(
    world: World, login: Callable[..., Client], meeting: Meeting
) -> None:
    client = login(world.alice)
    text = text_of(letter_for(client, meeting, Participant.Kind.EXTERNAL))
    assert "Arbetsförmedlingen Luleå Storgatan 9 972 31 Luleå" in text
    assert "Du kallas till ett möte om SIP för Sture Lundberg." in text
    assert "Sture Lundberg har samtyckt till mötet." in text
    assert "Kallelsen är ett arbetsmaterial och kasseras efter mötet." in text
    later = details(place="Luleå kommunhus, sal 2")
    invitations_acts.change_invitation(
        world.actor(world.alice), meeting.case_id, meeting.pk, 1, later
    )
    text = text_of(letter_for(client, meeting, Participant.Kind.EXTERNAL))
    assert "Ändrad kallelse till samordnad individuell planering (SIP)" in text
    assert "Plats Luleå kommunhus, sal 2" in text
    invitations_acts.cancel_invitation(world.actor(world.alice), meeting.case_id, meeting.pk, 2)
    text = text_of(letter_for(client, meeting, Participant.Kind.EXTERNAL))
    assert "Inställt möte om samordnad individuell plan (SIP)" in text
    assert f"{weekday_and_day(meeting.starts_at)}, kl. 10.00, är inställt." in text


def test_letters_are_printed_by_the_coordinators_unit_for_those_outside_the_system(
    world: World, login: Callable[..., Client], meeting: Meeting
) -> None:
    individual = meeting.participants.get(kind=Participant.Kind.INDIVIDUAL)
    url = reverse("documents:letter", args=[meeting.case_id, meeting.pk, individual.pk])
    assert login(world.bob).get(url).status_code == 403
    assert login(world.charlie).get(url).status_code == 404
    connected = meeting.participants.get(unit=world.participant_unit)
    coordinator = meeting.participants.get(unit=world.owner_unit)
    for p in (connected, coordinator):
        url = reverse("documents:letter", args=[meeting.case_id, meeting.pk, p.pk])
        assert login(world.alice).get(url).status_code == 404


# Consent forms -----------------------------------------------------------------------------------


def test_the_adult_consent_form_is_filled_in_with_the_units_to_tick(
    world: World, login: Callable[..., Client], sip: Case
) -> None:
    content = get(login(world.bob), "consent", sip.pk)
    keep("consent-adult", content)
    text = text_of(content)
    dated(text)
    assert "Samtycke till samordnad individuell plan (SIP)" in text
    assert "för barn" not in text
    assert "Den enskildes namn Sture Lundberg" in text
    assert world.person.identity.formatted in text
    assert "Jag samtycker till att en samordnad individuell plan upprättas" in text
    assert "Du kan när som helst ta tillbaka ditt samtycke." in text
    assert "Luleå biståndshandläggning (Luleå kommun)" in text
    assert "Hertsöns hälsocentral (Region Norrbotten)" in text
    assert "Piteå LSS" not in text
    assert "Den enskilde eller legal företrädare, underskrift" in text
    assert logged(world.bob, "documents.consent_form.read", world.person)


def test_a_childs_consent_form_is_signed_by_the_guardians(
    world: World, login: Callable[..., Client]
) -> None:
    child = Person.objects.create(
        identity_number=valid_identity_number("20150612", 12),
        first_name="Ella",
        last_name="Åström",
        municipality=world.lulea,
        registered_by=world.alice,
        registered_by_unit=world.owner_unit,
    )
    case = case_acts.open_case(
        world.actor(world.alice), child.identity_number, "outpatient", timezone.now()
    )
    content = get(login(world.alice), "consent", case.pk)
    keep("consent-child", content)
    text = text_of(content)
    assert "Samtycke till samordnad individuell plan (SIP) för barn och unga under 18 år" in text
    assert "Barnets namn Ella Åström" in text
    assert "Vi samtycker till att en samordnad individuell plan upprättas för barnet" in text
    assert "Vårdnadshavare 1, underskrift" in text and "Vårdnadshavare 2, underskrift" in text
    assert "Barnets egen syn, utifrån ålder och mognad" in text


# Discharge information ---------------------------------------------------------------------------


def test_the_discharge_information_pdf_lists_what_starts_when_and_whom_to_call(
    world: World, login: Callable[..., Client], nurse: User, sent: Case
) -> None:
    notices_acts.send_ready_notice(ward(world, nurse), sent.pk, version(sent), ready_data(sent))
    starts = timezone.localtime() + dt.timedelta(days=1)
    svu_collaboration_acts.reply_to_ready(
        world.actor(world.bob), sent.pk, starts, "Hemtjänst morgon och kväll, trygghetslarm."
    )
    svu_collaboration_acts.designate_care_contact(
        world.actor(world.alice),
        sent.pk,
        version(sent),
        {
            "care_contact_name": "Karin Holm",
            "care_contact_workplace": "Hertsöns hälsocentral",
            "care_contact_phone": "0920-123 45",
        },
    )
    content = get(login(nurse, world.ward), "discharge-information", sent.pk)
    keep("discharge-information", content)
    text = text_of(content)
    dated(text)
    assert "Information vid utskrivning för Sture Lundberg" in text
    assert world.person.identity.formatted in text
    assert "Luleå biståndshandläggning" in text
    assert f"Börjar {weekday_and_day(starts)}, {clock(starts)}" in text
    assert "Hemtjänst morgon och kväll, trygghetslarm." in text
    assert "Karin Holm, Hertsöns hälsocentral, telefon 0920-123 45" in text
    assert "Inget möte är bokat ännu." in text
    assert "Sunderby medicin 5" in text
    url = reverse("documents:discharge-information", args=[sent.pk])
    assert login(world.charlie).get(url).status_code == 404


# Links on the pages ------------------------------------------------------------------------------


def test_every_document_is_linked_from_its_page(
    world: World, login: Callable[..., Client], meeting: Meeting, nurse: User, sent: Case
) -> None:
    case = meeting.case_id
    individual = meeting.participants.get(kind=Participant.Kind.INDIVIDUAL)
    letter = reverse("documents:letter", args=[case, meeting.pk, individual.pk])
    ics = reverse("documents:meeting-calendar", args=[case, meeting.pk])
    plan = reverse("documents:plan", args=[case])
    page = login(world.alice).get(reverse("sip:case", args=[case])).content.decode()
    for url in (plan, reverse("documents:consent", args=[case]), ics, letter):
        assert f'href="{url}" download' in page
    individual_view = login(world.alice).get(reverse("sip:for-individual", args=[case]))
    assert plan in individual_view.content.decode()
    page = login(world.bob).get(reverse("sip:case", args=[case])).content.decode()
    assert ics in page and letter not in page  # letters are the coordinator's unit's
    assert ics in login(world.bob).get(reverse("sip:invitations")).content.decode()
    info = login(nurse, world.ward).get(reverse("discharge:information", args=[sent.pk]))
    assert reverse("documents:discharge-information", args=[sent.pk]) in info.content.decode()


# DOC-4 (issue 14 item 16), seed 002_ca8314ba67d4fca6.txt line 164: "Om någon part som kallats
# inte är användare av Lifecare SIP, ska kallelse skickas via brev som tidigare. Kallelsen anses
# vara ett arbetsmaterial och ska kasseras/"tuggas" efter genomfört planeringsmöte." The parties
# called by letter instead of the system (an external actor, a legal representative, and a unit
# outside the system, which the consent must name: the same branch of ``papers.letter``) get the
# note; the individual's own letter and a relative's are theirs to keep.
DISCARD_NOTE = "Kallelsen är ett arbetsmaterial och kasseras efter mötet."
LETTERS = [
    ("Arbetsförmedlingen Luleå", True),  # an external actor
    ("Eva God", True),  # a legal representative
    ("Per Lundberg", False),  # a relative
    ("Sture Lundberg", False),  # the individual
]


@pytest.mark.parametrize(("name", "noted"), LETTERS)
def test_a_letter_to_a_party_outside_the_system_says_it_is_working_material(
    world: World, login: Callable[..., Client], sip: Case, name: str, noted: bool
) -> None:
    son = Relative.objects.create(person=world.person, name="Per Lundberg", relation="son")
    trustee = Representative.objects.create(
        person=world.person, kind="trustee", name="Eva God", street="Storgatan 1", city="Luleå"
    )
    meeting = invitations_acts.send_invitation(
        world.actor(world.alice),
        sip.pk,
        details(),
        Invitees(
            individual=True,
            relatives=[son],
            representatives=[trustee],
            externals=[External("Arbetsförmedlingen Luleå", "Storgatan 9", "972 31", "Luleå")],
        ),
        True,
    )
    participant = meeting.participants.get(name=name)
    text = text_of(get(login(world.alice), "letter", sip.pk, meeting.pk, participant.pk))
    assert name in text
    assert (DISCARD_NOTE in text) is noted
