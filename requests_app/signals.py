"""Invalidate the public pages' caches when what they show changes.

Connected in RequestsAppConfig.ready(). queryset.update() and raw SQL send no signal;
those changes appear when the cached entries expire (public_cache.FRAGMENT_TIMEOUT).
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from .public_cache import bump_public_version

PUBLIC_MODELS = (
    "Service", "ServiceRequirement", "ServicePoint", "OpeningHours", "OpeningException", "ServicePledge",
    "Holiday", "LeavePolicy",
)


def _catalogue_changed(sender, **kwargs):
    # Bump now, so this request and the tests see the change, and again after commit,
    # so a page rendered by another process between the two (still reading the old rows)
    # is not kept under the new token.
    bump_public_version()
    transaction.on_commit(bump_public_version)


def connect():
    from django.apps import apps

    for name in PUBLIC_MODELS:
        model = apps.get_model("requests_app", name)
        post_save.connect(_catalogue_changed, sender=model, dispatch_uid=f"public-cache-save-{name}")
        post_delete.connect(_catalogue_changed, sender=model, dispatch_uid=f"public-cache-delete-{name}")
    # Who is responsible for a service and how to reach them is shown on the public pages too.
    unit = apps.get_model("pelayanan", "OrganisationUnit")
    post_save.connect(_catalogue_changed, sender=unit, dispatch_uid="public-cache-save-unit")
    post_delete.connect(_catalogue_changed, sender=unit, dispatch_uid="public-cache-delete-unit")
