"""The deviation register took over the suggestions (``deviations`` 0002 copied the rows)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("sip", "0002_meeting_version_plan_format_uids"),
        ("deviations", "0002_suggestions_from_sip"),
    ]

    operations = [
        migrations.DeleteModel(
            name="DeviationSuggestion",
        ),
    ]
