"""Issue 26: the evaluation sheet lists the project's cases by the stage reached by the round's
year and its adoptions up to that year with amounts (page and xlsx); a finished sheet keeps the
lists as rated; the sheet's query count does not grow with the number of cases."""

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from evaluation.models import EvaluationCriterion
from evaluation.selectors.rounds import freeze_sheet
from evaluation.services.cases import PartnerInput, adoption_save, case_save
from evaluation.services.evaluations import evaluation_consolidate, rating_save, round_create
from projects.cases import StageStep
from projects.models import (
    Adoption,
    CollaborationCase,
    Membership,
    Organisation,
    OrganisationType,
    PolicyTool,
)
from tests.sheets import table

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(project, users):
    firms = []
    for name in ("株式会社東洋ボデー", "京都モノテック株式会社"):
        firm = Organisation.objects.create(name=name, type=OrganisationType.FIRM)
        Membership.objects.create(
            organisation=firm, project=project, joined=datetime.date(2006, 4, 1)
        )
        firms.append(firm)
    tool = PolicyTool.objects.create(
        code="regional-consortium-rnd", name_ja="地域新生コンソーシアム研究開発事業"
    )
    criterion = EvaluationCriterion.objects.create(code="policy-tools", name_ja="政策ツールの活用")
    evaluation_round = round_create(
        by=users["manager"],
        phase=project.phase,
        fiscal_year=2008,
        title="中間評価（2008年度）",
        criteria=[criterion],
        assignments={project: [users["evaluator"]]},
    )
    return {
        "firms": firms,
        "tool": tool,
        "criterion": criterion,
        "evaluation": evaluation_round.evaluations.get(),
    }


def add_case(project, world, staff, title, steps, **extra):
    return case_save(
        case=CollaborationCase(project=project, title=title, lead=world["firms"][0], **extra),
        stages=steps,
        partners=[PartnerInput(world["firms"][1].pk, "共同研究先")],
        by=staff,
    )


def add_adoption(project, world, staff, year, amount, case=None):
    return adoption_save(
        adoption=Adoption(
            tool=world["tool"],
            fiscal_year=year,
            project=project,
            consortium_name="東洋ボデー連携体",
            amount_yen=amount,
            case=case,
        ),
        by=staff,
    )


@pytest.fixture
def listed(project, users, world):
    staff = users["staff"]
    success = add_case(
        project,
        world,
        staff,
        "アルミ製超軽量トラックボディーの開発",
        [
            StageStep("rd", 2006),
            StageStep("prototype", 2007),
            StageStep("product", 2008),
            StageStep("business", 2008),
        ],  # fmt: skip
        reference=True,
        sales_yen=120_000_000,
    )
    add_case(
        project,
        world,
        staff,
        "マイクロＨＰＬＣの開発",
        [StageStep("rd", 2006), StageStep("prototype", 2007), StageStep("product", 2009)],
    )
    add_case(project, world, staff, "2009年度に始まった事例", [StageStep("rd", 2009)])
    add_adoption(project, world, staff, 2007, 60_000_000, case=success)
    add_adoption(project, world, staff, 2008, 15_000_000)
    add_adoption(project, world, staff, 2009, 99_000_000)  # after the round's year
    return success


def section(page: str) -> str:
    return page.split('id="h-network"')[1].split("</section>")[0]


def test_the_sheet_lists_cases_by_stage_and_adoptions_with_amounts(client, users, world, listed):
    client.force_login(users["evaluator"])
    page = client.get(world["evaluation"].get_absolute_url()).content.decode()
    network = section(page)
    # the furthest stage reached by FY2008, the furthest first; a later stage is not counted
    assert network.index("<h4>事業化</h4>") < network.index("アルミ製超軽量トラックボディーの開発")
    assert network.index("<h4>試作</h4>") < network.index("マイクロＨＰＬＣの開発")
    assert "<h4>製品化</h4>" not in network
    assert "2009年度に始まった事例" not in network
    assert "連携事例（2件）" in network and "代表事例" in network
    assert "京都モノテック株式会社（共同研究先）" in network
    assert "120,000,000" in network
    assert "採択（2件）" in network
    assert "60,000,000" in network and "15,000,000" in network
    assert "99,000,000" not in network
    assert "75,000,000" in network  # the total granted up to FY2008


