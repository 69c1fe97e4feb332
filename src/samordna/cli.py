"""The `samordna` command: serve, demo, worker, createadmin, import-units, create-token, manage."""

from __future__ import annotations

import argparse
import os
import sys


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samordna.settings")
    import django

    django.setup()


def _demo_worker() -> None:
    """The demo runs the worker's jobs (digest, deviation suggestions) beside the server, so
    one command shows everything; production runs `samordna worker` as its own process."""
    import threading

    from samordna.notifications import worker

    threading.Thread(target=worker.run_forever, name="worker", daemon=True).start()


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(prog="samordna", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="apply migrations, then serve on 127.0.0.1:8000")
    serve.add_argument(
        "--demo", action="store_true", help="load the demo county into an empty database first"
    )
    serve.add_argument("--addr", default="127.0.0.1:8000")

    demo = commands.add_parser("demo", help="load the demo county (or reset it)")
    demo.add_argument("--reset", action="store_true", help="delete all data first")

    jobs = commands.add_parser(
        "worker", help="run the background jobs (settings.WORKER_JOBS) every minute"
    )
    jobs.add_argument("--once", action="store_true", help="run each job once and stop")
    commands.add_parser("createadmin", help="create a superuser for the admin")

    units = commands.add_parser("import-units", help="import units from CSV or JSON")
    units.add_argument("file")

    token = commands.add_parser("create-token", help="issue an API token for a system")
    token.add_argument("--name", required=True, help="the integrating system")
    token.add_argument("--user", required=True)
    token.add_argument("--unit", required=True, help="unit code")

    manage = commands.add_parser("manage", help="any Django management command")
    manage.add_argument("args", nargs=argparse.REMAINDER)

    args = parser.parse_args(argv)
    _django()
    from django.core.management import call_command, execute_from_command_line

    if args.command == "serve":
        call_command("migrate", interactive=False, verbosity=0)
        if args.demo:
            call_command("load_demo", if_empty=True)
            _demo_worker()
        call_command("runserver", args.addr, use_reloader=False, insecure_serving=True)
    elif args.command == "demo":
        call_command("migrate", interactive=False, verbosity=0)
        call_command("load_demo", reset=args.reset)
    elif args.command == "worker":
        from django.utils import timezone

        from samordna.notifications import worker

        if args.once:
            print(worker.run_once(timezone.now()))
        else:
            worker.run_forever()
    elif args.command == "createadmin":
        call_command("createsuperuser")
    elif args.command == "import-units":
        call_command("import_units", args.file)
    elif args.command == "create-token":
        call_command("create_token", name=args.name, user=args.user, unit=args.unit)
    elif args.command == "manage":
        execute_from_command_line(["samordna manage", *args.args])
    return 0


if __name__ == "__main__":
    sys.exit(main())
