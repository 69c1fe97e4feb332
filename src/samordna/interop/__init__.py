"""Interoperability: what other systems read from Samordna besides the REST API (API-2, API-5).

``riv/`` is the RIV GetCarePlans 2.0 producer for NPÖ and the 1177 journal, ``fhir/`` the FHIR
R4 facade. Both authenticate a system with its API token (``auth.py``), read through the same
visibility choke point as every screen (``Case.objects.visible_to``) and log every read in the
access log as the system's (``via`` = ``riv`` or ``fhir``).
"""
