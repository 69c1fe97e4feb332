"""Every table has a phone layout (issue 18): on a narrow screen its rows are stacked and each
cell shows its column's header from ``data-label`` (``samordna.css``, ``table.stack-on-phone``).

Before, cells on phones wrapped with ``overflow-wrap: anywhere`` and cut ordinary words in half;
a table left out of the layout would now widen the page instead, so none may be left out.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parent.parent / "src" / "samordna" / "templates"
TABLE = re.compile(r"<table\b([^>]*)>(.*?)</table>", re.S)
CELL = re.compile(r"<td\b([^>]*)>")


def tables() -> list[tuple[str, str, str]]:
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        for m in TABLE.finditer(path.read_text()):
            found.append((str(path.relative_to(TEMPLATES)), m.group(1), m.group(2)))
    return found


def test_there_are_tables_to_check() -> None:
    assert len(tables()) >= 15


@pytest.mark.parametrize(("name", "attrs", "body"), tables(), ids=lambda v: str(v)[:40])
def test_each_table_stacks_on_a_phone_with_its_headers(name: str, attrs: str, body: str) -> None:
    assert "stack-on-phone" in attrs, f"{name}: a table without the phone layout"
    headers = re.findall(r'<th scope="col">(.*?)</th>', body, re.S)
    assert headers, f"{name}: a table without column headers"
    for cell in CELL.findall(body):
        # A cell spanning the row (an empty list's message) or under a hidden header needs none.
        assert "data-label" in cell or "colspan" in cell or name == "accounts/otp_reset.html", (
            f"{name}: a cell without data-label: <td{cell}>"
        )
