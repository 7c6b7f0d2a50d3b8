"""The d) and a) figures the case and adoption lists give, the cost per outcome and the review
sheet of a policy tool (issue 26)."""

import pytest

from evaluation.selectors.cases import (
    list_figures,
    project_costs,
    review_sheet,
    stage_counts,
    tool_costs,
)
from evaluation.services.cases import adoption_save, case_save
from projects.cases import StageStep
from projects.models import (
    Adoption,
    CollaborationCase,
    Organisation,
    OrganisationType,
    PolicyTool,
    PolicyToolBudget,
)
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tools():
    rnd = PolicyTool.objects.create(
        code="regional-consortium-rnd",
        name_ja="地域新生コンソーシアム研究開発事業",
        support_area="rnd",
    )
    network = PolicyTool.objects.create(
        code="network", name_ja="ネットワーク形成事業", support_area="network"
    )
    PolicyToolBudget.objects.create(tool=rnd, fiscal_year=2006, amount_yen=13_720_000_000)
    return rnd, network


def make_case(project, staff, title, steps):
    firm = Organisation.objects.create(name=f"{title}株式会社", type=OrganisationType.FIRM)
    return case_save(
        case=CollaborationCase(project=project, title=title, lead=firm),
        stages=[StageStep(*s) for s in steps],
        partners=[],
        by=staff,
    )


def adopt(project, staff, tool, year, amount, case=None):
    return adoption_save(
        adoption=Adoption(
            tool=tool,
            fiscal_year=year,
            project=project,
            consortium_name="札幌テスト連携体",
            amount_yen=amount,
            case=case,
        ),
        by=staff,
    )


@pytest.fixture
def world(project, users, tools):
    rnd, network = tools
    staff = users["staff"]
    success = make_case(
        project,
        staff,
        "成功",
        [("rd", 2006), ("prototype", 2006), ("product", 2007), ("business", 2007)],
    )
    product = make_case(
        project, staff, "製品", [("rd", 2006), ("prototype", 2007), ("product", 2008)]
    )
    make_case(project, staff, "研究", [("rd", 2007)])
    adopt(project, staff, rnd, 2006, 60_000_000, success)
    adopt(project, staff, rnd, 2006, 30_000_000, product)
    adopt(project, staff, rnd, 2007, 30_000_000)
    adopt(project, staff, network, 2007, 5_000_000)
    return project, rnd, network


def test_cases_reaching_each_stage_are_counted_by_year(world):
    project, _, _ = world
    counts = stage_counts(project, [2006, 2007, 2008])
    assert counts[("rd", 2006)] == 2 and counts[("rd", 2007)] == 1
    assert counts[("business", 2007)] == 1 and counts[("business", 2006)] == 0
    assert counts[("product", 2008)] == 1


def test_the_lists_give_success_cases_and_adoptions_by_year(world, django_assert_max_num_queries):
    project, _, _ = world
    with django_assert_max_num_queries(2):  # stages by year, adoptions by year
        figures = list_figures(project, [2006, 2007])
    assert figures[("success-cases", 2007)].value == 1
    assert figures[("success-cases", 2007)].source == "事例から"
    assert figures[("success-cases", 2006)].value == 0
    assert figures[("policy-tools-used", 2007)].value == 2
    assert figures[("rnd-projects-adopted", 2007)].value == 1
    assert figures[("rnd-projects-adopted", 2006)].source == "採択一覧から"


def test_cost_per_outcome_per_project_keeps_numerator_and_denominator(world, bureau):
    project, _, _ = world
    empty = ProjectFactory(bureau=bureau)
    row, none = project_costs([project, empty])
    assert (row.granted_yen, row.success_cases, row.product_cases) == (125_000_000, 1, 2)
    assert row.per_success.yen == 125_000_000 and row.per_product.yen == 62_500_000
    assert none.per_success.yen is None
    assert none.per_success_note == "事業化に至った事例がないため算出できません"


def test_cost_per_outcome_nationally_per_tool_counts_the_cases_it_funded(world):
    _, rnd, network = world
    rnd_row, network_row = tool_costs([rnd, network])
    assert (rnd_row.granted_yen, rnd_row.success_cases, rnd_row.product_cases) == (
        120_000_000,
        1,
        2,
    )
    assert rnd_row.per_success.yen == 120_000_000
    assert network_row.per_success.yen is None and network_row.per_product_note


@pytest.mark.parametrize("extra", [0, 20])
def test_the_review_sheet_of_a_tool(world, users, extra, django_assert_max_num_queries):
    project, rnd, _ = world
    for _i in range(extra):
        adopt(project, users["staff"], rnd, 2008, 1_000_000)
    # tool, budgets, adoptions by year, funded cases' stages and count, cost: granted + outcomes
    with django_assert_max_num_queries(7):
        sheet = review_sheet(users["other_staff"], "regional-consortium-rnd")
    by_year = {y.fiscal_year: y for y in sheet.years}
    assert by_year[2006].budget_yen == 13_720_000_000 and by_year[2006].adoptions == 2
    assert by_year[2006].granted_yen == 90_000_000
    assert sheet.stages == {"business": 1, "product": 1} and sheet.cases == 2
    assert sheet.cost.per_success.yen == 120_000_000 + extra * 1_000_000


def test_the_review_sheet_page_shows_figures_to_another_bureau(world, users, client):
    from django.urls import reverse

    client.force_login(users["other_staff"])
    page = client.get(reverse("tool_review_sheet", args=["regional-consortium-rnd"]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "単位当たりコスト" in text and "120,000,000" in text and "札幌テスト連携体" not in text
    client.force_login(users["manager"])
    empty = client.get(reverse("tool_review_sheet", args=["network"])).content.decode()
    assert "事業化に至った事例がないため算出できません" in empty


def test_the_report_page_shows_the_success_cases_from_the_case_list(world, users, client):
    from decimal import Decimal

    from django.urls import reverse

    from tests.evaluation.test_national import report_with
    from tests.factories import IndicatorFactory

    project, _, _ = world
    success = IndicatorFactory(
        code="success-cases", name_ja="成功事例数", unit="cases", category="d"
    )
    IndicatorFactory(code="new-businesses-started", name_ja="新事業開始件数", is_common_target=True)
    report_with(project, 2007, [(success, "number", Decimal(3))], users, state="draft")
    client.force_login(users["staff"])
    response = client.get(reverse("report_detail", args=[project.code, 2007]))
    (row,) = response.context["list_figures"]
    assert (row.listed.value, row.listed.source, row.differs) == (1, "事例から", True)
    assert "一覧と異なります" in response.content.decode()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_review_sheet_downloads_with_its_japanese_name(world, users, client, fmt):
    from urllib.parse import unquote

    from django.urls import reverse

    client.force_login(users["manager"])
    url = reverse("tool_review_sheet_export", args=["regional-consortium-rnd", fmt])
    response = client.get(url)
    assert response.status_code == 200
    assert "レビューシート_地域新生コンソーシアム研究開発事業" in unquote(
        response["Content-Disposition"]
    )
    if fmt == "csv":
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        assert "120000000" in text and "事業化に至った事例（成功事例）" in text
