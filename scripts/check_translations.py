"""Check the translation catalogues and keep their compiled .mo files up to date.

Django reads only compiled .mo files, so they are committed next to the .po sources. Compiling
with polib instead of gettext's msgfmt keeps a fresh machine free of system packages. Fails on
untranslated or fuzzy entries, on dropped or changed placeholders, and on a missing or stale .mo.
"""

import re
import sys
import tempfile
from collections import Counter
from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parent.parent / "src" / "samordna" / "locale"
# %% is matched only so that it is not taken for a placeholder.
PLACEHOLDER = re.compile(r"%%|%\([^)]+\)[#0 +-]*\d*(?:\.\d+)?[a-zA-Z]|%[sd]|\{\{.*?\}\}")
STALE = "the compiled catalogue was out of date and has been rewritten; commit it"


def placeholders(text: str) -> Counter[str]:
    return Counter(m for m in PLACEHOLDER.findall(text) if m != "%%")


def problems(po: polib.POFile) -> list[str]:
    found = [f"untranslated: {e.msgid!r}" for e in po.untranslated_entries()]
    found += [f"fuzzy: {e.msgid!r}" for e in po.fuzzy_entries()]
    if po.metadata_is_fuzzy:
        found.append("fuzzy: the header")
    for e in po.translated_entries():
        pairs = [(e.msgid, e.msgstr)]
        if e.msgid_plural:
            plural = e.msgstr_plural.items()
            pairs = [(e.msgid if n == 0 else e.msgid_plural, s) for n, s in plural]
        if any(placeholders(source) != placeholders(text) for source, text in pairs):
            found.append(f"placeholders differ: {e.msgid!r}")
    return found


def compiled_is_current(po: polib.POFile, mo_path: Path) -> bool:
    """Compile to a temporary file; rewrite the committed .mo if it is missing or differs."""
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / "django.mo"
        po.save_as_mofile(str(fresh))
        data = fresh.read_bytes()
    if mo_path.is_file() and mo_path.read_bytes() == data:
        return True
    mo_path.write_bytes(data)
    return False


def main() -> int:
    catalogues = sorted(LOCALE.glob("*/LC_MESSAGES/django.po"))
    failed = not catalogues
    if failed:
        print(f"No catalogues found under {LOCALE}")
    for po_path in catalogues:
        language = po_path.parent.parent.name
        po = polib.pofile(str(po_path))
        errors = problems(po)
        if not compiled_is_current(po, po_path.with_suffix(".mo")):
            errors.append(STALE)
        failed = failed or bool(errors)
        total = sum(1 for e in po if not e.obsolete)
        translated = len(po.translated_entries())
        status = "all translated" if translated == total else f"{translated} translated"
        print(f"{language}: {total} entries, {status}{'' if errors else ', .mo up to date'}")
        for error in errors:
            print(f"  {po_path.relative_to(LOCALE)}: {error}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
