"""The reference fixtures read from the seed: counts and figures the slides give."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Count, Sum

from evaluation.models import Indicator, MonitoredValue, ValueKind
from projects.models import Bureau, Phase, PolicyTool, PolicyToolBudget, Project, SubRegion

pytestmark = pytest.mark.django_db

BUREAU_CODES = [
    "hokkaido",
    "tohoku",
    "kanto",
    "chubu",
    "kinki",
    "chugoku",
    "shikoku",
    "kyushu",
    "okinawa",
]


@pytest.fixture
def reference(db):
    call_command("load_reference", verbosity=0)


def test_nine_bureaus_with_stable_codes(reference):
    assert list(Bureau.objects.order_by("order").values_list("code", flat=True)) == BUREAU_CODES
    assert Bureau.objects.get(code="okinawa").name_ja == "沖縄総合事務局経済産業部"


def test_nineteen_projects_each_with_a_bureau_and_fields(reference):
    assert Project.objects.count() == 19
    assert not Project.objects.filter(fields__isnull=True).exists()
    per_bureau = dict(Bureau.objects.values_list("code").annotate(n=Count("projects")))
    assert per_bureau == {
        "hokkaido": 1,
        "tohoku": 2,
        "kanto": 3,
        "chubu": 3,
        "kinki": 4,
        "chugoku": 2,
        "shikoku": 1,
        "kyushu": 2,
        "okinawa": 1,
    }


def test_firm_counts_add_up_to_the_slide_total(reference):
    firms = MonitoredValue.objects.filter(indicator__code="participating-firms", fiscal_year=2005)
    assert firms.count() == 19
    assert firms.aggregate(total=Sum("value"))["total"] == Decimal(6060)
    assert firms.get(project__code="kanto-regional-revitalisation").value == 1550
    assert all(v.is_approximate and v.origin == "reference" for v in firms)


def test_university_counts_add_to_387_and_are_not_additive(reference):
    universities = MonitoredValue.objects.filter(
        indicator__code="participating-universities", fiscal_year=2005
    )
    assert universities.aggregate(total=Sum("value"))["total"] == Decimal(387)
    assert universities.get(project__code="kanto-regional-revitalisation").value == 58
    # the same university joins several projects: the slide's national figure is about 250
    assert Indicator.objects.get(code="participating-universities").additive is False


def test_tama_is_a_sub_region_of_the_kanto_project(reference):
    names = list(
        SubRegion.objects.filter(project__code="kanto-regional-revitalisation").values_list(
            "name_ja", flat=True
        )
    )
    assert len(names) == 5
    assert names[0] == "首都圏西部地域（TAMA）"


def test_phases_and_their_years(reference):
    assert list(Phase.objects.values_list("code", "first_fiscal_year", "last_fiscal_year")) == [
        ("I", 2001, 2005),
        ("II", 2006, 2010),
        ("III", 2011, 2020),
    ]


def test_catalogue_has_one_common_target_and_the_seed_optional_targets(reference):
    common = Indicator.objects.get(is_common_target=True)
    assert common.name_ja == "新事業開始件数"
    optional = set(
        Indicator.objects.filter(is_optional_target=True).values_list("name_ja", flat=True)
    )
    assert optional == {
        "産業規模",
        "ベンチャー創出数",
        "第二創業数",
        "成功事例数",
        "雇用者数",
        "売上高",
    }
    assert set(Indicator.objects.values_list("category", flat=True)) == set("abcde")


def test_policy_tool_budgets_in_yen(reference):
    total = PolicyTool.objects.get(code="cluster-measures-total")
    assert total.budgets.get(fiscal_year=2005).amount_yen == 56_800_000_000
    assert total.budgets.get(fiscal_year=2004).amount_yen == 49_000_000_000
    rnd = PolicyToolBudget.objects.get(tool__code="regional-consortium-rnd", fiscal_year=2005)
    assert rnd.amount_yen == 13_720_000_000
    # new in FY2005: no FY2004 budget
    assert not PolicyToolBudget.objects.filter(tool__code="iag-network-formation", fiscal_year=2004)
    # the listed lines do not add up to the total: other measures are in it
    lines = PolicyToolBudget.objects.filter(tool__parent=total, fiscal_year=2005)
    assert lines.aggregate(s=Sum("amount_yen"))["s"] == 25_170_000_000  # 251.7 億円 of 568


def test_loading_twice_duplicates_nothing(reference):
    counts = (Project.objects.count(), MonitoredValue.objects.count(), SubRegion.objects.count())
    call_command("load_reference", verbosity=0)
    assert (
        Project.objects.count(),
        MonitoredValue.objects.count(),
        SubRegion.objects.count(),
    ) == counts
    assert MonitoredValue.objects.filter(kind=ValueKind.NUMBER).count() == 38
