"""BOX-3: digest e-mails at the county's reading times."""
