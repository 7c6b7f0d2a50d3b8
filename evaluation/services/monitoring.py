"""Writes that go through the rules: validated, atomic, audited, scoped to the user's bureau."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from evaluation.models import Indicator, MonitoredValue
from evaluation.services import summaries
from evaluation.services.editing import LockedError
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
    report=None,
) -> MonitoredValue:
    """Create or change one reported value of a project, indicator and fiscal year, in the
    year's annual report when given. The screens save whole reports (services/reports.py);
    this serves single values (imports, demo data) under the same rules.

    `by` must be staff of the project's bureau (PermissionDenied otherwise); a value of a
    submitted or approved report is locked (LockedError); the change is recorded in the
    history with `by` as the user and `reason` as the change reason.
    """
    if not project.is_editable_by(by):
        raise PermissionDenied
    if report is not None and (
        report.project_id != project.pk or report.fiscal_year != fiscal_year
    ):
        raise ValidationError(_("年度報告のプロジェクト・年度と一致しません。"))
    record = (
        MonitoredValue.objects.select_for_update()
        .filter(project=project, indicator=indicator, fiscal_year=fiscal_year)
        .first()
    )
    if record is None:
        record = MonitoredValue(project=project, indicator=indicator, fiscal_year=fiscal_year)
    elif not record.is_editable_by(by):
        raise PermissionDenied
    for owner in {record.report, report} - {None}:
        if owner.is_locked:
            raise LockedError(owner)
    record.report = report or record.report
    record.kind = kind
    record.value = value
    record.source_note = source_note
    record.is_demo = is_demo
    record.full_clean()
    record._history_user = by
    record._change_reason = reason
    record.save()
    summaries.refresh(project_ids=[project.pk], fiscal_years=[fiscal_year])
    return record
