"""DOC-1, DOC-2: PDFs and calendar invitations."""
