"""The life areas of the needs assessment (SIP-5), kept apart from the models to keep
``sip.models`` within the module size limit; ``samordna.sip.models.LifeArea`` is this class."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class LifeArea(models.TextChoices):
    """The assessment areas of seed 002 (4.6) and seed 000, plus SBAR (seed 000)."""

    HEALTH = "health", _("Experienced health")
    PERSONAL_CARE = "personal_care", _("Personal care")
    COMMUNICATION = "communication", _("Communication")
    MOBILITY = "mobility", _("Mobility")
    HOUSING = "housing", _("Housing and daily life at home")
    FAMILY = "family", _("Relationships with family and network")
    PLANNING_THE_DAY = "planning_the_day", _("Planning the day and handling demands")
    LEARNING = "learning", _("Learning and using knowledge")
    PLAY = "play", _("Play")
    EDUCATION = "education", _("Education and studies")
    WORK = "work", _("Work and occupation")
    FINANCES = "finances", _("Finances")
    LEISURE = "leisure", _("Recreation and leisure")
    OTHER = "other", _("Other")
    SBAR_SITUATION = "sbar_s", _("SBAR: Situation")
    SBAR_BACKGROUND = "sbar_b", _("SBAR: Background")
    SBAR_ASSESSMENT = "sbar_a", _("SBAR: Assessment")
    SBAR_RECOMMENDATION = "sbar_r", _("SBAR: Recommendation")
