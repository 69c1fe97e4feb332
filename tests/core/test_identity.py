"""Identity numbers (SPEC PER-1, PER-3). Reserve numbers: seed 000_106b8acbeb42519c.txt line 154."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from personnummer import personnummer as reference  # type: ignore[import-untyped, unused-ignore]

from samordna.core.identity import (
    MESSAGE_CHECK_DIGIT,
    MESSAGE_DATE,
    MESSAGE_EMPTY,
    MESSAGE_FORMAT,
    MESSAGE_FUTURE,
    MESSAGE_PLUS_WITH_CENTURY,
    MESSAGE_RESERVE,
    MESSAGE_SERIAL,
    IdentityNumber,
    IdentityNumberError,
    luhn_check_digit,
    parse_identity_number,
    reserve_format,
)

TODAY = date(2025, 6, 15)
PER_1 = "SPEC PER-1"
RESERVE_SEED = "000_106b8acbeb42519c.txt:154"
FULL_WIDTH = "".join(chr(ord(digit) + 0xFEE0) for digit in "199001012385")  # not ASCII digits

VALID = [
    # (source, typed, canonical value)
    (PER_1, "19900101-2385", "199001012385"),
    (PER_1, "199001012385", "199001012385"),
    (PER_1, "900101-2385", "199001012385"),
    (PER_1, "9001012385", "199001012385"),
    (PER_1, "  19900101-2385\n", "199001012385"),
    (PER_1, "19121212-1212", "191212121212"),  # the classic example
    (PER_1, "121212+1212", "191212121212"),  # + : 100 or older
    (PER_1, "121212-1212", "201212121212"),  # - : younger than 100
    (PER_1, "1212121212", "201212121212"),
    (PER_1, "20000229-1235", "200002291235"),  # 2000 is a leap year
    (PER_1, "000229-1235", "200002291235"),
    (PER_1, "20240229-1237", "202402291237"),
    (PER_1, "240229-1237", "202402291237"),
    (PER_1, "701063-2391", "197010632391"),  # samordningsnummer, 3 October 1970
    (PER_1, "19900161-1236", "199001611236"),  # samordningsnummer day 61 = 1 January
    (PER_1, "19900191-1230", "199001911230"),  # samordningsnummer day 91 = 31 January
    (PER_1, "250615-1238", "202506151238"),  # born today
    (PER_1, "250616-1237", "192506161237"),  # tomorrow's date: born a century ago, 99 years old
    (PER_1, "19250616-1237", "192506161237"),
]

# PER-5 (issue 14 item 14): (typed, kind) for each region's format; HL7 Sweden's base profiles,
# PatientIdentifierConformancePatternSE.fsh, and Vårdgivarguiden for Region Stockholm.
RESERVE = [
    ("990123456789", "stockholm"),  # Region Stockholm: 99 and ten digits
    ("99012345-6789", "stockholm"),
    ("19900132-1232", "halland_carelink"),  # Halland / Cosmic Link: day 32-59
    ("199001591232", "halland_carelink"),
    ("900145-1232", "halland_carelink"),
    ("19900101-AB12", "letters"),  # national reserve identity (NRID): two letters, two digits
    ("22900101AB12", "letters"),  # NRID, known birth date: century + 3
    ("19900101ABC1", "letters"),  # NRID: three letters, one digit
    ("19900101K071", "letters"),  # Västra Götaland LRID: K, M or X
    ("19900101SF1A", "letters"),  # Värmland
    ("19900101TA1B", "letters"),  # Örebro
    ("900101DA0B", "letters"),  # Skåne: six digits and four characters
    ("19900101AB1C", "letters"),  # Blekinge, Sörmland 1
    ("18500101M001", "letters"),  # Sörmland 2
    ("19900101123R", "letters"),  # Västernorrland: three digits and R
    ("19900101E123", "letters"),  # Västerbotten: R, E, K or A
    ("19900101-12M1", "letters"),  # Gävleborg
    ("19900101A123", "letters"),  # Dalarna
    ("19900101-TF10", "letters"),  # a municipality's number for IVO (ivo.se)
]
RESERVE_KINDS = [("199001012384", None), ("19900132", None), *RESERVE]  # no reserve numbers

INVALID = [
    # (source, typed, code, message)
    (PER_1, "19900101-2384", "invalid_identity_number", MESSAGE_CHECK_DIGIT),
    (PER_1, "900101-2384", "invalid_identity_number", MESSAGE_CHECK_DIGIT),
    (PER_1, "20230229-1238", "invalid_identity_number", MESSAGE_DATE),  # not a leap year
    (PER_1, "000229+1235", "invalid_identity_number", MESSAGE_DATE),  # 1900 is no leap year
    (PER_1, "19900160-1234", "invalid_identity_number", MESSAGE_DATE),  # day 60: neither kind
    (PER_1, "19901301-1235", "invalid_identity_number", MESSAGE_DATE),  # month 13
    (PER_1, "19900100-1230", "invalid_identity_number", MESSAGE_DATE),  # day 0
    (PER_1, "19900192-1239", "invalid_identity_number", MESSAGE_DATE),  # samordning day 92
    (PER_1, "20300101-1232", "invalid_identity_number", MESSAGE_FUTURE),
    (PER_1, "19900101-0009", "invalid_identity_number", MESSAGE_SERIAL),
    (PER_1, "19900101+2385", "invalid_identity_number", MESSAGE_PLUS_WITH_CENTURY),
    (PER_1, "", "invalid_identity_number", MESSAGE_EMPTY),
    (PER_1, "   ", "invalid_identity_number", MESSAGE_EMPTY),
    (PER_1, "900101-238", "invalid_identity_number", MESSAGE_FORMAT),  # too short
    (PER_1, "1990010123850", "invalid_identity_number", MESSAGE_FORMAT),  # too long
    (PER_1, "19900101--2385", "invalid_identity_number", MESSAGE_FORMAT),
    (PER_1, "1990-01-01-2385", "invalid_identity_number", MESSAGE_FORMAT),
    (PER_1, "19900101 2385", "invalid_identity_number", MESSAGE_FORMAT),
    (PER_1, FULL_WIDTH, "invalid_identity_number", MESSAGE_FORMAT),
    (PER_1, "abc", "invalid_identity_number", MESSAGE_FORMAT),
    (RESERVE_SEED, "19900101-R123", "reserve_number", MESSAGE_RESERVE),
    (RESERVE_SEED, "900101-K123", "reserve_number", MESSAGE_RESERVE),
    (RESERVE_SEED, "R9001012384", "reserve_number", MESSAGE_RESERVE),
    (RESERVE_SEED, "19900101XX23", "reserve_number", MESSAGE_RESERVE),
    # PER-5: the formats regions use (sources in samordna/core/identity.py, RESERVE_FORMATS).
    *((RESERVE_SEED, typed, "reserve_number", MESSAGE_RESERVE) for typed, _kind in RESERVE),
]


@pytest.mark.parametrize(("source", "typed", "value"), VALID)
def test_valid_numbers(source: str, typed: str, value: str) -> None:
    assert parse_identity_number(typed, TODAY).value == value


@pytest.mark.parametrize(("source", "typed", "code", "message"), INVALID)
def test_invalid_numbers(source: str, typed: str, code: str, message: str) -> None:
    with pytest.raises(IdentityNumberError) as caught:
        parse_identity_number(typed, TODAY)
    assert (caught.value.code, caught.value.message, str(caught.value)) == (code, message, message)


@pytest.mark.parametrize(("typed", "kind"), RESERVE_KINDS)
def test_reserve_formats_are_recognised(typed: str, kind: str | None) -> None:
    assert reserve_format(typed) == kind


@given(st.dates(date(1880, 1, 1), TODAY), st.integers(1, 999), st.booleans(), st.booleans())
def test_no_valid_number_is_taken_for_a_reserve_number(
    born: date, serial: int, coordination: bool, short: bool
) -> None:
    day = born.day + (60 if coordination else 0)
    nine = f"{born:%y%m}{day:02d}{serial:03d}"
    number = IdentityNumber(f"{born.year // 100}{nine}{luhn_check_digit(nine)}")
    typed = number.value[2:] if short else number.value
    assert reserve_format(typed) is None


def test_reserve_message_says_not_registered_and_phone() -> None:
    # seed 000_106b8acbeb42519c.txt:154 "registreras inte ... sköts detta via telefon"
    assert "registreras inte" in MESSAGE_RESERVE
    assert "telefon" in MESSAGE_RESERVE
    assert "R-nummer" in MESSAGE_RESERVE


def test_coordination_number_properties() -> None:
    number = parse_identity_number("701063-2391", TODAY)
    assert number.is_coordination_number
    assert number.birth_date == date(1970, 10, 3)
    assert number.formatted == "19701063-2391"
    ordinary = parse_identity_number("900101-2385", TODAY)
    assert not ordinary.is_coordination_number
    assert ordinary.formatted == "19900101-2385"


@pytest.mark.parametrize(
    ("value", "on", "age"),
    [
        ("200706151230", date(2025, 6, 14), 17),
        ("200706151230", date(2025, 6, 15), 18),
        ("200402291231", date(2022, 2, 28), 17),  # born 29 Feb: 18 on 1 March in common years
        ("200402291231", date(2022, 3, 1), 18),
        ("200402291231", date(2024, 2, 29), 20),
        ("200402291231", date(2004, 2, 29), 0),
    ],
)
def test_age_and_child(value: str, on: date, age: int) -> None:
    number = IdentityNumber(value)
    assert number.age(on) == age
    assert number.is_child(on) == (age < 18)


def test_age_before_birth_is_an_error() -> None:
    with pytest.raises(ValueError, match="before the birth date"):
        IdentityNumber("200706151230").age(date(2007, 6, 14))


@pytest.mark.parametrize("value", ["19900101238", "1990010123855", "19900101-238", "199001012384"])
def test_constructor_checks_the_canonical_value(value: str) -> None:
    with pytest.raises(IdentityNumberError):
        IdentityNumber(value)


# Properties ---------------------------------------------------------------------------------------


def reference_luhn(nine_digits: str) -> int:
    """Written differently from the module: sum of the digits of each weighted digit."""
    weighted = [int(d) * w for d, w in zip(nine_digits, [2, 1] * 5, strict=False)]
    return -sum(sum(divmod(x, 10)) for x in weighted) % 10


def anniversaries_passed(born: date, on: date) -> int:
    """Count birthdays up to `on`; a 29 February birthday falls on 1 March in common years."""

    def birthday(year: int) -> date:
        try:
            return born.replace(year=year)
        except ValueError:
            return date(year, 3, 1)

    years = 0
    while birthday(born.year + years + 1) <= on:
        years += 1
    return years


@st.composite
def numbers(draw: st.DrawFn) -> tuple[str, date, date]:
    """A valid canonical value, its birth date, and a `today` on or after the birth date."""
    today = draw(st.dates(min_value=date(1960, 1, 1), max_value=date(2100, 12, 31)))
    born = draw(st.dates(min_value=date(today.year - 198, 1, 1), max_value=today))
    serial = draw(st.integers(min_value=1, max_value=999))
    day = born.day + (60 if draw(st.booleans()) else 0)
    nine = f"{born:%y%m}{day:02d}{serial:03d}"
    return f"{born.year // 100}{nine}{reference_luhn(nine)}", born, today


@given(numbers())
def test_every_form_round_trips(generated: tuple[str, date, date]) -> None:
    value, born, today = generated
    number = parse_identity_number(value, today)
    assert number.value == value
    assert number.birth_date == born
    sep = "+" if number.age(today) >= 100 else "-"
    short = value[2:8] + sep + value[8:]
    forms = [value, number.formatted, short]
    if sep == "-":
        forms.append(value[2:])
    for form in forms:
        assert parse_identity_number(form, today).value == value


@given(numbers(), st.integers(min_value=1, max_value=9))
def test_changing_the_check_digit_always_fails(
    generated: tuple[str, date, date], delta: int
) -> None:
    value, _, today = generated
    wrong = value[:11] + str((int(value[11]) + delta) % 10)
    with pytest.raises(IdentityNumberError) as caught:
        parse_identity_number(wrong, today)
    assert caught.value.message == MESSAGE_CHECK_DIGIT


@given(numbers(), st.integers(min_value=0, max_value=200 * 366))
def test_age_matches_date_arithmetic(generated: tuple[str, date, date], days_later: int) -> None:
    value, born, _ = generated
    on = born + timedelta(days=days_later)
    number = IdentityNumber(value)
    assert number.age(on) >= 0
    assert number.age(on) == anniversaries_passed(born, on)
    assert number.is_child(on) == (number.age(on) < 18)


@given(
    st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)),
    st.integers(min_value=0, max_value=999),
    st.integers(min_value=0, max_value=9),
    st.booleans(),
)
def test_validity_agrees_with_the_personnummer_library(
    born: date, serial: int, check: int, coordination: bool
) -> None:
    # For 12 digits the library does not depend on the clock; a far-future `today` disables our
    # future-date check, which the library does not have.
    day = born.day + (60 if coordination else 0)
    typed = f"{born:%Y%m}{day:02d}{serial:03d}{check}"
    try:
        parse_identity_number(typed, date(9999, 12, 31))
        ours = True
    except IdentityNumberError:
        ours = False
    assert ours == reference.valid(typed)
