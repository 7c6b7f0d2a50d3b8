"""The four kinds of value, their rules, and the audited write service."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from evaluation.models import Indicator, MonitoredValue, ValueKind
from evaluation.services.monitoring import monitored_value_record, monitored_values_create
from tests.factories import IndicatorFactory, MonitoredValueFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def indicator():
    return IndicatorFactory(code="new-businesses", name_ja="新事業開始件数")


def record(project, indicator, by, **kwargs):
    return monitored_value_record(
        project=project, indicator=indicator, fiscal_year=2006, by=by, **kwargs
    )


@pytest.mark.parametrize(
    ("kind", "value", "display"),
    [
        (ValueKind.NUMBER, Decimal("1234"), "1,234"),
        (ValueKind.ZERO, None, "0"),
        (ValueKind.NOT_APPLICABLE, None, "該当なし"),
        (ValueKind.UNKNOWN, None, "未把握"),
    ],
)
def test_each_kind_is_kept_and_shown_as_what_it_is(users, project, indicator, kind, value, display):
    saved = record(project, indicator, users["staff"], kind=kind, value=value)
    saved.refresh_from_db()
    assert saved.kind == kind
    assert saved.display == display


def test_zero_is_stored_as_zero_and_unknown_carries_no_number(users, project, indicator):
    zero = record(project, indicator, users["staff"], kind=ValueKind.ZERO)
    assert zero.value == 0
    unknown = monitored_value_record(
        project=project,
        indicator=indicator,
        fiscal_year=2007,
        kind=ValueKind.UNKNOWN,
        by=users["staff"],
    )
    assert unknown.value is None


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        (ValueKind.NUMBER, None),
        (ValueKind.NUMBER, Decimal(0)),
        (ValueKind.NOT_APPLICABLE, Decimal(3)),
        (ValueKind.UNKNOWN, Decimal(0)),
        (ValueKind.NUMBER, Decimal(-1)),
        ("guess", Decimal(1)),
    ],
)
def test_bad_value_is_refused_and_changes_nothing(users, project, indicator, kind, value):
    with pytest.raises(ValidationError):
        record(project, indicator, users["staff"], kind=kind, value=value)
    assert not MonitoredValue.objects.exists()


def test_negative_money_is_allowed_for_a_loss(users, project):
    profit = IndicatorFactory(code="net-profit", unit=Indicator.Unit.YEN)
    saved = record(
        project, profit, users["staff"], kind=ValueKind.NUMBER, value=Decimal(-5_000_000)
    )
    assert saved.value == -5_000_000


def test_database_refuses_a_value_that_contradicts_its_kind(project, indicator):
    with pytest.raises(IntegrityError), transaction.atomic():
        MonitoredValue.objects.create(
            project=project, indicator=indicator, fiscal_year=2006, kind="unknown", value=5
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        MonitoredValue.objects.create(
            project=project, indicator=indicator, fiscal_year=2006, kind="number", value=0
        )


def test_one_value_per_project_indicator_and_year(project, indicator):
    MonitoredValueFactory(project=project, indicator=indicator, fiscal_year=2006)
    with pytest.raises(IntegrityError), transaction.atomic():
        MonitoredValueFactory(project=project, indicator=indicator, fiscal_year=2006)


def test_recording_again_changes_the_value_in_place_and_keeps_history(users, project, indicator):
    record(project, indicator, users["staff"], kind=ValueKind.NUMBER, value=Decimal(10))
    saved = record(
        project,
        indicator,
        users["staff"],
        kind=ValueKind.NUMBER,
        value=Decimal(12),
        reason="集計誤りの訂正",
    )
    assert MonitoredValue.objects.count() == 1
    history = list(saved.history.order_by("history_date"))
    assert [h.value for h in history] == [Decimal(10), Decimal(12)]
    assert history[-1].history_user == users["staff"]
    assert history[-1].history_change_reason == "集計誤りの訂正"


@pytest.mark.parametrize("who", ["other_staff", "manager", "evaluator", "admin", "no_role"])
def test_only_own_bureau_staff_may_record(users, project, indicator, who):
    with pytest.raises(PermissionDenied):
        record(project, indicator, users[who], kind=ValueKind.NUMBER, value=Decimal(1))
    assert not MonitoredValue.objects.exists()


def test_reference_value_cannot_be_overwritten_by_staff(users, project, indicator):
    MonitoredValueFactory(project=project, indicator=indicator, origin="reference", value=330)
    with pytest.raises(PermissionDenied):
        record(project, indicator, users["staff"], kind=ValueKind.NUMBER, value=Decimal(1))
    assert MonitoredValue.objects.get().value == 330


def new_values(project, indicator, *rows):
    return [
        MonitoredValue(project=project, indicator=indicator, fiscal_year=y, kind=k, value=v)
        for y, k, v in rows
    ]


def test_many_new_values_are_written_at_once_with_their_history(users, project, indicator):
    rows = new_values(
        project,
        indicator,
        (2006, ValueKind.NUMBER, Decimal(4)),
        (2007, ValueKind.ZERO, None),
        (2008, ValueKind.UNKNOWN, None),
    )
    written = monitored_values_create(values=rows, by=users["staff"], reason="デモデータの生成")
    assert written == 3
    saved = dict(MonitoredValue.objects.values_list("fiscal_year", "value"))
    assert saved == {2006: Decimal(4), 2007: Decimal(0), 2008: None}
    history = MonitoredValue.history.all()
    assert {(h.history_user, h.history_change_reason) for h in history} == {
        (users["staff"], "デモデータの生成")
    }
    assert history.count() == 3


@pytest.mark.parametrize(
    ("case", "error"),
    [
        ("exists", ValidationError),
        ("twice", ValidationError),
        ("year", ValidationError),
        ("kind", ValidationError),
        ("other_staff", PermissionDenied),
    ],
)
def test_many_new_values_keep_the_rules_of_one(users, project, indicator, case, error):
    """Each rule `full_clean` and the service check for one value, for a batch: nothing of the
    batch is written when one row breaks one."""
    if case == "exists":
        MonitoredValueFactory(project=project, indicator=indicator, fiscal_year=2007)
    rows = new_values(
        project,
        indicator,
        (2006, ValueKind.NUMBER, Decimal(4)),
        (
            {"twice": 2006, "year": 1900}.get(case, 2007),
            ValueKind.NUMBER,
            None if case == "kind" else Decimal(5),
        ),
    )
    before = MonitoredValue.objects.count()
    by = users["other_staff" if case == "other_staff" else "staff"]
    with pytest.raises(error):
        monitored_values_create(values=rows, by=by)
    assert MonitoredValue.objects.count() == before
