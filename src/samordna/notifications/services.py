"""A user's notification preferences (BOX-3): defaults until changed, optimistic locking."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from samordna.accounts.actor import Actor
from samordna.errors import Conflict, ServiceError
from samordna.notifications.models import Preference
from samordna.organisations.models import User


def preference(user: User) -> Preference:
    """The user's preferences; the defaults (unsaved) when never changed."""
    found = Preference.objects.filter(user=user).first()
    return found or Preference(user=user)


def address_of(pref: Preference) -> str:
    return pref.address or pref.user.email


@transaction.atomic
def update(actor: Actor, digest: bool, address: str, version: int) -> Preference:
    address = address.strip()
    if address:
        try:
            validate_email(address)
        except ValidationError:
            raise ServiceError(
                "invalid_address", _("Enter a valid e-mail address."), "address"
            ) from None
    if digest and not (address or actor.user.email):
        raise ServiceError(
            "address_required",
            _("Your account has no e-mail address: enter the address for the digest."),
            "address",
        )
    pref, _created = Preference.objects.select_for_update().get_or_create(user=actor.user)
    if pref.version != version:
        raise Conflict(
            "edit_conflict",
            _("Your settings were changed elsewhere in the meantime. Check them and save again."),
        )
    pref.digest, pref.address, pref.version = digest, address, version + 1
    pref.save()
    return pref
