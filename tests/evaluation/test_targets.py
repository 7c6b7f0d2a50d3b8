"""Targets: the common target and its per-firm form, optional targets, versions, bad input."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from evaluation.arithmetic import path_in_force, target_for_year
from evaluation.models import State, Target, TargetVersion
from evaluation.services.plans import plan_create, scenario_revise
from evaluation.services.targets import target_add, target_remove, target_set_values
from tests.factories import IndicatorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(db):
    return {
        "common": IndicatorFactory(
            code="new-businesses-started", name_ja="新事業開始件数", is_common_target=True
        ),
        "firms": IndicatorFactory(
            code="participating-firms", name_ja="参画企業数", measure="stock", unit="firms"
        ),
        "ventures": IndicatorFactory(
            code="ventures-created",
            name_ja="ベンチャー創出数",
            is_optional_target=True,
            unit="firms",
        ),
        "sales": IndicatorFactory(
            code="sales", name_ja="売上高", is_optional_target=True, unit="yen", category="e"
        ),
    }


@pytest.fixture
def new_plan(project, catalogue, users):
    return plan_create(project=project, phase=project.phase, by=users["staff"])


def fresh(plan):
    plan.refresh_from_db()
    return plan


def set_values(target, user, **kwargs):
    values = dict(
        target_value=Decimal(100),
        target_fiscal_year=2010,
        baseline_value=Decimal(10),
        baseline_fiscal_year=2005,
        milestones={2007: Decimal(40), 2008: Decimal(60)},
    )
    values.update(kwargs)
    plan = fresh(target.plan)
    return target_set_values(target=target, expected_version=plan.version, by=user, **values)


def test_every_new_plan_has_the_common_target_and_its_denominator(new_plan, catalogue):
    targets = {t.indicator.code: t for t in new_plan.targets.select_related("indicator")}
    assert set(targets) == {"new-businesses-started", "participating-firms"}
    assert targets["new-businesses-started"].is_common
    assert targets["participating-firms"].cumulation == "stock"


def test_common_target_cannot_be_removed(new_plan, users):
    common = new_plan.targets.get(indicator__is_common_target=True)
    with pytest.raises(ValidationError, match="削除できません"):
        target_remove(target=common, expected_version=new_plan.version, by=users["staff"])
    assert Target.objects.filter(pk=common.pk).exists()


def test_per_firm_target_is_derived_from_the_firm_count_target(client, new_plan, users):
    common = new_plan.targets.get(indicator__is_common_target=True)
    firms = new_plan.targets.get(indicator__code="participating-firms")
    set_values(common, users["staff"], milestones={2007: Decimal(40)}, target_value=Decimal(100))
    set_values(
        firms,
        users["staff"],
        milestones={2007: Decimal(400)},
        target_value=Decimal(500),
        baseline_value=Decimal(330),
    )
    client.force_login(users["staff"])
    page = client.get(new_plan.get_absolute_url()).content.decode()
    assert "0.100" in page  # 2007: 40 / 400
    assert "0.200" in page  # 2010: 100 / 500
    assert page.count("算出不可") == 1  # 2006: no milestone for either; said once, with why
    assert "算出不可（その年度の目標か参画企業数の目標がないため）" in page


def test_per_firm_target_typed_by_hand_is_refused(client, new_plan, users):
    common = new_plan.targets.get(indicator__is_common_target=True)
    client.force_login(users["staff"])
    url = reverse("target_edit", args=[new_plan.project.code, new_plan.phase.code, common.pk])
    response = client.post(
        url,
        {
            "version": new_plan.version,
            "target_value": "100",
            "target_fiscal_year": 2010,
            "per_firm_2010": "0.3",
        },
    )
    assert response.status_code == 200
    assert "自動で計算されます" in response.content.decode()
    assert not TargetVersion.objects.exists()


def test_optional_target_from_the_catalogue_and_an_own_one(new_plan, catalogue, users):
    ventures = target_add(
        plan=new_plan,
        expected_version=new_plan.version,
        by=users["staff"],
        indicator=catalogue["ventures"],
        cumulation="cumulative",
    )
    own = target_add(
        plan=fresh(new_plan),
        expected_version=new_plan.version,
        by=users["staff"],
        own_name="海外展示会出展数",
        own_unit="times",
        direction="higher",
        own_definition="海外の展示会への出展件数",
        cumulation="flow",
    )
    assert ventures.name == "ベンチャー創出数" and own.name == "海外展示会出展数"
    assert own.unit_label == "回"
    with pytest.raises(ValidationError):
        target_add(
            plan=fresh(new_plan),
            expected_version=new_plan.version,
            by=users["staff"],
            indicator=catalogue["ventures"],
            cumulation="flow",
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Target.objects.create(plan=new_plan, own_name="", own_unit="", cumulation="flow")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"target_fiscal_year": 2011}, "target_fiscal_year"),
        ({"baseline_fiscal_year": 2009, "target_fiscal_year": 2008}, "baseline_fiscal_year"),
        ({"milestones": {2012: Decimal(5)}}, "milestones"),
        ({"target_value": Decimal(-5)}, "target_value"),
        ({"target_value": Decimal("2.5")}, "target_value"),
        ({"baseline_value": None}, "baseline_fiscal_year"),
    ],
)
def test_bad_target_values_are_refused_and_change_nothing(new_plan, users, kwargs, field):
    common = new_plan.targets.get(indicator__is_common_target=True)
    version = new_plan.version
    with pytest.raises(ValidationError) as error:
        set_values(common, users["staff"], **kwargs)
    assert field in error.value.message_dict
    assert not TargetVersion.objects.exists()
    assert fresh(new_plan).version == version


def test_money_target_must_be_whole_yen(new_plan, catalogue, users):
    sales = target_add(
        plan=new_plan,
        expected_version=new_plan.version,
        by=users["staff"],
        indicator=catalogue["sales"],
        cumulation="flow",
    )
    with pytest.raises(ValidationError, match="円単位"):
        set_values(sales, users["staff"], target_value=Decimal("1000.5"))


def test_database_refuses_baseline_after_target_year(new_plan, users):
    common = new_plan.targets.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        TargetVersion.objects.create(
            target=common,
            number=1,
            applies_from_fiscal_year=2006,
            baseline_value=1,
            baseline_fiscal_year=2010,
            target_value=5,
            target_fiscal_year=2008,
            author=users["staff"],
        )


def approve(plan, users):
    from evaluation.services.workflow import workflow_transition

    plan = workflow_transition(obj=fresh(plan), action="submit", by=users["staff"])
    return workflow_transition(obj=plan, action="approve", by=users["manager"])


def reopen(plan, users):
    from evaluation.services.workflow import workflow_transition

    return workflow_transition(
        obj=fresh(plan), action="reopen", by=users["manager"], comment="目標の見直し"
    )


def test_draft_changes_edit_version_one_in_place(new_plan, users):
    common = new_plan.targets.get(indicator__is_common_target=True)
    set_values(common, users["staff"])
    set_values(common, users["staff"], target_value=Decimal(120))
    assert list(common.versions.values_list("number", "target_value")) == [(1, Decimal(120))]


def test_after_approval_a_change_makes_a_new_version_in_force_from_its_year(new_plan, users):
    common = new_plan.targets.get(indicator__is_common_target=True)
    set_values(common, users["staff"])
    approve(new_plan, users)
    reopen(new_plan, users)
    with pytest.raises(ValidationError) as error:
        set_values(common, users["staff"], target_value=Decimal(150), reason="見直し")
    assert "applies_from_fiscal_year" in error.value.message_dict
    set_values(
        common,
        users["staff"],
        target_value=Decimal(150),
        milestones={2008: Decimal(70)},
        applies_from_fiscal_year=2008,
        reason="中間評価に向けた上方修正",
    )
    versions = list(common.versions.order_by("number"))
    assert [(v.number, v.target_value) for v in versions] == [(1, 100), (2, 150)]
    assert versions[0].reason == "" and versions[1].reason == "中間評価に向けた上方修正"
    paths = [v.as_path() for v in versions]
    assert target_for_year(path_in_force(paths, 2007), 2007) == 40  # the original
    assert target_for_year(path_in_force(paths, 2008), 2008) == 70  # the revision
    assert target_for_year(path_in_force(paths, 2010), 2010) == 150


def test_approved_plan_refuses_target_changes(new_plan, users):
    from evaluation.services.editing import LockedError

    common = new_plan.targets.get(indicator__is_common_target=True)
    approve(new_plan, users)
    assert fresh(new_plan).state == State.APPROVED
    with pytest.raises(LockedError):
        set_values(common, users["staff"])


def test_plan_period_follows_the_scenario(new_plan, users):
    scenario_revise(
        plan=new_plan,
        expected_version=new_plan.version,
        by=users["staff"],
        fiscal_year=2007,
        start_fiscal_year=2007,
        end_fiscal_year=2009,
        narrative="短縮",
        milestones={},
        reason="期間の見直し",
    )
    common = new_plan.targets.get(indicator__is_common_target=True)
    with pytest.raises(ValidationError) as error:
        set_values(common, users["staff"], target_fiscal_year=2010)
    assert "2007〜2009" in str(error.value)


def test_full_width_numbers_are_accepted_on_the_screen(client, new_plan, users):
    common = new_plan.targets.get(indicator__is_common_target=True)
    client.force_login(users["staff"])
    url = reverse("target_edit", args=[new_plan.project.code, new_plan.phase.code, common.pk])
    response = client.post(
        url,
        {
            "version": new_plan.version,
            "target_value": "１，２００",
            "target_fiscal_year": 2010,
            "milestone_2007": "３００",
        },
    )
    assert response.status_code == 302
    version = common.versions.get()
    assert version.target_value == 1200
    assert version.milestones.get().value == 300
