"""Profile one page as one user with pyinstrument (prints the call tree; asserts nothing).

Usage:  DATABASE_URL=postgres://postgres@127.0.0.1:5432/samordna_load_100k \\
            .venv/bin/python benchmarks/profile_page.py USER UNIT_CODE URL [REPEAT]
        e.g. ... profile_page.py karin hc-hertson /sip/123/

Needs ``pip install -e '.[bench]'``. The page is requested once to warm up, then REPEAT times
(5 by default) under the profiler through Django's test client, so the tree shows where a
request's time goes in Python and how much of it waits for the database.
"""

from __future__ import annotations

import os
import sys
import tempfile

os.environ.setdefault("SAMORDNA_DATA_DIR", tempfile.mkdtemp(prefix="samordna-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samordna.settings")
os.environ.setdefault("SAMORDNA_ALLOWED_HOSTS", "testserver")

import django

django.setup()

from _client import client_for  # noqa: E402
from pyinstrument import Profiler  # noqa: E402

from samordna.organisations.models import Unit  # noqa: E402


def main() -> None:
    user, unit, url = sys.argv[1:4]
    repeat = int(sys.argv[4]) if len(sys.argv) > 4 else 5
    client = client_for(user, Unit.objects.get(code=unit))
    assert client.get(url).status_code == 200, url
    profiler = Profiler(interval=0.0005)
    with profiler:
        for _ in range(repeat):
            client.get(url)
    print(profiler.output_text(unicode=True, color=False, show_all=False))


if __name__ == "__main__":
    main()
