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


# --- National targets of any catalogue indicator (issue 26) -----------------------------------


def edit_post(overall, **national):
    data = {"version": overall.version, "mid_term_fiscal_year": 2008, "description": "第II期"}
    data["national_total"] = national.pop("total", "")
    for year in range(2006, 2011):
        data[f"national_{year}"] = national.get(f"y{year}", "")
    return data


def test_a_manager_sets_national_targets_for_another_indicator(client, overall, users, common):
    sales = IndicatorFactory(
        code="collaboration-sales",
        name_ja="連携事業の売上高",
        unit="yen",
        entry_money_unit="million",
        category="e",
    )
    IndicatorFactory(code="universities", name_ja="参画大学数", additive=False)
    client.force_login(users["manager"])
    url = reverse("overall_plan_edit", args=["II"])
    page = client.get(url, {"indicator": sales.code}).content.decode()
    assert "連携事業の売上高の全国目標（期全体）" in page and "単位：百万円" in page
    chooser = page.split('id="national-indicator"')[1].split("</form>")[0]
    assert "連携事業の売上高" in chooser and "新事業開始件数" in chooser
    assert "参画大学数" not in chooser  # does not add up across projects
    response = client.post(
        f"{url}?indicator={sales.code}", edit_post(overall, total="1,500", y2008="250.5")
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    stored = {t.fiscal_year: t.value for t in NationalTarget.objects.filter(indicator=sales)}
    assert stored == {None: 1_500_000_000, 2008: 250_500_000}  # typed in 百万円, kept in yen
    assert NationalTarget.objects.get(indicator=common).value == 40000  # left alone
    target = NationalTarget.objects.get(indicator=sales, fiscal_year=2008)
    assert target.history.first().history_user == users["manager"]
    detail = client.get(reverse("overall_plan_detail", args=["II"])).content.decode()
    table = detail.split('id="national-target-table"')[1].split("</table>")[0]
    row = next(r for r in table.split("<tr>") if "連携事業の売上高" in r)
    assert "百万円" in row and ">1,500<" in row and ">250.5<" in row
    assert "新事業開始件数" in table and "40,000" in table
    # a value not a whole yen is refused on its field, nothing changes
    response = client.post(f"{url}?indicator={sales.code}", edit_post(overall, y2009="0.0000001"))
    assert response.status_code == 200 and "1円未満の端数があります" in response.content.decode()
    assert NationalTarget.objects.filter(indicator=sales).count() == 2
    # clearing a field removes its target
    overall.refresh_from_db()
    client.post(f"{url}?indicator={sales.code}", edit_post(overall, total="1500"))
    assert set(
        NationalTarget.objects.filter(indicator=sales).values_list("fiscal_year", flat=True)
    ) == {None}


def test_an_indicator_that_does_not_add_up_takes_no_national_target(client, overall, users, common):
    universities = IndicatorFactory(code="universities", name_ja="参画大学数", additive=False)
    share = IndicatorFactory(code="sme-share", name_ja="中小企業の割合", unit="percent")
    client.force_login(users["manager"])
    url = reverse("overall_plan_edit", args=["II"])
    assert client.get(url, {"indicator": universities.code}).status_code == 404
    assert client.get(url, {"indicator": share.code}).status_code == 404
    assert client.get(url, {"indicator": "no-such-indicator"}).status_code == 404
    overall.refresh_from_db()
    with pytest.raises(ValidationError):
        overall_plan_update(
            overall=overall,
            expected_version=overall.version,
            by=users["manager"],
            mid_term_fiscal_year=2008,
            description="",
            indicator=universities,
            national={None: Decimal(5)},
        )
    assert not NationalTarget.objects.filter(indicator=universities).exists()
    client.force_login(users["staff"])
    assert client.get(url, {"indicator": common.code}).status_code == 403
    page = client.get(reverse("overall_plan_detail", args=["II"])).content.decode()
    assert 'id="national-target-table"' in page and "全国目標を設定する" not in page


def test_the_plans_table_pages_in_bureau_and_project_order(
    client, overall, users, bureau, other_bureau, common
):
    """The table of the plans' common targets, 50 a page: its keys are sorted alone and the
    page's rows read by them (read_by_keys, issue 27). Two pages hold every plan once, in the
    bureaus' order, then the projects', whatever order they were made in."""
    import re

    from django.core.management import call_command

    from evaluation.models import ProjectPlan

    bureau.order, other_bureau.order = 2, 1
    bureau.save()
    other_bureau.save()
    made = []
    for n in range(56):
        project = ProjectFactory(
            bureau=(bureau, other_bureau)[n % 2],
            phase=overall.phase,
            code=f"order-{n}",
            name_ja=f"並び{n:02d}",
            order=(n * 37) % 56,  # not the order they are made in
        )
        plan = ProjectPlan.objects.create(project=project, phase=overall.phase, state="approved")
        Target.objects.create(plan=plan, indicator=common, cumulation="flow")
        made.append(project)
    call_command("rebuild_summaries", stdout=open("/dev/null", "w"))  # noqa: SIM115
    expected = [p.name_ja for p in sorted(made, key=lambda p: (p.bureau.order, p.order))]
    client.force_login(users["manager"])
    url = reverse("overall_plan_detail", args=["II"])
    shown = []
    for number in (1, 2):
        page = client.get(url, {"page": number}).content.decode()
        shown += re.findall(r'<tr><th scope="row">(並び\d\d)</th>', page)
    assert shown == expected
