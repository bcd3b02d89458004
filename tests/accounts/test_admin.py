"""Role grants changed in the Django admin go through the accounts services and are
audited with the admin user as the actor."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from mutu.accounts.models import Role, RoleGrant
from mutu.audit.models import AuditEvent
from tests.accounts.factories import user_with_role
from tests.accounts.login import login
from tests.admin_forms import admin_form_data


def grant_events(action):
    return list(AuditEvent.objects.filter(action=action))


def staff_with_grant_permissions(user):
    """Make *user* staff with Django's permissions on role grants and users."""
    user.is_staff = True
    user.save()
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="accounts")
    )
    return user


def test_grant_added_in_admin_is_audited(world, superuser, client):
    """Adding a grant on the grant admin page writes it and a grant.create row."""
    # Given a user without a role and a signed-in superuser
    newcomer = user_with_role("baru")
    login(client, superuser)
    # When the superuser adds an operator grant on Dinas Sosial
    response = client.post(
        reverse("admin:accounts_rolegrant_add"),
        {"user": newcomer.pk, "role": Role.UNIT_OPERATOR, "unit": world.dinsos.pk},
    )
    # Then the grant exists with its scope, audited with the superuser as actor
    assert response.status_code == 302
    grant = RoleGrant.objects.get(user=newcomer)
    assert grant.scope_path == world.dinsos.path
    event = AuditEvent.objects.get(action="grant.create", actor=superuser)
    assert event.target_id == str(grant.pk)
    assert event.changes == {
        "role": [None, "unit_operator"],
        "scope": [None, world.dinsos.path],
    }


