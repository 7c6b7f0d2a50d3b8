"""The overall plan: managers change it; its roll-up sets national targets beside the projects'."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from evaluation.models import NationalTarget, OverallPlan, Target
from evaluation.services.overall import overall_plan_update
from evaluation.services.targets import target_set_values
from tests.factories import IndicatorFactory, ProjectFactory, ProjectPlanFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def common(db):
    return IndicatorFactory(
        code="new-businesses-started", name_ja="新事業開始件数", is_common_target=True
    )


@pytest.fixture
def overall(project, common):
    plan = OverallPlan.objects.create(phase=project.phase, mid_term_fiscal_year=2008)
    NationalTarget.objects.create(overall_plan=plan, indicator=common, value=40000)
    return plan


def add_plan_with_target(project, users, by_year: dict, final: int, staff=None):
    plan = ProjectPlanFactory(project=project, phase=project.phase)
    target = Target.objects.create(
        plan=plan, indicator=IndicatorFactory(code="new-businesses-started"), cumulation="flow"
    )
    target_set_values(
        target=target,
        expected_version=plan.version,
        by=staff or users["staff"],
        target_value=Decimal(final),
        target_fiscal_year=2010,
        milestones={y: Decimal(v) for y, v in by_year.items()},
    )
    return plan


def update(overall, user, **kwargs):
    values = dict(mid_term_fiscal_year=2008, description="第II期", national={None: Decimal(40000)})
    values.update(kwargs)
    overall.refresh_from_db()
    return overall_plan_update(
        overall=overall,
        expected_version=overall.version,
        by=user,
        indicator=overall.national_targets.first().indicator,
        **values,
    )


def test_only_managers_change_the_overall_plan(overall, users):
    for who in ["staff", "other_staff", "evaluator", "admin"]:
        with pytest.raises(PermissionDenied):
            update(overall, users[who])
    plan = update(overall, users["manager"], national={None: Decimal(38000), 2006: Decimal(7000)})
    assert plan.version == 2
    assert dict(plan.national_targets.values_list("fiscal_year", "value")) == {
        None: Decimal(38000),
        2006: Decimal(7000),
    }
    assert plan.history.latest().history_user == users["manager"]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"national": {None: Decimal(-1)}},
        {"national": {2012: Decimal(5)}},
        {"mid_term_fiscal_year": 2012},
    ],
)
def test_bad_overall_plan_input_changes_nothing(overall, users, kwargs):
    with pytest.raises(ValidationError):
        update(overall, users["manager"], **kwargs)
    overall.refresh_from_db()
    assert overall.version == 1 and overall.national_targets.get().value == 40000


def test_rollup_page_sums_the_projects_and_marks_disagreement(client, overall, users, bureau):
    other = ProjectFactory(bureau=bureau, phase=overall.phase)
    add_plan_with_target(
        overall.phase.projects.first(),
        users,
        {2006: 1000, 2007: 2000, 2008: 3000, 2009: 4000},
        5000,
    )
    add_plan_with_target(other, users, {2006: 500, 2007: 500, 2008: 500, 2009: 500}, 500)
    overall_plan_update(
        overall=overall,
        expected_version=1,
        by=users["manager"],
        mid_term_fiscal_year=2008,
        description="",
        indicator=overall.national_targets.first().indicator,
        national={None: Decimal(40000), 2006: Decimal(1500), 2007: Decimal(3000)},
    )
    client.force_login(users["staff"])
    page = client.get(reverse("overall_plan_detail", args=["II"])).content.decode()
    # 2006: 1,000 + 500 = 1,500 = national → agrees; 2007: 2,500 ≠ 3,000; phase: 15,000 + 2,500
    assert "1,500" in page and "2,500" in page and "-500" in page
    assert "17,500" in page and "-22,500" in page
    assert page.count('badge--approved">一致') == 1
    assert page.count("不一致") == 2


def test_overall_plan_page_query_count(
    client, overall, users, bureau, django_assert_max_num_queries
):
    for _ in range(8):
        add_plan_with_target(
            ProjectFactory(bureau=bureau, phase=overall.phase), users, {2007: 10}, 20
        )
    client.force_login(users["staff"])
    url = reverse("overall_plan_detail", args=["II"])
    # session, user, groups, bureau, overall plan, common indicator, the kept common target
    # totals (the roll-up rows), a page of targets (+plans, projects, bureaus), versions,
    # milestones, national targets, budgets with tools
    with django_assert_max_num_queries(13):
        response = client.get(url)
    assert response.status_code == 200


def test_rollup_shows_other_bureaus_plans_only_once_approved(client, overall, users, project):
    from evaluation.services.workflow import workflow_transition

    plan = add_plan_with_target(project, users, {2006: 1234}, 5000)
    url = reverse("overall_plan_detail", args=["II"])
    client.force_login(users["other_staff"])
    assert "1,234" not in client.get(url).content.decode()
    client.force_login(users["manager"])
    assert "1,234" in client.get(url).content.decode()
    plan = workflow_transition(obj=plan, action="submit", by=users["staff"])
    workflow_transition(obj=plan, action="approve", by=users["manager"])
    client.force_login(users["other_staff"])
    assert "1,234" in client.get(url).content.decode()
