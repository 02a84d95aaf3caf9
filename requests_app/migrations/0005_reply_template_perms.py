"""Officers keep their own reply templates for revision and rejection notes (issue 4, item 7)."""

from django.db import migrations

GROUP = "Petugas Layanan"
CODENAMES = ["add_replytemplate", "change_replytemplate", "view_replytemplate"]


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.get(name=GROUP)
    group.permissions.add(*Permission.objects.filter(content_type__app_label="requests_app", codename__in=CODENAMES))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=GROUP).first()
    if group:
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="requests_app", codename__in=CODENAMES[:2])
        )


class Migration(migrations.Migration):
    dependencies = [("requests_app", "0004_queue_indexes")]
    operations = [migrations.RunPython(grant, revoke)]
