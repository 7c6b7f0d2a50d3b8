"""The economic index against the nation: the constant panel in the database, the national
series a manager enters, the seed's reference series, the page, its chart and its queries."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse

from evaluation.models import EconomicFigure, Measure, PanelFigure, PanelFirm, Series
from evaluation.renderers.charts import index_charts
from evaluation.selectors.economic import measure_indexes
from evaluation.services.economic import national_figures_save
from projects.models import Organisation, OrganisationType
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db
YEARS = [2005, 2006, 2007]


def firm(project, code, figures, *, capital=10_000_000, industry="E"):
    """figures: fiscal year → (sales, employees, net profit). The firm is a registry firm (an
    SME of manufacturing unless told otherwise), as the panel's firms are."""
    organisation = Organisation.objects.create(
        name=f"{project.code}-{code}",
        normalised_name=f"{project.code}-{code}",
        type=OrganisationType.FIRM,
        capital_yen=capital,
        industry=industry,
    )
    f = PanelFirm.objects.create(project=project, code=code, organisation=organisation)
    for year, (sales, employees, profit) in figures.items():
        PanelFigure.objects.create(
            firm=f, fiscal_year=year, sales_yen=sales, employees=employees, net_profit_yen=profit
        )
    return f


@pytest.fixture
def panel(project):
    firm(project, "a", {2005: (100, 10, 5), 2006: (110, 11, 6), 2007: (120, 12, 7)})
    firm(project, "b", {2005: (100, 10, -10), 2006: (80, 9, 2), 2007: (70, 8, 3)})
    firm(project, "joins", {2006: (1000, 100, 100), 2007: (1000, 100, 100)})
    firm(project, "leaves", {2005: (500, 50, 50), 2006: (500, 50, 50)})
    firm(project, "no-staff-count", {2005: (10, None, 1), 2006: (10, None, 1), 2007: (10, None, 1)})


def by_measure(result):
    return {m.measure: m for m in result}


def test_index_uses_only_firms_present_every_year(panel):
    result = by_measure(measure_indexes(years=YEARS))
    sales = result[Measure.SALES].cluster
    assert sales.panel_size == 3  # a, b and the firm without staff counts
    assert sales.excluded == 2  # the joiner and the leaver
    assert sales.index == {2005: D("1.000"), 2006: D("0.952"), 2007: D("0.952")}  # 200/210
    employees = result[Measure.EMPLOYEES].cluster
    assert employees.panel_size == 2  # a firm without a figure for a measure leaves its panel
    assert employees.index[2007] == D("1.000")


def test_zero_or_negative_base_year_has_no_index_and_the_page_says_why(client, users, panel):
    profit = by_measure(measure_indexes(years=YEARS))[Measure.NET_PROFIT]
    assert profit.cluster.index == {2005: None, 2006: None, 2007: None}  # 5 − 10 + 1 < 0
    client.force_login(users["staff"])
    page = client.get(reverse("economic_index"), {"first": 2005, "last": 2007}).content.decode()
    assert "基準年度の値がゼロまたはマイナスのため、指数を計算できません。" in page


def test_index_of_one_project_leaves_other_projects_out(project, panel):
    other = ProjectFactory(code="other")
    firm(other, "x", {2005: (1, 1, 1), 2006: (1000, 1, 1), 2007: (1000, 1, 1)})
    assert (
        by_measure(measure_indexes(years=YEARS, project=project))["sales"].cluster.panel_size == 3
    )
    assert by_measure(measure_indexes(years=YEARS))["sales"].cluster.panel_size == 4


def test_seed_reference_series_is_loaded_and_shown_as_published():
    call_command("load_reference", verbosity=0)
    result = by_measure(measure_indexes(years=[2000, 2001, 2002, 2003]))
    sales, profit = result[Measure.SALES], result[Measure.NET_PROFIT]
    assert sales.cluster_published
    assert list(sales.cluster.index.values()) == [D("1.000"), D("0.945"), D("0.958"), D("1.032")]
    assert list(sales.national.index.values()) == [D("1.000"), D("0.897"), D("0.881"), D("0.936")]
    assert list(profit.cluster.index.values()) == [D("1.000"), D("0.545"), D("0.799"), D("1.612")]
    assert list(profit.national.index.values()) == [D("1.000"), D("0.052"), D("0.561"), D("1.101")]
    employees = result[Measure.EMPLOYEES]
    assert list(employees.national.index.values())[1:] == [D("0.883"), D("0.867"), D("0.895")]


