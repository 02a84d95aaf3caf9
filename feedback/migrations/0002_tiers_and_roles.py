"""Complaint tiers (SP4N-LAPOR! practice, DOMAIN.md Addendum §4.3) and the feedback permissions of the roles."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

TIERS = [
    {
        "code": "ringan", "order": 1, "resolution_days": 5,
        "name": "Ringan / permintaan informasi",
        "description": "Permintaan informasi dan pengaduan sederhana.",
    },
    {
        "code": "tanpa-pemeriksaan-lapangan", "order": 2, "resolution_days": 14,
        "name": "Tidak memerlukan pemeriksaan lapangan",
        "description": "Sengketa atau dugaan pelanggaran yang dapat diselesaikan tanpa pemeriksaan lapangan.",
    },
    {
        "code": "pemeriksaan-lapangan", "order": 3, "resolution_days": 60,
        "name": "Memerlukan pemeriksaan lapangan",
        "description": "Perkara yang memerlukan pemeriksaan lapangan (batas Perpres 76/2013).",
    },
]

ROLES = {
    # Handle their unit's complaints and suggestions, publish suggestions, read the IKM answers and report.
    "Petugas Layanan": [
        "view_feedback", "change_feedback", "publish_feedback", "view_feedbackevent",
        "view_complainttier", "view_surveyresponse",
    ],
    # Reads everything, changes nothing.
    "Supervisor": [
        "view_feedback", "view_feedbackevent", "view_complainttier", "view_surveyresponse", "view_suggestionsupport",
    ],
}


def seed(apps, schema_editor):
    ComplaintTier = apps.get_model("feedback", "ComplaintTier")
    for tier in TIERS:
        ComplaintTier.objects.update_or_create(code=tier["code"], defaults=tier)

    # Permissions are normally created after migrate; the groups need them now.
    app_config = apps.get_app_config("feedback")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*Permission.objects.filter(content_type__app_label="feedback", codename__in=codenames))


def unseed(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name__in=ROLES):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="feedback"))
    apps.get_model("feedback", "ComplaintTier").objects.filter(code__in=[t["code"] for t in TIERS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0001_initial"),
        ("requests_app", "0002_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(seed, unseed)]
