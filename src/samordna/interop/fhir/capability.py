"""The CapabilityStatement at ``/fhir/r4/metadata``: what the facade does, from ``KINDS``."""

from __future__ import annotations

from importlib import metadata

from django.utils import timezone
from fhir.resources.R4B.capabilitystatement import (
    CapabilityStatement,
    CapabilityStatementImplementation,
    CapabilityStatementRest,
    CapabilityStatementRestResource,
    CapabilityStatementRestResourceInteraction,
    CapabilityStatementRestResourceSearchParam,
    CapabilityStatementRestSecurity,
    CapabilityStatementSoftware,
)
from fhir.resources.R4B.codeableconcept import CodeableConcept

from samordna.interop.fhir.kinds import KINDS
from samordna.interop.fhir.resources import CAREPLAN_PROFILE
from samordna.interop.fhir.search import COMMON


def _version() -> str:
    try:
        return metadata.version("samordna")
    except metadata.PackageNotFoundError:
        return "0"


COMMON_DOC = {
    "_count": ("number", "Träffar per sida (högst 100, 20 om inget anges)."),
    "_page": ("number", "Sidans nummer, från 1 (länkarna next och previous)."),
    "_format": ("token", "json (det enda formatet)."),
}


def capability_statement(base: str) -> CapabilityStatement:
    resources = []
    for kind in KINDS.values():
        params = [
            CapabilityStatementRestResourceSearchParam(name=name, type=kind.search_doc[name])
            for name in sorted(kind.params)
        ] + [
            CapabilityStatementRestResourceSearchParam(
                name=name, type=COMMON_DOC[name][0], documentation=COMMON_DOC[name][1]
            )
            for name in sorted(COMMON)
        ]
        resources.append(
            CapabilityStatementRestResource(
                type=kind.name,
                supportedProfile=[CAREPLAN_PROFILE] if kind.name == "CarePlan" else None,
                interaction=[
                    CapabilityStatementRestResourceInteraction(code="read"),
                    CapabilityStatementRestResourceInteraction(code="search-type"),
                ],
                searchParam=params,
            )
        )
    return CapabilityStatement(
        status="active",
        date=timezone.localtime().replace(microsecond=0),
        publisher="Samordna",
        kind="instance",
        software=CapabilityStatementSoftware(name="Samordna", version=_version()),
        implementation=CapabilityStatementImplementation(
            description="Samordna FHIR R4 facade", url=base
        ),
        fhirVersion="4.0.1",
        format=["application/fhir+json", "json"],
        rest=[
            CapabilityStatementRest(
                mode="server",
                documentation="Läsning och sökning; varje läsning loggas i åtkomstloggen.",
                security=CapabilityStatementRestSecurity(
                    service=[
                        CodeableConcept(
                            text="Authorization: Bearer <API-nyckel> (samordna create-token)"
                        )
                    ],
                    description="Ett system läser som sin enhet: samma synlighet som i "
                    "tjänsten, och varje läsning loggas som systemets.",
                ),
                resource=resources,
            )
        ],
    )
