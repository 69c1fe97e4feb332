"""Messages between connected units about one individual (SPEC MSG-1 to MSG-3).

A message is a ``cases.Notice`` of kind ``message`` with a ``Message`` detail row, as a stay's
notices have ``discharge.StayNotice``. Each recipient unit has a ``cases.Delivery``, "to
acknowledge" or "for information" (seed 004_2b6a4bde1435f963.txt lines 50-52, 64). A message
belongs to a case, so visibility and the access log keep their one choke point: the stay within
a stay, the individual's SIP, or otherwise a message case of its own (``Case.Kind.CONTACT``).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from samordna.cases.models import Delivery, Notice


class Template(models.TextChoices):
    """MSG-3: the attachments ("bilagor") of seed 003_9c6849ff85993bc8.txt lines 104-106, 126
    and 144-150; the fields of each are in ``messaging.content``."""

    GENERAL = "general", _("General message")
    HOME_CARE_REFERRAL = "home_care_referral", _("Transfer to home health care – referral")
    HOME_VISIT = "home_visit", _("Single home visit")
    MEDICAL_PLANNING = "medical_planning", _("Medical planning")
    # SIP-20: seed 004_2b6a4bde1435f963.txt lines 50-52 and seed 003 line 70
    # (``messaging.sip_initiative``).
    SIP_INITIATIVE = "sip_initiative", _("Initiative to a SIP")
    SIP_REQUEST = "sip_request", _("The municipality's request for a SIP")


class Message(models.Model):
    """What a message said. ``thread`` is the first message of the conversation (itself for the
    first), so a whole thread is one indexed query; ``in_reply_to`` is the message answered."""

    notice = models.OneToOneField(Notice, models.CASCADE, primary_key=True, related_name="message")
    thread = models.ForeignKey("self", models.CASCADE, related_name="thread_messages")
    in_reply_to = models.ForeignKey(
        "self", models.PROTECT, related_name="replies", null=True, blank=True
    )
    template = models.CharField(
        _("template"), max_length=30, choices=Template.choices, default=Template.GENERAL
    )
    # The template's fields as validated by its form (``messaging.templates``), JSON-safe.
    fields = models.JSONField(default=dict, blank=True)
    body = models.TextField(_("message"), blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self) -> str:
        return f"Message {self.notice_id}"


class Forwarding(models.Model):
    """Why a unit passed a wrongly addressed message on; the delivery it closed points at the
    new unit's delivery through ``Delivery.forwarded_to``."""

    delivery = models.OneToOneField(
        Delivery, models.CASCADE, primary_key=True, related_name="message_forwarding"
    )
    note = models.TextField(_("note"))

    def __str__(self) -> str:
        return f"Forwarding of delivery {self.delivery_id}"