def test_grant_deleted_in_admin_is_audited(world, superuser, client):
    """The delete page of a grant revokes it through the service: a grant.revoke row
    with the old role and scope, the superuser as actor."""
    grant = world.operator.grants.get()
    login(client, superuser)
    response = client.post(
        reverse("admin:accounts_rolegrant_delete", args=[grant.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not RoleGrant.objects.filter(pk=grant.pk).exists()
    (event,) = grant_events("grant.revoke")
    assert (event.actor, event.target_id) == (superuser, str(grant.pk))
    assert event.changes == {
        "role": ["unit_operator", None],
        "scope": [world.dukcapil.path, None],
    }
    assert event.scope_path == world.dukcapil.path


def test_grants_bulk_deleted_in_admin_are_audited_one_by_one(world, superuser, client):
    """The "delete selected" action writes one grant.revoke row per grant."""
    grants = [world.operator.grants.get(), world.head.grants.get()]
    login(client, superuser)
    response = client.post(
        reverse("admin:accounts_rolegrant_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [grant.pk for grant in grants],
            "post": "yes",
        },
    )
    assert response.status_code == 302
    assert not RoleGrant.objects.filter(pk__in=[g.pk for g in grants]).exists()
    assert sorted(e.target_id for e in grant_events("grant.revoke")) == sorted(
        str(g.pk) for g in grants
    )


def test_grant_changed_in_admin_records_old_and_new_scope(world, superuser, client):
    """Moving an operator's grant from Dukcapil to Dinas Sosial is one grant.update
    row with the old and the new scope; the grant keeps its id."""
    grant = world.operator.grants.get()
    login(client, superuser)
    url = reverse("admin:accounts_rolegrant_change", args=[grant.pk])
    data = admin_form_data(client.get(url))
    data["unit"] = world.dinsos.pk
    response = client.post(url, data)
    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.scope_path == world.dinsos.path
    (event,) = grant_events("grant.update")
    assert event.actor == superuser
    assert event.changes == {"scope": [world.dukcapil.path, world.dinsos.path]}


def test_grant_changed_onto_one_the_user_holds_is_refused_with_a_message(
    world, superuser, client
):
    """A change that would duplicate another grant of the user is refused by the
    service: the page shows the reason and nothing is written."""
    # Given an operator who also operates Dinas Sosial
    extra = RoleGrant.objects.create(
        user=world.operator,
        role=Role.UNIT_OPERATOR,
        unit=world.dinsos,
        scope_path=world.dinsos.path,
    )
    grant = world.operator.grants.get(unit=world.dukcapil)
    login(client, superuser)
    url = reverse("admin:accounts_rolegrant_change", args=[grant.pk])
    data = admin_form_data(client.get(url))
    # When the Dukcapil grant is pointed at Dinas Sosial too
    data["unit"] = world.dinsos.pk
    response = client.post(url, data, follow=True)
    # Then the service's message is shown and both grants are as they were
    assert "sudah memegang peran itu" in response.content.decode()
    grant.refresh_from_db()
    assert grant.unit == world.dukcapil
    assert RoleGrant.objects.filter(pk=extra.pk).exists()
    assert not grant_events("grant.update")


def test_grants_added_changed_and_deleted_on_the_user_page_are_audited(
    world, superuser, client
):
    """On a user's page, a removed grant is revoked, an edited one updated and a
    new one ensured, each with its audit row and the superuser as actor."""
    # Given the unit head, who holds one grant, gets a second one
    login(client, superuser)
    url = reverse("admin:accounts_user_change", args=[world.head.pk])
    second = RoleGrant.objects.create(
        user=world.head,
        role=Role.UNIT_OPERATOR,
        unit=world.dinsos,
        scope_path=world.dinsos.path,
    )
    data = admin_form_data(client.get(url))
    forms = {int(data[f"grants-{i}-id"]): i for i in range(2)}
    head, operator = (
        forms[world.head.grants.get(role=Role.UNIT_HEAD).pk],
        forms[second.pk],
    )
    # When the head grant moves to Dinas Sosial, the operator grant is deleted and
    # an evaluator grant over Lampung is added
    data[f"grants-{head}-unit"] = world.dinsos.pk
    data[f"grants-{operator}-DELETE"] = "on"
    data.update(
        {
            "grants-TOTAL_FORMS": "3",
            "grants-2-user": world.head.pk,
            "grants-2-role": Role.EVALUATOR,
            "grants-2-region": world.lampung.pk,
        }
    )
    response = client.post(url, data)
    # Then the head holds exactly the moved grant and the new one, all audited
    assert response.status_code == 302
    assert sorted(world.head.grants.values_list("role", "scope_path")) == [
        ("evaluator", world.lampung.path),
        ("unit_head", world.dinsos.path),
    ]
    events = AuditEvent.objects.filter(action__startswith="grant.", actor=superuser)
    assert sorted(events.values_list("action", flat=True)) == [
        "grant.create",
        "grant.revoke",
        "grant.update",
    ]
    assert events.get(action="grant.revoke").target_id == str(second.pk)
    assert events.get(action="grant.update").changes == {
        "scope": [world.dukcapil.path, world.dinsos.path]
    }


def test_national_admin_on_staff_deletes_a_grant_as_the_actor(world, client):
    """A national admin who is staff (not a superuser) revokes through the admin and
    is the recorded actor."""
    admin_user = staff_with_grant_permissions(world.admin)
    grant = world.operator.grants.get()
    login(client, admin_user)
    response = client.post(
        reverse("admin:accounts_rolegrant_delete", args=[grant.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert grant_events("grant.revoke")[0].actor == admin_user


@pytest.mark.parametrize("page", ["add", "delete"])
def test_grant_pages_refuse_staff_without_national_admin(world, client, page):
    """Staff with Django's grant permissions but no national admin role cannot add
    or delete grants (403); nothing is written."""
    staff = staff_with_grant_permissions(world.coordinator)
    grant = world.operator.grants.get()
    login(client, staff)
    url = (
        reverse("admin:accounts_rolegrant_add")
        if page == "add"
        else reverse("admin:accounts_rolegrant_delete", args=[grant.pk])
    )
    response = client.post(
        url,
        {"user": staff.pk, "role": Role.NATIONAL_ADMIN, "post": "yes"},
    )
    assert response.status_code == 403
    assert RoleGrant.objects.filter(pk=grant.pk).exists()
    assert not staff.grants.filter(role=Role.NATIONAL_ADMIN).exists()
