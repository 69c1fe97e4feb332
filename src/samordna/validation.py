"""One validation at the boundary (issue 10 item 7), shared by every form and every API schema.

Whatever a person or a client sends passes these rules before a service sees it, so nothing the
database cannot store, or the deadline arithmetic cannot reckon with, gets in:

Text
    No NUL character (PostgreSQL refuses it in text), surrounding whitespace stripped, and a
    maximum length: ``NAME_MAX`` (200) for names, titles and short fields, ``LONG_TEXT_MAX``
    (10,000) for free texts, ``CODE_MAX`` (100) for codes and keys. A field bound to a database
    column keeps the column's shorter limit.
Moments (datetimes)
    Aware (the API refuses a naive one; a form reads local Swedish time), a UTC offset below
    16 hours either way (PostgreSQL's limit: ``-17:00`` is "time zone displacement out of range"
    although Python and pydantic accept up to ±23:59), never a number (``0`` is not 1970), and
    inside the window of its kind, below.
Days (dates)
    Inside the window of their kind, never a number.

Windows, by kind of field (bounds included; "now" and "today" are Stockholm time):

========  ========================  ===============  ===========================================
kind      first allowed             last allowed     used for
========  ========================  ===============  ===========================================
``ACT``   2000-01-01 00:00          today + 2 years  when an act happened or takes place: admission,
                                                     need known, consent, notices, readiness,
                                                     discharge, meetings, deviations, the real
                                                     time of an act done on paper (DOC-3)
``STAY``  2000-01-01                today + 1 year   the expected discharge day of a stay (issue
                                                     18 item 5: one in 2999 went out to three
                                                     units)
``PLAN``  2000-01-01                2100-12-31       planned days: follow-up, evaluation,
                                                     interventions, unavailable periods, dates in
                                                     message templates, filters
``LIFE``  1900-01-01                2100-12-31       dates of a life: death
========  ========================  ===============  ===========================================

Both bounds are allowed; for a moment the last allowed day runs to its local midnight.

Formats, by the field's name (forms) or type (API):

Postal codes (``postal_code``; API ``PostalCode``)
    A Swedish postal code, five digits, the first not 0, with or without the space; stored as
    "973 34". Empty is allowed where the field is optional.
Phone numbers (``phone``, ``*_phone``, ``phone_number``; API ``Phone``)
    Digits with the usual separators (space, hyphen, parentheses, a slash, a leading +), 5 to
    15 digits (E.164's most); "ring mig inte" is no phone number. The
deadline arithmetic (``core.deadlines``) works anywhere in these windows, and PostgreSQL and
Python store and read them back, so no stored date can take a page down.

Forms answer a Swedish message on the field; the API answers 422 with ``{"code", "message",
"field"}`` where ``code`` is one of ``CODES``. ``guards.NulGuardMiddleware`` answers 400 for a NUL
anywhere in a query string or a posted form, as a backstop for views that read ``request.GET``
directly.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Generic, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, ProhibitNullCharactersValidator
from django.db import models
from django.forms.models import ModelChoiceIterator
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BeforeValidator,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
)
from pydantic_core import PydanticCustomError, core_schema

from samordna.core.calendar import STOCKHOLM

NAME_MAX = 200
CODE_MAX = 100
LONG_TEXT_MAX = 10_000
MAX_OFFSET = dt.timedelta(hours=16)  # exclusive: PostgreSQL stores offsets up to ±15:59:59
ACT_YEARS_AHEAD = 2
EARLIEST_ACT = dt.date(2000, 1, 1)
EARLIEST_LIFE = dt.date(1900, 1, 1)
LATEST_DAY = dt.date(2100, 12, 31)

NUL = "nul_character"
TOO_LONG = "too_long"
OUT_OF_RANGE = "out_of_range"
BAD_OFFSET = "offset_out_of_range"
NAIVE = "naive_datetime"
TOO_SHORT = "too_short"
NOT_A_MOMENT = "not_a_datetime"
BAD_POSTAL_CODE = "invalid_postal_code"
BAD_PHONE = "invalid_phone"
CODES = frozenset(
    {NUL, TOO_LONG, OUT_OF_RANGE, BAD_OFFSET, NAIVE, NOT_A_MOMENT, BAD_POSTAL_CODE, BAD_PHONE}
)
STAY_YEARS_AHEAD = 1


class Window(enum.Enum):
    ACT = "act"
    STAY = "stay"
    PLAN = "plan"
    LIFE = "life"


class Refused(ValueError):
    """Input outside the rules: ``code`` (one of ``CODES``) and a Swedish ``message``."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


