"""THE access table: what every screen and API operation answers each role (issue 17 item 5).

``tests/access/test_matrix.py`` requests every route of the URL configuration (``WEB``, by URL
name: ``namespace:name``, or the pattern when it has none) and every operation of the OpenAPI
document (``API``, by ``METHOD /api/v1/path`` as the document writes it) as each role of
``tests/access/world.py``, its path parameters pointing at Sture Lundberg's data, and compares
the answer with this table. A route without a row fails the test, naming the route.

The roles, in every row's order: ``coordinator`` (Hertsöns hälsocentral, the SIP's coordinator's
unit; it also received the stay's notices), ``covered`` (Luleå biståndshandläggning: takes part in
the SIP and in the stay, named in the consent), ``uncovered`` (Luleå kommunal hälso- och
sjukvård: takes part in the SIP, not named in the consent, not in the stay), ``unrelated`` (Piteå
LSS), ``county_admin`` (Region Norrbotten, samverkanskansliet: county administrator and Django
staff), ``ward`` (Sunderby medicin 5, whose stay it is), ``anonymous`` and ``other_system`` (an API
token of Bodens kommun's system; on the screens it is a request with that token and no login).

``web(DEFAULT, role=OUTCOME, ...)`` / ``api(...)``: every role not named gets DEFAULT, except that a
screen answers ``anonymous`` and ``other_system`` with LOGIN and an operation answers
``anonymous`` with UNAUTHENTICATED unless named. A screen's row has the outcome of GET and of
POST (``SAME``: POST answers as GET, the view does not write). The outcomes are in
``tests/access/outcomes.py``: only those that may show the individual (SEES, ...) skip the leak
search, only accepted writes (DONE, CREATED, ACCEPTED) may change the database.

How to add a row for a new route: decide for each role what it must get (not what it gets), with
the world's data in mind, write the row, run ``pytest tests/access``; a mismatch names the route,
the role and what came instead. A write that needs valid input to reach its access check gets a
body in ``BODIES`` (a form for a screen, JSON for an operation), a GET that needs a query string
gets it in ``QUERIES``; every request is rolled back afterwards, so an accepted write changes
nothing for the next one.
"""

from __future__ import annotations

from tests.access.outcomes import (
    ACCEPTED,
    ADMIN_LOGIN,
    CONFLICT,
    CONFLICT_SEEN,
    CREATED,
    DENIED,
    DENIED_SEEN,
    DONE,
    INVALID,
    LOGIN,
    NO_CONTENT,
    NOT_ALLOWED,
    NOT_FOUND,
    OK,
    REDIRECT,
    REFUSED_SEEN,
    SEES,
    STAFF,
    STOP_POLLING,
    UNAUTHENTICATED,
    UNAVAILABLE,
    Outcome,
)
from tests.access.world import ROLES

Row = dict[str, Outcome]
GET, POST = "GET", "POST"
SAME = "same"  # POST answers as GET


def web(default: Outcome, **roles: Outcome) -> Row:
    row = {role: default for role in ROLES} | {"anonymous": LOGIN, "other_system": LOGIN}
    return row | roles


def api(default: Outcome, **roles: Outcome) -> Row:
    return {role: default for role in ROLES} | {"anonymous": UNAUTHENTICATED} | roles


def public(outcome: Outcome) -> Row:
    return dict.fromkeys(ROLES, outcome)


# Who sees what (SEC-1, issue 17 item 4): a SIP's contents only the units taking part that the
# consent covers (and the coordinator's unit); the stay the ward and the units it notified; the
# individual's record the units that registered him or see one of his cases with consent.
SIP = web(NOT_FOUND, coordinator=SEES, covered=SEES)
SIP_API = api(NOT_FOUND, coordinator=SEES, covered=SEES)
STAY = web(NOT_FOUND, coordinator=SEES, covered=SEES, ward=SEES)
STAY_API = api(NOT_FOUND, coordinator=SEES, covered=SEES, ward=SEES)
PERSON = web(NOT_FOUND, coordinator=SEES, covered=SEES, ward=SEES)
PERSON_API = api(NOT_FOUND, coordinator=SEES, covered=SEES, ward=SEES)
# A write to the SIP with an empty form: who may reach the case gets the form back (400).
SIP_FORM = web(NOT_FOUND, coordinator=REFUSED_SEEN, covered=REFUSED_SEEN)
STAY_FORM = web(NOT_FOUND, coordinator=REFUSED_SEEN, covered=REFUSED_SEEN, ward=REFUSED_SEEN)
# A folded form's own page (GET of its act's URL, ``cases.lazy_forms``): the form for whom the
# case page offers it, the case page again for the others who see the case.
SIP_FOLDED_COORDINATOR = web(NOT_FOUND, coordinator=SEES, covered=REDIRECT)
WARD_FOLDED = web(NOT_FOUND, coordinator=REDIRECT, covered=REDIRECT, ward=SEES)
# Lists of the unit's own things: a page for everyone logged in, the individual only on the
# lists of the units that see him.
OWN_LIST = web(OK, coordinator=SEES, covered=SEES)
# An operation's body is validated against the schema before anything else (422), whoever asks:
# the operations that need one get a valid body (BODIES), so that the access check decides.
SCHEMA_FIRST = api(INVALID)
# An act of the ward that owns the stay; the recipients see the stay but may not.
# The individual's own pages: staff refused, no session to the individual's login.
INDIVIDUAL = web(DENIED, anonymous=REDIRECT, other_system=REDIRECT)
WARD_ACT = api(NOT_FOUND, coordinator=DENIED, covered=DENIED, ward=ACCEPTED)

