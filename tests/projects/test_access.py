"""DOMAIN.md's access table at the level of scoping QuerySets and fetch helpers.

Views reuse these helpers; the per-URL matrix lives in tests/test_permission_matrix.py."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from evaluation.models import MonitoredValue
from evaluation.selectors.monitoring import get_monitored_value_for_user
from projects.models import Project, Role
from projects.selectors import get_project_for_user
from tests.factories import MonitoredValueFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_project(other_bureau):
    return ProjectFactory(bureau=other_bureau, code="kinki-bio")


def test_roles_come_from_groups(users):
    assert users["staff"].role == Role.STAFF
    assert users["manager"].role == Role.MANAGER
    assert users["evaluator"].role == Role.EVALUATOR
    assert users["admin"].role == Role.ADMIN
    assert users["no_role"].role is None


def test_staff_without_a_bureau_has_no_role():
    assert UserFactory(role=Role.STAFF, bureau=None).role is None


def test_highest_role_wins_for_a_user_in_several_groups(bureau):
    user = UserFactory(bureau=bureau, role=Role.STAFF)
    user.groups.add(*UserFactory(role=Role.MANAGER).groups.all())
    user = type(user).objects.get(pk=user.pk)
    assert user.role == Role.MANAGER


@pytest.mark.parametrize(
    "who", ["staff", "other_staff", "manager", "evaluator", "admin", "no_role"]
)
def test_every_signed_in_user_reads_reference_projects(users, project, other_project, who):
    assert set(Project.objects.visible_to(users[who])) == {project, other_project}
    assert get_project_for_user(users[who], project.code) == project


def test_anonymous_sees_no_project(project):
    assert not Project.objects.visible_to(AnonymousUser()).exists()
    with pytest.raises(Http404):
        get_project_for_user(AnonymousUser(), project.code)


def test_inactive_user_sees_nothing(users, project):
    user = users["staff"]
    user.is_active = False
    assert not Project.objects.visible_to(user).exists()


def test_only_own_bureau_staff_may_change_a_project_record(users, project):
    assert get_project_for_user(users["staff"], project.code, write=True) == project
    for who in ["other_staff", "manager", "evaluator", "admin", "no_role"]:
        with pytest.raises(PermissionDenied):
            get_project_for_user(users[who], project.code, write=True)


def test_unknown_project_code_is_404(users):
    with pytest.raises(Http404):
        get_project_for_user(users["manager"], "no-such-project")


@pytest.fixture
def values(project, other_project):
    return {
        "own_reported": MonitoredValueFactory(project=project),
        "own_reference": MonitoredValueFactory(project=project, origin="reference"),
        "other_reported": MonitoredValueFactory(project=other_project),
        "other_reference": MonitoredValueFactory(project=other_project, origin="reference"),
    }


@pytest.mark.parametrize(
    ("who", "visible"),
    [
        ("staff", {"own_reported", "own_reference", "other_reference"}),
        ("other_staff", {"own_reference", "other_reported", "other_reference"}),
        ("manager", {"own_reported", "own_reference", "other_reported", "other_reference"}),
        ("admin", {"own_reported", "own_reference", "other_reported", "other_reference"}),
        ("evaluator", {"own_reference", "other_reference"}),
        ("no_role", {"own_reference", "other_reference"}),
    ],
)
def test_reported_values_are_scoped_like_drafts(users, values, who, visible):
    seen = set(MonitoredValue.objects.visible_to(users[who]))
    assert seen == {values[name] for name in visible}


def test_anonymous_sees_no_value(values):
    assert not MonitoredValue.objects.visible_to(AnonymousUser()).exists()


def test_outsider_gets_404_reader_gets_403_owner_may_write(users, values, project):
    value = values["own_reported"]
    key = (project.code, value.indicator.code, value.fiscal_year)
    assert get_monitored_value_for_user(users["staff"], *key, write=True) == value
    with pytest.raises(Http404):
        get_monitored_value_for_user(users["other_staff"], *key)
    with pytest.raises(PermissionDenied):
        get_monitored_value_for_user(users["manager"], *key, write=True)
    assert get_monitored_value_for_user(users["manager"], *key) == value


def test_reference_values_are_read_only_even_for_own_bureau(users, values, project):
    value = values["own_reference"]
    with pytest.raises(PermissionDenied):
        get_monitored_value_for_user(
            users["staff"], project.code, value.indicator.code, value.fiscal_year, write=True
        )
