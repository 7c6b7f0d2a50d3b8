"""The Django admin keeps master data; monitored values are read-only there."""

import pytest
from django.urls import reverse

from evaluation.models import MonitoredValue
from projects.models import Project, Role
from tests.factories import MonitoredValueFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, db):
    # an admin by group, not a superuser: the group's permissions must suffice
    user = UserFactory(username="keeper", role=Role.ADMIN, is_staff=True)
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "model",
    ["bureau", "field", "phase", "project", "policytool", "policyframework", "user"],
)
def test_admin_group_can_list_and_add_master_data(admin_client, project, model):
    app = "projects"
    assert admin_client.get(reverse(f"admin:{app}_{model}_changelist")).status_code == 200
    assert admin_client.get(reverse(f"admin:{app}_{model}_add")).status_code == 200


def test_admin_group_keeps_the_indicator_catalogue(admin_client):
    assert admin_client.get(reverse("admin:evaluation_indicator_add")).status_code == 200


def test_admin_edits_a_project_with_its_sub_regions(admin_client, project):
    url = reverse("admin:projects_project_change", args=[project.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    assert "sub_regions" in page.content.decode()


def test_monitored_values_are_read_only_in_admin(admin_client, project):
    value = MonitoredValueFactory(project=project)
    assert (
        admin_client.get(reverse("admin:evaluation_monitoredvalue_changelist")).status_code == 200
    )
    assert admin_client.get(reverse("admin:evaluation_monitoredvalue_add")).status_code == 403
    url = reverse("admin:evaluation_monitoredvalue_change", args=[value.pk])
    admin_client.post(url, {"kind": "number", "value": "99"})
    value.refresh_from_db()
    assert value.value == 12
    delete = reverse("admin:evaluation_monitoredvalue_delete", args=[value.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert MonitoredValue.objects.filter(pk=value.pk).exists()


def test_staff_user_cannot_enter_the_admin(client, users):
    client.force_login(users["staff"])
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_staff_role_requires_a_bureau_in_the_admin_form(admin_client, users):
    from django.contrib.auth.models import Group

    user = users["no_role"]
    url = reverse("admin:projects_user_change", args=[user.pk])
    data = {
        "username": user.username,
        "groups": [Group.objects.get(name="staff").pk],
        "is_active": "on",
        "date_joined_0": "2006-04-01",
        "date_joined_1": "09:00:00",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "所属経済産業局" in response.content.decode()
    user.refresh_from_db()
    assert not user.groups.exists()


def test_reorganised_project_points_to_its_successor(project):
    from django.core.exceptions import ValidationError

    successor = Project.objects.create(
        code="kanto-new", name_ja="新プロジェクト", bureau=project.bureau, phase=project.phase
    )
    project.status = Project.Status.ACTIVE
    project.successor = successor
    with pytest.raises(ValidationError):
        project.full_clean()
    project.status = Project.Status.MERGED
    project.full_clean()
    project.save()
    assert list(successor.predecessors.all()) == [project]


def test_plans_and_workflow_events_are_read_only_in_admin(admin_client, plan):
    assert admin_client.get(reverse("admin:evaluation_projectplan_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:evaluation_projectplan_add")).status_code == 403
    change = reverse("admin:evaluation_projectplan_change", args=[plan.pk])
    admin_client.post(change, {"state": "approved", "version": 9})
    plan.refresh_from_db()
    assert (plan.state, plan.version) == ("draft", 1)
    assert admin_client.get(reverse("admin:evaluation_workflowevent_add")).status_code == 403
