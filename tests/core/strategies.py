"""Hypothesis strategies shared by the core tests."""

from datetime import datetime
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

from samordna.core.calendar import STOCKHOLM
from samordna.core.rules import DEFAULT_RULE_SETS, RuleSet

# Aware datetimes in several zones: the functions must reckon in Stockholm time whatever the input.
aware_datetimes = st.datetimes(
    min_value=datetime(1990, 1, 1),
    max_value=datetime(2090, 12, 31),
    timezones=st.sampled_from(
        [STOCKHOLM, ZoneInfo("UTC"), ZoneInfo("America/New_York"), ZoneInfo("Asia/Tokyo")]
    ),
    allow_imaginary=False,
)


@st.composite
def rule_sets(draw: st.DrawFn) -> RuleSet:
    count = st.integers(min_value=1, max_value=400)
    clock = st.times().map(lambda t: t.replace(second=0, microsecond=0))
    meeting = sorted([draw(st.integers(0, 400)), draw(count)])
    payment = sorted(draw(st.lists(count, min_size=2, max_size=2)))
    return RuleSet(
        reading_times=tuple(sorted(draw(st.sets(clock, min_size=1, max_size=4)))),
        reading_days=draw(st.sampled_from(["all", "working"])),
        read_on_day_3_of_long_holidays=draw(st.booleans()),
        long_holiday_min_days=draw(st.integers(min_value=3, max_value=10)),
        outpatient_invitation_working_days=draw(count),
        meeting_min_days=meeting[0],
        meeting_max_days=meeting[1],
        plan_documented_days=draw(count),
        plan_handed_over_days=draw(count),
        follow_up_max_days=draw(count),
        follow_up_comment_days_before=draw(st.integers(0, 30)),
        discharge_invitation_days=draw(count),
        discharge_plan_days=draw(count),
        admission_notice_hours=draw(count),
        planning_basis_hours=draw(count),
        payment_cutoff=draw(clock),
        payment_days_by_cutoff=payment[0],
        payment_days_after_cutoff=payment[1],
        children_consent_stored=draw(st.booleans()),
    )


any_rule_set = st.one_of(st.sampled_from(list(DEFAULT_RULE_SETS.values())), rule_sets())
