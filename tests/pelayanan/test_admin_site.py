"""The admin site (pelayanan/admin_guards.py): it carries the portal's name, and crafted changelist requests
against every model registered in it get an answer, never a 500.

pelayanan/admin_guards.py explains the two Django 5.2 failures: an action POST whose selected ids are not
ids of the model, and a date-hierarchy link at the end of the calendar. The sweep walks admin.site's
registry, so a model registered later is covered without touching this file.
"""

import re

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from pelayanan.models import User

pytestmark = pytest.mark.django_db

REGISTRY = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)
FORGED = ["abc", "\x00", "1e309", "-1; DROP TABLE x"]


@pytest.fixture
def superuser(client):
    user = User.objects.create_superuser("root@example.id", "Sup3r-Rahasia-2026", full_name="Admin Sistem")
    client.force_login(user)
    return user


def changelist(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def first_action(model_admin):
    """The first action a superuser is offered on this changelist, or None."""
    request = RequestFactory().get("/admin/")
    request.user = User(is_superuser=True, is_staff=True, is_active=True)  # unsaved: no database at collection
    return next(iter(model_admin.get_actions(request)), None)


WITH_ACTIONS = [(model, first_action(model_admin)) for model, model_admin in REGISTRY if first_action(model_admin)]


def test_the_sweep_covers_the_project_and_third_party_admins():
    labels = {model._meta.label for model, _ in WITH_ACTIONS}
    assert {"auth.Group", "requests_app.ServiceRequest", "feedback.Feedback", "pelayanan.User"} <= labels
    assert len(REGISTRY) >= 15


@pytest.mark.parametrize(("model", "action"), WITH_ACTIONS, ids=[model._meta.label for model, _ in WITH_ACTIONS])
def test_an_action_on_forged_ids_is_refused_with_a_message(client, superuser, model, action):
    before = model._default_manager.count()
    for selected in FORGED:
        response = client.post(changelist(model), {"action": action, "_selected_action": selected, "index": "0"},
                               follow=True)
        assert response.status_code == 200, (selected, response.status_code)
        assert "Pilihan tidak dikenali" in response.text
    assert model._default_manager.count() == before


def missing_id(model):
    """An id of the right type that no row of the model has."""
    pk = model._meta.pk
    for candidate in ("2147483000", "00000000-0000-0000-0000-000000000000", "no-such-row"):
        try:
            value = pk.to_python(candidate)
        except Exception:  # noqa: BLE001 - any refusal means: not this kind of key
            continue
        if not model._default_manager.filter(pk=value).exists():
            return candidate
    raise AssertionError(f"no missing id for {model._meta.label}")


@pytest.mark.parametrize(("model", "action"), WITH_ACTIONS, ids=[model._meta.label for model, _ in WITH_ACTIONS])
def test_an_action_on_rows_the_list_does_not_show_is_refused_with_a_message(client, superuser, model, action):
    """Ids of the right type but of no row in the list: Django would run the action on nothing (an empty
    confirmation page for the actions that have one)."""
    before = model._default_manager.count()
    response = client.post(changelist(model), {"action": action, "_selected_action": missing_id(model), "index": "0"},
                           follow=True)
    assert response.status_code == 200
    assert "Baris yang dipilih tidak ada dalam daftar ini" in response.text
    assert model._default_manager.count() == before


DATED = [(model, model_admin) for model, model_admin in REGISTRY if model_admin.date_hierarchy]


@pytest.mark.parametrize(("model", "model_admin"), DATED, ids=[model._meta.label for model, _ in DATED])
@pytest.mark.parametrize("params", [{"year": "9999"}, {"year": "99999999999999999999"},
                                    {"year": "9999", "month": "12", "day": "31"}, {"year": "2026", "month": "13"}])
def test_a_date_hierarchy_link_outside_the_calendar_is_an_invalid_lookup(client, superuser, model, model_admin, params):
    field = model_admin.date_hierarchy
    response = client.get(changelist(model), {f"{field}__{part}": value for part, value in params.items()})
    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")


def test_the_admin_carries_the_portals_name(client, superuser):
    html = client.get(reverse("admin:index")).text
    assert "Antrean Petugas · BKPSDM Kota Medan" in html and "<title>Beranda petugas | Antrean Petugas</title>" in html
    assert "Django" not in re.sub(r"<(script|link)[^>]*>", "", html.split("<body", 1)[1].split('id="content"', 1)[0])
