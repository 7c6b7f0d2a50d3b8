import io

import pytest
from django.core.management import call_command
from django.db import transaction

from evaluation.demo.load import DEMO_PASSWORD
from evaluation.models import MonitoredValue, ValueKind
from projects.models import Bureau, Role, User

pytestmark = pytest.mark.django_db


def load_all():
    call_command("load_reference", verbosity=0)
    call_command("load_demo", stdout=io.StringIO())


def snapshot():
    rows = MonitoredValue.objects.values_list(
        "project__code", "indicator__code", "fiscal_year", "kind", "value"
    )
    counts = (User.objects.count(), MonitoredValue.objects.count(), MonitoredValue.history.count())
    return counts, sorted(rows)


@pytest.fixture(scope="module")
def demo_world(django_db_setup, django_db_blocker):
    """The reference and demo data, loaded once per module (once per xdist worker) inside a
    transaction rolled back after the module's last test; each test runs in a savepoint of it."""
    with django_db_blocker.unblock(), transaction.atomic():
        load_all()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo(demo_world, db):
    pass


def test_demo_accounts_exist_with_their_roles_and_log_in(demo, client):
    assert User.objects.get(username="admin").role == Role.ADMIN
    assert User.objects.get(username="manager").role == Role.MANAGER
    assert User.objects.get(username="evaluator").role == Role.EVALUATOR
    for bureau in Bureau.objects.all():
        staff = User.objects.get(username=f"staff-{bureau.code}")
        assert staff.role == Role.STAFF and staff.bureau == bureau
    # Through the login form: the login throttle (django-axes) authenticates with the request.
    response = client.post(
        "/accounts/login/", {"username": "staff-kanto", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(User.objects.get(username="staff-kanto").pk)


def test_demo_values_cover_four_years_and_all_four_kinds(demo):
    demo_values = MonitoredValue.objects.filter(is_demo=True)
    assert set(demo_values.values_list("fiscal_year", flat=True)) == {2005, 2006, 2007, 2008}
    assert set(demo_values.values_list("kind", flat=True)) >= {
        ValueKind.NUMBER,
        ValueKind.NOT_APPLICABLE,
        ValueKind.UNKNOWN,
    }
    assert demo_values.values("project").distinct().count() == 6
    assert all(v.origin == "reported" for v in demo_values)


def test_demo_values_are_audited_under_the_bureau_staff(demo):
    value = MonitoredValue.objects.filter(is_demo=True, project__bureau__code="kanto").first()
    entry = value.history.latest()
    assert entry.history_user.username == "staff-kanto"


def test_loading_twice_duplicates_and_changes_nothing(demo):
    before = snapshot()
    load_all()
    assert snapshot() == before


def test_demo_plans_in_several_workflow_states(demo):
    from evaluation.models import ProjectPlan

    states = dict(ProjectPlan.objects.values_list("project__code", "state"))
    assert states == {
        "kanto-regional-revitalisation": "approved",
        "hokkaido-super-cluster": "submitted",
        "tohoku-it-life-manufacturing": "returned",
        "chubu-tokai-monozukuri": "draft",
        "kinki-bio": "reopened",
    }
    kanto = ProjectPlan.objects.get(project__code="kanto-regional-revitalisation")
    assert kanto.current_scenario().milestones.count() == 3
    assert [e.action for e in kanto.events()] == ["submit", "approve"]
