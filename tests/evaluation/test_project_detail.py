import pytest
from django.urls import reverse

from evaluation.models import Indicator, ValueKind
from projects.models import SubRegion
from tests.factories import IndicatorFactory, MonitoredValueFactory, ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def firms():
    return IndicatorFactory(
        code="participating-firms",
        name_ja="参画企業数",
        measure=Indicator.Measure.STOCK,
        unit=Indicator.Unit.FIRMS,
    )


@pytest.fixture
def detail(project, firms):
    SubRegion.objects.create(project=project, name_ja="首都圏西部地域（TAMA）", order=1)
    MonitoredValueFactory(
        project=project,
        indicator=firms,
        fiscal_year=2005,
        value=1550,
        origin="reference",
        is_approximate=True,
    )
    MonitoredValueFactory(project=project, indicator=firms, fiscal_year=2007, value=1620)
    return reverse("project_detail", args=[project.code])


def test_it_shows_bureau_fields_sub_regions_and_latest_stock(client, users, detail):
    client.force_login(users["staff"])
    page = client.get(detail).content.decode()
    assert "関東経済産業局" in page
    assert "首都圏西部地域（TAMA）" in page
    assert "1,620社" in page and "2007年度（平成19年度）" in page
    assert "1,550" not in page  # only the latest year of a stock indicator


def test_other_bureau_staff_see_only_the_reference_value(client, users, detail):
    client.force_login(users["other_staff"])
    page = client.get(detail).content.decode()
    assert "約1,550社" in page and "1,620" not in page
    assert "閲覧のみ" in page


def test_owner_is_told_what_they_may_do(client, users, detail):
    client.force_login(users["staff"])
    assert "作成・編集・提出できます" in client.get(detail).content.decode()


def test_unknown_project_is_404(client, users):
    client.force_login(users["staff"])
    assert client.get(reverse("project_detail", args=["nope"])).status_code == 404


def test_not_applicable_value_shows_without_unit(client, users, project, firms):
    MonitoredValueFactory(
        project=project,
        indicator=firms,
        fiscal_year=2008,
        kind=ValueKind.NOT_APPLICABLE,
        value=None,
    )
    client.force_login(users["staff"])
    page = client.get(reverse("project_detail", args=[project.code])).content.decode()
    assert "該当なし" in page and "該当なし 社" not in page


def test_query_count_does_not_grow_with_values(
    client, users, detail, project, django_assert_max_num_queries
):
    for _ in range(15):
        indicator = IndicatorFactory(measure=Indicator.Measure.STOCK)
        for year in (2006, 2007, 2008):
            MonitoredValueFactory(project=project, indicator=indicator, fiscal_year=year)
    client.force_login(users["staff"])
    # session, user, groups (role), project with bureau and phase, fields, sub-regions,
    # the user's bureau, plans with their phase, yearly plans, annual reports, latest stock
    # values with their indicators
    with django_assert_max_num_queries(11):
        response = client.get(reverse("project_detail", args=[project.code]))
    assert response.content.decode().count('<th scope="row">') == 16


def test_home_lists_own_bureau_projects_for_staff(client, users, project, other_bureau):
    ProjectFactory(bureau=other_bureau, name_ja="近畿バイオ")
    client.force_login(users["staff"])
    page = client.get(reverse("home")).content.decode()
    assert "地域産業活性化プロジェクト" in page and "近畿バイオ" not in page
    client.force_login(users["manager"])
    page = client.get(reverse("home")).content.decode()
    assert "地域産業活性化プロジェクト" in page and "近畿バイオ" in page


def test_home_query_count_is_flat(client, users, bureau, django_assert_max_num_queries):
    for _ in range(20):
        ProjectFactory(bureau=bureau)
    client.force_login(users["staff"])
    # the staff dashboard: see tests/evaluation/test_national.py for the budget at two sizes;
    # 16 since issue 27: the default year is one MAX query instead of reading every report of
    # the bureau, the heat map a page of projects rated from one row per project in SQL
    with django_assert_max_num_queries(16):
        response = client.get(reverse("home"))
    assert response.content.decode().count('<th scope="row">') == 20


def test_english_page_translates_the_approximate_marker(client, users, detail):
    client.force_login(users["other_staff"])
    client.cookies["django_language"] = "en"
    page = client.get(detail).content.decode()
    assert "approx. 1,550 firms" in page and "約" not in page
