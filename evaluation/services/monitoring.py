"""Writes that go through the rules: validated, atomic, audited, scoped to the user's bureau."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction

from evaluation.models import Indicator, MonitoredValue
from projects.models import Project


@transaction.atomic
def monitored_value_record(
    *,
    project: Project,
    indicator: Indicator,
    fiscal_year: int,
    kind: str,
    value: Decimal | None = None,
    source_note: str = "",
    by,
    reason: str = "",
    is_demo: bool = False,
) -> MonitoredValue:
    """Create or change the reported value of a project, indicator and fiscal year.

    `by` must be staff of the project's bureau (PermissionDenied otherwise); the change is
    recorded in the history with `by` as the user and `reason` as the change reason.
    """
    if not project.is_editable_by(by):
        raise PermissionDenied
    record = (
        MonitoredValue.objects.select_for_update()
        .filter(project=project, indicator=indicator, fiscal_year=fiscal_year)
        .first()
    )
    if record is None:
        record = MonitoredValue(project=project, indicator=indicator, fiscal_year=fiscal_year)
    elif not record.is_editable_by(by):
        raise PermissionDenied
    record.kind = kind
    record.value = value
    record.source_note = source_note
    record.is_demo = is_demo
    record.full_clean()
    record._history_user = by
    record._change_reason = reason
    record.save()
    return record
