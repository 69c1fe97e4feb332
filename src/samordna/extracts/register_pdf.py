"""The register extract as a readable PDF, in Swedish like every document (documents/pdf.py):
the individual's details, then one heading per kind of data with each row's fields by their
Swedish names (choices as their labels, times in Stockholm time), then the access log."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone, translation
from fpdf.enums import XPos

from samordna.documents.pdf import Sheet
from samordna.extracts.register import Extract, Section

LABEL_WIDTH = 62  # mm: "Folkbokföringskommun" and "Önskad form för planen" fit
# Bookkeeping, not information: the JSON keeps them, the reader is spared them.
NOT_PRINTED = {"id", "version", "first_key", "last_key", "name_text"}


def _printed(section: Section, name: str) -> bool:
    field = section.model._meta.get_field(name)
    if name in NOT_PRINTED or getattr(field, "primary_key", False):
        return False
    # A reference to another row of the extract (a case, a plan) is a bare number on paper.
    related = field.related_model
    if not field.many_to_one or related is None or isinstance(related, str):
        return True
    return related._meta.app_label == "organisations"


def _facts(sheet: Sheet, rows: list[tuple[str, str]]) -> None:
    for label, value in rows:
        sheet.set_font("Sans", "B", sheet.size)
        sheet.cell(LABEL_WIDTH, sheet.lh, label)
        sheet.set_font("Sans", "", sheet.size)
        sheet.multi_cell(0, sheet.lh, value, align="L", new_x=XPos.LMARGIN)


def _shown(section: Section, name: str, raw: Any) -> str:
    field = section.model._meta.get_field(name)
    if raw is None or raw == "" or raw == []:
        return "–"
    if isinstance(raw, bool):
        return "ja" if raw else "nej"
    if isinstance(raw, dict):  # a JSON field, e.g. an event's details
        return ", ".join(f"{k}: {v}" for k, v in raw.items())
    if isinstance(raw, list):
        return ", ".join(str(v) for v in raw)
    choices = dict(getattr(field, "flatchoices", None) or [])
    if raw in choices:
        return str(choices[raw])
    if isinstance(raw, str) and "T" in raw and len(raw) >= 19:
        try:
            return f"{timezone.localtime(dt.datetime.fromisoformat(raw)):%Y-%m-%d %H:%M}"
        except ValueError:
            pass
    return str(raw)


def _label(section: Section, name: str) -> str:
    return str(section.model._meta.get_field(name).verbose_name).capitalize()  # type: ignore[union-attr]


def render(extract: Extract, county: str, unit: str) -> bytes:
    with translation.override("sv"):
        sheet = Sheet(county, "Registerutdrag", sender=unit)
        person = extract.person
        sheet.heading(f"Registerutdrag för {person.first_name} {person.last_name}")
        sheet.para(
            "Allt som Samordna lagrar om dig och som enheten får se, och loggen över vem på "
            "enheten som har läst eller ändrat dina uppgifter (dataskyddsförordningen, artikel "
            f"15). Utdraget är gjort {timezone.localtime(extract.made_at):%Y-%m-%d %H:%M}."
        )
        for section in extract.sections:
            sheet.heading(str(section.model._meta.verbose_name_plural).capitalize(), level=2)
            for n, item in enumerate(section.rows):
                if n:
                    sheet.gap(0.4)
                _facts(
                    sheet,
                    [
                        (_label(section, name), _shown(section, name, raw))
                        for name, raw in item.items()
                        if _printed(section, name)
                    ],
                )
        sheet.heading("Logg över åtkomst till dina uppgifter", level=2)
        if not extract.log:
            sheet.para("Inga läsningar eller ändringar är loggade.")
        else:
            sheet.grid(
                ["Tid", "Användare", "Enhet", "Vad"],
                [32, 34, 44, sheet.epw - 110],
                (
                    [
                        f"{timezone.localtime(dt.datetime.fromisoformat(e['at'])):%Y-%m-%d %H:%M}",
                        e["user"] or "",
                        e["unit"] or "",
                        e["what"],
                    ]
                    for e in extract.log
                ),
            )
        return sheet.render()
