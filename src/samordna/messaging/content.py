"""The message templates of MSG-3 (seed 003_9c6849ff85993bc8.txt): one form per template.

The same form validates the compose screen and the API, turns the fields into JSON for
``Message.fields`` and labels them when a thread shows them, so a template's fields are defined
once. Ranges of vital signs are wide enough for very ill patients but catch typing errors.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from samordna.discharge.forms.stays import DateInput
from samordna.errors import ServiceError
from samordna.messaging import sip_initiative
from samordna.messaging.models import Template
from samordna.validation import Form

# "Är tidsperioden för behovet av enstaka hembesök längre än 14 dagar ska inskrivning i
# hemsjukvården övervägas" (seed 003_9c6849ff85993bc8.txt line 117).
HOME_VISIT_MAX_DAYS = 14
HOME_CARE_SUGGESTION = _(
    "The period is longer than 14 days: consider enrolment in home health care instead of "
    "single home visits."
)

# "När patienten har behov av samordnade insatser av både regionen och kommunen i samband med
# inskrivning i hemsjukvården ska en samordnad individuell plan, SIP, upprättas ... Nytt samtycke
# inhämtas/behövs vid eventuell SIP" (seed 003_9c6849ff85993bc8.txt line 110).
SIP_SUGGESTION = _(
    "The sender asks for a SIP: the patient needs coordinated interventions from the region "
    "and the municipality. A SIP needs the individual's new consent."
)


def _text(label: Any, help_text: Any = "", required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _vital(label: Any, low: int, high: int, message: Any) -> forms.IntegerField:
    """An optional vital sign; out of range or not a number gives one clear message."""
    errors = {"min_value": message, "max_value": message, "invalid": message}
    return forms.IntegerField(
        label=label, required=False, min_value=low, max_value=high, error_messages=errors
    )


class HomeCareReferralForm(Form):
    """ "Övergång till hemsjukvård – remiss": SBAR and "consider SIP" (seed 003 lines 102-111)."""

    situation = _text(_("Situation"))
    background = _text(_("Background"))
    current = _text(_("Current status"))
    recommendation = _text(_("Recommendation"))
    consider_sip = forms.BooleanField(
        label=_(
            "SIP needed: the patient needs coordinated interventions from the region and "
            "the municipality"
        ),
        help_text=_(
            "The recipient is then asked to open a SIP for the individual; a SIP needs new consent."
        ),
        required=False,
    )
    patient_consent = forms.BooleanField(
        label=_("The patient consents to enrolment in home health care"),
        error_messages={
            "required": _("Enrolment in home health care needs the patient's consent.")
        },
    )


class HomeVisitForm(Form):
    """ "Enstaka hembesök": ordered actions with a start and an end (seed 003 lines 115-128)."""

    ordered_actions = _text(
        _("Ordered actions"),
        _(
            "Primary care orders the actions and keeps the patient responsibility; municipal "
            "staff perform only what is ordered."
        ),
    )
    starts_on = forms.DateField(label=_("First day"), widget=DateInput())
    ends_on = forms.DateField(
        label=_("Last day"),
        widget=DateInput(),
        help_text=_("For more than 14 days, consider enrolment in home health care instead."),
    )

    def clean(self) -> dict[str, Any] | None:
        data = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The last day cannot be before the first."))
        return data


class MedicalPlanningForm(Form):
    """ "Medicinsk planering": the question, when contact is needed and the nurse's vital signs
    "puls, blodtryck, andningsfrekvens, temperatur och medvetandegrad" (seed 003 lines 144-150).
    """

    question = _text(_("Question"))
    contact_needed_by = forms.DateField(
        label=_("Contact needed by"),
        widget=DateInput(),
        help_text=_("In acute need, call instead."),
    )
    pulse = _vital(
        _("Pulse (beats/min)"), 20, 250, _("Give a pulse between 20 and 250 beats per minute.")
    )
    systolic = _vital(
        _("Blood pressure, systolic (mmHg)"),
        50,
        300,
        _("Give a systolic blood pressure between 50 and 300 mmHg."),
    )
    diastolic = _vital(
        _("Blood pressure, diastolic (mmHg)"),
        20,
        200,
        _("Give a diastolic blood pressure between 20 and 200 mmHg."),
    )
    respiratory_rate = _vital(
        _("Respiratory rate (breaths/min)"),
        4,
        60,
        _("Give a respiratory rate between 4 and 60 breaths per minute."),
    )
    temperature = forms.DecimalField(
        label=_("Temperature (°C)"),
        required=False,
        localize=True,
        min_value=Decimal("30.0"),
        max_value=Decimal("43.0"),
        decimal_places=1,
        max_digits=3,
        error_messages={
            key: _("Give a temperature between 30.0 and 43.0 °C with at most one decimal.")
            for key in ("min_value", "max_value", "invalid", "max_decimal_places", "max_digits")
        },
    )
    # ACVPU, the level-of-consciousness scale of NEWS2 used in SBAR checklists.
    consciousness = forms.ChoiceField(
        label=_("Level of consciousness"),
        required=False,
        choices=[
            ("", "—"),
            ("A", _("Alert (A)")),
            ("C", _("New confusion (C)")),
            ("V", _("Responds to voice (V)")),
            ("P", _("Responds to pain (P)")),
            ("U", _("Unresponsive (U)")),
        ],
    )

    def clean(self) -> dict[str, Any] | None:
        data = super().clean() or {}
        systolic, diastolic = data.get("systolic"), data.get("diastolic")
        if self.has_error("systolic") or self.has_error("diastolic"):
            return data
        if (systolic is None) != (diastolic is None):
            self.add_error("systolic", _("Give both blood pressure values, or neither."))
        elif systolic is not None and diastolic is not None and systolic <= diastolic:
            self.add_error("systolic", _("The systolic pressure must be above the diastolic."))
        return data


FORMS: dict[str, type[forms.Form]] = {
    Template.HOME_CARE_REFERRAL: HomeCareReferralForm,
    Template.HOME_VISIT: HomeVisitForm,
    Template.MEDICAL_PLANNING: MedicalPlanningForm,
    **sip_initiative.FORMS,
}


def form_for(template: str, *args: Any, **kwargs: Any) -> forms.Form | None:
    form_class = FORMS.get(template)
    return form_class(*args, **kwargs) if form_class else None


def _json(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def clean(template: str, data: dict[str, Any]) -> dict[str, Any]:
    """The template's fields as JSON, or ServiceError naming the first bad field (SEC-4).
    Empty optional fields are left out."""
    if template not in Template.values:
        raise ServiceError("invalid_template", gettext("Choose a template."), "template")
    for name, value in data.items():
        if not isinstance(value, str | int | float | bool) and value is not None:
            raise ServiceError("invalid_field", gettext("Give one value per field."), name)
    # The API may send numbers; the form fields parse text, as from a browser.
    data = {k: v if isinstance(v, str | bool) or v is None else str(v) for k, v in data.items()}
    form = form_for(template, data=data)
    if form is None:
        if data:
            raise ServiceError(
                "invalid_fields", gettext("A general message has no template fields."), "fields"
            )
        return {}
    if not form.is_valid():
        name, errors = next(iter(form.errors.items()))
        raise ServiceError("invalid_field", str(errors[0]), None if name == "__all__" else name)
    return {name: _json(v) for name, v in form.cleaned_data.items() if v not in (None, "")}


def home_visit_days(fields: dict[str, Any]) -> int:
    """How many days a single home visit's period covers, first and last day included."""
    starts = dt.date.fromisoformat(fields["starts_on"])
    return (dt.date.fromisoformat(fields["ends_on"]) - starts).days + 1