def test_the_sheet_workbook_has_the_cases_and_the_adoptions(client, users, world, listed):
    client.force_login(users["manager"])
    url = reverse(
        "evaluation_sheet_download", args=[world["evaluation"].round_id, "kanto-regional"]
    )
    book = openpyxl.load_workbook(io.BytesIO(client.get(url).content))
    cases = table(book["連携事例"])
    header = cases[0]
    assert header[:2] == ["到達段階", "事例名"] and "売上高（円）" in header
    rows = {row[1]: row for row in cases[1:]}
    assert rows["アルミ製超軽量トラックボディーの開発"][0] == "事業化"
    assert rows["アルミ製超軽量トラックボディーの開発"][header.index("売上高（円）")] == 120_000_000
    assert rows["マイクロＨＰＬＣの開発"][0] == "試作"
    assert "2009年度に始まった事例" not in rows
    adoptions = table(book["採択"])
    amounts = [row[4] for row in adoptions[1:]]
    assert amounts[:2] == [60_000_000, 15_000_000]
    assert adoptions[-1][0] == "採択額の合計" and adoptions[-1][4] == 75_000_000
    assert 99_000_000 not in amounts


def finish_frozen(world, users):
    evaluation = world["evaluation"]
    rating_save(
        evaluation=evaluation,
        by=users["evaluator"],
        expected_version=0,
        overall_grade="B",
        findings="",
        recommendations="",
        grades={world["criterion"].pk: "B"},
    )
    evaluation.refresh_from_db()
    return evaluation_consolidate(
        evaluation=evaluation,
        by=users["manager"],
        expected_version=evaluation.version,
        final_grade="B",
        findings="所見",
        recommendations="",
        finish=True,
        freeze=freeze_sheet,
    )


def test_a_finished_sheet_keeps_its_cases_and_adoptions_as_rated(
    client, project, users, world, listed
):
    evaluation = finish_frozen(world, users)
    client.force_login(users["manager"])
    url = evaluation.get_absolute_url()
    before = section(client.get(url).content.decode())
    assert "評価時点から変更はありません" in before
    # later: the case is renamed, an adoption of FY2008 is added
    listed.title = "改名した事例"
    add_case_again = case_save(
        case=listed,
        stages=[
            StageStep("rd", 2006),
            StageStep("prototype", 2007),
            StageStep("product", 2008),
            StageStep("business", 2008),
        ],  # fmt: skip
        partners=[],
        by=users["staff"],
    )
    assert add_case_again.title == "改名した事例"
    add_adoption(project, world, users["staff"], 2008, 1_000_000)

    after = section(client.get(url).content.decode())
    assert "アルミ製超軽量トラックボディーの開発" in after and "改名した事例" not in after
    assert "75,000,000" in after and "76,000,000" not in after
    assert "評価時点から連携事例または採択が変更されています" in after
    current = section(client.get(url, {"current": "1"}).content.decode())
    assert "改名した事例" in current and "76,000,000" in current
    download = reverse("evaluation_sheet_download", args=[evaluation.round_id, "kanto-regional"])
    book = openpyxl.load_workbook(io.BytesIO(client.get(download).content))
    assert "アルミ製超軽量トラックボディーの開発" in [row[1] for row in table(book["連携事例"])]


def test_the_sheet_says_when_there_are_no_cases_nor_adoptions(client, users, world):
    client.force_login(users["evaluator"])
    network = section(client.get(world["evaluation"].get_absolute_url()).content.decode())
    assert "連携事例はありません。" in network and "採択はありません。" in network


@pytest.mark.parametrize("size", [1, 9])
def test_the_sheet_query_count_does_not_grow_with_the_cases(
    client, project, users, world, size, django_assert_num_queries
):
    for index in range(size):
        case = add_case(
            project,
            world,
            users["staff"],
            f"事例{index}",
            [StageStep("rd", 2006), StageStep("prototype", 2006 + index % 3)],
        )
        add_adoption(project, world, users["staff"], 2007, 1000 * index, case=case)
    client.force_login(users["evaluator"])
    url = world["evaluation"].get_absolute_url()
    # session, user, evaluation (+round, phase, project, bureau, snapshot), plan, values, rating
    # bands, yearly plans, self-checks, cases (+lead), their stages, their partners (+the
    # organisations), adoptions (+tool, organisation, case), the evaluator's ratings, the
    # round's criteria, own rating: the same with 1 and 9 cases
    with django_assert_num_queries(16):
        response = client.get(url)
    assert response.status_code == 200
    assert f"連携事例（{size}件）" in response.content.decode()
