"""The database itself refuses to change access log rows (SEC-2).

UPDATE is refused on SQLite and PostgreSQL; DELETE is refused on PostgreSQL, where test runs and
``TRUNCATE`` (demo reset) bypass row triggers. On SQLite the model's ``delete`` guard suffices.
"""

from django.db import migrations

SQLITE = [
    "CREATE TRIGGER audit_accesslog_no_update BEFORE UPDATE ON audit_accesslog "
    "BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;",
]
SQLITE_REVERSE = ["DROP TRIGGER IF EXISTS audit_accesslog_no_update;"]
POSTGRES = [
    "CREATE FUNCTION audit_accesslog_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN RAISE EXCEPTION 'the access log is append-only'; END; $$;",
    "CREATE TRIGGER audit_accesslog_no_change BEFORE UPDATE OR DELETE ON audit_accesslog "
    "FOR EACH ROW EXECUTE FUNCTION audit_accesslog_append_only();",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS audit_accesslog_no_change ON audit_accesslog;",
    "DROP FUNCTION IF EXISTS audit_accesslog_append_only();",
]


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    statements = POSTGRES if schema_editor.connection.vendor == "postgresql" else SQLITE
    for sql in statements:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    statements = (
        POSTGRES_REVERSE if schema_editor.connection.vendor == "postgresql" else SQLITE_REVERSE
    )
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
