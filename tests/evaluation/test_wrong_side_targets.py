"""A target on the wrong side of its baseline needs a reason (DOMAIN.md, rating edge cases): a
higher-is-better target below its baseline, or a lower-is-better one above it, is refused
without a stated reason (a Japanese error naming the baseline), accepted with one (kept as the
version's reason), and the screen says so where the target is entered."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from evaluation.services.plans import plan_create
from evaluation.services.targets import target_add, target_set_values
from tests.factories import IndicatorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(project, users):
    IndicatorFactory(code="new-businesses-started", name_ja="新事業開始件数", is_common_target=True)
    IndicatorFactory(code="participating-firms", name_ja="参画企業数", unit="firms")
    IndicatorFactory(
        code="ventures-created", name_ja="ベンチャー創出数", is_optional_target=True, unit="firms"
    )
    IndicatorFactory(
        code="lead-time",
        name_ja="試作の所要日数",
        is_optional_target=True,
        unit="times",
        direction="lower",
    )
    return plan_create(project=project, phase=project.phase, by=users["staff"])


def target_of(plan, users, kind):
    """A target of each direction: from the catalogue, or the project's own."""
    plan.refresh_from_db()
    if kind == "own-lower":
        return target_add(
            plan=plan,
            expected_version=plan.version,
            by=users["staff"],
            cumulation="stock",
            own_name="不良率",
            own_unit="percent",
            direction="lower",
        )
    code = {"higher": "ventures-created", "lower": "lead-time"}[kind]
    from evaluation.models import Indicator

    return target_add(
        plan=plan,
        expected_version=plan.version,
        by=users["staff"],
        cumulation="stock",
        indicator=Indicator.objects.get(code=code),
    )


def set_values(target, users, baseline, value, reason=""):
    plan = target.plan
    plan.refresh_from_db()
    return target_set_values(
        target=target,
        expected_version=plan.version,
        by=users["staff"],
        target_value=Decimal(value),
        target_fiscal_year=2010,
        baseline_value=Decimal(baseline),
        baseline_fiscal_year=2005,
        milestones={},
        reason=reason,
    )


CASES = [
    # kind, baseline, target, reason, refused with (None: accepted)
    ("higher", 200, 150, "", "目標値（150社）が基準値（200社、2005年度）を下回っています"),
    ("higher", 200, 150, "市場の縮小で、維持も難しいため", None),
    ("higher", 200, 250, "", None),
    ("higher", 200, 200, "", None),  # equal: not the wrong side
    ("lower", 30, 40, "", "目標値（40回）が基準値（30回、2005年度）を上回っています"),
    ("lower", 30, 40, "検査工程を増やすため", None),
    ("lower", 30, 20, "", None),
    ("own-lower", 5, 8, "", "目標値（8%）が基準値（5%、2005年度）を上回っています"),
    ("own-lower", 5, 8, "新製品の立ち上げ期のため", None),
    ("higher", 200, 150, "   ", "基準値より低い目標にするには、その理由を書いてください"),
]


@pytest.mark.parametrize(("kind", "baseline", "value", "reason", "refusal"), CASES)
def test_a_wrong_side_target_needs_a_reason(plan, users, kind, baseline, value, reason, refusal):
    target = target_of(plan, users, kind)
    if refusal is None:
        version = set_values(target, users, baseline, value, reason)
        assert (version.baseline_value, version.target_value) == (baseline, value)
        assert version.reason == reason.strip()
        return
    versions = target.versions.count()
    with pytest.raises(ValidationError) as refused:
        set_values(target, users, baseline, value, reason)
    assert any(refusal in message for message in refused.value.message_dict["reason"])
    assert target.versions.count() == versions  # nothing changed


def edit_url(target):
    plan = target.plan
    return reverse("target_edit", args=[plan.project.code, plan.phase.code, target.pk])


@pytest.mark.parametrize(
    ("kind", "note"),
    [
        ("higher", "高いほど良い指標です。基準値より低い目標値にする場合は、その理由を"),
        ("lower", "低いほど良い指標です。基準値より高い目標値にする場合は、その理由を"),
    ],
)
def test_the_screen_says_so_beside_the_target_value(client, plan, users, kind, note):
    target = target_of(plan, users, kind)
    client.force_login(users["staff"])
    assert note in client.get(edit_url(target)).content.decode()


def test_the_screen_refuses_without_a_reason_and_shows_the_reason_once_given(client, plan, users):
    target = target_of(plan, users, "higher")
    client.force_login(users["staff"])
    data = {
        "target_value": "150",
        "target_fiscal_year": 2010,
        "baseline_value": "200",
        "baseline_fiscal_year": 2005,
    }
    plan.refresh_from_db()
    refused = client.post(edit_url(target), {"version": plan.version, **data})
    assert refused.status_code == 200
    assert "基準値（200社、2005年度）を下回っています" in refused.content.decode()
    assert not target.versions.exists()
    reason = "市場の縮小で、維持も難しいため"
    saved = client.post(edit_url(target), {"version": plan.version, **data, "reason": reason})
    assert saved.status_code == 302
    page = client.get(edit_url(target)).content.decode()
    assert "基準値より低い（悪い方向の）目標値です" in page and reason in page


def test_the_add_screen_says_so_beside_the_direction(client, plan, users):
    client.force_login(users["staff"])
    url = reverse("target_add", args=[plan.project.code, plan.phase.code])
    page = client.get(url).content.decode()
    assert (
        "目標値を基準値より悪い方向（高いほど良い指標で基準値より低いなど）に設定する場合は" in page
    )