WEB: dict[str, dict[str, Row | str]] = {
    "home": {GET: public(REDIRECT), POST: public(REDIRECT)},
    "health": {GET: public(OK), POST: SAME},
    "health-live": {GET: public(OK), POST: SAME},
    # The world has no worker running: not ready (503), to everyone alike.
    "health-ready": {GET: public(UNAVAILABLE), POST: SAME},
    # The test client's requests come from 127.0.0.1 without a proxy and no token is set.
    "metrics": {GET: public(OK), POST: public(NOT_ALLOWED)},
    "accounts:login": {
        GET: web(REDIRECT, anonymous=OK, other_system=OK),  # logged in: on to the unit choice
        POST: web(REDIRECT, anonymous=OK, other_system=OK),  # an empty login: the form again
    },
    "accounts:logout": {GET: public(NOT_ALLOWED), POST: web(LOGIN)},
    "accounts:choose-unit": {GET: web(OK), POST: web(INVALID)},
    # Federated login with a provider that does not answer (the test's): a Swedish page saying
    # so, and a callback without the login's state refused; the same for everyone.
    "accounts:oidc-start": {GET: public(UNAVAILABLE), POST: public(NOT_ALLOWED)},
    "accounts:oidc-callback": {GET: public(INVALID), POST: public(NOT_ALLOWED)},
    # Second factor: the roles' logins are complete, so the code page sends on; anyone may set up
    # a factor of their own accord; resetting another's is for administrators.
    "accounts:otp-code": {GET: web(REDIRECT), POST: web(REDIRECT)},
    "accounts:otp-setup": {GET: web(OK), POST: web(REDIRECT)},  # no key offered yet: the page
    "accounts:otp-reset": {
        GET: web(DENIED, county_admin=OK),
        POST: web(DENIED, county_admin=INVALID),
    },
    # An exact identity number: whether Sture is registered, his name only to those who see him.
    "people:search": {
        GET: web(OK, coordinator=SEES, covered=SEES, ward=SEES),
        POST: SAME,
    },
    "people:register": {GET: web(OK), POST: web(INVALID)},
    "people:detail": {
        GET: PERSON,
        POST: web(NOT_FOUND, coordinator=REFUSED_SEEN, covered=REFUSED_SEEN, ward=REFUSED_SEEN),
    },
    "people:death": {
        GET: web(NOT_ALLOWED),
        POST: web(NOT_FOUND, coordinator=DONE, covered=DONE, ward=DONE),
    },
    "people:add-relative": {
        GET: web(NOT_ALLOWED),
        POST: web(NOT_FOUND, coordinator=DONE, covered=DONE, ward=DONE),
    },
    "people:remove-relative": {
        GET: web(NOT_ALLOWED),
        POST: web(NOT_FOUND, coordinator=DONE, covered=DONE, ward=DONE),
    },
    "people:add-representative": {
        GET: web(NOT_ALLOWED),
        POST: web(NOT_FOUND, coordinator=DONE, covered=DONE, ward=DONE),
    },
    "people:remove-representative": {
        GET: web(NOT_ALLOWED),
        POST: web(NOT_FOUND, coordinator=DONE, covered=DONE, ward=DONE),
    },
    "sip:cases": {GET: OWN_LIST, POST: SAME},  # SIP-19: the unit's active SIPs by phase
    "sip:open": {GET: web(REDIRECT), POST: web(REDIRECT)},  # from the person's page only
    "sip:case": {GET: SIP, POST: SAME},
    "sip:consent": {GET: web(NOT_ALLOWED), POST: SIP_FORM},
    # Amending the consent is the coordinator's; an empty form comes back to whoever sees the case.
    "sip:amend-consent": {GET: SIP_FOLDED_COORDINATOR, POST: SIP_FORM},
    "sip:withdraw-consent": {
        GET: web(NOT_ALLOWED),
        POST: web(NOT_FOUND, coordinator=DONE, covered=DONE),
    },
    "sip:coordinator": {GET: SIP, POST: SIP_FORM},
    "sip:coordinator-wish": {GET: SIP, POST: SIP_FORM},
    "sip:close": {GET: SIP_FOLDED_COORDINATOR, POST: SIP_FORM},
    "sip:link-stay": {GET: web(NOT_ALLOWED), POST: SIP_FORM},
    # SIP-16: the SVP's acts; an empty form is refused with the page (the world's SIP is no SVP).
    "sip:svp-details": {GET: web(NOT_ALLOWED), POST: SIP_FORM},
    "sip:svp-objection": {GET: web(NOT_ALLOWED), POST: SIP_FORM},
    "sip:svp-exchange": {GET: web(NOT_ALLOWED), POST: SIP_FORM},
    "sip:assessment": {GET: SIP, POST: SIP_FORM},
    # ORG-6, SIP-24: an empty form comes back to whoever sees the case; the role is checked by
    # the act (tests/sip/test_home_care.py, test_self_care.py).
    "sip:home-care": {GET: web(NOT_ALLOWED), POST: SIP_FORM},
    "sip:home-care-contact": {GET: web(NOT_ALLOWED), POST: SIP_FORM},
    "sip:self-care": {GET: web(NOT_ALLOWED), POST: SIP_FORM},
    "sip:invite": {GET: SIP_FOLDED_COORDINATOR, POST: SIP_FORM},
    "sip:change-invitation": {GET: web(NOT_ALLOWED), POST: SIP_FORM},
    "sip:cancel-invitation": {GET: web(NOT_ALLOWED), POST: SIP_FORM},
    "sip:record-meeting": {GET: web(NOT_ALLOWED), POST: SIP_FORM},
    # The invitation went to the covered unit: only its inbox lists it; the others' inboxes are
    # pages without Sture, and they cannot act on its delivery.
    "sip:invitations": {GET: web(OK, covered=SEES), POST: SAME},
    "sip:ack": {GET: web(NOT_ALLOWED), POST: web(NOT_FOUND, coordinator=DENIED, covered=DONE)},
    "sip:answer": {
        GET: web(NOT_ALLOWED),
        POST: web(NOT_FOUND, coordinator=INVALID, covered=REFUSED_SEEN),
    },
    "sip:forward": {
        GET: web(NOT_ALLOWED),
        POST: web(NOT_FOUND, coordinator=INVALID, covered=REFUSED_SEEN),
    },
    # Version 2 is a draft already: a new version is refused until it is documented.
    "sip:plan-new": {
        GET: web(NOT_ALLOWED),
        POST: web(NOT_FOUND, coordinator=CONFLICT_SEEN, covered=CONFLICT_SEEN),
    },
    "sip:plan-compare": {GET: SIP, POST: SAME},
    "sip:plan-version": {GET: SIP, POST: SAME},
    # Version 1 is documented: its edit page sends on to the version.
    "sip:plan-edit": {
        GET: web(NOT_FOUND, coordinator=REDIRECT, covered=REDIRECT),
        POST: web(NOT_FOUND, coordinator=REDIRECT, covered=REDIRECT),
    },
    # Documenting and handing over are the coordinator's unit's acts (seed 000).
    "sip:plan-documented": {
        GET: web(NOT_ALLOWED),
        POST: web(NOT_FOUND, coordinator=CONFLICT_SEEN, covered=DENIED_SEEN),
    },
    "sip:plan-handed-over": {
        GET: web(NOT_ALLOWED),
        POST: web(NOT_FOUND, coordinator=DONE, covered=DENIED_SEEN),
    },
    "sip:follow-up-comment": {GET: SIP, POST: SIP_FORM},
    "sip:evaluate": {GET: SIP, POST: SIP_FORM},
    "sip:for-individual": {GET: SIP, POST: SAME},
    # Only an inpatient ward registers stays; it starts from the person search.
    "discharge:register": {GET: web(DENIED, ward=REDIRECT), POST: web(DENIED, ward=REDIRECT)},
    "discharge:notices": {GET: web(OK, coordinator=SEES, covered=SEES, ward=SEES), POST: SAME},
    # The liability CSV holds identity numbers: the invoicing roles only (issue 17 item 7).
    "discharge:liability": {GET: web(DENIED, county_admin=OK), POST: web(NOT_ALLOWED)},
    "discharge:liability-csv": {
        GET: web(DENIED, county_admin=SEES),
        POST: web(DENIED, county_admin=INVALID),  # the form again: its choice is in the query
    },
    "discharge:stay": {GET: STAY, POST: SAME},
    "discharge:edit": {GET: WARD_FOLDED, POST: STAY_FORM},
    "discharge:admission": {GET: web(NOT_ALLOWED), POST: STAY_FORM},
    "discharge:expected": {GET: WARD_FOLDED, POST: STAY_FORM},
    "discharge:ready": {GET: web(NOT_ALLOWED), POST: STAY_FORM},
    "discharge:discharge": {GET: web(NOT_ALLOWED), POST: STAY_FORM},
    "discharge:unavailable": {GET: WARD_FOLDED, POST: STAY_FORM},
    "discharge:planning-basis": {GET: STAY, POST: STAY_FORM},
    "discharge:care-contact": {
        GET: web(NOT_FOUND, coordinator=SEES, covered=REDIRECT, ward=REDIRECT),
        POST: STAY_FORM,
    },
    "discharge:reply": {
        GET: web(NOT_FOUND, coordinator=SEES, covered=SEES, ward=REDIRECT),
        POST: STAY_FORM,
    },
    "discharge:sip-declined": {
        GET: web(NOT_FOUND, coordinator=SEES, covered=REDIRECT, ward=SEES),
        POST: STAY_FORM,
    },
    "discharge:death": {GET: WARD_FOLDED, POST: STAY_FORM},
    "discharge:information": {GET: STAY, POST: SAME},
    # The admission notice's delivery to the covered unit: only it acknowledges; the others who
    # see the stay are told so on the stay page (a message, nothing changed).
    "discharge:ack": {
        GET: web(NOT_ALLOWED),
        POST: web(NOT_FOUND, coordinator=REDIRECT, covered=DONE, ward=REDIRECT),
    },
    "overview:overview": {
        GET: web(OK, coordinator=SEES, covered=SEES, ward=SEES),
        POST: web(NOT_ALLOWED),
    },
    "overview:counts": {
        GET: web(OK, anonymous=STOP_POLLING, other_system=STOP_POLLING),
        POST: public(NOT_ALLOWED),
    },
    # The message went from the coordinator's unit to the covered unit: a thread is read by its
    # sender and recipients only, not by every unit of the case.
    "messaging:inbox": {GET: OWN_LIST, POST: SAME},
    "messaging:compose": {GET: web(REDIRECT), POST: web(REDIRECT)},  # from a person or case
    "messaging:message": {GET: SIP, POST: SAME},
    "messaging:reply": {GET: web(NOT_ALLOWED), POST: SIP_FORM},
    "messaging:ack": {GET: web(NOT_ALLOWED), POST: web(NOT_FOUND, coordinator=DONE, covered=DONE)},
    "messaging:forward": {GET: web(NOT_ALLOWED), POST: SIP_FORM},
    # The deviation: the reporting unit (coordinator's) and the concerned unit (covered).
    "deviations:list": {GET: OWN_LIST, POST: SAME},
    "deviations:new": {GET: web(OK), POST: web(INVALID)},
    "deviations:export": {GET: OWN_LIST, POST: SAME},
    "deviations:detail": {GET: SIP, POST: SAME},
    "deviations:edit": {GET: web(NOT_ALLOWED), POST: SIP_FORM},
    "deviations:confirm": {GET: web(NOT_ALLOWED), POST: SIP_FORM},
    "deviations:dismiss": {GET: web(NOT_ALLOWED), POST: SIP_FORM},
    "deviations:handle": {GET: web(NOT_ALLOWED), POST: SIP_FORM},
    "notifications:settings": {GET: web(OK), POST: web(INVALID)},
    "documents:plan": {GET: SIP, POST: SAME},
    "documents:consent": {GET: SIP, POST: SAME},
    # SIP-16: the court's plan exists only for an SVP; the world's SIP is an outpatient SIP.
    "documents:svp-court": {GET: web(NOT_FOUND), POST: SAME},
    # The letter to the individual is printed and posted by the coordinator's unit.
    "documents:letter": {GET: web(NOT_FOUND, coordinator=SEES, covered=DENIED), POST: SAME},
    "documents:meeting-calendar": {GET: SIP, POST: SAME},
    "documents:discharge-information": {GET: STAY, POST: SAME},
    "documents:deviation": {GET: SIP, POST: SAME},  # as deviations:detail
    "documents:blank": {GET: public(OK), POST: SAME},  # the downtime forms, no login needed
    # The register extract (GDPR art. 15) is a unit administrator's, and no role here is one
    # (tests/extracts/test_register.py tries the unit administrators).
    "extracts:register-json": {GET: web(DENIED), POST: SAME},
    "extracts:register-pdf": {GET: web(DENIED), POST: SAME},
    "operations:downtime": {GET: public(OK), POST: SAME},
    # The access log names individuals: its reviewers only (unit and county administrators).
    "audit:review": {GET: web(DENIED, county_admin=SEES), POST: SAME},
    "audit:export": {GET: web(DENIED, county_admin=SEES), POST: SAME},
    # The indicators are aggregates without individuals (RPT-3): the county's administrators
    # and statistics staff, and unit heads for their own unit. The procedure codes name the
    # individuals of the unit's own cases it sees.
    "reporting:index": {GET: web(DENIED, county_admin=OK), POST: SAME},
    "reporting:indicator": {GET: web(DENIED, county_admin=OK), POST: SAME},
    "reporting:indicator-csv": {GET: web(DENIED, county_admin=OK), POST: SAME},
    "reporting:waiting": {GET: web(DENIED, county_admin=OK), POST: SAME},
    "reporting:waiting-csv": {GET: web(DENIED, county_admin=OK), POST: SAME},
    "reporting:counts": {GET: web(DENIED, county_admin=OK), POST: SAME},
    "reporting:counts-csv": {GET: web(DENIED, county_admin=OK), POST: SAME},
    "reporting:codes": {GET: OWN_LIST, POST: SAME},
    "reporting:codes-csv": {GET: OWN_LIST, POST: SAME},
    "samordna.api.api.unknown_path": {GET: public(NOT_FOUND), POST: SAME},  # the API's JSON 404
    # RIV GetCarePlans (interop/riv, issue 12 item 1): a system's token, no login (BY_TOKEN).
    # GET is the WSDL (a redirect to it); an empty POST is no SOAP message: a fault. What each
    # unit's system reads is tested in tests/interop/test_riv.py.
    "interop:riv-getcareplans": {GET: public(REDIRECT), POST: api(INVALID)},
    "interop:riv-schema": {GET: public(NOT_FOUND), POST: SAME},  # the contract's files only
    # The FHIR facade (interop/fhir, issue 12 item 2): reads only (POST 405), a system's token
    # (BY_TOKEN); the SIP's plan, goals and team as the SIP's screens, the stay as the stay's,
    # the individual as his page. A search is a page for everyone, with Sture only for those
    # who see him; the units are organisation data, for every system.
    "interop:fhir-metadata": {GET: public(OK), POST: public(NOT_ALLOWED)},
    "interop:fhir-base": {GET: public(NOT_FOUND), POST: SAME},
    "interop:samordna.interop.fhir.views.unknown": {GET: public(NOT_FOUND), POST: SAME},
    **{
        f"interop:fhir-{kind}-{action}": {GET: row, POST: public(NOT_ALLOWED)}
        for kind, action, row in (
            ("careplan", "read", SIP_API),
            ("careplan", "search", api(OK, coordinator=SEES, covered=SEES)),
            ("goal", "read", SIP_API),
            ("goal", "search", api(OK, coordinator=SEES, covered=SEES)),
            ("careteam", "read", SIP_API),
            ("careteam", "search", api(OK, coordinator=SEES, covered=SEES)),
            ("consent", "read", SIP_API),
            ("consent", "search", api(OK, coordinator=SEES, covered=SEES)),
            # The meeting as the SIP's; the message for the parties to its thread (coordinator
            # and covered); an acknowledgement for the unit owing it and the one asking.
            ("appointment", "read", SIP_API),
            ("appointment", "search", api(OK, coordinator=SEES, covered=SEES)),
            ("communication", "read", SIP_API),
            ("communication", "search", api(OK, coordinator=SEES, covered=SEES)),
            ("task", "read", SIP_API),
            ("task", "search", api(OK, coordinator=SEES, covered=SEES, ward=SEES)),
            ("episodeofcare", "read", STAY_API),
            ("episodeofcare", "search", api(OK, coordinator=SEES, covered=SEES, ward=SEES)),
            ("patient", "read", PERSON_API),
            ("patient", "search", api(OK, coordinator=SEES, covered=SEES, ward=SEES)),
            ("organization", "read", api(OK)),
            ("organization", "search", api(OK)),
        )
    },
    "set_language": {GET: public(REDIRECT), POST: public(REDIRECT)},  # a cookie, no table
    # The individual's own pages (issue 15): only an individual's session (tests/mypages prove
    # who sees what with two individuals); every staff session is refused, and no session is
    # sent to the individual's login (not the staff login).
    "mypages:login": {GET: public(OK), POST: public(NOT_ALLOWED)},
    "mypages:oidc-start": {GET: public(UNAVAILABLE), POST: public(NOT_ALLOWED)},
    "mypages:oidc-callback": {GET: public(INVALID), POST: public(NOT_ALLOWED)},
    "mypages:logout": {GET: public(NOT_ALLOWED), POST: public(REDIRECT)},
    **{
        f"mypages:{name}": {GET: INDIVIDUAL, POST: public(NOT_ALLOWED)}
        for name in ("home", "plan", "plan-version", "meetings", "meeting-calendar", "consents")
    },
    "mypages:prepare": {GET: INDIVIDUAL, POST: INDIVIDUAL},
    **{
        f"mypages:{name}": {GET: public(NOT_ALLOWED), POST: INDIVIDUAL}
        for name in ("comment", "decline", "withdraw")
    },
    # Issue 15 items 3-5: whose pages, who has read, notifications (tests/mypages/test_own.py).
    "mypages:choose": {GET: INDIVIDUAL, POST: INDIVIDUAL},
    "mypages:access-log": {GET: INDIVIDUAL, POST: public(NOT_ALLOWED)},
    "mypages:notifications": {GET: INDIVIDUAL, POST: INDIVIDUAL},
}

