"""The economic panel read from the registry (issue 25): panel firms linked to the registry's
firms on import, the index restricted to SMEs by the registry's derived status, and the
national series adjusted to the panel's industry mix where national figures by industry exist.
Each case is a hand-made panel with the result computed by hand."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from evaluation.arithmetic import industry_mix_series
from evaluation.models import Measure, NationalIndustryFigure, PanelFigure, PanelFirm
from evaluation.selectors.economic import measure_indexes
from evaluation.services.economic import national_figures_save
from evaluation.services.panel import panel_figures_import
from projects.models import Organisation, OrganisationType
from projects.registry import normalise_name

YEARS = [2005, 2006]
HEADER = "project,firm,fiscal_year,sales_yen,employees,net_profit_yen\n"


def registry_firm(name, *, capital=None, employees=None, industry="E", number=""):
    return Organisation.objects.create(
        name=name,
        normalised_name=normalise_name(name),
        type=OrganisationType.FIRM,
        capital_yen=capital,
        employees=employees,
        industry=industry,
        corporate_number=number,
    )


def panel_firm(project, organisation, code, sales):
    """sales: (FY2005, FY2006)."""
    f = PanelFirm.objects.create(project=project, code=code, organisation=organisation)
    for year, value in zip(YEARS, sales, strict=True):
        PanelFigure.objects.create(firm=f, fiscal_year=year, sales_yen=value, employees=10)
    return f


@pytest.fixture
def panel(project):
    """Two SMEs (E 製造業 and G 情報通信業), a large firm and a firm whose size is unknown."""
    sme_e = registry_firm("中小製造", capital=50_000_000, industry="E")
    sme_g = registry_firm("中小情報", capital=10_000_000, industry="G")
    large = registry_firm("大手製造", capital=10_000_000_000, employees=5000, industry="E")
    unknown = registry_firm("規模不明", industry="E")
    panel_firm(project, sme_e, "sme-e", (100, 120))
    panel_firm(project, sme_g, "sme-g", (100, 100))
    panel_firm(project, large, "large", (1000, 500))
    panel_firm(project, unknown, "unknown", (100, 300))


def sales(result):
    return next(m for m in result if m.measure == Measure.SALES)


# --- SMEs only --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_sme_restriction_leaves_out_large_and_unknown_firms(panel):
    every = sales(measure_indexes(years=YEARS, sme_only=False))
    assert every.cluster.panel_size == 4
    assert every.cluster.index[2006] == D("0.785")  # (120+100+500+300) / (100+100+1000+100)
    smes = sales(measure_indexes(years=YEARS, sme_only=True))
    assert smes.cluster.panel_size == 2
    assert smes.cluster.index[2006] == D("1.100")  # (120+100) / (100+100)
    assert (smes.large, smes.unknown_size) == (1, 1)


@pytest.mark.django_db
def test_a_panel_firm_not_in_the_registry_is_of_unknown_size(project, panel):
    PanelFirm.objects.create(project=project, code="unlinked").figures.create(
        fiscal_year=2005, sales_yen=1
    )
    assert sales(measure_indexes(years=YEARS, sme_only=True)).unknown_size == 2


@pytest.mark.django_db
def test_page_shows_smes_by_default_and_says_what_it_left_out(client, users, panel):
    client.force_login(users["staff"])
    url = reverse("economic_index")
    response = client.get(url, {"first": 2005, "last": 2006})
    assert response.context["sme_only"]
    page = response.content.decode()
    assert "大企業1社と、規模が分からない1社を除外" in page
    assert "1.100" in page
    response = client.get(url, {"first": 2005, "last": 2006, "size": "all"})
    assert not response.context["sme_only"]
    assert "0.785" in response.content.decode()


# --- the national series adjusted to the industry mix ----------------------------------------


def test_adjustment_equals_the_hand_computation():
    national = {"E": {2005: D("200"), 2006: D("220")}, "G": {2005: D("100"), 2006: D("80")}}
    mix = industry_mix_series(["E", "E", "G", ""], national, YEARS)
    # weights 2/3 and 1/3 (the firm of unknown division is left out):
    # 2005: 2/3·200 + 1/3·100 = 166.67; 2006: 2/3·220 + 1/3·80 = 173.33
    assert mix.weights == {"E": D(2) / D(3), "G": D(1) / D(3)}
    assert mix.values[2005].quantize(D("0.01")) == D("166.67")
    assert mix.values[2006].quantize(D("0.01")) == D("173.33")


def test_a_division_without_national_figures_is_left_out_and_named():
    mix = industry_mix_series(["E", "G"], {"E": {2005: D("1"), 2006: D("2")}}, YEARS)
    assert mix.weights == {"E": D(1)} and mix.missing == ("G",)
    assert not industry_mix_series(["E"], {}, YEARS).adjusted


@pytest.mark.django_db
def test_index_adjusts_the_national_series_to_the_panels_mix(panel, users):
    for industry, values in (("E", ("200", "220")), ("G", ("100", "80"))):
        for year, value in zip(YEARS, values, strict=True):
            national_figures_save(
                fiscal_year=year,
                industry=industry,
                values={"sales": D(value)},
                source_note="法人企業統計",
                by=users["manager"],
            )
    assert NationalIndustryFigure.objects.count() == 4
    assert NationalIndustryFigure.objects.first().history.get().history_user == users["manager"]
    smes = sales(measure_indexes(years=YEARS, sme_only=True))
    # SMEs only: one E and one G firm, weights ½ each: (110+40) / (100+50) = 1.000
    assert smes.mix.weights == {"E": D("0.5"), "G": D("0.5")}
    assert smes.national.index[2006] == D("1.000")
    every = sales(measure_indexes(years=YEARS, sme_only=False))
    # every firm: three E and one G: (¾·220 + ¼·80) / (¾·200 + ¼·100) = 185 / 175 = 1.057
    assert every.national.index[2006] == D("1.057")
    assert (
        every.adjustment
        == "全国値は参画企業の業種構成（E 製造業 75.0%、G 情報通信業 25.0%）で補正しています。"
    )


@pytest.mark.django_db
def test_no_adjustment_without_national_figures_by_industry_and_the_page_says_so(
    client, users, panel
):
    national_figures_save(
        fiscal_year=2005, values={"sales": D("1.000")}, source_note="", by=users["manager"]
    )
    national_figures_save(
        fiscal_year=2006, values={"sales": D("1.031")}, source_note="", by=users["manager"]
    )
    result = sales(measure_indexes(years=YEARS, sme_only=True))
    assert not result.mix.adjusted
    assert result.national.index[2006] == D("1.031")  # the entered series, unadjusted
    client.force_login(users["staff"])
    page = client.get(reverse("economic_index"), {"first": 2005, "last": 2006}).content.decode()
    assert "業種別の全国値がないため補正していません。" in page
    assert "で補正しています" not in page


# --- the import links panel firms to the registry ---------------------------------------------


@pytest.mark.django_db
def test_import_links_firms_by_corporate_number_or_name(project, users):
    by_number = registry_firm("国税商事", capital=1, number="7000012050002")
    by_name = registry_firm("株式会社テスト精工", capital=1)
    registry_firm("同名", capital=1)
    registry_firm("同名", capital=2)  # two firms of one name: linked to neither
    text = HEADER + (
        f"{project.code},７０００－０１－２０５０００２,2005,1,1,1\n"
        f"{project.code},㈱テスト精工,2005,1,1,1\n"
        f"{project.code},同名,2005,1,1,1\n"
        f"{project.code},f9,2005,1,1,1\n"
    )
    panel_figures_import(text=text, by=users["manager"])
    links = dict(PanelFirm.objects.values_list("code", "organisation"))
    assert links["７０００－０１－２０５０００２"] == by_number.pk
    assert links["㈱テスト精工"] == by_name.pk
    assert links["同名"] is None and links["f9"] is None


@pytest.mark.django_db
def test_a_later_import_links_a_firm_that_joined_the_registry(project, users):
    panel_figures_import(text=HEADER + f"{project.code},後から,2005,1,1,1\n", by=users["manager"])
    assert PanelFirm.objects.get().organisation is None
    later = registry_firm("後から", capital=1)
    panel_figures_import(text=HEADER + f"{project.code},後から,2006,1,1,1\n", by=users["manager"])
    firm = PanelFirm.objects.get()
    assert firm.organisation == later
    assert firm.history.first().history_user == users["manager"]
