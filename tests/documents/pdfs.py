"""Reading a PDF back as text, for tests of what documents say."""

from __future__ import annotations

import io
import os
from pathlib import Path

from pypdf import PdfReader

# scripts/test sets SAMORDNA_TEST_OUTPUT for its second pass so the two passes keep their own.
KEPT = Path(os.environ.get("SAMORDNA_TEST_OUTPUT", "test-output")) / "documents"


def keep(name: str, content: bytes) -> None:
    """Save a rendered PDF for CI, which turns each first page into an image for people to
    look at (``scripts/test``)."""
    KEPT.mkdir(parents=True, exist_ok=True)
    (KEPT / f"{name}.pdf").write_bytes(content)


def text_of(content: bytes) -> str:
    """All pages' text with runs of whitespace made single spaces, so a phrase is found
    wherever the renderer broke the line."""
    assert content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def pages_of(content: bytes) -> int:
    return len(PdfReader(io.BytesIO(content)).pages)
