"""Move the meeting no-show suggestions that SIP stored (``sip.DeviationSuggestion``) into the
register, so there is one place for deviations; ``sip`` then drops its table."""

from django.db import migrations


def forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    old = apps.get_model("sip", "DeviationSuggestion")
    Deviation = apps.get_model("deviations", "Deviation")
    Deviation.objects.bulk_create(
        Deviation(
            status="suggested",
            source="no_show",
            case_id=s.case_id,
            reporting_unit_id=s.reporting_unit_id,
            concerned_unit_id=s.concerned_unit_id,
            event=s.event,
            occurred_at=s.created_at,
            created_at=s.created_at,
        )
        for s in old.objects.iterator()
    )


def backward(apps, schema_editor):  # type: ignore[no-untyped-def]
    old = apps.get_model("sip", "DeviationSuggestion")
    Deviation = apps.get_model("deviations", "Deviation")
    suggested = Deviation.objects.filter(status="suggested", source="no_show", case__isnull=False)
    old.objects.bulk_create(
        old(
            case_id=d.case_id,
            reporting_unit_id=d.reporting_unit_id,
            concerned_unit_id=d.concerned_unit_id,
            event=d.event,
            created_at=d.created_at,
        )
        for d in suggested.iterator()
    )
    suggested.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("deviations", "0001_initial"),
        ("sip", "0002_meeting_version_plan_format_uids"),
    ]

    operations = [migrations.RunPython(forward, backward)]
