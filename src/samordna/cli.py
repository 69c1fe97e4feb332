"""The `samordna` command: serve, demo, worker, createadmin, import-units, create-token, backup,
restore, export-county, import-county, manage."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

# The demo's generated past (``load_demo --history``): two years of cases in the demo county,
# so that the indicators' charts (issue 13) have months to show.
DEMO_HISTORY = 1200


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samordna.settings")
    import django

    django.setup()


def _end_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """Linux: the child gets SIGTERM when the server dies, even by SIGKILL."""
    import contextlib
    import ctypes
    import signal

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _demo_worker() -> subprocess.Popen[bytes]:
    """The demo runs the worker's jobs (digest, deviation suggestions) beside the server, so one
    command shows everything. It is the production `samordna worker`, as a child process: a
    thread in gunicorn's master would be copied half-way into every forked web worker."""
    return subprocess.Popen(
        [sys.executable, "-m", "samordna.cli", "worker"],
        preexec_fn=_end_with_parent if sys.platform == "linux" else None,
    )


def _serve(args: argparse.Namespace) -> None:
    from django.core.management import call_command

    from samordna import server

    settings = server.options(args.bind, args.workers, args.threads)  # bad numbers stop here
    from samordna.operations import metrics

    metrics.forget_dead_processes()
    call_command("migrate", interactive=False, verbosity=0)
    server.collect_static()
    if not args.demo:
        server.run(settings)
        return
    call_command("load_demo", if_empty=True, history=DEMO_HISTORY)
    from samordna.accounts import demo_idp

    idp = demo_idp.start(settings["bind"][0], _end_with_parent)
    jobs = _demo_worker()
    try:
        server.run(settings)
    finally:
        for child in (jobs, idp):
            if child is not None:
                child.terminate()
                child.wait(timeout=10)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(prog="samordna", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser(
        "serve",
        help="apply migrations, collect static files, then run the production server (gunicorn)",
    )
    serve.add_argument(
        "--demo",
        action="store_true",
        help="load the demo county into an empty database first and run the worker beside it",
    )
    serve.add_argument(
        "--bind",
        "--addr",
        dest="bind",
        help="address:port (env SAMORDNA_BIND; default 127.0.0.1:8000)",
    )
    serve.add_argument(
        "--workers",
        type=int,
        help="worker processes (env SAMORDNA_WORKERS; default one per core, at least 2)",
    )
    serve.add_argument(
        "--threads", type=int, help="threads per worker (env SAMORDNA_THREADS; default 4)"
    )

    demo = commands.add_parser("demo", help="load the demo county (or reset it)")
    demo.add_argument("--reset", action="store_true", help="delete all data first")

    jobs = commands.add_parser(
        "worker", help="run the background jobs (settings.WORKER_JOBS) every minute"
    )
    jobs.add_argument("--once", action="store_true", help="run each job once and stop")
    jobs.add_argument(
        "--interval", type=float, default=60, help="seconds between rounds (default 60)"
    )
    commands.add_parser("createadmin", help="create a superuser for the admin")

    units = commands.add_parser("import-units", help="import units from CSV or JSON")
    units.add_argument("file")

    token = commands.add_parser("create-token", help="issue an API token for a system")
    token.add_argument("--name", required=True, help="the integrating system")
    token.add_argument("--user", required=True)
    token.add_argument("--unit", required=True, help="unit code")

    saving = commands.add_parser(
        "backup", help="write a consistent backup of the database, while the service runs"
    )
    saving.add_argument("file")
    restoring = commands.add_parser(
        "restore",
        help="replace the database by a backup (stop the service first); refuses a newer "
        "release's backup, and a database in use unless --force",
    )
    restoring.add_argument("file")
    restoring.add_argument("--force", action="store_true", help="replace a database in use")

    exporting = commands.add_parser(
        "export-county", help="write the county's data as versioned JSON lines"
    )
    exporting.add_argument("file")
    importing = commands.add_parser(
        "import-county", help="load a county export into an empty, migrated installation"
    )
    importing.add_argument("file")

    manage = commands.add_parser("manage", help="any Django management command")
    manage.add_argument("args", nargs=argparse.REMAINDER)

    args = parser.parse_args(argv)
    _django()
    from django.core.management import CommandError, call_command, execute_from_command_line

    if args.command == "serve":
        _serve(args)
    elif args.command == "demo":
        call_command("migrate", interactive=False, verbosity=0)
        call_command("load_demo", reset=args.reset, history=DEMO_HISTORY)
    elif args.command == "worker":
        from django.utils import timezone

        from samordna.notifications import worker

        if args.once:
            worker.heartbeat()
            print(worker.run_once(timezone.now()))
        else:
            try:
                worker.run_forever(max(1.0, args.interval))
            except KeyboardInterrupt:  # Ctrl-C in a terminal: stop between jobs, quietly
                return 0
    elif args.command == "createadmin":
        call_command("createsuperuser")
    elif args.command == "import-units":
        call_command("import_units", args.file)
    elif args.command == "create-token":
        call_command("create_token", name=args.name, user=args.user, unit=args.unit)
    elif args.command in ("backup", "restore", "export-county", "import-county"):
        try:
            if args.command == "restore":
                call_command("restore", args.file, force=args.force)
            else:
                call_command(args.command.replace("-", "_"), args.file)
        except CommandError as error:  # a refusal: the reason, without a traceback
            print(f"samordna {args.command}: {error}", file=sys.stderr)
            return 1
    elif args.command == "manage":
        execute_from_command_line(["samordna manage", *args.args])
    return 0


if __name__ == "__main__":
    sys.exit(main())
