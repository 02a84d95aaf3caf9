"""Roles as groups with permissions (STYLE.md rule 5)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = {
    # Processes requests of their own unit: take, verify, ask for revision, file at the counter.
    "Petugas Layanan": [
        "requests_app.view_servicerequest", "requests_app.verify_servicerequest",
        "requests_app.view_requestdocument", "requests_app.view_requestevent",
        "requests_app.view_replytemplate", "requests_app.view_letter", "requests_app.view_service",
    ],
    # Approves or rejects verified requests and signs the letters.
    "Pejabat Penandatangan": [
        "requests_app.view_servicerequest", "requests_app.approve_servicerequest",
        "requests_app.view_requestdocument", "requests_app.view_requestevent",
        "requests_app.view_replytemplate", "requests_app.view_letter", "requests_app.view_service",
    ],
    # Gives the first consideration on a subordinate's leave request (DOMAIN.md §2.2).
    "Atasan Langsung": ["requests_app.consider_leave"],
    # Reads everything, changes nothing.
    "Supervisor": ["requests_app.view_all_units"],
}
SUPERVISOR_APPS = ("requests_app", "pelayanan", "feedback")


def _permissions(apps, names):
    Permission = apps.get_model("auth", "Permission")
    perms = []
    for name in names:
        app_label, codename = name.split(".")
        perms.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return perms


def create_roles(apps, schema_editor):
    # Permissions are normally created after migrate; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, perms in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*_permissions(apps, perms))
    supervisor = Group.objects.get(name="Supervisor")
    supervisor.permissions.add(
        *Permission.objects.filter(content_type__app_label__in=SUPERVISOR_APPS, codename__startswith="view_")
    )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("requests_app", "0001_initial"),
        ("pelayanan", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(create_roles, remove_roles)]
