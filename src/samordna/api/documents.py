"""DOC-1, DOC-2: PDFs and calendar invitations."""

from ninja import Router

router = Router(tags=["documents"])
