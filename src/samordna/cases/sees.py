"""The choke point's rule (SEC-1, ``cases.models.ParticipationQuerySet.covered``) as one SQL
condition, for the queries that ask it most: ``Case.objects.visible_to`` on every case read,
the overview's read model for every act, the webhook outbox for every event.

Why SQL and not the ORM's nested ``Exists``: the ORM version compiles three subqueries on every
request (2.6 ms of Python for one case read at 100 k cases, against 0.5 ms for this), and the
read model's SQL had a copy of the rule already; now both use this one. ``ParticipationQuerySet
.covered`` stays the ORM's form of the same rule (``Person.objects.visible_to``, the FHIR kinds,
the Python read model ``overview.readmodel.rows``), and tests/cases/test_consent_visibility.py
proves the two agree on every state of consent and participation.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import models
from django.utils import timezone

# For a participation ``p``: any case but a SIP, the coordinator's unit, or a unit the SIP's
# consent in force names (or a consent naming none). Seed 000_106b8acbeb42519c.txt line 110,
# seed 002_ca8314ba67d4fca6.txt line 156 (cited at ``ParticipationQuerySet``).
COVERED_SQL = (
    "(p.role = 'owner' OR NOT EXISTS (SELECT 1 FROM cases_case pc WHERE pc.id = p.case_id "
    "AND pc.kind = 'sip') OR EXISTS (SELECT 1 FROM sip_consent k WHERE k.case_id = p.case_id "
    "AND k.decision = 'given' AND k.withdrawn_at IS NULL AND k.superseded_at IS NULL "
    "AND (EXISTS (SELECT 1 FROM sip_consent_units ku WHERE ku.consent_id = k.id "
    "AND ku.unit_id = p.unit_id) OR NOT EXISTS (SELECT 1 FROM sip_consent_units ku "
    "WHERE ku.consent_id = k.id))))"
)


class Sees(models.Expression):
    """True while the unit ``unit`` sees the case ``case`` (two expressions, e.g. ``F("pk")``
    and ``Value(unit.pk)``): a participation not ended (``until`` null or still ahead) that the
    consent covers. Use it as a filter: ``Case.objects.filter(Sees(F("pk"), Value(pk)))``."""

    output_field = models.BooleanField()
    conditional = True

    def __init__(self, case: Any, unit: Any) -> None:
        super().__init__()
        self.case, self.unit = case, unit

    def get_source_expressions(self) -> list[Any]:
        return [self.case, self.unit]

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        self.case, self.unit = exprs

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        case_sql, case_params = compiler.compile(self.case)
        unit_sql, unit_params = compiler.compile(self.unit)
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        sql = (
            "EXISTS (SELECT 1 FROM cases_participation p "
            f"WHERE p.case_id = {case_sql} AND p.unit_id = {unit_sql} "
            f"AND (p.until IS NULL OR p.until > %s) AND {COVERED_SQL})"
        )
        return sql, (*case_params, *unit_params, now)