# The Django admin, one group (``ADMIN["*"]``) with the rule: only staff get in (the county
# administrator), everyone else is sent to the admin's login; what staff may do inside is
# Django's own permission system. Every admin route is requested with GET (the forms are
# Django's, and staff may change organisation data by design); a ModelAdmin registered later is
# covered without a row.
ADMIN: dict[str, Row] = {
    "*": public(ADMIN_LOGIN) | {"county_admin": STAFF},
    "admin:login": public(OK) | {"county_admin": REDIRECT},
    "admin:logout": public(REDIRECT) | {"county_admin": NOT_ALLOWED},  # logging out is a POST
}

API: dict[str, Row] = {
    "GET /api/v1/units": api(OK),
    # Whether Sture is registered; his details only to those who see him (``person: null``).
    "GET /api/v1/persons": api(OK, coordinator=SEES, covered=SEES, ward=SEES),
    "POST /api/v1/persons": api(CONFLICT),  # already registered: says so, nothing more
    "GET /api/v1/persons/{person_id}": PERSON_API,
    # The person page's acts and the name search (issue 12 item 4): who sees Sture may.
    "PUT /api/v1/persons/{person_id}": api(
        NOT_FOUND, coordinator=ACCEPTED, covered=ACCEPTED, ward=ACCEPTED
    ),
    "POST /api/v1/persons/{person_id}/relatives": api(
        NOT_FOUND, coordinator=CREATED, covered=CREATED, ward=CREATED
    ),
    "DELETE /api/v1/persons/{person_id}/relatives/{relative_id}": api(
        NOT_FOUND, coordinator=NO_CONTENT, covered=NO_CONTENT, ward=NO_CONTENT
    ),
    "POST /api/v1/persons/{person_id}/representatives": api(
        NOT_FOUND, coordinator=CREATED, covered=CREATED, ward=CREATED
    ),
    "DELETE /api/v1/persons/{person_id}/representatives/{representative_id}": api(
        NOT_FOUND, coordinator=NO_CONTENT, covered=NO_CONTENT, ward=NO_CONTENT
    ),
    "GET /api/v1/persons/search": api(OK, coordinator=SEES, covered=SEES, ward=SEES),
    # The access-log review and the liability export, as on the screens: reviewers only.
    "GET /api/v1/access-log": api(DENIED, county_admin=SEES),
    "GET /api/v1/access-log/export.csv": api(DENIED, county_admin=SEES),
    "GET /api/v1/liability/export.csv": api(DENIED, county_admin=SEES),
    "GET /api/v1/sip/{case_id}/assessment": SIP_API,
    # The comparison page and the individual's view (issue 12 item 4).
    "GET /api/v1/sip/{case_id}/plan-comparison": SIP_API,
    "GET /api/v1/sip/{case_id}/for-the-individual": SIP_API,
    "POST /api/v1/sip/{case_id}/assessment": api(NOT_FOUND, coordinator=CREATED, covered=CREATED),
    "GET /api/v1/sip/{case_id}/meetings": SIP_API,
    "POST /api/v1/sip/{case_id}/invitations": api(NOT_FOUND, coordinator=CREATED, covered=DENIED),
    "POST /api/v1/sip/{case_id}/meetings/{meeting_id}": api(
        NOT_FOUND, coordinator=ACCEPTED, covered=DENIED
    ),
    "POST /api/v1/sip/{case_id}/meetings/{meeting_id}/cancel": api(
        NOT_FOUND, coordinator=ACCEPTED, covered=DENIED
    ),
    "POST /api/v1/sip/{case_id}/meetings/{meeting_id}/record": api(
        NOT_FOUND, coordinator=INVALID, covered=DENIED
    ),  # not held yet
    "GET /api/v1/sip/invitations": api(OK, covered=SEES),
    "GET /api/v1/sip": api(OK, coordinator=SEES, covered=SEES),
    "GET /api/v1/sip/good-meeting-checklist": api(OK),  # SIP-23: the same text for everyone
    "POST /api/v1/sip/invitations/{delivery_id}/ack": api(
        NOT_FOUND, coordinator=DENIED, covered=ACCEPTED
    ),
    "POST /api/v1/sip/invitations/{delivery_id}/answer": api(
        NOT_FOUND, coordinator=DENIED, covered=ACCEPTED
    ),
    "POST /api/v1/sip/invitations/{delivery_id}/forward": api(
        NOT_FOUND, coordinator=DENIED, covered=INVALID
    ),  # outside consent
    "POST /api/v1/sip": api(CONFLICT),  # one active SIP; its number only to who sees it
    "GET /api/v1/sip/{case_id}": SIP_API,
    "POST /api/v1/sip/{case_id}/consent": api(NOT_FOUND, coordinator=CONFLICT, covered=CONFLICT),
    "POST /api/v1/sip/{case_id}/consent/amend": api(
        NOT_FOUND, coordinator=ACCEPTED, covered=DENIED
    ),
    # After the withdrawal only the coordinator's unit sees the (closed) case: the covered unit's
    # withdrawal is stored and answered 204 (it answered 404 before, found by this matrix).
    "POST /api/v1/sip/{case_id}/consent/withdraw": api(
        NOT_FOUND, coordinator=ACCEPTED, covered=NO_CONTENT
    ),
    "POST /api/v1/sip/{case_id}/coordinator": api(
        NOT_FOUND, coordinator=NO_CONTENT, covered=ACCEPTED
    ),
    "POST /api/v1/sip/{case_id}/close": api(NOT_FOUND, coordinator=ACCEPTED, covered=DENIED),
    "POST /api/v1/sip/{case_id}/coordinator-wish": api(
        NOT_FOUND, coordinator=ACCEPTED, covered=ACCEPTED
    ),
    # SIP-17: a unit that sees both the SIP and the stay links them; the ward sees only the stay.
    "POST /api/v1/sip/{case_id}/link-stay": api(NOT_FOUND, coordinator=ACCEPTED, covered=ACCEPTED),
    # SIP-16: the world's SIP is no SVP: refused as such to the units that see it (400).
    "GET /api/v1/sip/{case_id}/svp": api(NOT_FOUND, coordinator=INVALID, covered=INVALID),
    "PUT /api/v1/sip/{case_id}/svp": api(NOT_FOUND, coordinator=INVALID, covered=INVALID),
    "POST /api/v1/sip/{case_id}/svp/objection": api(
        NOT_FOUND, coordinator=INVALID, covered=INVALID
    ),
    "POST /api/v1/sip/{case_id}/svp/exchanges": api(
        NOT_FOUND, coordinator=INVALID, covered=INVALID
    ),
    "GET /api/v1/sip/{case_id}/plans": SIP_API,
    "POST /api/v1/sip/{case_id}/plans": api(NOT_FOUND, coordinator=CONFLICT, covered=CONFLICT),
    "GET /api/v1/sip/{case_id}/plans/{number}": SIP_API,
    "PUT /api/v1/sip/{case_id}/plans/{number}": api(
        NOT_FOUND, coordinator=CONFLICT, covered=CONFLICT
    ),
    "POST /api/v1/sip/{case_id}/plans/{number}/documented": api(
        NOT_FOUND, coordinator=CONFLICT, covered=DENIED
    ),
    "POST /api/v1/sip/{case_id}/plans/{number}/handed-over": api(
        NOT_FOUND, coordinator=ACCEPTED, covered=DENIED
    ),
    "POST /api/v1/sip/{case_id}/plans/{number}/follow-up-comments": api(
        NOT_FOUND, coordinator=INVALID, covered=INVALID
    ),
    "POST /api/v1/sip/{case_id}/plans/{number}/evaluation": api(
        NOT_FOUND, coordinator=INVALID, covered=DENIED
    ),
    # ORG-6, SIP-24: a nurse (coordinator) and a case officer (covered) may not decide on home
    # health care (seed 000 line 132); the municipality (covered) names its care contact, but
    # Sture is not enrolled; the nurse assesses self-care, the case officer is not licensed.
    "GET /api/v1/sip/{case_id}/home-care": SIP_API,
    "POST /api/v1/sip/{case_id}/home-care": api(NOT_FOUND, coordinator=DENIED, covered=DENIED),
    "POST /api/v1/sip/{case_id}/home-care/contact": api(
        NOT_FOUND, coordinator=DENIED, covered=INVALID
    ),
    "GET /api/v1/sip/{case_id}/self-care": SIP_API,
    "POST /api/v1/sip/{case_id}/self-care": api(NOT_FOUND, coordinator=CREATED, covered=DENIED),
    "POST /api/v1/stays": api(DENIED, ward=CONFLICT),  # wards register stays; Sture has one
    "GET /api/v1/stays/{stay_id}": STAY_API,
    "POST /api/v1/stays/{stay_id}/details": WARD_ACT,
    "POST /api/v1/stays/{stay_id}/death": WARD_ACT,
    "GET /api/v1/stays/{stay_id}/discharge-information": STAY_API,
    "GET /api/v1/stays/{stay_id}/liability": STAY_API,
    # Sent already: the ward is told so; the recipients may not send it.
    # The SIP after discharge from the stay: Sture has an active SIP, so those who see the stay
    # are told so (409), nothing more.
    "POST /api/v1/stays/{stay_id}/sip": api(
        NOT_FOUND, coordinator=CONFLICT, covered=CONFLICT, ward=CONFLICT
    ),
    "POST /api/v1/stays/{stay_id}/admission-notice": api(
        NOT_FOUND, coordinator=DENIED, covered=DENIED, ward=CONFLICT
    ),
    "POST /api/v1/stays/{stay_id}/expected-discharge": WARD_ACT,
    "POST /api/v1/stays/{stay_id}/ready-notice": api(
        NOT_FOUND, coordinator=DENIED, covered=DENIED, ward=CONFLICT
    ),
    "POST /api/v1/stays/{stay_id}/discharge-notice": WARD_ACT,
    "POST /api/v1/stays/{stay_id}/unavailable": WARD_ACT,
    "POST /api/v1/stays/{stay_id}/deliveries/{delivery_id}/acknowledge": api(
        NOT_FOUND, coordinator=DENIED, covered=ACCEPTED, ward=DENIED
    ),
    "GET /api/v1/stays/planning-basis/questions": api(OK),
    "POST /api/v1/stays/{stay_id}/planning-basis": api(
        NOT_FOUND, coordinator=INVALID, covered=INVALID, ward=INVALID
    ),
    "POST /api/v1/stays/{stay_id}/care-contact": api(
        NOT_FOUND, coordinator=ACCEPTED, covered=DENIED, ward=DENIED
    ),
    "POST /api/v1/stays/{stay_id}/replies": api(
        NOT_FOUND, coordinator=ACCEPTED, covered=ACCEPTED, ward=DENIED
    ),
    "POST /api/v1/stays/{stay_id}/sip-declined": api(
        NOT_FOUND, coordinator=ACCEPTED, covered=DENIED, ward=ACCEPTED
    ),
    "POST /api/v1/persons/{person_id}/death": api(
        NOT_FOUND, coordinator=ACCEPTED, covered=ACCEPTED, ward=ACCEPTED
    ),
    "POST /api/v1/messages": api(NOT_FOUND, coordinator=CREATED, covered=INVALID),  # not to itself
    "GET /api/v1/messages": api(OK, coordinator=SEES, covered=SEES),
    "GET /api/v1/messages/{message_id}": SIP_API,
    "POST /api/v1/messages/{message_id}/reply": api(
        NOT_FOUND, coordinator=CREATED, covered=CREATED
    ),
    "POST /api/v1/messages/deliveries/{delivery_id}/acknowledge": api(
        NOT_FOUND, coordinator=DENIED, covered=ACCEPTED
    ),
    "POST /api/v1/messages/deliveries/{delivery_id}/forward": api(
        NOT_FOUND, coordinator=DENIED, covered=INVALID
    ),
    "GET /api/v1/overview": api(OK, coordinator=SEES, covered=SEES, ward=SEES),
    "GET /api/v1/overview/counts": api(OK),
    "GET /api/v1/notifications/preferences": api(OK),
    "PUT /api/v1/notifications/preferences": SCHEMA_FIRST,
    "GET /api/v1/deviations": api(OK, coordinator=SEES, covered=SEES),
    "POST /api/v1/deviations": api(INVALID, coordinator=CREATED, covered=CREATED),  # a case it sees
    "GET /api/v1/deviations/export.csv": api(OK, coordinator=SEES, covered=SEES),
    "GET /api/v1/deviations/{deviation_id}": SIP_API,
    "PUT /api/v1/deviations/{deviation_id}": api(
        NOT_FOUND, coordinator=INVALID, covered=DENIED
    ),  # sent
    "POST /api/v1/deviations/{deviation_id}/confirm": api(
        NOT_FOUND, coordinator=INVALID, covered=DENIED
    ),
    "POST /api/v1/deviations/{deviation_id}/dismiss": api(
        NOT_FOUND, coordinator=INVALID, covered=DENIED
    ),
    "POST /api/v1/deviations/{deviation_id}/send": api(
        NOT_FOUND, coordinator=INVALID, covered=DENIED
    ),
    "POST /api/v1/deviations/{deviation_id}/handle": api(
        NOT_FOUND, coordinator=DENIED, covered=ACCEPTED
    ),
    "GET /api/v1/documents/sip/{case_id}/plan.pdf": SIP_API,
    "GET /api/v1/documents/sip/{case_id}/consent.pdf": SIP_API,
    "GET /api/v1/documents/sip/{case_id}/svp-court.pdf": api(NOT_FOUND),  # no SVP in the world
    "GET /api/v1/documents/sip/{case_id}/meetings/{meeting_id}/letters/{participant_id}.pdf": api(
        NOT_FOUND, coordinator=SEES, covered=DENIED
    ),
    "GET /api/v1/documents/sip/{case_id}/meetings/{meeting_id}.ics": SIP_API,
    "GET /api/v1/documents/stays/{stay_id}/discharge-information.pdf": STAY_API,
    "GET /api/v1/documents/deviations/{deviation_id}.pdf": SIP_API,  # as the deviation
    "GET /api/v1/documents/blank/{name}.pdf": api(OK),
    "GET /api/v1/extracts/persons/{person_id}/register-extract.json": api(DENIED),
    "GET /api/v1/extracts/persons/{person_id}/register-extract.pdf": api(DENIED),
    "GET /api/v1/operations/banners": api(OK),
    "GET /api/v1/reports/indicators": api(DENIED, county_admin=OK),
    "GET /api/v1/reports/indicators/{indicator}": api(DENIED, county_admin=OK),
    "GET /api/v1/reports/waiting": api(DENIED, county_admin=OK),
    "GET /api/v1/reports/counts": api(DENIED, county_admin=OK),
    "GET /api/v1/reports/procedure-codes": api(OK, coordinator=SEES, covered=SEES),
    # Webhook subscriptions (issue 12, API-3): each system its own; the world's one is the other
    # system's (Bodens kommun), so everyone else is told it is not there.
    "GET /api/v1/webhooks/subscriptions": api(OK),
    "POST /api/v1/webhooks/subscriptions": api(CREATED),
    "GET /api/v1/webhooks/subscriptions/{subscription_id}": api(NOT_FOUND, other_system=OK),
    "PUT /api/v1/webhooks/subscriptions/{subscription_id}": api(NOT_FOUND, other_system=ACCEPTED),
    "DELETE /api/v1/webhooks/subscriptions/{subscription_id}": api(
        NOT_FOUND, other_system=NO_CONTENT
    ),
    "POST /api/v1/webhooks/subscriptions/{subscription_id}/secret": api(
        NOT_FOUND, other_system=ACCEPTED
    ),
}

