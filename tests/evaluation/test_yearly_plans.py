"""Yearly plans: inside the plan period, copied from last year's, activities and budgets."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from evaluation.models import Activity, YearlyPlan
from evaluation.services.yearly import yearly_plan_create, yearly_plan_update
from tests.factories import IndicatorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def meetings(db):
    return IndicatorFactory(
        code="meetings-held", name_ja="研究会・交流会等の開催回数", level="output", unit="times"
    )


def test_yearly_plan_outside_the_plan_period_is_refused(plan, users):
    with pytest.raises(ValidationError, match="計画期間"):
        yearly_plan_create(plan=plan, fiscal_year=2011, by=users["staff"])
    assert not YearlyPlan.objects.exists()


def test_one_yearly_plan_per_project_and_year(plan, users):
    yearly_plan_create(plan=plan, fiscal_year=2006, by=users["staff"])
    with pytest.raises(ValidationError, match="すでにあります"):
        yearly_plan_create(plan=plan, fiscal_year=2006, by=users["staff"])
    with pytest.raises(IntegrityError), transaction.atomic():
        YearlyPlan.objects.create(project=plan.project, plan=plan, fiscal_year=2006)


def test_only_own_bureau_staff_start_a_yearly_plan(plan, users):
    for who in ["other_staff", "manager", "admin", "evaluator"]:
        with pytest.raises(PermissionDenied):
            yearly_plan_create(plan=plan, fiscal_year=2006, by=users[who])


def test_new_year_starts_as_a_copy_of_last_years(plan, users, meetings):
    first = yearly_plan_create(plan=plan, fiscal_year=2006, by=users["staff"])
    yearly_plan_update(
        yearly_plan=first,
        expected_version=1,
        by=users["staff"],
        summary="ネットワーク拡大",
        activities=[
            {
                "heading": "network",
                "title": "交流会",
                "output_indicator": meetings,
                "planned_output": Decimal(12),
                "budget_yen": 1_500_000,
                "partners": "TAMA協会",
            }
        ],
    )
    second = yearly_plan_create(plan=plan, fiscal_year=2007, by=users["staff"])
    activity = second.activities.get()
    assert (second.summary, activity.title, activity.planned_output, activity.budget_yen) == (
        "ネットワーク拡大",
        "交流会",
        12,
        1_500_000,
    )
    assert activity.history.get().history_user == users["staff"]
    blank = yearly_plan_create(plan=plan, fiscal_year=2008, by=users["staff"], copy_previous=False)
    assert not blank.activities.exists()


@pytest.mark.parametrize(
    "activity",
    [
        {"heading": "network", "title": "交流会", "planned_output": Decimal(12)},  # no indicator
        {"heading": "network", "title": "交流会", "planned_output": Decimal(-1), "meetings": 1},
        {"heading": "network", "title": "交流会", "planned_output": Decimal("1.5"), "meetings": 1},
        {"heading": "network", "title": "交流会", "budget_yen": -1},
        {"heading": "network", "title": ""},
        {"heading": "nowhere", "title": "交流会"},
    ],
)
def test_bad_activity_is_refused_and_changes_nothing(plan, users, meetings, activity):
    yearly = yearly_plan_create(plan=plan, fiscal_year=2006, by=users["staff"])
    if activity.pop("meetings", None):
        activity["output_indicator"] = meetings
    with pytest.raises(ValidationError):
        yearly_plan_update(
            yearly_plan=yearly,
            expected_version=1,
            by=users["staff"],
            summary="x",
            activities=[activity],
        )
    yearly.refresh_from_db()
    assert yearly.version == 1 and yearly.summary == "" and not Activity.objects.exists()


def edit_data(**activity):
    row = {
        "heading": "network",
        "title": "交流会",
        "output_indicator": "meetings-held",
        "planned_output": "１２",
        "budget": "1,500",
        "budget_unit": "thousand",
        "partners": "",
    }
    row.update(activity)
    data = {
        "version": 1,
        "summary": "重点",
        "act-TOTAL_FORMS": 2,
        "act-INITIAL_FORMS": 0,
        "act-1-heading": "",
        "act-1-title": "",
        "act-1-budget_unit": "thousand",
    }
    data.update({f"act-0-{k}": v for k, v in row.items()})
    return data


def test_budget_typed_in_thousand_yen_is_stored_in_yen(client, plan, users, meetings):
    yearly = yearly_plan_create(plan=plan, fiscal_year=2006, by=users["staff"])
    client.force_login(users["staff"])
    url = reverse("yearly_plan_edit", args=[plan.project.code, 2006])
    response = client.post(url, edit_data())
    assert response.status_code == 302
    activity = yearly.activities.get()
    assert activity.budget_yen == 1_500_000 and activity.planned_output == 12
    page = client.get(yearly.get_absolute_url()).content.decode()
    assert "1,500,000" in page and "1,500" in page


def test_budget_with_a_fraction_of_a_yen_is_refused_on_the_screen(client, plan, users, meetings):
    yearly_plan_create(plan=plan, fiscal_year=2006, by=users["staff"])
    client.force_login(users["staff"])
    url = reverse("yearly_plan_edit", args=[plan.project.code, 2006])
    response = client.post(url, edit_data(budget="0.5", budget_unit="yen"))
    assert response.status_code == 200
    assert "円単位の整数" in response.content.decode()
    assert "0.5" in response.content.decode()  # the input is kept
    assert not Activity.objects.exists()


def test_yearly_plan_workflow_and_lock(client, plan, users):
    yearly = yearly_plan_create(plan=plan, fiscal_year=2006, by=users["staff"])
    client.force_login(users["staff"])
    base = reverse("yearly_plan_detail", args=[plan.project.code, 2006])
    # a plan with no activities has gaps: submitting needs the explicit confirmation
    assert client.post(base + "submit/").status_code == 200
    assert client.post(base + "submit/", {"confirm_gaps": "on"}).status_code == 302
    yearly.refresh_from_db()
    assert yearly.state == "submitted"
    assert client.get(base + "edit/").status_code == 403
    client.force_login(users["manager"])
    assert client.post(base + "approve/").status_code == 302
    client.force_login(users["other_staff"])
    assert client.get(base).status_code == 200  # approved: other bureaus read it


def test_yearly_plan_page_query_count(client, plan, users, meetings, django_assert_max_num_queries):
    yearly = yearly_plan_create(plan=plan, fiscal_year=2006, by=users["staff"])
    yearly_plan_update(
        yearly_plan=yearly,
        expected_version=1,
        by=users["staff"],
        summary="x",
        activities=[
            {
                "heading": "network",
                "title": f"活動{n}",
                "output_indicator": meetings,
                "planned_output": Decimal(n),
                "budget_yen": 1000 * n,
            }
            for n in range(20)
        ],
    )
    client.force_login(users["staff"])
    url = yearly.get_absolute_url()
    # session, user, groups, the user's bureau, yearly plan (+project, bureau, plan, phase),
    # activities with indicators, their action items, the items due this year, content type,
    # change history, events
    with django_assert_max_num_queries(11):
        response = client.get(url)
    assert response.content.decode().count('<th scope="row">活動') == 20


def test_negative_planned_output_is_a_field_error_not_a_database_message(
    client, plan, users, meetings
):
    yearly_plan_create(plan=plan, fiscal_year=2006, by=users["staff"])
    client.force_login(users["staff"])
    url = reverse("yearly_plan_edit", args=[plan.project.code, 2006])
    page = client.post(url, edit_data(planned_output="-3")).content.decode()
    assert "計画値は0以上の整数" in page and "制約" not in page
    assert not Activity.objects.exists()
