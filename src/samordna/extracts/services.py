"""The extracts as files: what the screens and the API both hand out."""

from __future__ import annotations

import json

from samordna.accounts.actor import Actor
from samordna.documents.services import PDF, Download
from samordna.extracts import register, register_pdf


def register_extract(actor: Actor, person_pk: int, form: str) -> Download:
    """The register extract of one individual as ``json`` or ``pdf``."""
    extract = register.make(actor, person_pk, form)
    name = f"registerutdrag-{extract.person.pk}-{extract.made_at:%Y%m%d}"
    if form == "pdf":
        county = actor.unit.principal.county.name
        return Download(f"{name}.pdf", PDF, register_pdf.render(extract, county, actor.unit.name))
    content = json.dumps(extract.as_json(), ensure_ascii=False, indent=1).encode()
    return Download(f"{name}.json", "application/json", content)
