"""The plan's screens with alice (coordinator's unit), bob (taking part) and charlie (nothing):
visibility, bad input, concurrent edits and query counts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from samordna.cases.models import Case
from samordna.sip.models import Evaluation, FollowUpComment, Meeting, PlanVersion
from samordna.sip.services import plan as plan_acts
from samordna.sip.services import plan_follow_up as plan_follow_up_acts
from tests.conftest import World
from tests.sip.plans import documented, draft, give_consent, written


def contents(case: Case, number: int) -> PlanVersion:
    return plan_acts.plan_version(case, number, contents=True)


def _date(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def form_data(case: Case, number: int, **changes: Any) -> dict[str, Any]:
    """The edit page's POST as a browser sends it for the stored draft, with ``changes``."""
    p = contents(case, number)
    data: dict[str, Any] = {
        "version": p.version,
        **{name: getattr(p, name) or "" for name in plan_acts.PLAN_FIELDS},
        "follow_up_on": _date(p.follow_up_on),
        "evaluation_on": _date(p.evaluation_on),
    }
    goals, actions, contacts = (
        list(p.goals.all()),
        list(p.actions.all()),
        list(p.care_contacts.all()),
    )
    for prefix, rows in [("goals", goals), ("actions", actions), ("contacts", contacts)]:
        data |= {
            f"{prefix}-TOTAL_FORMS": len(rows),
            f"{prefix}-INITIAL_FORMS": len(rows),
            f"{prefix}-MIN_NUM_FORMS": 0,
            f"{prefix}-MAX_NUM_FORMS": 1000,
        }
    for i, g in enumerate(goals):
        data |= {f"goals-{i}-id": g.pk, f"goals-{i}-text": g.text, f"goals-{i}-ORDER": i + 1}
    for i, a in enumerate(actions):
        data |= {
            f"actions-{i}-id": a.pk,
            f"actions-{i}-text": a.text,
            f"actions-{i}-goal": a.goal_id or "",
            f"actions-{i}-responsible": f"unit:{a.responsible_unit_id}"
            if a.responsible_unit_id
            else a.responsible,
            f"actions-{i}-responsible_name": a.responsible_name,
            f"actions-{i}-care_type": a.care_type,
            f"actions-{i}-starts_on": _date(a.starts_on),
            f"actions-{i}-ends_on": _date(a.ends_on),
            f"actions-{i}-ORDER": i + 1,
        }
    for i, c in enumerate(contacts):
        data |= {
            f"contacts-{i}-name": c.name,
            f"contacts-{i}-workplace": c.workplace,
            f"contacts-{i}-phone": c.phone,
        }
    return data | changes


@pytest.fixture
def two_versions(world: World, sip: Case) -> Case:
    """Version 1 documented, version 2 a draft being written."""
    documented(world, sip)
    plan_acts.start_version(world.actor(world.alice), sip.pk)
    return sip


PAGES = [
    ("sip:plan-version", [1]),
    ("sip:plan-edit", [2]),
    ("sip:plan-compare", []),
    ("sip:follow-up-comment", [1]),
    ("sip:evaluate", [1]),
    ("sip:for-individual", []),
]


@pytest.mark.parametrize(("user", "status"), [("alice", 200), ("bob", 200), ("charlie", 404)])
@pytest.mark.parametrize(("name", "args"), PAGES)
def test_plan_pages_only_for_units_taking_part(
    login: Any, world: World, two_versions: Case, user: str, status: int, name: str, args: list[int]
) -> None:
    """SEC-1: charlie's unit takes no part and gets 404, and never sees whose plan it is."""
    response = login(getattr(world, user)).get(reverse(name, args=[two_versions.pk, *args]))
    assert response.status_code == status
    assert ("Lundberg" in response.content.decode()) == (status == 200)


def test_the_case_page_shows_the_plan_and_its_links(
    login: Any, world: World, two_versions: Case
) -> None:
    page = login(world.bob).get(reverse("sip:case", args=[two_versions.pk])).content.decode()
    assert "Att kunna bo kvar hemma" in page
    for url in [
        reverse("sip:plan-version", args=[two_versions.pk, 1]),
        reverse("sip:plan-edit", args=[two_versions.pk, 2]),
        reverse("sip:plan-compare", args=[two_versions.pk]),
        reverse("sip:for-individual", args=[two_versions.pk]),
    ]:
        assert url in page


