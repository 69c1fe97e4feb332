"""Where one write through the API spends its time: the admission notice to three units
(issue 11's write target), one request at a time, on an existing county.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/samordna_load_100k \\
        .venv/bin/python benchmarks/act_profile.py [--notices 40] [--top 25]

Registers ``--notices`` stays through the act (the ward of the demo's first inpatient ward unit),
then sends each one's admission notice to one unit of each kind through
``POST /api/v1/stays/<pk>/admission-notice`` with Django's test client, and prints: the median
wall and CPU time per request, the queries of one request grouped by their first words with
their database time, and a cProfile of all requests (cumulative time, ``--top`` rows).
Each notice changes the county: run it on a benchmark database, never on a real one.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import re
import statistics
import sys
import time
from collections import Counter, defaultdict

parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
parser.add_argument("--notices", type=int, default=40)
parser.add_argument("--top", type=int, default=25)
args = parser.parse_args()

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samordna.settings")
os.environ.setdefault("SAMORDNA_ALLOWED_HOSTS", "testserver")
import django  # noqa: E402

django.setup()

from _client import stay_for_notice  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from samordna.accounts.actor import Actor  # noqa: E402
from samordna.api.models import ApiToken  # noqa: E402
from samordna.cases.models import Case  # noqa: E402
from samordna.organisations.models import Membership, Unit  # noqa: E402
from samordna.people.models import Person  # noqa: E402


def prepared() -> tuple[str, list[tuple[int, list[str]]]]:
    member = (
        Membership.objects.filter(unit__kind=Unit.Kind.INPATIENT_WARD, user__is_active=True)
        .select_related("user", "unit")
        .order_by("pk")
        .first()
    )
    if member is None:
        sys.exit("no inpatient ward with staff in this county")
    actor = Actor.for_unit(member.user, member.unit)
    _record, token = ApiToken.issue("act profile", member.user, member.unit)
    active = Case.objects.filter(kind=Case.Kind.DISCHARGE, closed_at__isnull=True)
    people = (
        Person.objects.filter(deceased_on__isnull=True, listed_primary_care__isnull=False)
        .exclude(pk__in=active.values("person_id"))
        .order_by("-pk")
        .values_list("identity_number", flat=True)[: args.notices * 3]
    )
    work: list[tuple[int, list[str]]] = []
    for number in people:
        case, codes = stay_for_notice(actor, number)
        if codes is not None:
            work.append((case.pk, codes))
        if len(work) == args.notices:
            break
    return token, work


def shape(sql: str) -> str:
    """A query's kind: its verb and first table."""
    sql = re.sub(r"\s+", " ", sql.strip())
    control = r"(SAVEPOINT|RELEASE|ROLLBACK|BEGIN|COMMIT)"
    match = re.match(control + r'|(\w+)\b.*?\b(?:FROM|INTO|UPDATE) "?(\w+)', sql, re.I)
    if match is None:
        return sql[:40]
    if match.group(1):
        return match.group(1).upper()
    return f"{match.group(2).upper()} {match.group(3)}"


def main() -> None:
    token, work = prepared()
    if not work:
        sys.exit("no stay found whose default addressing has one unit of each kind")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    walls: list[float] = []
    cpus: list[float] = []
    profile = cProfile.Profile()
    by_shape: dict[str, list[float]] = defaultdict(list)
    counted: Counter[str] = Counter()
    for i, (pk, codes) in enumerate(work):
        body = json.dumps({"recipients": codes})
        with CaptureQueriesContext(connection) as queries:
            wall, cpu = time.perf_counter(), time.process_time()
            if i:  # the first request loads the URL configuration: not profiled
                profile.enable()
            response = client.post(
                f"/api/v1/stays/{pk}/admission-notice", body, content_type="application/json"
            )
            profile.disable()
            walls.append((time.perf_counter() - wall) * 1000)
            cpus.append((time.process_time() - cpu) * 1000)
        if response.status_code >= 300:
            sys.exit(f"{response.status_code}: {response.content[:300]!r}")
        if i == len(work) // 2:
            for q in queries.captured_queries:
                by_shape[shape(q["sql"])].append(float(q["time"]) * 1000)
                counted[shape(q["sql"])] += 1
    print(f"# {len(work)} admission notices to three units, one at a time through the API")
    print(f"wall per request: median {statistics.median(walls):.1f} ms")
    cpu = statistics.median(cpus)
    print(f"CPU per request (this process, client included): median {cpu:.1f} ms")
    total = sum(len(v) for v in by_shape.values())
    db = sum(sum(v) for v in by_shape.values())
    print(f"\n# one request: {total} queries, {db:.1f} ms in the database (as Django times it)")
    for name, times in sorted(by_shape.items(), key=lambda kv: -len(kv[1])):
        print(f"{len(times):4d}  {sum(times):7.2f} ms  {name}")
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    stats.sort_stats("cumulative").print_stats("samordna", args.top)
    stats.sort_stats("tottime").print_stats(args.top)
    print("\n# cProfile of all requests but the first: Samordna's functions by cumulative time,")
    print("# then every function by its own time")
    print(out.getvalue())
    ApiToken.objects.filter(name="act profile").update(revoked_at=timezone.now())


main()
