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


# --- The demo member lists (issue 25) ---------------------------------------------------------


def test_demo_member_lists_reproduce_the_seeds_counts_on_31_march_2006(demo):
    from evaluation.selectors.registry import type_counts
    from projects.models import Membership

    def counts(code):
        found = type_counts(Membership.objects.filter(project__code=code), [2005])
        return {kind: years[2005] for kind, years in found.items() if years[2005]}

    tama = counts("kanto-regional-revitalisation")
    assert tama["firm"] == 280 and tama["university"] == 35 and tama["finance"] == 11
    assert tama["government"] + tama["chamber"] == 65
    kinki = counts("kinki-bio")
    assert (kinki["firm"], kinki["university"] + kinki["research"]) == (230, 50)
    assert (kinki["government"], kinki["finance"]) == (9, 19)
    hokkaido = counts("hokkaido-super-cluster")
    assert (hokkaido["firm"], hokkaido["university"] + hokkaido["research"]) == (360, 21)
    assert (hokkaido["government"], hokkaido["finance"]) == (6, 42)


def test_demo_firms_are_fictional_and_say_so(demo):
    from projects.models import Organisation

    firms = Organisation.objects.filter(type="firm")
    assert firms.count() > 1000
    assert not firms.filter(fictional=False).exists()
    assert not firms.exclude(name__endswith="（架空）").exists()
    assert not Organisation.objects.exclude(type="firm").filter(fictional=True).exists()


def test_demo_national_distinct_universities_are_fewer_than_the_sum(demo):
    from evaluation.selectors.registry import national_member_counts

    (count,) = [
        c
        for c in national_member_counts([2007])
        if c.indicator_code == "participating-universities"
    ]
    assert count.distinct < count.total
    assert count.total - count.distinct >= 10  # 東京大学, 東北大学, 産総研 … in several projects


def test_demo_member_lists_grow_after_phase_i(demo):
    from projects.models import Membership

    kanto = Membership.objects.filter(project__code="kanto-regional-revitalisation")
    firms = kanto.filter(organisation__type="firm")
    assert firms.at_year_end(2008).count() > firms.at_year_end(2005).count()
    assert kanto.filter(left__isnull=False).exists()
