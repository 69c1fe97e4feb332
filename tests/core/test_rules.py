"""County rule sets as data: defaults, county differences, JSON round trip and validation."""

import json
from dataclasses import fields, replace
from datetime import time
from typing import Any

import pytest
from hypothesis import given

from samordna.core.rules import (
    DEFAULT_RULE_SETS,
    GAVLEBORG,
    NORRBOTTEN,
    SOURCES,
    VASTERBOTTEN,
    RuleSet,
)
from tests.core.strategies import rule_sets

NORRBOTTEN_DEFAULTS = [
    # (source, field, Norrbotten value)
    (f"{NORRBOTTEN}:689-690", "reading_times", (time(12, 0),)),
    (f"{NORRBOTTEN}:689-690", "reading_days", "all"),
    (f"{NORRBOTTEN}:389-391", "outpatient_invitation_working_days", 3),
    (f"{NORRBOTTEN}:391-392", "meeting_min_days", 3),
    (f"{NORRBOTTEN}:391-392", "meeting_max_days", 21),
    (f"{NORRBOTTEN}:516-517", "plan_documented_days", 3),
    (f"{GAVLEBORG}:251", "plan_handed_over_days", 3),
    (f"{NORRBOTTEN}:518-520", "follow_up_max_days", 365),
    (f"{VASTERBOTTEN}:228", "follow_up_comment_days_before", 1),
    (f"{NORRBOTTEN}:966-969", "discharge_invitation_days", 3),
    (f"{NORRBOTTEN}:606-611", "discharge_plan_days", 21),
    (f"{NORRBOTTEN}:524-526", "plan_needs_required", True),
    (f"{NORRBOTTEN}:675-677", "admission_notice_hours", 24),
    (f"{NORRBOTTEN}:763-764", "planning_basis_hours", 24),
    (f"{NORRBOTTEN}:1550-1557", "payment_cutoff", time(12, 0)),
    (f"{NORRBOTTEN}:1550-1553", "payment_days_by_cutoff", 3),
    (f"{NORRBOTTEN}:1555-1557", "payment_days_after_cutoff", 4),
    (f"{NORRBOTTEN}:338-341", "children_consent_stored", False),
]

WORKING_DAY_READINGS = {"reading_times": (time(9, 0), time(13, 0)), "reading_days": "working"}
COUNTY_DIFFERENCES = [
    # (source, county, fields that differ from the default)
    (f"{NORRBOTTEN} (the defaults)", "norrbotten", {}),
    (
        f"{VASTERBOTTEN}:144 (no clock times given), 110-112, 273-275",
        "vasterbotten",
        {
            **WORKING_DAY_READINGS,
            "children_consent_stored": True,
            # 000 lines 273-275: region-to-municipality deviations on paper, not to a MAS (DEV-2)
            "deviations_to_mas": False,
            "deviations_to_municipality_on_paper": True,
            "plan_needs_required": False,
        },
    ),
    (
        f"{GAVLEBORG}:116, 124-130",
        "gavleborg",
        {
            **WORKING_DAY_READINGS,
            "read_on_day_3_of_long_holidays": True,
            # 002 line 116: weekend and red-day discharges planned the weekday before (SVU-12)
            "plan_holiday_discharges_before": True,
            "children_consent_stored": True,
            # Only seed 001 lists needs and own resources among the plan's contents.
            "plan_needs_required": False,
        },
    ),
    (
        "003_9c6849ff85993bc8.txt (silent: CON-3 default; 98-111: psychiatry's home care)",
        "halland",
        {
            "children_consent_stored": True,
            "plan_needs_required": False,
            "home_care_by_outpatient_psychiatry": True,
        },
    ),
    (
        "004_2b6a4bde1435f963.txt:19-21 (as the default)",
        "vasternorrland",
        {"children_consent_stored": True, "plan_needs_required": False},
    ),
]


@pytest.mark.parametrize(("source", "name", "value"), NORRBOTTEN_DEFAULTS)
def test_defaults_are_norrbottens(source: str, name: str, value: object) -> None:
    assert getattr(RuleSet(), name) == value


@pytest.mark.parametrize(("source", "county", "differences"), COUNTY_DIFFERENCES)
def test_counties_differ_only_where_their_seed_says(
    source: str, county: str, differences: dict[str, Any]
) -> None:
    rules = DEFAULT_RULE_SETS[county]
    default = RuleSet()
    changed = {
        f.name: getattr(rules, f.name)
        for f in fields(RuleSet)
        if getattr(rules, f.name) != getattr(default, f.name)
    }
    assert changed == differences


def test_there_are_five_counties() -> None:
    assert set(DEFAULT_RULE_SETS) == {d[1] for d in COUNTY_DIFFERENCES}