def suggests_home_care(template: str, fields: dict[str, Any]) -> bool:
    """A single home visit over 14 days: consider enrolment in home health care instead."""
    return template == Template.HOME_VISIT and home_visit_days(fields) > HOME_VISIT_MAX_DAYS


def suggests_sip(template: str, fields: dict[str, Any]) -> bool:
    """A home-care referral with "SIP needed" ticked, or the municipality's request for a SIP
    (SIP-20): the recipient is asked to open a SIP."""
    if template == Template.SIP_REQUEST:
        return True
    return template == Template.HOME_CARE_REFERRAL and bool(fields.get("consider_sip"))


def sip_suggestion(template: str) -> Any:
    """What the recipient is told when a message asks for a SIP."""
    if template == Template.SIP_REQUEST:
        return sip_initiative.SIP_REQUEST_SUGGESTION
    return SIP_SUGGESTION


def rows(template: str, fields: dict[str, Any]) -> list[tuple[str, str]]:
    """The fields of a sent message, labelled in the reader's language, in the form's order."""
    form_class = FORMS.get(template)
    if form_class is None:
        return []
    shown = []
    for name, field in form_class.base_fields.items():
        if name not in fields:
            continue
        value = fields[name]
        if isinstance(field, forms.BooleanField):
            text = gettext("Yes") if value else gettext("No")
        elif isinstance(field, forms.ChoiceField):
            text = str(dict(field.choices).get(value, value))  # type: ignore[arg-type]
        else:
            text = str(value)
        shown.append((str(field.label), text))
    return shown