def test_chart_table_equals_the_index(panel):
    national_figures_save(
        fiscal_year=2005, values={"sales": D("200")}, source_note="", by=manager_user()
    )
    national_figures_save(
        fiscal_year=2006, values={"sales": D("210")}, source_note="", by=manager_user()
    )
    sales = by_measure(index_charts(measure_indexes(years=YEARS), YEARS))[Measure.SALES]
    assert sales.chart.headers == ["年度", "参画企業", "法人企業統計"]
    assert sales.chart.rows == [
        ["2005年度", "1.000", "1.000"],
        ["2006年度", "0.952", "1.050"],
        ["2007年度", "0.952", "—"],
    ]
    svg = str(sales.chart.svg)
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    assert "2006年度 1.050" in svg  # the text alternative carries the numbers


def manager_user():
    from projects.models import Role
    from tests.factories import UserFactory

    return UserFactory(role=Role.MANAGER)


def test_manager_enters_national_figures_audited(users):
    national_figures_save(
        fiscal_year=2006,
        values={"sales": D("1.031"), "employees": D("1.004"), "net_profit": None},
        source_note="法人企業統計",
        by=users["manager"],
    )
    figures = EconomicFigure.objects.filter(series=Series.NATIONAL, fiscal_year=2006)
    assert {f.measure: f.value for f in figures} == {"sales": D("1.031"), "employees": D("1.004")}
    assert figures.get(measure="sales").history.get().history_user == users["manager"]
    national_figures_save(
        fiscal_year=2006, values={"sales": D("1.1")}, source_note="", by=users["manager"]
    )
    assert EconomicFigure.objects.filter(fiscal_year=2006).count() == 1  # blanks removed


@pytest.mark.parametrize("role", ["staff", "evaluator", "admin"])
def test_only_managers_enter_national_figures(users, role):
    with pytest.raises(PermissionDenied):
        national_figures_save(
            fiscal_year=2006, values={"sales": D("1")}, source_note="", by=users[role]
        )
    assert not EconomicFigure.objects.exists()


def test_reference_years_cannot_be_changed(users):
    call_command("load_reference", verbosity=0)
    before = list(EconomicFigure.objects.values_list("measure", "fiscal_year", "value"))
    with pytest.raises(ValidationError) as error:
        national_figures_save(
            fiscal_year=2001, values={"sales": D("9")}, source_note="", by=users["manager"]
        )
    assert "参照データ" in str(error.value)
    assert list(EconomicFigure.objects.values_list("measure", "fiscal_year", "value")) == before


def test_form_refuses_bad_input_and_changes_nothing(client, users):
    client.force_login(users["manager"])
    response = client.post(reverse("national_figures_edit"), {"fiscal_year": "", "sales": "abc"})
    assert response.status_code == 200
    assert not EconomicFigure.objects.exists()
    response = client.post(reverse("national_figures_edit"), {"fiscal_year": 2007, "sales": "1.05"})
    assert response.status_code == 302
    assert EconomicFigure.objects.get().value == D("1.050")


def test_page_query_count_is_flat_in_the_number_of_firms(
    client, users, project, django_assert_num_queries
):
    def add(n, offset):
        for i in range(n):
            firm(project, f"f{offset + i}", {y: (100 + i, 10, 5) for y in YEARS})

    client.force_login(users["staff"])
    url = reverse("economic_index")
    add(2, 0)
    # session, user, projects, panel years, figure years, figures, panel figures with their
    # registry firms, national figures by industry, the user's groups (role) and bureau
    with django_assert_num_queries(10):
        assert client.get(url, {"first": 2005, "last": 2007}).status_code == 200
    add(40, 100)
    with django_assert_num_queries(10):
        client.get(url, {"first": 2005, "last": 2007})


def test_nonsense_years_fall_back_to_the_latest_four(client, users, panel):
    client.force_login(users["staff"])
    response = client.get(reverse("economic_index"), {"first": "x", "last": "1900"})
    assert response.status_code == 200
    assert response.context["first"] == 2005 and response.context["last"] == 2007


def test_project_choice_lists_every_project_and_keeps_the_one_chosen(client, users, project):
    client.force_login(users["staff"])
    page = client.get(reverse("economic_index"), {"project": project.code}).content.decode()
    assert f'<option value="{project.code}" selected>' in page
    page = client.get(reverse("economic_index")).content.decode()
    assert f'<option value="{project.code}">' in page