def test_every_field_has_a_source_citing_a_seed() -> None:
    assert set(SOURCES) == {f.name for f in fields(RuleSet)}
    for name, source in SOURCES.items():
        assert ".txt rad " in source, name


@pytest.mark.parametrize("county", sorted(DEFAULT_RULE_SETS))
def test_json_round_trip_of_each_county(county: str) -> None:
    rules = DEFAULT_RULE_SETS[county]
    data = json.loads(json.dumps(rules.to_json()))
    assert RuleSet.from_json(data) == rules


def test_times_are_hh_mm_strings() -> None:
    data = DEFAULT_RULE_SETS["gavleborg"].to_json()
    assert data["reading_times"] == ["09:00", "13:00"]
    assert data["payment_cutoff"] == "12:00"


def test_missing_keys_take_defaults_and_times_may_come_in_any_order() -> None:
    assert RuleSet.from_json({}) == RuleSet()
    rules = RuleSet.from_json({"reading_times": ["13:00", "09:00"], "reading_days": "working"})
    assert rules == replace(RuleSet(), **WORKING_DAY_READINGS)


BAD_VALUES = [
    # (json, the field the message must name)
    ({"meeting_max": 21}, "meeting_max"),
    ({"reading_times": []}, "reading_times"),
    ({"reading_times": "12:00"}, "reading_times"),
    ({"reading_times": ["12:00", "12:00"]}, "reading_times"),
    ({"reading_times": ["24:00"]}, "reading_times"),
    ({"reading_times": ["9:00"]}, "reading_times"),
    ({"reading_times": ["12:00:00"]}, "reading_times"),
    ({"reading_times": [1200]}, "reading_times"),
    ({"reading_days": "weekdays"}, "reading_days"),
    ({"read_on_day_3_of_long_holidays": 1}, "read_on_day_3_of_long_holidays"),
    ({"read_on_day_3_of_long_holidays": "true"}, "read_on_day_3_of_long_holidays"),
    ({"long_holiday_min_days": 2}, "long_holiday_min_days"),
    ({"outpatient_invitation_working_days": 0}, "outpatient_invitation_working_days"),
    ({"outpatient_invitation_working_days": -3}, "outpatient_invitation_working_days"),
    ({"outpatient_invitation_working_days": 3.0}, "outpatient_invitation_working_days"),
    ({"outpatient_invitation_working_days": "3"}, "outpatient_invitation_working_days"),
    ({"outpatient_invitation_working_days": True}, "outpatient_invitation_working_days"),
    ({"outpatient_invitation_working_days": None}, "outpatient_invitation_working_days"),
    ({"meeting_min_days": -1}, "meeting_min_days"),
    ({"meeting_min_days": 22}, "meeting_min_days"),  # above meeting_max_days
    ({"meeting_max_days": 2}, "meeting_min_days"),
    ({"follow_up_max_days": 10**9}, "follow_up_max_days"),
    ({"follow_up_comment_days_before": -1}, "follow_up_comment_days_before"),
    ({"admission_notice_hours": 0}, "admission_notice_hours"),
    ({"payment_cutoff": "noon"}, "payment_cutoff"),
    ({"payment_cutoff": None}, "payment_cutoff"),
    ({"payment_days_by_cutoff": 5}, "payment_days_by_cutoff"),  # above the after-cut-off days
    ({"children_consent_stored": "no"}, "children_consent_stored"),
]


@pytest.mark.parametrize(("data", "name"), BAD_VALUES)
def test_bad_values_are_rejected_naming_the_field(data: dict[str, Any], name: str) -> None:
    with pytest.raises(ValueError, match=name):
        RuleSet.from_json(data)


@pytest.mark.parametrize("data", [[], "{}", None])
def test_json_must_be_an_object(data: Any) -> None:
    with pytest.raises(ValueError, match="JSON-objekt"):
        RuleSet.from_json(data)


@pytest.mark.parametrize(
    ("changes", "name"),
    [
        ({"reading_times": (time(13, 0), time(9, 0))}, "reading_times"),
        ({"reading_times": (time(9, 30, 15),)}, "reading_times"),
        ({"payment_cutoff": "12:00"}, "payment_cutoff"),
        ({"meeting_max_days": 1}, "meeting_min_days"),
    ],
)
def test_constructor_validates_too(changes: dict[str, Any], name: str) -> None:
    with pytest.raises(ValueError, match=name):
        RuleSet(**changes)


@given(rule_sets())
def test_json_round_trip(rules: RuleSet) -> None:
    assert RuleSet.from_json(json.loads(json.dumps(rules.to_json()))) == rules
