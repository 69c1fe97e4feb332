"""Swedish identity numbers: personnummer and samordningsnummer (SPEC PER-1, PER-3).

The parsing is written by hand rather than with the `personnummer` library because that library
reads the system clock (`datetime.date.today()` inside the module, with no way to pass `today`),
picks the century of a 10-digit number from the year alone (so `ÅÅMMDD-NNNN` with a birthday later
this year lands in the future), accepts birth dates in the future, and reports every fault as the
same exception. Samordna needs a reproducible `today` and one clear Swedish message per fault.
The tests check this module against the library where the two must agree.

Reserve numbers are not registered; persons with them are coordinated by phone (seed
000_106b8acbeb42519c.txt line 154; SPEC PER-1, PER-5). Most regions' formats put letters where
the birth number is (asylum seekers' R-numbers, the national reserve identity), but two kinds
are digits only and look like a personnummer with an impossible date: both are recognised
before the date is checked (``RESERVE_FORMATS``), so they get the phone message rather than
"the date does not exist".
"""

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

ErrorCode = Literal["invalid_identity_number", "reserve_number"]

MESSAGE_EMPTY = "Ange ett personnummer eller samordningsnummer."
MESSAGE_FORMAT = (
    "Numret ska ha 12 siffror (ÅÅÅÅMMDD-NNNN) eller 10 siffror (ÅÅMMDD-NNNN, "
    "eller ÅÅMMDD+NNNN för den som fyllt 100 år)."
)
MESSAGE_PLUS_WITH_CENTURY = (
    "Plustecken (för den som fyllt 100 år) används bara i den korta formen ÅÅMMDD+NNNN."
)
MESSAGE_DATE = (
    "Datumet i numret finns inte. Kontrollera år, månad och dag "
    "(i ett samordningsnummer är dagen ökad med 60)."
)
MESSAGE_FUTURE = "Födelsedatumet ligger i framtiden. Kontrollera numret."
MESSAGE_SERIAL = "Födelsenumret (de tre siffrorna före kontrollsiffran) kan inte vara 000."
MESSAGE_CHECK_DIGIT = "Kontrollsiffran stämmer inte. Kontrollera personnumret."
MESSAGE_RESERVE = (
    "Personer med reservnummer, till exempel asylsökandes R-nummer, registreras inte i "
    "Samordna. Samordningen för personen sköts i stället per telefon. (Menade du ett "
    "personnummer, kontrollera siffrorna.)"
)

_COORDINATION_DAY_OFFSET = 60
_NUMBER = re.compile(r"(?P<date>[0-9]{6}|[0-9]{8})(?P<sep>[-+]?)(?P<tail>[0-9]{4})")
# A reserve number: letters mixed into something that otherwise looks like an identity number.
_RESERVE_CHARS = re.compile(r"[\w+-]+")
_MIN_DIGITS_IN_RESERVE_NUMBER = 6

# The regions' reserve-number formats, as HL7 Sweden's base profiles list them, one invariant per
# format (github.com/HL7Sweden/basprofiler-r4,
# input/fsh/invariants/PatientIdentifierConformancePatternSE.fsh). Every format with a letter is
# caught by the first test of ``reserve_format``:
# the national reserve identity (Inera's NRID, two or three letters A-Z except IOQVW where the
# birth number is), Västra Götaland (K, M or X; the GRID letters), Värmland (S and a letter),
# Örebro (T, a letter, a digit, A-J), Skåne (six or eight digits, then D/E/F, a letter, 0/1, a
# letter), Blekinge and Sörmland (two letters, a digit, a letter; Sörmland also 18500101 or
# 18600101 with M/N/K/P), Västernorrland (three digits and R), Västerbotten (R, E, K or A and
# three digits), Gävleborg (two digits, M/K/X, a digit) and Dalarna (a letter and three
# digits); so are the municipalities' numbers for persons without one that IVO asks for
# (ÅÅÅÅMMDD-T123 or -TF10, ivo.se, "Hur rapporterar jag in ett beslut som rör en person utan
# svenskt personnummer?"). Two formats are digits only and are matched here:
RESERVE_FORMATS: tuple[tuple[str, re.Pattern[str]], ...] = (
    # Region Stockholm: twelve digits starting with 99, with a check digit ("I Region Stockholm
    # identifieras reservnummer med siffran 9 i positionen för tecken 1 och 2", Vårdgivarguiden,
    # vardgivarguiden.se/administration/patientadministration/patientnara-rutiner/reservnummer/;
    # HL7 Sweden: RegionStockholm-local-reservnummer-invariant "99\d{10}").
    ("stockholm", re.compile(r"99[0-9]{6}-?[0-9]{4}")),
    # Inera's Cosmic Link / Region Halland: a date whose day is 32-59, which no personnummer
    # (01-31) or samordningsnummer (61-91) has (HL7 Sweden: IneraCareLink- and
    # Halland-local-reservnummer-invariant "(1[7-9]|20)\d{2}(0[1-9]|1[0-2])(3[2-9]|[4-5][0-9])
    # \d{4}"); also typed in the short form ÅÅMMDD-NNNN.
    (
        "halland_carelink",
        re.compile(r"(?:1[7-9]|20)?[0-9]{2}(?:0[1-9]|1[0-2])(?:3[2-9]|[45][0-9])[-+]?[0-9]{4}"),
    ),
)


