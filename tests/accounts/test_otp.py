"""The second factor (issue 17 item 2): who must have one, setup with a QR code and recovery
codes, the code after the password, reused and wrong codes, the reset of a lost factor."""

from __future__ import annotations

import re
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from samordna.accounts import otp
from samordna.accounts.middleware import SESSION_KEY
from samordna.accounts.models import Failure
from samordna.audit.models import AccessLog
from samordna.organisations import demo
from samordna.organisations.models import Membership, User
from tests.conftest import PASSWORD, World, force_full_login, make_user

SETUP = reverse("accounts:otp-setup")
CODE = reverse("accounts:otp-code")
LOGIN = reverse("accounts:login")


def code_of(device: TOTPDevice, shift: int = 0) -> str:
    value = totp(device.bin_key, device.step, device.t0, device.digits, device.drift + shift)
    return f"{value:0{device.digits}d}"


def password(client: Client, username: str) -> Any:
    return client.post(LOGIN, {"username": username, "password": PASSWORD})


def set_up(user: User) -> tuple[TOTPDevice, list[str]]:
    """As the setup page does: a new key confirmed with its current code."""
    new = TOTPDevice(user=user, key=random_hex(20))
    codes = otp.confirm(user, new, code_of(new))
    assert codes is not None
    return TOTPDevice.objects.get(user=user, confirmed=True), codes


def with_app(user: User) -> TOTPDevice:
    """An authenticator app set up before (confirmed, no code used yet)."""
    return TOTPDevice.objects.create(user=user, name="app", confirmed=True)


@pytest.fixture
def frozen() -> Any:
    """Codes change every 30 seconds: each test moves the clock itself."""
    with time_machine.travel(timezone.now(), tick=False) as clock:
        yield clock


def test_who_must_have_a_second_factor(world: World, settings: Any) -> None:
    assert otp.required(world.admin)  # unit administrator
    assert not otp.required(world.alice)  # nurse
    county = make_user("gunilla", world.owner_unit, Membership.Role.COUNTY_ADMIN)
    stats = make_user("stina", world.owner_unit, Membership.Role.STATISTICS)
    staff = User.objects.create_user("root", password=PASSWORD, is_staff=True)
    assert otp.required(county) and otp.required(stats) and otp.required(staff)
    settings.SAMORDNA_OTP_REQUIRED_FOR = "everyone"
    assert otp.required(world.alice)


def test_an_administrator_without_a_factor_is_sent_to_setup_and_can_do_nothing_else(
    client: Client, world: World, frozen: Any
) -> None:
    response = password(client, "admin")
    assert response.status_code == 302
    assert client.get(response["Location"])["Location"].startswith(SETUP)
    for url in [reverse("accounts:choose-unit"), reverse("people:search"), "/admin/", "/"]:
        blocked = client.get(url)
        assert blocked.status_code == 302 and blocked["Location"].startswith(SETUP), url
    assert client.post(reverse("accounts:choose-unit"), {"unit": "1"})["Location"] == SETUP
    assert SESSION_KEY not in client.session

    page = client.get(SETUP)
    html = page.content.decode()
    assert page.status_code == 200 and page["Cache-Control"].startswith("max-age=0")
    assert "<svg" in html and "QR-kod" in html  # the QR code, made on the server
    assert not TOTPDevice.objects.exists()  # showing the key writes no row
    device = TOTPDevice(key=client.session[otp.PENDING_KEY])
    assert client.get(SETUP).content.decode().count(otp.secret(device)) == 1  # the same key
    shown = re.search(r'data-testid="otp-secret">([A-Z2-7 ]+)<', html)
    assert shown is not None
    assert otp.secret(device) == shown.group(1)

    wrong = client.post(SETUP, {"code": "000000" if code_of(device) != "000000" else "111111"})
    assert wrong.status_code == 400 and 'aria-invalid="true"' in wrong.content.decode()
    key_before = client.session.session_key
    done = client.post(SETUP, {"code": code_of(device)})
    assert done.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", done.content.decode())
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.session.session_key != key_before  # a new session key after the factor
    assert AccessLog.objects.filter(user=world.admin, what="account.otp_setup").exists()
    assert client.get(reverse("accounts:choose-unit"), follow=True).status_code == 200
    assert client.session[SESSION_KEY] == world.owner_unit.pk