@pytest.mark.parametrize(("user", "status"), [("bob", 302), ("charlie", 404)])
def test_starting_the_plan(login: Any, world: World, sip: Case, user: str, status: int) -> None:
    give_consent(world, sip)  # bob's unit sees the case once the consent names it
    response = login(getattr(world, user)).post(
        reverse("sip:plan-new", args=[sip.pk]), {"meeting": ""}
    )
    assert response.status_code == status
    assert sip.plans.count() == (1 if status == 302 else 0)
    if status == 302:
        assert response["Location"] == reverse("sip:plan-edit", args=[sip.pk, 1])


def test_a_second_draft_is_refused_on_the_case_page(login: Any, world: World, sip: Case) -> None:
    written(world, sip)
    response = login(world.alice).post(reverse("sip:plan-new", args=[sip.pk]), {"meeting": ""})
    assert response.status_code == 409
    assert sip.plans.count() == 1


def test_the_whole_draft_is_saved_from_one_page(login: Any, world: World, sip: Case) -> None:
    give_consent(world, sip)  # bob's unit sees the case once the consent names it
    written(world, sip)
    data = form_data(sip, 1, main_goal="Bo kvar hemma", **{"actions-3-DELETE": "on"})
    data |= {
        "goals-TOTAL_FORMS": 3,
        "goals-2-text": "Träffa vänner",
        "goals-2-ORDER": "",
        "actions-0-ends_on": "2027-03-31",
        "actions-0-starts_on": "2026-12-01",
    }
    response = login(world.bob).post(reverse("sip:plan-edit", args=[sip.pk, 1]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    p = contents(sip, 1)
    assert p.main_goal == "Bo kvar hemma"
    assert [g.text for g in p.goals.all()] == [
        "Klara morgonrutinerna",
        "Handla själv",
        "Träffa vänner",
    ]
    assert [a.text for a in p.actions.all()][-1] == "Följer med och handlar"
    assert p.actions.first().ends_on == dt.date(2027, 3, 31)  # type: ignore[union-attr]


def test_an_action_serves_a_sub_goal_written_in_the_same_save(
    login: Any, world: World, sip: Case
) -> None:
    """Issue 18 item 10: a new sub-goal is offered to the actions at once as "new:<row>", so
    one save writes both and links them; before, the goal had to be saved first."""
    written(world, sip)
    data = form_data(sip, 1)
    data |= {
        "goals-TOTAL_FORMS": 4,
        "goals-2-text": "",  # an empty row in between is ignored
        "goals-3-text": "Träffa vänner",
        "actions-TOTAL_FORMS": 5,
        "actions-4-text": "Följer med till träffpunkten",
        "actions-4-responsible": "relative",
        "actions-4-responsible_name": "Anna (dotter)",
        "actions-4-care_type": "other",
        "actions-4-goal": "new:3",
    }
    response = login(world.alice).post(reverse("sip:plan-edit", args=[sip.pk, 1]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    p = contents(sip, 1)
    goal = p.goals.get(text="Träffa vänner")
    assert p.actions.get(text="Följer med till träffpunkten").goal_id == goal.pk


@pytest.mark.parametrize(
    ("new_goal", "message"),
    [
        ("new:9", "Välj ett giltigt alternativ"),  # no such row posted
        ("new:x", "Välj ett giltigt alternativ"),
        ("new:2", "Välj ett giltigt alternativ"),  # the row is there but removed
    ],
)
def test_a_new_sub_goal_that_is_not_there_is_refused(
    login: Any, world: World, sip: Case, new_goal: str, message: str
) -> None:
    saved = written(world, sip)
    data = form_data(sip, 1)
    data |= {
        "goals-TOTAL_FORMS": 3,
        "goals-2-text": "Träffa vänner",
        "goals-2-DELETE": "on",
        "actions-0-goal": new_goal,
    }
    response = login(world.alice).post(reverse("sip:plan-edit", args=[sip.pk, 1]), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert contents(sip, 1).version == saved.version


def test_add_a_row_without_javascript_saves_and_comes_back_with_one_more(
    login: Any, world: World, sip: Case
) -> None:
    """The "Add" buttons submit the form when no script runs: the draft is kept and the editor
    shows one more empty row of that list, where the focus lands (its anchor)."""
    written(world, sip)
    client = login(world.alice)
    url = reverse("sip:plan-edit", args=[sip.pk, 1])
    before = client.get(url).content.decode()
    assert 'name="goals-TOTAL_FORMS" value="3"' in before  # two saved, one empty
    response = client.post(url, form_data(sip, 1, main_goal="Bo kvar", then="add:goals"))
    assert response.status_code == 302
    assert response["Location"] == f"{url}?more=goals#goals-new"
    assert contents(sip, 1).main_goal == "Bo kvar"
    page = client.get(response["Location"]).content.decode()
    assert 'name="goals-TOTAL_FORMS" value="4"' in page
    assert 'id="goals-new"' in page
    assert 'name="actions-TOTAL_FORMS" value="5"' in page  # the other lists as before


def test_add_a_row_with_an_error_keeps_the_text_and_adds_the_row(
    login: Any, world: World, sip: Case
) -> None:
    saved = written(world, sip)
    data = form_data(sip, 1, then="add:actions", **{"actions-2-responsible_name": ""})
    response = login(world.alice).post(reverse("sip:plan-edit", args=[sip.pk, 1]), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert 'name="actions-TOTAL_FORMS" value="5"' in page
    assert 'class="error"' in page
    assert contents(sip, 1).version == saved.version


def test_documenting_from_the_editor_saves_and_documents(
    login: Any, world: World, sip: Case
) -> None:
    """Issue 18 item 10: "Spara och markera som dokumenterad" at the end of the editor."""
    give_consent(world, sip)
    written(world, sip)
    client = login(world.alice)
    data = form_data(sip, 1, main_goal="Bo kvar hemma", then="document")
    response = client.post(reverse("sip:plan-edit", args=[sip.pk, 1]), data)
    assert response.status_code == 302
    assert response["Location"] == reverse("sip:plan-version", args=[sip.pk, 1])
    p = contents(sip, 1)
    assert p.documented_at is not None and p.main_goal == "Bo kvar hemma"


def test_documenting_from_the_editor_when_refused_keeps_the_draft_saved(
    login: Any, world: World, sip: Case
) -> None:
    """Without consent the plan cannot be documented: the text is saved and the editor says
    why; bob's unit (not the coordinator's) is not offered the step at all."""
    written(world, sip)
    client = login(world.alice)
    url = reverse("sip:plan-edit", args=[sip.pk, 1])
    assert 'value="document"' in client.get(url).content.decode()
    response = client.post(url, form_data(sip, 1, main_goal="Bo kvar", then="document"))
    assert response.status_code == 302
    assert response["Location"] == f"{url}#document-h"
    p = contents(sip, 1)
    assert p.main_goal == "Bo kvar" and p.documented_at is None
    assert "inte dokumenterat" in client.get(url).content.decode()
    give_consent(world, sip)
    assert 'value="document"' not in login(world.bob).get(url).content.decode()


def test_reordering_with_the_order_numbers(login: Any, world: World, sip: Case) -> None:
    written(world, sip)
    data = form_data(sip, 1, **{"goals-0-ORDER": 2, "goals-1-ORDER": 1})
    assert (
        login(world.alice).post(reverse("sip:plan-edit", args=[sip.pk, 1]), data).status_code == 302
    )
    assert [g.text for g in contents(sip, 1).goals.all()] == [
        "Handla själv",
        "Klara morgonrutinerna",
    ]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"actions-0-starts_on": "2027-02-01", "actions-0-ends_on": "2027-01-01"}, "end"),
        ({"actions-2-responsible_name": ""}, "name"),
        ({"goals-0-DELETE": "on"}, "sub-goal"),  # an action still points at it
        ({"follow_up_on": "2027-02-31"}, "date"),
        ({"actions-0-responsible": "unit:999999"}, "valid"),
    ],
)
def test_bad_input_shows_a_message_and_changes_nothing(
    login: Any, world: World, sip: Case, changes: dict[str, str], message: str
) -> None:
    """SEC-4: 400, the message at the field, nothing saved."""
    saved = written(world, sip)
    client = login(world.alice)
    response = client.post(reverse("sip:plan-edit", args=[sip.pk, 1]), form_data(sip, 1, **changes))
    assert response.status_code == 400
    assert 'class="error"' in response.content.decode()
    assert contents(sip, 1).version == saved.version


def test_the_second_writer_gets_409_and_keeps_their_text(
    login: Any, world: World, sip: Case
) -> None:
    give_consent(world, sip)  # bob's unit sees the case once the consent names it
    written(world, sip)
    url = reverse("sip:plan-edit", args=[sip.pk, 1])
    bobs, alices = (
        form_data(sip, 1, main_goal="Bobs ord"),
        form_data(sip, 1, main_goal="Alices ord"),
    )
    assert login(world.bob).post(url, bobs).status_code == 302
    response = login(world.alice).post(url, alices)
    page = response.content.decode()
    assert response.status_code == 409
    assert "Alices ord" in page  # her text is shown back in the form
    assert "Bobs ord" in page  # beside the plan as it is now saved
    assert f'name="version" value="{contents(sip, 1).version}"' in page
    assert contents(sip, 1).main_goal == "Bobs ord"


def test_the_unrelated_unit_cannot_post_anything(
    login: Any, world: World, two_versions: Case
) -> None:
    client = login(world.charlie)
    pk = two_versions.pk
    action = contents(two_versions, 1).actions.first()
    assert action is not None
    for url, data in [
        (reverse("sip:plan-edit", args=[pk, 2]), form_data(two_versions, 2, main_goal="X")),
        (reverse("sip:plan-documented", args=[pk, 2]), {"version": 1}),
        (reverse("sip:plan-handed-over", args=[pk, 1]), {}),
        (
            reverse("sip:follow-up-comment", args=[pk, 1]),
            {"item": f"action:{action.pk}", "text": "X"},
        ),
        (reverse("sip:evaluate", args=[pk, 1]), {"main_rating": "met", "with_individual": "on"}),
    ]:
        assert client.post(url, data).status_code == 404
    assert contents(two_versions, 2).main_goal.startswith("Att kunna")
    assert not FollowUpComment.objects.exists() and not Evaluation.objects.exists()
    assert contents(two_versions, 1).handed_over_at is None


def test_documenting_and_handing_over_from_the_version_page(
    login: Any, world: World, sip: Case
) -> None:
    saved = written(world, sip)
    documented_url = reverse("sip:plan-documented", args=[sip.pk, 1])
    # No consent yet: bob's unit does not see the case (SEC-1), and the page tells alice what
    # is missing.
    assert login(world.bob).post(documented_url, {"version": saved.version}).status_code == 404
    alice = login(world.alice)
    refused = alice.post(documented_url, {"version": saved.version})
    assert refused.status_code == 400 and 'role="alert"' in refused.content.decode()
    give_consent(world, sip)
    # Bob's unit, named in the consent, sees it now, but it is not the coordinator's.
    assert login(world.bob).post(documented_url, {"version": saved.version}).status_code == 403
    alice = login(world.alice)
    assert alice.post(documented_url, {"version": saved.version}).status_code == 302
    assert contents(sip, 1).documented_at is not None
    # A documented version is read-only: its edit page leads to the version page.
    edit = alice.get(reverse("sip:plan-edit", args=[sip.pk, 1]))
    assert edit["Location"] == reverse("sip:plan-version", args=[sip.pk, 1])
    handed = alice.post(reverse("sip:plan-handed-over", args=[sip.pk, 1]))
    assert handed.status_code == 302
    assert contents(sip, 1).handed_over_at is not None


def test_follow_up_comments_from_the_page(login: Any, world: World, sip: Case) -> None:
    """Seed 000 lines 228-229: each responsible party comments on its own actions."""
    documented(world, sip)
    units_action, own_action = list(contents(sip, 1).actions.all())[:2]
    url = reverse("sip:follow-up-comment", args=[sip.pk, 1])
    bob = login(world.bob)
    page = bob.get(url).content.decode()
    assert f'value="action:{units_action.pk}"' in page
    assert f'value="action:{own_action.pk}"' not in page  # the coordinator's unit answers for it
    refused = bob.post(url, {"item": f"action:{own_action.pk}", "text": "Tar insulinet"})
    assert refused.status_code == 403 and not FollowUpComment.objects.exists()
    empty = bob.post(url, {"item": f"action:{units_action.pk}", "text": " "})
    assert empty.status_code == 400 and not FollowUpComment.objects.exists()
    assert (
        bob.post(url, {"item": f"action:{units_action.pk}", "text": "Dusch fungerar"}).status_code
        == 302
    )
    assert (
        "Dusch fungerar"
        in login(world.alice).get(reverse("sip:plan-version", args=[sip.pk, 1])).content.decode()
    )


def test_evaluation_from_the_page_then_a_new_version(login: Any, world: World, sip: Case) -> None:
    """SIP-12; seed 000 line 237: a new plan may be started at the same meeting."""
    documented(world, sip)
    goals = list(contents(sip, 1).goals.all())
    url = reverse("sip:evaluate", args=[sip.pk, 1])
    data = {"main_rating": "partly", "main_comment": "Bor kvar, handlar inte än"}
    data |= {f"goal_{g.pk}_rating": "met" for g in goals}
    data |= {f"action_{a.pk}_rating": "met" for a in contents(sip, 1).actions.all()}
    assert login(world.bob).post(url, data | {"with_individual": "on"}).status_code == 403
    alice = login(world.alice)
    without = alice.post(url, data)
    assert without.status_code == 400 and not Evaluation.objects.exists()
    done = alice.post(url, data | {"with_individual": "on"})
    assert done.status_code == 302
    assert Evaluation.objects.get(goal=None, action=None).rating == "partly"
    page = alice.get(url).content.decode()
    assert reverse("sip:plan-new", args=[sip.pk]) in page
    assert "Bor kvar, handlar inte än" in page


def test_the_individuals_page_is_plain(login: Any, world: World, two_versions: Case) -> None:
    """PAT-1: the plan in force, who does what, contacts and the next meeting; no identity
    number."""
    Meeting.objects.create(
        case=two_versions,
        purpose="follow_up",
        form="in_person",
        place="Hertsöns hälsocentral, rum 4",
        starts_at=timezone.now() + dt.timedelta(days=10),
        ends_at=timezone.now() + dt.timedelta(days=10, hours=1),
    )
    page = (
        login(world.alice)
        .get(reverse("sip:for-individual", args=[two_versions.pk]))
        .content.decode()
    )
    for text in [
        "Sture Lundberg",
        "Att kunna bo kvar hemma",
        "Tar sitt insulin morgon och kväll",
        "Luleå biståndshandläggning",
        "Anna (dotter)",
        "0920-123 45",
        "Hertsöns hälsocentral, rum 4",
    ]:
        assert text in page
    assert world.person.identity_number[2:8] not in page
    assert "@media print" not in page  # the print rules are in the stylesheet


def test_compare_page_marks_the_changes(login: Any, world: World, two_versions: Case) -> None:
    data = form_data(two_versions, 2, main_goal="Att kunna bo kvar hemma och träffa vänner.")
    client = login(world.alice)
    assert client.post(reverse("sip:plan-edit", args=[two_versions.pk, 2]), data).status_code == 302
    page = client.get(reverse("sip:plan-compare", args=[two_versions.pk]), {"old": 1, "new": 2})
    content = page.content.decode()
    assert "gå till affären själv</del>" in content
    assert "träffa vänner</ins>" in content
    bad = client.get(reverse("sip:plan-compare", args=[two_versions.pk]), {"old": 7, "new": 2})
    assert bad.status_code == 400


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "name", ["sip:plan-version", "sip:case", "sip:for-individual", "sip:follow-up-comment"]
)
def test_plan_pages_use_a_bounded_number_of_queries(
    login: Any, world: World, sip: Case, name: str
) -> None:
    """The number of queries does not grow with the number of sub-goals and actions."""
    documented(world, sip)
    client = login(world.alice)
    args = (
        [sip.pk, 1] if name.startswith("sip:plan") or name == "sip:follow-up-comment" else [sip.pk]
    )
    url = reverse(name, args=args)
    small = _queries(client, url)
    many = draft(
        world,
        goals=[plan_acts.GoalIn(f"Delmål {i}") for i in range(12)],
        actions=[
            plan_acts.ActionIn(
                f"Insats {i}", "unit", "health_care", unit=world.participant_unit.pk, goal=i
            )
            for i in range(12)
        ],
    )
    second = plan_acts.start_version(world.actor(world.alice), sip.pk)
    saved = plan_acts.save_draft(world.actor(world.alice), sip.pk, 2, second.version, many)
    plan_follow_up_acts.mark_documented(world.actor(world.alice), sip.pk, 2, saved.version)
    for a in contents(sip, 2).actions.all()[:5]:
        plan_follow_up_acts.comment(world.actor(world.bob), sip.pk, 2, "Bra", action_pk=a.pk)
    url = reverse(name, args=[sip.pk, 2] if len(args) == 2 else args)
    assert _queries(client, url) == small


def test_the_plan_shows_self_care_who_does_it_and_home_care(
    login: Any, world: World, sip: Case
) -> None:
    """SIP-14, seed 000 line 128: "Det ska tydligt framgå vem som ansvarar för egenvård
    respektive hälso- och sjukvårdsåtgärder". SIP-15, seed 000 line 132: only a primary-care
    physician decides on home health care, and the decision is recorded in the plan."""
    documented(world, sip, home_care_decision="Beslut av distriktsläkare Johan Ek 2026-11-20")
    client = login(world.bob)
    page = client.get(reverse("sip:plan-version", args=[sip.pk, 1])).content.decode()
    assert 'class="badge self-care"' in page
    assert "Tar sitt insulin morgon och kväll – <strong>Den enskilde</strong>" in page
    assert "Beslut av distriktsläkare Johan Ek 2026-11-20" in page
    individual = client.get(reverse("sip:for-individual", args=[sip.pk])).content.decode()
    assert individual.count('class="task self-care"') == 1
