"""The demo's cases and adoptions (issue 26): the review sheet of 地域新生コンソーシアム研究開発事業
shows adoptions, cases by stage and the cost per success case."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction

from evaluation.selectors.cases import review_sheet
from projects.models import Adoption, CollaborationCase, User

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo_world(django_db_setup, django_db_blocker):
    """The reference and demo data, loaded once per module (once per xdist worker) inside a
    transaction rolled back after the module's last test; each test runs in a savepoint of it."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_reference", verbosity=0)
        call_command("load_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo(demo_world, db):
    pass


def test_the_demo_review_sheet_of_the_consortium_rnd_tool(demo):
    manager = User.objects.get(groups__name="manager", is_active=True)
    sheet = review_sheet(manager, "regional-consortium-rnd")
    by_year = {year.fiscal_year: year for year in sheet.years}
    assert sum(by_year[y].adoptions for y in (2001, 2002, 2003) if y in by_year) >= 31
    assert by_year[2005].budget_yen == 13_720_000_000
    assert sheet.stages["business"] >= 2  # Toyo Body and the Open SOAP venture among them
    assert sheet.cost.success_cases == sheet.stages["business"]
    assert sheet.cost.per_success.yen == round(sheet.cost.granted_yen / sheet.cost.success_cases)
    assert sheet.cost.per_success_note == ""


def test_the_demo_has_the_seeds_reference_cases_and_31_hokkaido_adoptions(demo):
    reference = {
        c.project.code: c for c in CollaborationCase.objects.filter(reference=True).with_related()
    }
    assert reference["kanto-regional-revitalisation"].stage_reached == "business"
    assert reference["kinki-bio"].stage_reached == "product"
    assert reference["hokkaido-super-cluster"].stage_reached == "business"
    hokkaido = Adoption.objects.filter(
        project__code="hokkaido-super-cluster",
        tool__code="regional-consortium-rnd",
        fiscal_year__in=[2001, 2002, 2003],
    )
    assert hokkaido.count() == 31
    assert all("架空" in note for note in hokkaido.values_list("note", flat=True))
    stages = {c.stage_reached for c in CollaborationCase.objects.with_related()}
    assert {"rd", "prototype", "product", "business"} <= stages
    call_command("load_demo", stdout=io.StringIO())  # idempotent
    assert Adoption.objects.filter(project__code="hokkaido-super-cluster").count() == 35


def test_the_demo_finished_sheets_list_the_demo_cases_as_rated(demo):
    from evaluation.models import ProjectEvaluation
    from evaluation.selectors.rounds import sheet_for_reader

    finished = list(
        ProjectEvaluation.objects.filter(state=ProjectEvaluation.State.FINISHED).select_related(
            "round__phase", "project__bureau", "snapshot"
        )
    )
    assert finished
    counts = {e.project.code: e.snapshot.sheet["network"]["case_count"] for e in finished}
    assert sum(counts.values()) > 0, counts  # the demo's lists were recorded in the snapshots
    sheet = sheet_for_reader(next(e for e in finished if counts[e.project.code]))
    assert sheet["frozen_at"] and not sheet["network_changed"]
