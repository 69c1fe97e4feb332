"""The notification settings page (BOX-3)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from samordna.notifications.models import Preference
from tests.conftest import World

URL = reverse("notifications:settings")


def test_defaults_then_save(login: Any, world: World) -> None:
    world.alice.email = "alice@example.org"
    world.alice.save()
    client = login(world.alice)
    html = client.get(URL).content.decode()
    assert "alice@example.org" in html  # the default address is shown in the help
    assert 'name="digest"' in html and "checked" in html
    response = client.post(URL, {"address": "vc@example.org", "version": 1})
    assert response.status_code == 302
    pref = Preference.objects.get(user=world.alice)
    assert (pref.digest, pref.address, pref.version) == (False, "vc@example.org", 2)


def test_bad_address_and_stale_version(login: Any, world: World) -> None:
    client = login(world.bob)
    bad = client.post(URL, {"digest": "on", "address": "bob at example", "version": 1})
    assert bad.status_code == 400
    assert 'id="id_address_error"' in bad.content.decode()
    no_address = client.post(URL, {"digest": "on", "address": "", "version": 1})
    assert no_address.status_code == 400  # bob's account has no e-mail address
    assert not Preference.objects.filter(user=world.bob).exists()
    client.post(URL, {"digest": "on", "address": "bob@example.org", "version": 1})
    stale = client.post(URL, {"address": "other@example.org", "version": 1})
    assert stale.status_code == 409
    assert Preference.objects.get(user=world.bob).address == "bob@example.org"


def test_needs_a_login(client: Any, world: World) -> None:
    assert client.get(URL).status_code == 302
