"""Writes that go through the rules: validated, atomic, audited, scoped to the user's bureau."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from evaluation.models import Indicator, MonitoredValue
from evaluation.services import summaries
from evaluation.services.editing import LockedError
from projects.domain import FIRST_FISCAL_YEAR, LAST_FISCAL_YEAR
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


@transaction.atomic
def monitored_values_create(*, values: list[MonitoredValue], by, reason: str = "") -> int:
    """Create many new reported values at once (the demo load): the rules of
    `monitored_value_record` for each row, in a handful of queries instead of a dozen per row.

    Per row, as there: `by` must be staff of the project's bureau (PermissionDenied); the report,
    when given, is the project's and year's and not submitted or approved (ValidationError,
    LockedError); `clean_fields` and `clean` (the kind's choices, the digits, a value that
    matches its kind, no negative counts). The two things `full_clean` would ask the database
    once per row are checked here for all rows at once: no value exists yet for any of the
    (project, indicator, fiscal year) (the unique constraint; change existing values through
    `monitored_value_record`) and the fiscal year is in range (the check constraint; the
    kind/value check constraint is what `clean` checks). The references are saved rows: their
    existence is not asked again. One insert, one history insert with `by` and `reason`, one
    refresh of the summaries per project. Returns the number of rows written."""
    if not values:
        return 0
    range_check = next(
        c for c in MonitoredValue._meta.constraints if c.name == "value_fiscal_year_range"
    )
    keys = set()
    for record in values:
        if not record.project.is_editable_by(by):
            raise PermissionDenied
        report = record.report
        if report is not None:
            if report.project_id != record.project_id or report.fiscal_year != record.fiscal_year:
                raise ValidationError(_("年度報告のプロジェクト・年度と一致しません。"))
            if report.is_locked:
                raise LockedError(report)
        if not FIRST_FISCAL_YEAR <= record.fiscal_year <= LAST_FISCAL_YEAR:
            raise ValidationError(range_check.get_violation_error_message())
        record.clean_fields(exclude={"project", "indicator", "report"})
        record.clean()
        keys.add((record.project_id, record.indicator_id, record.fiscal_year))
    existing = MonitoredValue.objects.filter(
        project__in={k[0] for k in keys},
        indicator__in={k[1] for k in keys},
        fiscal_year__in={k[2] for k in keys},
    ).values_list("project_id", "indicator_id", "fiscal_year")
    if len(keys) < len(values) or keys & set(existing):
        raise ValidationError(
            values[0].unique_error_message(MonitoredValue, ("project", "indicator", "fiscal_year"))
        )
    bulk_create_with_history(
        values, MonitoredValue, batch_size=500, default_user=by, default_change_reason=reason
    )
    years: dict[int, set[int]] = {}
    for record in values:
        years.setdefault(record.project_id, set()).add(record.fiscal_year)
    for project_id, fiscal_years in years.items():
        summaries.refresh(project_ids=[project_id], fiscal_years=fiscal_years)
    return len(values)
