"""`samordna serve` as the README runs it: the production server, end to end (issue 11 item 1)."""

from __future__ import annotations

import gzip
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

from samordna import server

STARTUP_SECONDS = 240  # a first start collects ~1,000 static files; CI machines are shared


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes


def get(url: str, **headers: str) -> Reply:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return Reply(response.status, dict(response.headers.items()), response.read())
    except urllib.error.HTTPError as error:
        return Reply(error.code, dict(error.headers.items()), error.read())


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real `samordna serve` on a free port with a scratch SQLite data folder. The collected
    static files are kept beside the test data folder, so later runs skip collecting."""
    data = tmp_path_factory.mktemp("serve")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["SAMORDNA_DATA_DIR"] = str(data)
    env["SAMORDNA_STATIC_ROOT"] = str(Path(settings.DATA_DIR).parent / "served-static")
    port = free_port()
    log = (data / "server.log").open("wb")
    command = [sys.executable, "-m", "samordna.cli", "serve", "--bind", f"127.0.0.1:{port}"]
    process = subprocess.Popen(
        [*command, "--workers", "2", "--threads", "2"], env=env, stdout=log, stderr=log
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            assert process.poll() is None, (data / "server.log").read_text()
            try:
                if get(f"{base}/health").status == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, (data / "server.log").read_text()
            time.sleep(0.3)
        yield base
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            code = process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            raise
        log.close()
    assert code == 0, (data / "server.log").read_text()


def test_health_and_a_page_answer(served: str) -> None:
    health = get(f"{served}/health")
    assert health.status == 200
    assert b'"database": "ok"' in health.body
    login = get(f"{served}/login/")
    assert login.status == 200
    assert "Logga in i Samordna" in login.body.decode()
    assert login.headers["Server"] == "gunicorn"


def test_static_files_have_hashed_names_long_cache_headers_and_a_gzip_copy(served: str) -> None:
    page = get(f"{served}/login/").body.decode()
    match = re.search(r'href="(/static/samordna/samordna\.[0-9a-f]{12}\.css)"', page)
    assert match, page
    source = (Path(settings.PACKAGE_DIR) / "static/samordna/samordna.css").read_bytes()

    compressed = get(served + match.group(1), **{"Accept-Encoding": "gzip"})
    assert compressed.status == 200
    assert compressed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(compressed.body) == source
    cache = compressed.headers["Cache-Control"]
    assert "immutable" in cache
    assert int(re.search(r"max-age=(\d+)", cache).group(1)) >= 365 * 24 * 3600  # type: ignore[union-attr]

    plain = get(served + match.group(1))
    assert "Content-Encoding" not in plain.headers
    assert plain.body == source

    # The unhashed name still answers, but may change with any release: a short cache only.
    unhashed = get(f"{served}/static/samordna/samordna.css")
    assert unhashed.status == 200
    assert "immutable" not in unhashed.headers["Cache-Control"]

    script = re.search(r'src="(/static/samordna/vendor/htmx\.min\.[0-9a-f]{12}\.js)"', page)
    assert script, page
    assert get(served + script.group(1)).status == 200
    assert get(f"{served}/static/samordna/nothing-here.css").status == 404


def test_worker_and_thread_counts_come_from_the_command_line_the_environment_or_the_cores(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("SAMORDNA_WORKERS", raising=False)
    monkeypatch.delenv("SAMORDNA_THREADS", raising=False)
    monkeypatch.delenv("SAMORDNA_BIND", raising=False)
    defaults = server.options(None, None, None)
    assert defaults["workers"] == max(2, server.cores())
    assert defaults["threads"] == server.DEFAULT_THREADS
    assert defaults["bind"] == ["127.0.0.1:8000"]
    assert defaults["worker_class"] == "gthread"
    monkeypatch.setenv("SAMORDNA_WORKERS", "7")
    monkeypatch.setenv("SAMORDNA_THREADS", "3")
    monkeypatch.setenv("SAMORDNA_BIND", "0.0.0.0:9000")
    from_env = server.options(None, None, None)
    assert (from_env["workers"], from_env["threads"], from_env["bind"]) == (7, 3, ["0.0.0.0:9000"])
    chosen = server.options("127.0.0.1:8001", 1, 8)
    assert (chosen["workers"], chosen["threads"], chosen["bind"]) == (1, 8, ["127.0.0.1:8001"])
    for bad in ("0", "many", "-2"):
        monkeypatch.setenv("SAMORDNA_WORKERS", bad)
        with pytest.raises(SystemExit, match="SAMORDNA_WORKERS"):
            server.options(None, None, None)
    with pytest.raises(SystemExit, match="--threads"):
        server.options(None, 2, 0)


def test_bad_api_tokens_are_counted_across_the_server_processes(served: str) -> None:
    """Two worker processes, each connection to whichever accepts it: the count of bad tokens
    is the database's, so the address is locked at the 20th whatever process answered (counted
    per process, each would allow its own 20: 30 spread over two would lock only if one process
    took 20 of them)."""
    statuses = [
        get(f"{served}/api/v1/units", Authorization=f"Bearer bad-{n}").status for n in range(30)
    ]
    limit = settings.THROTTLE_ADDRESS_FAILURES
    assert statuses[: limit - 1] == [401] * (limit - 1)
    assert set(statuses[limit - 1 :]) == {429}
    locked = get(f"{served}/api/v1/units", Authorization="Bearer bad")
    assert int(locked.headers["Retry-After"]) > 0
    assert b'"code": "too_many_attempts"' in locked.body