def test_login_with_a_code_and_a_code_is_good_once(
    client: Client, world: World, frozen: Any
) -> None:
    device, _codes = set_up(world.admin)  # the setup used the code of this step
    password(client, "admin")
    assert client.get(reverse("people:search"))["Location"].startswith(CODE)
    reused = client.post(CODE, {"code": code_of(device)})
    assert reused.status_code == 400
    assert "fel eller redan använd" in reused.content.decode()
    frozen.shift(30)
    response = client.post(CODE, {"code": code_of(device), "next": "/persons/"})
    assert response.status_code == 302 and response["Location"] == "/persons/"
    assert client.get(reverse("people:search")).status_code in (200, 302)
    assert client.session[otp.STATE_KEY] == otp.DONE

    client.post(reverse("accounts:logout"))
    password(client, "admin")  # every login asks again, and the old code is used up
    assert client.post(CODE, {"code": code_of(device)}).status_code == 400
    frozen.shift(30)
    assert client.post(CODE, {"code": f" {code_of(device)[:3]} {code_of(device)[3:]} "})[
        "Location"
    ] == reverse("accounts:choose-unit")


def test_a_recovery_code_logs_in_once(client: Client, world: World, frozen: Any) -> None:
    _device, codes = set_up(world.admin)
    password(client, "admin")
    response = client.post(CODE, {"code": codes[3].upper()}, follow=True)
    assert response.status_code == 200
    assert "reservkod" in response.content.decode() and "kvar: 9" in response.content.decode()
    assert StaticToken.objects.filter(token=codes[3]).count() == 0
    client.post(reverse("accounts:logout"))
    password(client, "admin")
    assert client.post(CODE, {"code": codes[3]}).status_code == 400
    assert client.post(CODE, {"code": codes[4]}).status_code == 302


def test_wrong_codes_lock_the_account_and_then_the_right_code_waits(
    client: Client, world: World, frozen: Any
) -> None:
    device, _codes = set_up(world.admin)
    frozen.shift(30)
    password(client, "admin")
    right = code_of(device)
    wrong = "999999" if right != "999999" else "888888"
    statuses = [client.post(CODE, {"code": wrong}).status_code for _ in range(6)]
    assert statuses == [400, 400, 400, 400, 429, 429]
    assert Failure.objects.filter(kind="code", username="admin").count() == 5
    locked = client.post(CODE, {"code": right})
    assert locked.status_code == 429 and "För många misslyckade försök" in locked.content.decode()
    assert int(locked["Retry-After"]) > 14 * 60
    assert client.session[otp.STATE_KEY] == otp.PENDING
    assert AccessLog.objects.filter(user=world.admin, what__startswith="account.locked: code")
    frozen.shift(15 * 60)
    assert client.post(CODE, {"code": code_of(device)}).status_code == 302


def test_staff_without_roles_and_everyone_when_configured(
    client: Client, world: World, settings: Any
) -> None:
    User.objects.create_user("root", password=PASSWORD, is_staff=True)
    password(client, "root")
    assert client.get("/admin/")["Location"].startswith(SETUP)
    other = Client()
    assert other.post(LOGIN, {"username": "alice", "password": PASSWORD}).status_code == 302
    assert other.get(reverse("people:search")).status_code in (200, 302)
    assert "otp" not in other.get(reverse("people:search")).get("Location", "")
    settings.SAMORDNA_OTP_REQUIRED_FOR = "everyone"
    third = Client()
    third.post(LOGIN, {"username": "alice", "password": PASSWORD})
    assert third.get(reverse("people:search"))["Location"].startswith(SETUP)


def test_a_factor_set_up_by_choice_is_asked_for(client: Client, world: World) -> None:
    set_up(world.alice)
    password(client, "alice")
    assert client.get(reverse("people:search"))["Location"].startswith(CODE)
    # Replacing the factor takes the current one first.
    assert client.get(SETUP)["Location"].startswith(CODE)


def test_a_federated_login_is_never_asked(client: Client, world: World) -> None:
    client.force_login(world.admin)
    session = client.session
    session[otp.AUTH_METHOD_KEY] = "oidc"
    session[SESSION_KEY] = world.owner_unit.pk
    session.save()
    assert client.get(reverse("people:search")).status_code == 200


