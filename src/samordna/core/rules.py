"""County rule sets: every deadline, cut-off and reading time as data (SPEC: "configurable per
county", SVU-8, SVU-10, SIP-7, SIP-10, SIP-11, CON-3).

The defaults are Norrbotten's (seed 001), the most complete routine. Each field carries its
source in `metadata["source"]`, collected in `SOURCES` to be shown to administrators next to the
value. Administrators edit rule sets as JSON: `RuleSet.from_json` rejects anything it does not
understand with a message that names the field.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import time
from typing import Any, Literal

ReadingDays = Literal["all", "working"]
READING_DAYS: tuple[ReadingDays, ...] = ("all", "working")

VASTERBOTTEN = "000_106b8acbeb42519c.txt"
NORRBOTTEN = "001_118551e475ece215.txt"
GAVLEBORG = "002_ca8314ba67d4fca6.txt"
HALLAND = "003_9c6849ff85993bc8.txt"
VASTERNORRLAND = "004_2b6a4bde1435f963.txt"

# The routines by their file in ../shared/seeds/, as a county's staff know them.
ROUTINES = {
    VASTERBOTTEN: "SIP länsrutin, Region Västerbotten och länets kommuner",
    NORRBOTTEN: "Länsgemensam riktlinje för samverkan, Norrbottens län",
    GAVLEBORG: "Samordnad individuell plan samt hantering i Lifecare SIP, Region Gävleborg",
    HALLAND: "Samverkansrutin för vård- och omsorgsplanering i öppenvård, Halland",
    VASTERNORRLAND: "Förtydligande av samordningsansvar för SIP, Västernorrland",
}
_ROUTINE_FILE = re.compile(r"\b(\d{3}_[0-9a-f]{16}\.txt)\b")


def routine_names(text: str) -> str:
    """A source as users read it: each routine's file named by the routine's title."""
    return _ROUTINE_FILE.sub(lambda m: f"«{ROUTINES.get(m[1], m[1])}»", text)


# Ten years: far beyond any routine, small enough that date arithmetic cannot overflow.
_MAX_COUNT = 3660
_MINIMUM = {"meeting_min_days": 0, "follow_up_comment_days_before": 0, "long_holiday_min_days": 3}
# The ages a county may set for a child's own access to their pages (PAT-2).
OWN_ACCESS_AGES = (13, 18)
_HH_MM = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])")


def _source(text: str) -> dict[str, str]:
    return {"source": text}


@dataclass(frozen=True)
class RuleSet:
    """A county's rules. Days are calendar days unless the name says working days."""

    # When recipients read the system and acknowledge notices (SVU-8, BOX-3).
    reading_times: tuple[time, ...] = field(
        default=(time(12, 0),),
        metadata=_source(
            f"Norrbotten {NORRBOTTEN} rad 689-690, 852-853, 923-924: kvittera "
            "'senast klockan 12.00 årets alla dagar'. Gävleborg "
            f"{GAVLEBORG} rad 116: 'kl. 09.00 och kl. 13.00 alla vardagar'. Västerbotten "
            f"{VASTERBOTTEN} rad 144: 'både förmiddag och eftermiddag' (ingen klocktid)."
        ),
    )
    # "all": every day of the year; "working": working days (BOX-2 calendar).
    reading_days: ReadingDays = field(
        default="all",
        metadata=_source(
            f"Norrbotten {NORRBOTTEN} rad 690: 'årets alla dagar'. Gävleborg {GAVLEBORG} "
            "rad 116: 'alla vardagar'."
        ),
    )
    # Only with reading_days "working": also read on day 3 of a run of non-working days that
    # includes a storhelg (Easter, Midsummer, Christmas, New Year).
    read_on_day_3_of_long_holidays: bool = field(
        default=False,
        metadata=_source(
            f"Gävleborg {GAVLEBORG} rad 116: 'samt dag 3 vid länge sammanhängande röda dagar i "
            "samband med storhelg'."
        ),
    )
    # How many consecutive non-working days make a run "long" for the day-3 reading.
    long_holiday_min_days: int = field(
        default=3,
        metadata=_source(
            f"Gävleborg {GAVLEBORG} rad 116 säger 'länge sammanhängande röda dagar' utan antal; "
            "3 är det minsta som har en dag 3 och är längre än en vanlig helg."
        ),
    )
    # SIP-7: outpatient invitation after the need became known.
    outpatient_invitation_working_days: int = field(
        default=3,
        metadata=_source(
            f"Norrbotten {NORRBOTTEN} rad 389-391: kallelse 'senast inom tre arbetsdagar från "
            "det att behovet blivit känt'."
        ),
    )
    # SIP-7: the meeting takes place this many days after the need became known.
    meeting_min_days: int = field(
        default=3,
        metadata=_source(
            f"Norrbotten {NORRBOTTEN} rad 391-392: 'Själva mötet bör äga rum inom 3-21 dagar'; "
            "rad 513-514: planen 'inom 3-21 dagar från det att behovet blivit känt'."
        ),
    )
    meeting_max_days: int = field(
        default=21,
        metadata=_source(f"Norrbotten {NORRBOTTEN} rad 391-392 och 513-514: '3-21 dagar'."),
    )
    # SIP-10: each participant documents its part of the plan after the meeting.
    plan_documented_days: int = field(
        default=3,
        metadata=_source(
            f"Norrbotten {NORRBOTTEN} rad 516-517 och 562-564: dokumenterad 'inom tre dagar "
            "efter det att mötet ägt rum'."
        ),
    )
    # SIP-10: the plan is in the individual's hands after the meeting.
    plan_handed_over_days: int = field(
        default=3,
        metadata=_source(
            f"Gävleborg {GAVLEBORG} rad 210, 251, 261: planen 'patienten tillhanda inom tre "
            f"dygn'. Norrbotten {NORRBOTTEN} rad 507-508 anger ingen tid."
        ),
    )
    # SIP-11: longest time from a plan or follow-up to the next follow-up.
    follow_up_max_days: int = field(
        default=365,
        metadata=_source(
            f"Norrbotten {NORRBOTTEN} rad 518-520 och 1134-1136: följas upp 'dock minst en gång "
            "per år'."
        ),
    )
    # SIP-11: follow-up comments are due this many days before the follow-up date.
    follow_up_comment_days_before: int = field(
        default=1,
        metadata=_source(
            f"Västerbotten {VASTERBOTTEN} rad 228: uppföljning 'senast dagen innan fastställt "
            "datum för uppföljning'."
        ),
    )
    # SIP-7, SVU-10: SIP invitation after the ready-for-discharge notice.
    discharge_invitation_days: int = field(
        default=3,
        metadata=_source(
            f"Norrbotten {NORRBOTTEN} rad 966-969 och 1538-1540; Gävleborg {GAVLEBORG} rad 112 "
            f"och 156; Västernorrland {VASTERNORRLAND} rad 19-21: 'senast tre dagar efter'."
        ),
    )
    # SIP-7: plan (or follow-up of an existing plan) after discharge.
    discharge_plan_days: int = field(
        default=21,
        metadata=_source(
            f"Norrbotten {NORRBOTTEN} rad 606-611: 'inom 21 dagar efter utskrivning'."
        ),
    )
    # SVU-2: admission notice after the physician's assessment.
    admission_notice_hours: int = field(
        default=24,
        metadata=_source(
            f"Norrbotten {NORRBOTTEN} rad 675-677: 'inom 24 timmar efter det att den "
            "behandlande läkaren bedömt'."
        ),
    )
    # SVU-3: planning basis after the admission notice.
    planning_basis_hours: int = field(
        default=24,
        metadata=_source(
            f"Norrbotten {NORRBOTTEN} rad 763-764: 'inom 24 timmar efter det att "
            "inskrivningsmeddelandet är skickat'."
        ),
    )
    # SVU-12: a discharge expected on a weekend or red day is planned on the working day before.
    plan_holiday_discharges_before: bool = field(
        default=False,
        metadata=_source(
            f"Gävleborg {GAVLEBORG} rad 116: 'Patienter som ska skrivas ut under helgen eller "
            "på röda dagar ska planeras av samtliga parter under vardagen innan helgen/röd dag.' "
            f"Norrbotten {NORRBOTTEN} rad 837-841: mottagarna tar emot patienten 'årets alla "
            "dagar', utan krav på planering dagen före."
        ),
    )
    # SVU-10: a ready-for-discharge notice sent at or before this local time is "on time".
    payment_cutoff: time = field(
        default=time(12, 0),
        metadata=_source(
            f"Norrbotten {NORRBOTTEN} rad 1550-1557: 'skickats senast klockan 12.00' "
            "(rad 846 säger 'före'; exakt 12.00 räknas som i tid)."
        ),
    )
    payment_days_by_cutoff: int = field(
        default=3,
        metadata=_source(
            f"Norrbotten {NORRBOTTEN} rad 846-848 och 1550-1553: betalningsansvaret 'inträder "
            "tre dagar efter' (kalenderdagar, årets alla dagar)."
        ),
    )
    payment_days_after_cutoff: int = field(
        default=4,
        metadata=_source(
            f"Norrbotten {NORRBOTTEN} rad 849-851 och 1555-1557: 'fyra dagar efter' om "
            "meddelandet skickats efter klockan 12.00."
        ),
    )
    # DEV-2: a deviation concerning a municipality goes to its medically responsible nurse.
    deviations_to_mas: bool = field(
        default=True,
        metadata=_source(
            f"Norrbotten {NORRBOTTEN} rad 134-136: 'Avvikelserapport som gäller kommunen "
            "skickas till medicinskt ansvarig sjuksköterska (MAS) i kommunen.' Västerbotten "
            f"{VASTERBOTTEN} rad 273-275: till 'berörd chef eller \"Socialkontoret\"'."
        ),
    )
    # DEV-2: deviations from the region to a municipality are sent on paper.
    deviations_to_municipality_on_paper: bool = field(
        default=False,
        metadata=_source(
            f"Västerbotten {VASTERBOTTEN} rad 273-275: från slutenvård/regionfinansierad "
            "öppenvård till kommunen 'skickas i pappersform ... ifall inte berörd kommun "
            "meddelat annat'."
        ),
    )
    # CON-3: whether consent given for a child (by the guardians) is stored in Samordna.
    children_consent_stored: bool = field(
        default=False,
        metadata=_source(
            f"Norrbotten {NORRBOTTEN} rad 338-341: för barn under 18 år 'dokumenteras samtycke "
            f"i respektive verksamhets-/journalsystem'. Gävleborg {GAVLEBORG} rad 128-130 och "
            f"Västerbotten {VASTERBOTTEN} rad 110-112: samtycket registreras/dokumenteras."
        ),
    )
    # SIP-22: the plan describes the needs and the individual's own resources before it is
    # documented (a draft may leave them out).
    plan_needs_required: bool = field(
        default=True,
        metadata=_source(
            f"Norrbotten {NORRBOTTEN} rad 524-526 och 1140-1142: planen 'ska innehålla "
            "uppgifter om den enskildes egna mål, beskrivna behov och egna resurser'. "
            f"Gävleborgs planinnehåll ({GAVLEBORG} rad 228-243) och de övriga rutinerna "
            "nämner dem inte."
        ),
    )

    # PAT-2 (issue 15 item 4): from this age a child reaches their own pages in Samordna; below
    # it only the guardians do. Between 13 and 18; 1177 Vårdguiden gives a child its own access
    # from 16 (no seed names an age).
    own_access_min_age: int = field(
        default=16,
        metadata=_source(
            f"Västerbotten {VASTERBOTTEN} rad 112: 'I beaktande av barnets ålder och mognad "
            "bör barnet också tillfrågas' (ingen ålder anges). Standard 16 år som 1177 "
            "Vårdguidens e-tjänster."
        ),
    )
    # PAT-2 (issue 15 item 3): the individual's access-log extract names the staff member, not
    # only the unit.
    access_log_names_staff: bool = field(
        default=False,
        metadata=_source(
            f"Norrbotten {NORRBOTTEN} rad 305-307 och 564-565: planen visas 'via 1177 "
            "Vårdguiden'; ingen rutin säger något om loggutdraget. Standard: enheten, tiden och "
            "slaget av läsning, som i 1177 Vårdguidens loggutdrag."
        ),
    )
    # ORG-6: who may enrol in and discharge from home health care besides a primary-care
    # physician: a physician at outpatient psychiatry, for the patients whose physician contact
    # is there.
    home_care_by_outpatient_psychiatry: bool = field(
        default=False,
        metadata=_source(
            f"Västerbotten {VASTERBOTTEN} rad 132: 'Det är endast primärvårdsläkare som kan ta "
            f"beslut om patientens in- och utskrivning i hemsjukvård.' Halland {HALLAND} rad "
            "98-111: läkaransvaret 'utgår från den vårdcentral där patienten är listad eller den "
            "psykiatriska öppenvårdsmottagning där patienten har sin läkarkontakt'."
        ),
    )

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if f.type is bool and not isinstance(value, bool):
                raise ValueError(f"{f.name}: ska vara true eller false, inte {value!r}.")
            if f.type is int:
                _check_count(f.name, value)
            if f.type is time:
                _check_time(f.name, value)
        self._check_reading()
        if not OWN_ACCESS_AGES[0] <= self.own_access_min_age <= OWN_ACCESS_AGES[1]:
            raise ValueError(
                f"own_access_min_age: ska vara ett heltal från {OWN_ACCESS_AGES[0]} till "
                f"{OWN_ACCESS_AGES[1]}, inte {self.own_access_min_age!r}."
            )
        if self.meeting_min_days > self.meeting_max_days:
            raise ValueError(
                f"meeting_min_days: får inte vara större än meeting_max_days "
                f"({self.meeting_max_days})."
            )
        if self.payment_days_by_cutoff > self.payment_days_after_cutoff:
            raise ValueError(
                f"payment_days_by_cutoff: får inte vara större än payment_days_after_cutoff "
                f"({self.payment_days_after_cutoff})."
            )

    def _check_reading(self) -> None:
        if self.reading_days not in READING_DAYS:
            raise ValueError(
                f"reading_days: ska vara {' eller '.join(READING_DAYS)}, "
                f"inte {self.reading_days!r}."
            )
        if not isinstance(self.reading_times, tuple) or not self.reading_times:
            raise ValueError("reading_times: ange minst en avläsningstid.")
        for reading_time in self.reading_times:
            _check_time("reading_times", reading_time)
        if list(self.reading_times) != sorted(set(self.reading_times)):
            raise ValueError("reading_times: tiderna ska vara olika och i stigande ordning.")

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict of every field; times as "HH:MM"."""
        data: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, time):
                value = value.strftime("%H:%M")
            elif f.name == "reading_times":
                value = [t.strftime("%H:%M") for t in value]
            data[f.name] = value
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "RuleSet":
        """Build a rule set from administrator-edited JSON; missing keys take the defaults.

        Raises ValueError naming the field for unknown keys and bad values. Reading times may be
        given in any order.
        """
        if not isinstance(data, Mapping):
            raise ValueError("Regeluppsättningen ska vara ett JSON-objekt.")
        known = {f.name: f for f in fields(cls)}
        unknown = sorted(str(key) for key in data if key not in known)
        if unknown:
            raise ValueError(f"{', '.join(unknown)}: okänd inställning.")
        values: dict[str, Any] = {}
        for name, value in data.items():
            if name == "reading_times":
                if not isinstance(value, list):
                    raise ValueError('reading_times: ska vara en lista av tider som "HH:MM".')
                values[name] = tuple(sorted(_parse_time(name, item) for item in value))
            elif known[name].type is time:
                values[name] = _parse_time(name, value)
            else:
                values[name] = value
        return cls(**values)


def _check_count(name: str, value: object) -> None:
    low = _MINIMUM.get(name, 1)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= _MAX_COUNT:
        raise ValueError(
            f"{name}: ska vara ett heltal från {low} till {_MAX_COUNT}, inte {value!r}."
        )


def _check_time(name: str, value: object) -> None:
    if not isinstance(value, time) or value.tzinfo is not None or value.second or value.microsecond:
        raise ValueError(f'{name}: ska vara en klocktid som "HH:MM", inte {value!r}.')


def _parse_time(name: str, value: object) -> time:
    match = _HH_MM.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise ValueError(f'{name}: ska vara en klocktid som "HH:MM", inte {value!r}.')
    return time(int(match[1]), int(match[2]))


SOURCES: dict[str, str] = {f.name: f.metadata["source"] for f in fields(RuleSet)}

DEFAULT_RULE_SETS: dict[str, RuleSet] = {
    # 001: the defaults are Norrbotten's.
    "norrbotten": RuleSet(),
    "vasterbotten": RuleSet(
        # 000 line 144: read "både förmiddag och eftermiddag"; the seed gives no clock times and
        # no days, so we use Gävleborg's 09:00 and 13:00 on working days.
        reading_times=(time(9, 0), time(13, 0)),
        reading_days="working",
        # 000 lines 110-112: consent "ska dokumenteras", for children given by the guardians.
        children_consent_stored=True,
        # 000 lines 271-275: region-to-municipality deviations on paper, to the concerned
        # manager or the social office, not to a MAS.
        deviations_to_mas=False,
        deviations_to_municipality_on_paper=True,
        plan_needs_required=False,
    ),
    "gavleborg": RuleSet(
        # 002 line 116: "kl. 09.00 och kl. 13.00 alla vardagar samt dag 3 vid länge
        # sammanhängande röda dagar i samband med storhelg".
        reading_times=(time(9, 0), time(13, 0)),
        reading_days="working",
        read_on_day_3_of_long_holidays=True,
        # 002 line 116: weekend and red-day discharges are planned on the weekday before.
        plan_holiday_discharges_before=True,
        # 002 lines 124-130: guardians consent for a child; consent is registered in the system.
        children_consent_stored=True,
        plan_needs_required=False,
    ),
    # 003 says nothing about deadlines, reading times or children's consent: Norrbotten's rules,
    # except that consent is stored, as everywhere but in Norrbotten (CON-3).
    # 003 lines 98-111: outpatient psychiatry enrols its own patients in home health care too.
    "halland": RuleSet(
        children_consent_stored=True,
        plan_needs_required=False,
        home_care_by_outpatient_psychiatry=True,
    ),
    # 004 lines 19-21: invitation "senast tre dagar efter" ready for discharge, as the default;
    # nothing on children's consent, so as Halland.
    "vasternorrland": RuleSet(children_consent_stored=True, plan_needs_required=False),
}