# Screens that take a system's API token and no login (the interoperability facades): every
# role is requested with its token, as an API operation is.
BY_TOKEN = {
    "interop:riv-getcareplans",
    "interop:riv-schema",
    "interop:fhir-metadata",
    "interop:fhir-base",
    "interop:samordna.interop.fhir.views.unknown",
    *(
        f"interop:fhir-{kind}-{action}"
        for kind in (
            "careplan",
            "goal",
            "careteam",
            "consent",
            "appointment",
            "communication",
            "task",
            "episodeofcare",
            "patient",
            "organization",
        )
        for action in ("read", "search")
    ),
}

# Where today's code still answers otherwise than the table because the work that changes it is
# under way: (route, method, role) -> what it answers now, each with a comment naming that work.
# A known gap, not an accepted answer; the test says when an entry has become stale. (Empty since
# the consent-aware visibility, issue 17 items 4 and 7, landed.)
UNTIL_CONSENT: dict[tuple[str, str, str], Outcome] = {}

# Query strings of GETs ("{month}": the current month).
QUERIES: dict[str, dict[str, str]] = {
    "people:search": {"q": "193603239090"},
    "GET /api/v1/persons": {"identity_number": "19360323-9090"},
    "GET /api/v1/persons/search": {"q": "Lundberg"},
    "GET /api/v1/liability/export.csv": {"municipality": "lulea", "month": "{month}"},
    "GET /api/v1/sip/{case_id}/plan-comparison": {"old": "1", "new": "1"},
    "discharge:liability-csv": {"municipality": "lulea", "month": "{month}"},
}
# The request carries the identity number (a lookup), so the answer may repeat it.
ECHOES_IDENTITY_NUMBER = {
    "people:search",
    "GET /api/v1/persons",
    "POST /api/v1/persons",
    "POST /api/v1/sip",
    "POST /api/v1/stays",
}
# Valid bodies for writes that check their input before access (see the module's docstring).
BODIES: dict[str, dict[str, object]] = {
    "people:death": {"death-died_on": "{today}"},
    "people:add-relative": {"relative-name": "Olle Lundkvist", "relative-relation": "son"},
    "people:add-representative": {"representative-kind": "trustee", "representative-name": "X"},
    # The operations: valid bodies ("{stay}": an id of the world, "{stay_version}": its current
    # version, "{past}"/"{starts_at}": moments), so that the access check decides, not the schema.
    "POST /api/v1/persons": {
        "identity_number": "19360323-9090",
        "first_name": "Test",
        "last_name": "Testsson",
        "municipality": "lulea",
    },
    "POST /api/v1/sip/{case_id}/assessment": {"area": "health", "text": "Behöver stöd."},
    "PUT /api/v1/persons/{person_id}": {
        "version": "{person_version}",
        "first_name": "Sture",
        "last_name": "Lundberg",
        "municipality": "lulea",
    },
    "POST /api/v1/persons/{person_id}/relatives": {"name": "Olle Lundkvist", "relation": "son"},
    "POST /api/v1/persons/{person_id}/representatives": {"kind": "trustee", "name": "X"},
    "POST /api/v1/sip/{case_id}/invitations": {
        "purpose": "follow_up",
        "form": "phone",
        "starts_at": "{starts_at}",
        "ends_at": "{ends_at}",
        "phone_number": "0920-123 45",
        "phone_code": "1234",
        "consent_confirmed": True,
        "units": ["lulea-bistand"],
    },
    "POST /api/v1/sip/{case_id}/meetings/{meeting_id}": {
        "purpose": "establish",
        "form": "in_person",
        "starts_at": "{starts_at}",
        "ends_at": "{ends_at}",
        "place": "Rum 5",
        "version": "{meeting_version}",
    },
    "POST /api/v1/sip/{case_id}/meetings/{meeting_id}/cancel": {
        "version": "{meeting_version}",
        "reason": "Förhinder",
    },
    "POST /api/v1/sip/{case_id}/meetings/{meeting_id}/record": {
        "version": "{meeting_version}",
        "chair": "Karin Holm",
        "documenter": "Karin Holm",
        "attendance": [],
    },
    "POST /api/v1/sip/invitations/{delivery_id}/answer": {"answer": "accepted"},
    "POST /api/v1/sip/invitations/{delivery_id}/forward": {"unit": "lulea-hsl"},
    "POST /api/v1/sip": {
        "identity_number": "19360323-9090",
        "type": "outpatient",
        "need_known_at": "{past}",
    },
    "POST /api/v1/sip/{case_id}/consent": {
        "decision": "given",
        "giver": "individual",
        "giver_name": "Den enskilde",
        "form": "oral",
        "given_at": "{past}",
        "units": ["lulea-bistand"],
    },
    "POST /api/v1/sip/{case_id}/consent/amend": {
        "giver": "individual",
        "giver_name": "Sture Lundberg (rättat)",
        "form": "written",
        "given_at": "{past}",
        "units": ["lulea-bistand"],
        "reason": "Samtycket var skriftligt",
    },
    "POST /api/v1/sip/{case_id}/coordinator": {
        "username": "bob",
        "unit": "lulea-bistand",
        "reason": "Byte av samordnare",
    },
    "POST /api/v1/sip/{case_id}/close": {"reason": "goals_met"},
    "POST /api/v1/sip/{case_id}/link-stay": {"stay": "{stay}"},
    "POST /api/v1/sip/{case_id}/coordinator-wish": {"wish": "Karin på hälsocentralen"},
    "PUT /api/v1/sip/{case_id}/svp": {"care_form": "opt", "version": 1},
    "POST /api/v1/sip/{case_id}/svp/objection": {
        "objection": "Nej.",
        "stated_at": "{past}",
        "version": 1,
    },
    "POST /api/v1/sip/{case_id}/svp/exchanges": {
        "recipient": "Försäkringskassan",
        "what": "Sysselsättning",
        "why": "Samordning",
        "shared_at": "{past}",
    },
    "PUT /api/v1/sip/{case_id}/plans/{number}": {"version": "{plan_version}", "main_goal": "Ny"},
    "POST /api/v1/sip/{case_id}/plans/{number}/documented": {"version": "{plan_version}"},
    "POST /api/v1/sip/{case_id}/plans/{number}/follow-up-comments": {"text": "Går bra."},
    "POST /api/v1/sip/{case_id}/plans/{number}/evaluation": {
        "main": {"rating": "met"},
        "with_individual": True,
    },
    "POST /api/v1/sip/{case_id}/home-care": {"decision": "enrolled", "decided_at": "{past}"},
    "POST /api/v1/sip/{case_id}/home-care/contact": {
        "contact_name": "Maja Ek",
        "contact_unit": "lulea-bistand",
    },
    "POST /api/v1/sip/{case_id}/self-care": {
        "action": "{self_care_action}",
        "assessed_at": "{past}",
        "measure": "Insulin morgon och kväll",
        "performer": "self",
        "instructions": "Visas av distriktssköterskan",
        "on_harm": "Ring hälsocentralen",
        "on_change": "Ring distriktssköterskan",
        "follow_up": "Hembesök om två veckor",
        "reassess_on": "{later_day}",
    },
    "POST /api/v1/stays": {
        "identity_number": "19360323-9090",
        "admitted_at": "{past}",
        "cause": "Fall",
        "treating_physician": "Erik Berg",
        "consent_to_transfer": True,
        "expected_discharge_on": "{later_day}",
    },
    "POST /api/v1/stays/{stay_id}/details": {"version": "{stay_version}", "cause": "Fall"},
    "POST /api/v1/stays/{stay_id}/death": {"died_on": "{today}"},
    "POST /api/v1/stays/{stay_id}/expected-discharge": {
        "version": "{stay_version}",
        "expected_discharge_on": "{later_day}",
    },
    "POST /api/v1/stays/{stay_id}/ready-notice": {
        "version": "{stay_version}",
        "ready_at": "{past}",
        "ready_physician": "Erik Berg",
        "ready_nurse": "Anna Lind",
        "medical_responsibility_to": "Johan Ek",
    },
    "POST /api/v1/stays/{stay_id}/discharge-notice": {
        "version": "{stay_version}",
        "discharged_at": "{past}",
    },
    "POST /api/v1/stays/{stay_id}/unavailable": {"starts_on": "{today}", "reason": "Sjuk"},
    "POST /api/v1/stays/{stay_id}/care-contact": {
        "version": "{stay_version}",
        "name": "Karin Holm",
        "phone": "0920-123 45",
    },
    "POST /api/v1/stays/{stay_id}/replies": {"can_receive_at": "{starts_at}"},
    "POST /api/v1/stays/{stay_id}/sip-declined": {
        "version": "{stay_version}",
        "declined_at": "{past}",
    },
    "POST /api/v1/persons/{person_id}/death": {"died_on": "{today}"},
    "POST /api/v1/messages": {
        "case": "{sip}",
        "recipients": [{"unit": "lulea-bistand"}],
        "subject": "Fråga",
        "body": "Hur går det?",
    },
    "POST /api/v1/messages/{message_id}/reply": {"body": "Bra."},
    "POST /api/v1/messages/deliveries/{delivery_id}/forward": {"unit": "lulea-hsl", "note": "Er"},
    "POST /api/v1/deviations": {
        "occurred_at": "{past}",
        "event": "Något hände",
        "case_id": "{sip}",
    },
    "PUT /api/v1/deviations/{deviation_id}": {
        "occurred_at": "{past}",
        "event": "Något hände",
        "case_id": "{sip}",
        "version": "{deviation_version}",
    },
    "POST /api/v1/deviations/{deviation_id}/confirm": {"version": "{deviation_version}"},
    "POST /api/v1/deviations/{deviation_id}/dismiss": {"version": "{deviation_version}"},
    "POST /api/v1/deviations/{deviation_id}/send": {"version": "{deviation_version}"},
    "POST /api/v1/deviations/{deviation_id}/handle": {
        "version": "{deviation_version}",
        "comment": "Åtgärdat",
    },
    "POST /api/v1/webhooks/subscriptions": {
        "url": "https://ehr.example.se/hooks",
        "event_types": ["case.closed"],
    },
    "PUT /api/v1/webhooks/subscriptions/{subscription_id}": {
        "url": "https://boden.example.se/hooks",
        "event_types": ["case.closed", "case.opened"],
        "version": "{subscription_version}",
    },
    "POST /api/v1/webhooks/subscriptions/{subscription_id}/secret": {
        "version": "{subscription_version}"
    },
}