def test_an_administrator_resets_a_lost_factor_within_their_reach(login: Any, world: World) -> None:
    set_up(world.alice)
    set_up(world.charlie)  # another unit
    county_admin = make_user("gunilla", world.owner_unit, Membership.Role.COUNTY_ADMIN)
    set_up(county_admin)
    client = login(world.admin)
    page = client.get(reverse("accounts:otp-reset")).content.decode()
    assert "alice" in page and "charlie" not in page and "gunilla" not in page
    refused = client.post(reverse("accounts:otp-reset"), {"user": county_admin.pk})
    assert refused.status_code == 400
    assert client.post(reverse("accounts:otp-reset"), {"user": world.charlie.pk}).status_code == 400
    done = client.post(reverse("accounts:otp-reset"), {"user": world.alice.pk})
    assert done.status_code == 302
    assert not TOTPDevice.objects.filter(user=world.alice).exists()
    assert TOTPDevice.objects.filter(user=county_admin).exists()
    entry = AccessLog.objects.get(what="account.otp_reset: alice")
    assert entry.user == world.admin and entry.unit == world.owner_unit

    # A county administrator reaches the county's units; a nurse has no such page.
    county_client = login(county_admin)
    assert "charlie" in county_client.get(reverse("accounts:otp-reset")).content.decode()
    for bad in ["x", "9" * 30]:
        assert county_client.post(reverse("accounts:otp-reset"), {"user": bad}).status_code == 400
    assert login(world.bob).get(reverse("accounts:otp-reset")).status_code == 403


def test_demo_administrators_log_in_with_the_published_key(
    client: Client, db: None, frozen: Any
) -> None:
    call_command("load_demo", verbosity=0)
    assert set(TOTPDevice.objects.values_list("user__username", flat=True)) == {
        "ulla",
        "hanna",
        "gunilla",
    }
    out = StringIO()
    call_command("demo_code", stdout=out)
    client.post(LOGIN, {"username": "ulla", "password": demo.DEMO_PASSWORD})
    response = client.post(CODE, {"code": out.getvalue().split()[0]})
    assert response.status_code == 302
    assert client.session[otp.STATE_KEY] == otp.DONE


def test_a_code_for_a_key_never_shown_creates_nothing(client: Client, world: World) -> None:
    password(client, "admin")
    response = client.post(SETUP, {"code": "123456"})
    assert response.status_code == 302 and response["Location"] == SETUP
    assert not TOTPDevice.objects.exists() and not Failure.objects.exists()


