"""Blank paper forms for downtime (DOC-1, OPS-2).

Every county routine keeps paper templates for when the system cannot be used: "En pappersmall
finns att använda när mötet sker i hemmet utan tillgång till Lifecare SP och vid driftstopp"
(seed 000_106b8acbeb42519c.txt line 220); the downtime routine says to call by phone, e-mail or
letter and use the existing paper templates (lines 287-289); "Det finns också en SIP-blankett
för alla målgrupper som används när digital SIP inte kan nyttjas, exempelvis vid driftstopp"
(seed 003_9c6849ff85993bc8.txt line 80); principals without the system keep using paper forms
(seed 002_ca8314ba67d4fca6.txt line 74). What is written on paper is registered afterwards
with its real time (DOC-3).

The forms carry no personal data, so they need no case and no access log.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from samordna.documents import papers
from samordna.documents.pdf import Sheet

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

AFTERWARDS = (
    "Registrera uppgifterna i Samordna när systemet fungerar igen, med den verkliga "
    "tidpunkten. Förvara blanketten enligt lokala rutiner."
)


def meeting_record(sheet: Sheet) -> None:
    """Support documentation at the SIP meeting: attendance, chair and documenter (SIP-8) and
    the plan's content (seed 002_ca8314ba67d4fca6.txt lines 228-243, "4.8 Planens innehåll")."""
    sheet.heading("Dokumentation vid SIP-möte")
    sheet.para(
        "Används när mötet hålls utan tillgång till Samordna, till exempel i hemmet eller vid "
        "driftstopp. " + AFTERWARDS
    )
    sheet.gap()
    sheet.write_in("Den enskildes namn och personnummer")
    sheet.choices("Mötets syfte", ["Upprätta en plan", "Följa upp planen", "Utvärdera planen"])
    sheet.write_in("Datum och tid (från–till)")
    sheet.choices("Mötesform", ["Fysiskt", "Video", "Telefon"])
    sheet.write_in("Plats")
    sheet.choices("Samtycke till mötet finns", ["Ja, muntligt", "Ja, skriftligt", "Nej"])
    sheet.write_in("Ordförande")
    sheet.write_in("Dokumentationsansvarig")
    sheet.heading("Deltagare", 2)
    sheet.grid(
        ["Namn", "Verksamhet eller relation", "Närvaro (fysiskt, video, telefon, frånvarande)"],
        [55, 55, 60],
        [["", "", ""] for _ in range(8)],
    )
    sheet.choices(
        "Vid digitalt möte: deltog minst en profession från region eller kommun fysiskt hos "
        "den enskilde?",
        ["Ja", "Nej"],
    )  # seed 000_106b8acbeb42519c.txt line 212
    sheet.heading("Planen", 2)
    sheet.write_in("Vem initierade SIP?")
    sheet.write_in("Huvudmål: vad är viktigt för den enskilde? (med den enskildes egna ord)", 3)
    sheet.grid(
        ["Delmål", "Insats", "Ansvarig", "Från–till"],
        [45, 55, 40, 30],
        [["", "", "", ""] for _ in range(8)],
    )
    sheet.write_in("Åtgärder av andra än region och kommun (t.ex. Försäkringskassan)", 2)
    sheet.write_in("Egenvård: vad gör den enskilde själv, med vilket stöd?", 2)
    sheet.write_in("Om tillståndet försämras", 2)
    sheet.write_in("Hur barnperspektivet är tillgodosett", 2)
    sheet.write_in("Samordningsansvarig (namn, verksamhet, telefon)")
    sheet.write_in("Fast vårdkontakt (namn, arbetsplats, telefon)")
    sheet.write_in("Datum för uppföljning och vem som kallar")
    sheet.write_in("Datum för utvärdering")
    sheet.choices("Hur den enskilde vill ha planen", ["På papper", "Digitalt"])
    sheet.signatures(["Ort och datum", "Dokumenterat av, underskrift och namnförtydligande"])


def invitation(sheet: Sheet) -> None:
    """An invitation to write by hand and send by letter, with the address where the envelope
    window shows it: the downtime routine calls by "telefon/e-post/brev" (seed
    000_106b8acbeb42519c.txt line 289). It says whether consent was obtained and gives time
    and place (seed 002_ca8314ba67d4fca6.txt lines 138, 152)."""
    papers.address(sheet, ["", "", "", ""])
    sheet.heading("Kallelse till samordnad individuell planering (SIP)")
    sheet.write_in("Den enskildes namn")
    sheet.choices("Syfte", ["Upprätta en plan", "Följa upp planen", "Utvärdera planen"])
    sheet.write_in("Dag och tid")
    sheet.choices("Form", ["Fysiskt", "Video", "Telefon"])
    sheet.write_in("Plats, videolänk eller telefonnummer och kod")
    sheet.write_in("Dagordning och kommentar", 2)
    sheet.checkbox("Den enskilde har samtyckt till mötet.")
    sheet.gap(0.3)
    sheet.para(papers.ABSENCE_TEXT)
    sheet.write_in("Kontakt: samordningsansvarig (namn, verksamhet, telefon)")
    sheet.para("Kallelsen är ett arbetsmaterial och kasseras efter mötet.", size=9)
    sheet.para(AFTERWARDS, size=9)


def consent_adult(sheet: Sheet) -> None:
    papers.consent(sheet, child=False)


def consent_child(sheet: Sheet) -> None:
    papers.consent(sheet, child=True)


@dataclass(frozen=True)
class Form:
    slug: str
    title: str  # printed on every page, in Swedish like the form
    draw: Callable[[Sheet], None]
    label: _StrPromise  # on the screen, in the user's language
    use: _StrPromise


FORMS = [
    Form(
        "meeting-record",
        "Dokumentation vid SIP-möte",
        meeting_record,
        _("SIP meeting record"),
        _("Attendance, chair and documenter, and the plan agreed at the meeting."),
    ),
    Form(
        "consent-adult",
        "Samtycke till SIP, vuxen",
        consent_adult,
        _("Consent, adult"),
        _("Signed by the individual or a legal representative."),
    ),
    Form(
        "consent-child",
        "Samtycke till SIP, barn",
        consent_child,
        _("Consent, child under 18"),
        _("Signed by the guardians, with the child's own view."),
    ),
    Form(
        "invitation",
        "Kallelse till SIP",
        invitation,
        _("Invitation to a SIP meeting"),
        _("To fill in by hand and send by letter in a window envelope."),
    ),
]
BY_SLUG = {form.slug: form for form in FORMS}
ALL = "all"


def render(slug: str, county: str) -> bytes | None:
    """One blank form, or with ``ALL`` every form in one file to print at once; None for an
    unknown name."""
    forms = FORMS if slug == ALL else [BY_SLUG[slug]] if slug in BY_SLUG else []
    if not forms:
        return None
    sheet = Sheet(county, forms[0].title)
    for n, form in enumerate(forms):
        if n:
            sheet.doc_title = form.title
            sheet.add_page()
        form.draw(sheet)
    return sheet.render()