class IdentityNumberError(ValueError):
    """A number that cannot identify a person in Samordna; `message` is shown to the user."""

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(message)
        self.code: ErrorCode = code
        self.message = message


def _invalid(message: str) -> IdentityNumberError:
    return IdentityNumberError("invalid_identity_number", message)


def luhn_check_digit(nine_digits: str) -> int:
    """The check digit of YYMMDDNNN (Luhn, weights 2,1,2,... from the left)."""
    total = 0
    for index, char in enumerate(nine_digits):
        product = int(char) * (2 if index % 2 == 0 else 1)
        total += product - 9 if product > 9 else product
    return (10 - total % 10) % 10


def _birth_date(value: str) -> date:
    """The real date of YYYYMMDDNNNN; raises ValueError if there is no such date."""
    day = int(value[6:8])
    if day > _COORDINATION_DAY_OFFSET:
        day -= _COORDINATION_DAY_OFFSET
    return date(int(value[0:4]), int(value[4:6]), day)


@dataclass(frozen=True)
class IdentityNumber:
    """A valid personnummer or samordningsnummer.

    `value` is canonical: 12 digits YYYYMMDDNNNN; a samordningsnummer keeps its day + 60.
    Constructing one checks the date, the serial and the check digit (not the future: that
    needs `today`, see `parse_identity_number`).
    """

    value: str

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[0-9]{12}", self.value):
            raise _invalid(MESSAGE_FORMAT)
        try:
            _birth_date(self.value)
        except ValueError:
            raise _invalid(MESSAGE_DATE) from None
        if self.value[8:11] == "000":
            raise _invalid(MESSAGE_SERIAL)
        if luhn_check_digit(self.value[2:11]) != int(self.value[11]):
            raise _invalid(MESSAGE_CHECK_DIGIT)

    @property
    def is_coordination_number(self) -> bool:
        return int(self.value[6:8]) > _COORDINATION_DAY_OFFSET

    @property
    def birth_date(self) -> date:
        return _birth_date(self.value)

    @property
    def formatted(self) -> str:
        return f"{self.value[:8]}-{self.value[8:]}"

    def age(self, on: date) -> int:
        """Completed years on `on`. Born 29 February: a year older on 1 March in common years."""
        born = self.birth_date
        if on < born:
            raise ValueError(f"{on} is before the birth date {born}")
        return on.year - born.year - ((on.month, on.day) < (born.month, born.day))

    def is_child(self, on: date) -> bool:
        """Under 18: the child rules apply (SPEC PER-3, CON-3)."""
        return self.age(on) < 18


def _century_year(yymmdd: str, sep: str, today: date) -> int:
    """The full birth year of a 10-digit number.

    With `-` or no separator the person is younger than 100 on `today`; `+` means 100 or older,
    so the same date one hundred years earlier.
    """
    yy, month, day = int(yymmdd[0:2]), int(yymmdd[2:4]), int(yymmdd[4:6])
    if day > _COORDINATION_DAY_OFFSET:
        day -= _COORDINATION_DAY_OFFSET
    year = today.year - (today.year - yy) % 100  # the latest year ending in yy, up to this year
    if year == today.year and (month, day) > (today.month, today.day):
        year -= 100  # the date has not come yet this year: born a century earlier
    return year - 100 if sep == "+" else year


def reserve_format(text: str) -> str | None:
    """The kind of reserve number ``text`` is ("letters" or a key of ``RESERVE_FORMATS``), or
    None for anything else (a personnummer, a samordningsnummer or a typing error)."""
    if (
        _RESERVE_CHARS.fullmatch(text) is not None
        and any(char.isalpha() for char in text)
        and sum(char in "0123456789" for char in text) >= _MIN_DIGITS_IN_RESERVE_NUMBER
    ):
        return "letters"
    for name, pattern in RESERVE_FORMATS:
        if pattern.fullmatch(text):
            return name
    return None


def parse_identity_number(raw: str, today: date) -> IdentityNumber:
    """Parse what a user typed: `ÅÅÅÅMMDD-NNNN`, `ÅÅÅÅMMDDNNNN`, `ÅÅMMDD-NNNN`, `ÅÅMMDD+NNNN`
    or `ÅÅMMDDNNNN`, with surrounding whitespace. Raises `IdentityNumberError`."""
    text = raw.strip()
    if not text:
        raise _invalid(MESSAGE_EMPTY)
    if reserve_format(text) is not None:
        raise IdentityNumberError("reserve_number", MESSAGE_RESERVE)
    match = _NUMBER.fullmatch(text)
    if match is None:
        raise _invalid(MESSAGE_FORMAT)
    date_part, sep, tail = match["date"], match["sep"], match["tail"]
    if len(date_part) == 8:
        if sep == "+":
            raise _invalid(MESSAGE_PLUS_WITH_CENTURY)
        number = IdentityNumber(date_part + tail)
    else:
        number = IdentityNumber(f"{_century_year(date_part, sep, today):04d}{date_part[2:]}{tail}")
    if number.birth_date > today:
        raise _invalid(MESSAGE_FUTURE)
    return number


class Named:
    """What shows an individual by name and identity number: the ``Person`` model and the rows
    a list reads without it (``overview.items.PersonRow``)."""

    first_name: str
    last_name: str
    identity_number: str

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def identity(self) -> IdentityNumber:
        return IdentityNumber(self.identity_number)