def test_staff_reset_a_factor_in_the_django_admin(client: Client, world: World) -> None:
    set_up(world.alice)
    root = User.objects.create_superuser("root", password=PASSWORD)
    force_full_login(client, root)
    response = client.post(
        reverse("admin:organisations_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [world.alice.pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=world.alice).exists()
    entry = AccessLog.objects.get(what="account.otp_reset: alice")
    assert entry.user == root and entry.via == "admin"


def test_a_session_from_before_the_check_is_decided_on_its_next_request(
    client: Client, world: World
) -> None:
    client.force_login(world.admin)
    assert client.session[otp.STATE_KEY] == otp.PENDING  # decided at login
    session = client.session
    del session[otp.STATE_KEY]
    session.save()
    assert client.get(reverse("people:search"))["Location"].startswith(SETUP)
    assert client.session[otp.STATE_KEY] == otp.PENDING


def test_a_reset_never_reaches_an_account_with_more_rights(login: Any, world: World) -> None:
    """Breaker F9: after a reset the next password login sets up a new factor, so a unit
    administrator must not reset an administrator elsewhere or a fellow unit administrator,
    nor a county administrator a staff account."""
    multi = make_user("multi", world.owner_unit, Membership.Role.NURSE)
    Membership.objects.create(user=multi, unit=world.ward, role=Membership.Role.UNIT_ADMIN)
    fellow = make_user("fellow", world.owner_unit, Membership.Role.UNIT_ADMIN)
    staff = make_user("staffer", world.owner_unit, Membership.Role.NURSE)
    staff.is_staff = True
    staff.save()
    for user in (multi, fellow, staff, world.alice):
        set_up(user)
    client = login(world.admin, world.owner_unit)
    page = client.get(reverse("accounts:otp-reset")).content.decode()
    assert "alice" in page
    for target in (multi, fellow, staff):
        assert target.username not in page
        refused = client.post(reverse("accounts:otp-reset"), {"user": target.pk})
        assert refused.status_code == 400
        assert TOTPDevice.objects.filter(user=target).exists(), target.username
    county_admin = make_user("gunilla", world.owner_unit, Membership.Role.COUNTY_ADMIN)
    set_up(county_admin)
    county_client = login(county_admin)
    assert county_client.post(reverse("accounts:otp-reset"), {"user": staff.pk}).status_code == 400
    assert TOTPDevice.objects.filter(user=staff).exists()
    assert county_client.post(reverse("accounts:otp-reset"), {"user": multi.pk}).status_code == 302
    assert not TOTPDevice.objects.filter(user=multi).exists()


def test_only_a_superuser_resets_staff_in_the_django_admin(client: Client, world: World) -> None:
    """Breaker F9: a staff account with user rights cannot strip another staff account's
    factor (or a superuser's) in the Django admin."""
    from django.contrib.auth.models import Permission

    helper = make_user("helper", world.owner_unit, Membership.Role.NURSE)
    helper.is_staff = True
    helper.save()
    helper.user_permissions.add(*Permission.objects.filter(codename__endswith="_user"))
    set_up(helper)
    root = User.objects.create_superuser("root", password=PASSWORD)
    set_up(root)
    set_up(world.alice)
    force_full_login(client, helper)
    response = client.post(
        reverse("admin:organisations_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [root.pk, world.alice.pk]},
    )
    assert response.status_code == 302
    assert TOTPDevice.objects.filter(user=root).exists()
    assert not TOTPDevice.objects.filter(user=world.alice).exists()


def test_code_guesses_after_one_password_are_bounded(world: World) -> None:
    """Breaker F3: one pending session could try 5 codes per 15 minutes for ever (the sliding
    session stays alive); after MAX_CODE_FAILURES wrong codes in a row the login is ended and
    the password is needed again."""
    from samordna.accounts import otp_views

    with time_machine.travel(timezone.now(), tick=False) as clock:
        device, _codes = set_up(world.admin)
        clock.shift(30)
        attacker = Client()
        password(attacker, "admin")
        answers = []
        for _window in range(otp_views.MAX_CODE_FAILURES // 5 + 2):
            for _ in range(5):
                wrong = "000000" if code_of(device) != "000000" else "111111"
                answers.append(attacker.post(CODE, {"code": wrong}))
            clock.shift(15 * 60 + 1)
        checked = [a for a in answers if a.status_code in (400, 429)]  # 429: the 5th of each
        assert len(checked) == otp_views.MAX_CODE_FAILURES - 1
        ended = next(a for a in answers if a.status_code == 302)
        assert ended["Location"] == LOGIN
        assert "_auth_user_id" not in attacker.session
        assert attacker.post(CODE, {"code": code_of(device)})["Location"].startswith(LOGIN)
        assert AccessLog.objects.filter(user=world.admin, what="login.otp_failures").count() == 1
        # The owner, with the password and the right code, is not locked out by it.
        owner = Client()
        clock.shift(15 * 60 + 1)  # the per-window lock the last guesses started is over
        password(owner, "admin")
        assert owner.post(CODE, {"code": code_of(device)}).status_code == 302
        assert owner.session[otp.STATE_KEY] == otp.DONE


def test_replacing_the_factor_asks_for_the_current_one(client: Client, world: World) -> None:
    """Breaker F5: in a complete session a code of a new key alone replaced the owner's app
    and recovery codes; now a code of the current factor is asked first."""
    with time_machine.travel(timezone.now(), tick=False) as clock:
        old, codes = set_up(world.admin)
        clock.shift(30)
        password(client, "admin")
        assert client.post(CODE, {"code": code_of(old)}).status_code == 302
        page = client.get(SETUP).content.decode()
        assert 'name="current"' in page
        new = otp.pending_device(client_request(client))
        refused = client.post(SETUP, {"code": code_of(new)})
        assert refused.status_code == 400
        assert "Ange en kod från appen du använder nu" in refused.content.decode()
        assert TOTPDevice.objects.filter(pk=old.pk).exists(), "the owner's app was removed"
        done = client.post(SETUP, {"code": code_of(new), "current": codes[0]})
        assert done.status_code == 200  # the new recovery codes, shown once
        assert not TOTPDevice.objects.filter(pk=old.pk).exists()
        assert TOTPDevice.objects.get(user=world.admin).key == new.key


def client_request(client: Client) -> Any:
    """The session's pending key as the setup page keeps it."""

    class Request:
        session = client.session
        user = None

    return Request()
