"""Reads on the individual's own pages (PAT-2, issue 15 item 3): no staff user, the reader's
identity number and relation instead; the person's range indexed by (time, id) for the
extract's keyset pages. The new index is made before the old one goes, so the person's range
is never unindexed. On SQLite, altering ``user`` rebuilds the table, which drops its triggers:
the append-only trigger of 0003 is made again."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

SQLITE_TRIGGER = (
    "CREATE TRIGGER IF NOT EXISTS audit_accesslog_no_update BEFORE UPDATE ON audit_accesslog "
    "BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;"
)


def trigger_again(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_TRIGGER)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0005_alter_accesslog_ip_alter_accesslog_via"),
        ("people", "0005_representative_identity"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="accesslog",
            index=models.Index(fields=["person", "-at", "-id"], name="accesslog_person_at_id_idx"),
        ),
        migrations.RemoveIndex(model_name="accesslog", name="accesslog_person_at_idx"),
        migrations.AddField(
            model_name="accesslog",
            name="reader",
            field=models.CharField(
                blank=True, max_length=12, verbose_name="reader's identity number"
            ),
        ),
        migrations.AddField(
            model_name="accesslog",
            name="reader_relation",
            field=models.CharField(blank=True, max_length=20, verbose_name="reader's relation"),
        ),
        migrations.AlterField(
            model_name="accesslog",
            name="user",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="user",
            ),
        ),
        migrations.RunPython(trigger_again, migrations.RunPython.noop),
    ]