# The rules ---------------------------------------------------------------------------------------


def _years_ahead(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def bounds(window: Window, today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The first and last day of the window (both allowed)."""
    if window is Window.ACT:
        today = today or dt.datetime.now(STOCKHOLM).date()
        return EARLIEST_ACT, _years_ahead(today, ACT_YEARS_AHEAD)
    if window is Window.STAY:
        today = today or dt.datetime.now(STOCKHOLM).date()
        return EARLIEST_ACT, _years_ahead(today, STAY_YEARS_AHEAD)
    if window is Window.PLAN:
        return EARLIEST_ACT, LATEST_DAY
    return EARLIEST_LIFE, LATEST_DAY


def check_text(value: str, max_length: int = NAME_MAX) -> str:
    """The text stripped, or Refused for a NUL or more than ``max_length`` characters."""
    if "\x00" in value:
        raise Refused(NUL, _("The text contains a NUL character, which cannot be stored."))
    value = value.strip()
    if len(value) > max_length:
        raise Refused(
            TOO_LONG,
            _("At most %(limit)s characters (this is %(length)s).")
            % {"limit": max_length, "length": len(value)},
        )
    return value


def _out_of_range(window: Window) -> Refused:
    first, last = bounds(window)
    return Refused(
        OUT_OF_RANGE,
        _("The date must be between %(first)s and %(last)s.")
        % {"first": first.isoformat(), "last": last.isoformat()},
    )


def check_day(value: dt.date, window: Window = Window.PLAN) -> dt.date:
    first, last = bounds(window)
    if not first <= value <= last:
        raise _out_of_range(window)
    return value


def check_moment(value: dt.datetime, window: Window = Window.ACT) -> dt.datetime:
    """An aware datetime with a storable offset, whose Stockholm day is inside the window."""
    offset = value.utcoffset()
    if offset is None:
        raise Refused(NAIVE, _("Give the time with its time zone, e.g. 2026-11-30T10:00:00+01:00."))
    if abs(offset) >= MAX_OFFSET:
        raise Refused(BAD_OFFSET, _("The time zone offset must be less than 16 hours."))
    first, last = bounds(window)
    # Compare in UTC first: astimezone() overflows for year 1 or 9999 with an offset.
    lower = dt.datetime.combine(first, dt.time(0), tzinfo=STOCKHOLM)
    upper = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0), tzinfo=STOCKHOLM)
    try:
        inside = lower <= value < upper
    except OverflowError:  # pragma: no cover - comparisons of aware datetimes do not overflow
        inside = False
    if not inside:
        raise _out_of_range(window)
    return value


_POSTAL_CODE = re.compile(r"([1-9][0-9]{2}) ?([0-9]{2})")
_PHONE = re.compile(r"\+?[0-9(][0-9 ()/-]*")


def check_postal_code(value: str) -> str:
    """A Swedish postal code as "973 34" (or empty), else Refused."""
    value = check_text(value, 10)
    if not value:
        return value
    match = _POSTAL_CODE.fullmatch(value)
    if match is None:
        raise Refused(BAD_POSTAL_CODE, _("Give the postal code as five digits, e.g. 973 34."))
    return f"{match[1]} {match[2]}"


def check_phone(value: str) -> str:
    """A phone number of 5 to 15 digits with the usual separators (or empty), else Refused."""
    value = check_text(value, 40)
    if not value:
        return value
    digits = sum(c.isdigit() for c in value)
    if _PHONE.fullmatch(value) is None or not 5 <= digits <= 15:
        raise Refused(
            BAD_PHONE,
            _("Give a phone number in digits, e.g. 0920-123 45 or +46 70 123 45 67."),
        )
    return value


def has_nul(value: Any) -> bool:
    """Whether a NUL character is anywhere in a string or in a nested list or mapping."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, Mapping):
        return any(has_nul(k) or has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple | set | frozenset):
        return any(has_nul(v) for v in value)
    return False


# Pydantic types for the API ----------------------------------------------------------------------


def _pydantic(rule: Callable[..., Any], *args: Any) -> Callable[[Any], Any]:
    def validate(value: Any) -> Any:
        try:
            return rule(value, *args)
        except Refused as refused:
            raise PydanticCustomError(refused.code, refused.message) from None

    return validate


def _no_number(value: Any) -> Any:
    """A datetime or date comes as an ISO 8601 string: pydantic would read 0 as 1970-01-01."""
    if isinstance(value, bool | int | float) or (
        isinstance(value, str) and value.strip().lstrip("+-").replace(".", "", 1).isdigit()
    ):
        raise PydanticCustomError(
            NOT_A_MOMENT, _("Give a date or time in ISO 8601, e.g. 2026-11-30T10:00:00+01:00.")
        )
    return value


def _no_nul_deep(value: Any) -> Any:
    if has_nul(value):
        raise PydanticCustomError(
            NUL, _("The text contains a NUL character, which cannot be stored.")
        )
    return value


@dataclass(frozen=True)
class Limit:
    """Pydantic metadata of a text field: ``Annotated[str, Limit(300)]`` is at most 300
    characters after stripping, has no NUL, and documents ``maxLength`` in the OpenAPI schema."""

    max_length: int = NAME_MAX
    min_length: int = 0

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(self.validate, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> dict[str, Any]:
        json_schema: dict[str, Any] = handler(schema)
        json_schema["maxLength"] = self.max_length
        if self.min_length:
            json_schema["minLength"] = self.min_length
        return json_schema

    def validate(self, value: str) -> str:
        try:
            value = check_text(value, self.max_length)
        except Refused as refused:
            raise PydanticCustomError(refused.code, refused.message) from None
        if len(value) < self.min_length:
            raise PydanticCustomError(
                TOO_SHORT, _("At least %(limit)s characters.") % {"limit": self.min_length}
            )
        return value


Text = Annotated[str, Limit(NAME_MAX)]
"""Names, titles, short free texts: at most 200 characters."""
Code = Annotated[str, Limit(CODE_MAX)]
"""Unit codes, usernames, identity numbers, keys of choices: at most 100 characters."""
LongText = Annotated[str, Limit(LONG_TEXT_MAX)]
"""Free texts: at most 10,000 characters."""
Moment = Annotated[
    AwareDatetime, BeforeValidator(_no_number), AfterValidator(_pydantic(check_moment, Window.ACT))
]
"""When an act happened or is planned (window ``ACT``); aware, offset below 16 hours."""
Day = Annotated[
    dt.date, BeforeValidator(_no_number), AfterValidator(_pydantic(check_day, Window.PLAN))
]
"""A planned day (window ``PLAN``)."""
StayDay = Annotated[
    dt.date, BeforeValidator(_no_number), AfterValidator(_pydantic(check_day, Window.STAY))
]
"""The expected discharge day of a stay (window ``STAY``)."""
LifeDay = Annotated[
    dt.date, BeforeValidator(_no_number), AfterValidator(_pydantic(check_day, Window.LIFE))
]
"""A date of a life, e.g. of death (window ``LIFE``)."""
PostalCode = Annotated[str, Limit(10), AfterValidator(_pydantic(check_postal_code))]
"""A Swedish postal code, stored as "973 34"; empty allowed."""
Phone = Annotated[str, Limit(40), AfterValidator(_pydantic(check_phone))]
"""A phone number, 5 to 15 digits with separators; empty allowed."""
NoNul = AfterValidator(_no_nul_deep)
"""For structured values (``Annotated[dict[str, Any], NoNul]``): no NUL at any depth."""


# Django forms ------------------------------------------------------------------------------------


def _django(rule: Callable[..., Any], *args: Any) -> Callable[[Any], None]:
    def validate(value: Any) -> None:
        try:
            rule(value, *args)
        except Refused as refused:
            raise ValidationError(refused.message, code=refused.code) from None

    return validate


_NUL_MESSAGE = gettext_lazy("The text contains a NUL character, which cannot be stored.")


def _guard_nul(field: forms.Field) -> None:
    """Refuse a NUL before ``to_python``, which for a model choice queries the database."""
    original = field.to_python

    def to_python(value: Any) -> Any:
        if has_nul(value):
            raise ValidationError(_NUL_MESSAGE, code=NUL)
        return original(value)

    field.to_python = to_python  # type: ignore[method-assign]


def _local_time_of_the_october_night(field: forms.DateTimeField) -> None:
    """Accept a local time of the hour that happens twice when summer time ends (02:00-02:59 on
    the last Sunday of October), which Django refuses as ambiguous: a ward open all night must
    be able to record "now" then. The first of the two is taken (summer time); no deadline
    turns on that hour (they run in days with a 12:00 cut-off). A time that does not exist
    (the skipped hour in March) is still refused with Django's message."""
    original = field.to_python

    def to_python(value: Any) -> Any:
        try:
            return original(value)
        except ValidationError as error:
            if error.code != "ambiguous_timezone":
                raise
            naive = value if isinstance(value, dt.datetime) else parse_datetime(str(value).strip())
            if naive is None or naive.tzinfo is not None:
                raise
            zone = timezone.get_current_timezone()
            first = naive.replace(tzinfo=zone, fold=0)
            if first.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None) != naive:
                raise  # the skipped hour: no such time
            # In UTC: Python never finds an ambiguous local time equal to one in another zone.
            return first.astimezone(dt.UTC)

    field.to_python = to_python  # type: ignore[method-assign]


def format_of(name: str) -> Callable[[str], str] | None:
    """The format rule a form field follows by its name (see the module's docstring)."""
    if name == "postal_code":
        return check_postal_code
    if name in ("phone", "phone_number") or name.endswith("_phone"):
        return check_phone
    return None


def _formatted(field: forms.CharField, rule: Callable[[str], str]) -> None:
    """The rule checks the value and gives its stored form ("97334" becomes "973 34")."""
    original = field.clean

    def clean(value: Any) -> Any:
        cleaned = original(value)
        if isinstance(cleaned, str):
            try:
                return rule(cleaned)
            except Refused as refused:
                raise ValidationError(refused.message, code=refused.code) from None
        return cleaned

    field.clean = clean  # type: ignore[method-assign]


def harden(field: forms.Field, window: Window | None = None, name: str = "") -> forms.Field:
    """Give a form field the boundary's rules by its type (once): text gets a length limit when
    it has none (10,000 for a text area, else 200) besides Django's own NUL check; a datetime the
    offset and ``ACT`` window; a date the ``PLAN`` window (or ``window``)."""
    if getattr(field, "_boundary", False):
        return field
    field._boundary = True  # type: ignore[attr-defined]
    if isinstance(field, forms.CharField):
        if field.max_length is None:
            textarea = isinstance(field.widget, forms.Textarea)
            field.max_length = LONG_TEXT_MAX if textarea else NAME_MAX
            field.widget.attrs.setdefault("maxlength", str(field.max_length))
        # One message per rule: the boundary's, in place of Django's length and NUL checks.
        field.validators = [
            v
            for v in field.validators
            if not isinstance(v, MaxLengthValidator | ProhibitNullCharactersValidator)
        ]
        field.validators.append(_django(check_text, field.max_length))
        rule = format_of(name)
        if rule is not None and not isinstance(field, forms.ChoiceField | forms.EmailField):
            _formatted(field, rule)
    elif isinstance(field, forms.DateTimeField):
        _local_time_of_the_october_night(field)
        field.validators.append(_django(check_moment, window or Window.ACT))
    elif isinstance(field, forms.DateField):
        field.validators.append(_django(check_day, window or Window.PLAN))
    if not isinstance(field, forms.FileField):
        _guard_nul(field)
    return field


class BoundaryMixin:
    """Every form of the apps: its fields, also those added in ``__init__``, follow the
    boundary's rules. ``windows`` names the fields whose date window differs from the default of
    their type (datetime ``ACT``, date ``PLAN``)."""

    windows: ClassVar[dict[str, Window]] = {}
    fields: dict[str, forms.Field]

    def full_clean(self) -> None:
        for name, field in self.fields.items():
            harden(field, self.windows.get(name), name)
        super().full_clean()  # type: ignore[misc]


class ChoicesReadOnce(ModelChoiceIterator):
    """A select or checkbox list of model choices reads its rows once per form. Django's own
    iterator asks the database twice for each one rendered (a ``COUNT`` for its length, then the
    rows, on PostgreSQL through a server-side cursor: ``DECLARE``, ``FETCH``, ``CLOSE``), and
    again for each further use; on the SIP case page that was 6 of its 40 queries (issue 11).
    The rows are kept on the form's own copy of the field, for the queryset it has now (a form
    that sets ``field.queryset`` in ``__init__`` gets its rows, never a stale list): a form
    lives for one request. Validation does not use them (``clean`` asks the database)."""

    def _rows(self) -> list[models.Model]:
        kept = getattr(self.field, "_rows_read", None)
        if kept is None or kept[0] is not self.queryset:
            kept = (self.queryset, list(self.queryset))
            self.field._rows_read = kept  # type: ignore[attr-defined]
        return kept[1]

    def __iter__(self) -> Iterator[Any]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self._rows():
            yield self.choice(obj)

    def __len__(self) -> int:
        return len(self._rows()) + (1 if self.field.empty_label is not None else 0)

    def __bool__(self) -> bool:
        return self.field.empty_label is not None or bool(self._rows())


# Every model choice field of the apps (and the admin's) reads its choices once.
forms.ModelChoiceField.iterator = ChoicesReadOnce

_M = TypeVar("_M", bound=models.Model)


class Form(BoundaryMixin, forms.Form):
    pass


class ModelForm(BoundaryMixin, forms.ModelForm[_M], Generic[_M]):
    pass
