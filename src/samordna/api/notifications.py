"""BOX-3 over REST: the token's user's digest preferences, with optimistic locking."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from samordna.api.common import ERRORS, actor_of, auth
from samordna.notifications import services
from samordna.validation import Limit

router = Router(tags=["notifications"], auth=auth)


class PreferencesOut(Schema):
    digest: bool = Field(..., description="A digest e-mail at the county's reading times")
    address: str = Field(..., description="Empty: the e-mail address of the account")
    sends_to: str = Field(..., description="Where the digest goes; empty: nowhere")
    version: int


class PreferencesIn(Schema):
    digest: bool
    address: Annotated[str, Limit(254)] = ""
    version: int = Field(..., description="The version read; 409 if it changed since")


def out(pref: Any) -> dict[str, Any]:
    return {
        "digest": pref.digest,
        "address": pref.address,
        "sends_to": services.address_of(pref) if pref.digest else "",
        "version": pref.version,
    }


@router.get("/preferences", response={200: PreferencesOut, **ERRORS})
def get_preferences(request: HttpRequest) -> Any:
    return out(services.preference(actor_of(request).user))


@router.put("/preferences", response={200: PreferencesOut, **ERRORS})
def put_preferences(request: HttpRequest, payload: PreferencesIn) -> Any:
    actor = actor_of(request)
    return out(services.update(actor, payload.digest, payload.address, payload.version))
