"""Targets are entered and shown in the unit of the values they are compared with, and every
figure carries its unit (issue 22, case 5): money in the indicator's entry unit (百万円)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from evaluation.models import TargetVersion
from evaluation.services.plans import plan_create
from evaluation.services.reports import RowInput, annual_report_create, annual_report_save
from evaluation.services.targets import target_add, target_set_values
from tests.factories import IndicatorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(project, users):
    IndicatorFactory(code="new-businesses-started", name_ja="新事業開始件数", is_common_target=True)
    IndicatorFactory(
        code="net-profit",
        name_ja="純利益",
        unit="yen",
        entry_money_unit="million",
        is_optional_target=True,
        category="e",
    )
    return plan_create(project=project, phase=project.phase, by=users["staff"])


@pytest.fixture
def profit(plan, users):
    from evaluation.models import Indicator

    return target_add(
        plan=plan,
        expected_version=plan.version,
        by=users["staff"],
        indicator=Indicator.objects.get(code="net-profit"),
        cumulation="flow",
    )


def edit_url(target):
    plan = target.plan
    return reverse("target_edit", args=[plan.project.code, plan.phase.code, target.pk])


def post_values(client, target, **values):
    target.plan.refresh_from_db()
    data = {"version": target.plan.version, "target_fiscal_year": 2010, **values}
    return client.post(edit_url(target), data)


def set_profit(profit, users):
    profit.plan.refresh_from_db()
    target_set_values(
        target=profit,
        expected_version=profit.plan.version,
        by=users["staff"],
        target_value=Decimal(-20_000_000),
        target_fiscal_year=2010,
        baseline_value=Decimal(-30_000_000),
        baseline_fiscal_year=2005,
        milestones={2007: Decimal(-20_000_000)},
    )


def report_profit(project, users, millions):
    """A report of 2007 with the net profit typed as on the entry screen (百万円)."""
    from evaluation.models import Indicator

    report = annual_report_create(project=project, fiscal_year=2007, by=users["staff"])
    annual_report_save(
        report=report,
        expected_version=report.version,
        by=users["staff"],
        rows=[RowInput(Indicator.objects.get(code="net-profit"), "number", Decimal(millions))],
        activity_results={},
    )
    return report


def test_money_target_is_asked_in_the_entry_unit_and_stored_in_yen(client, users, profit):
    client.force_login(users["staff"])
    page = client.get(edit_url(profit)).content.decode()
    assert "目標値（百万円）" in page and "基準値（百万円）" in page
    response = post_values(client, profit, target_value="-20", milestone_2007="-12.5")
    assert response.status_code == 302
    version = profit.versions.get()
    assert version.target_value == -20_000_000
    assert version.milestones.get().value == -12_500_000
    page = client.get(edit_url(profit)).content.decode()
    assert 'value="-20"' in page and 'value="-12.5"' in page


def test_a_fraction_of_a_yen_is_refused_on_the_field(client, users, profit):
    client.force_login(users["staff"])
    response = post_values(client, profit, target_value="0.0000001")
    assert response.status_code == 200
    form = response.context["form"]
    assert "金額は円単位の整数になるように入力してください。" in form.errors["target_value"]
    assert not TargetVersion.objects.filter(target=profit).exists()


def test_matrix_cell_shows_target_and_actual_in_the_same_unit(client, project, users, profit):
    set_profit(profit, users)
    report_profit(project, users, -5)
    client.force_login(users["staff"])
    page = client.get(reverse("tracking_matrix", args=[project.code])).content.decode()
    assert "目標 -20百万円" in page and "-5百万円" in page
    assert "-20000000" not in page and "-20,000,000" not in page


def test_plan_page_shows_money_targets_in_the_entry_unit(client, users, profit):
    set_profit(profit, users)
    client.force_login(users["staff"])
    page = client.get(profit.plan.get_absolute_url()).content.decode()
    assert "百万円" in page and "-30（" in page and ">-20" in page
    assert "-20000000" not in page and "-20,000,000" not in page


def test_report_page_shows_target_and_actual_with_the_unit(client, project, users, profit):
    set_profit(profit, users)
    report = report_profit(project, users, -5)
    client.force_login(users["staff"])
    page = client.get(report.get_absolute_url()).content.decode()
    assert "-20百万円" in page and "-5百万円" in page


def test_an_own_target_keeps_its_own_unit(client, users, plan):
    own = target_add(
        plan=plan,
        expected_version=plan.version,
        by=users["staff"],
        own_name="海外展示会出展数",
        own_unit="times",
        direction="higher",
        own_definition="海外の展示会への出展件数",
        cumulation="flow",
    )
    client.force_login(users["staff"])
    assert "目標値（回）" in client.get(edit_url(own)).content.decode()
    assert post_values(client, own, target_value="12").status_code == 302
    assert own.versions.get().target_value == 12
    assert 'value="12"' in client.get(edit_url(own)).content.decode()
