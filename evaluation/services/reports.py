"""Annual report writes: create a project-year, save its values and activity results. All or
nothing: one bad row refuses the whole save, row by row, and changes nothing."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from evaluation.models import (
    ActivityResult,
    AnnualReport,
    Indicator,
    MonitoredValue,
    ValueBreakdown,
    ValueKind,
    YearlyPlan,
)
from evaluation.models.reports import REPORTABLE_YEARS, RowInput, stored_value
from evaluation.services.editing import lock_for_edit, save_new_version
from projects.domain import FractionOfYenError, to_yen
from projects.models import Project


@transaction.atomic
def annual_report_create(*, project: Project, fiscal_year: int, by) -> AnnualReport:
    if not project.is_editable_by(by):
        raise PermissionDenied
    first, last = REPORTABLE_YEARS
    if not first <= fiscal_year <= last:
        raise ValidationError(
            {
                "fiscal_year": _("年度報告は%(first)s〜%(last)s年度について作成します。")
                % {"first": first, "last": last}
            }
        )
    if AnnualReport.objects.filter(project=project, fiscal_year=fiscal_year).exists():
        raise ValidationError({"fiscal_year": _("この年度の年度報告はすでにあります。")})
    report = AnnualReport(project=project, fiscal_year=fiscal_year)
    report.full_clean()
    report._history_user = by
    report._change_reason = _("作成")
    report.save()
    return report


def annual_report_check(
    *,
    report: AnnualReport,
    rows: list[RowInput],
    activity_results: dict[int, tuple[Decimal | None, str]],
) -> tuple[dict[str, list[str]], list[tuple]]:
    """Every row checked at once: the problems keyed `row-<indicator code>` and
    `activity-<id>` (empty when all is right), and each row's kind, value and breakdown as they
    are to be stored. Writes nothing. A row of a published figure is refused unless it repeats
    the figure as published (a downloaded workbook carries it), and is then left out."""
    regions = {r.pk: r for r in report.project.sub_regions.all()}
    published = {
        v.indicator_id: v
        for v in MonitoredValue.objects.filter(
            project=report.project,
            fiscal_year=report.fiscal_year,
            origin=MonitoredValue.Origin.REFERENCE,
        ).select_related("indicator")
    }
    errors: dict[str, list[str]] = {}
    prepared = []
    for row in rows:
        kind, value, problems = stored_value(row)
        if row.indicator.pk in published:
            figure = published[row.indicator.pk]
            if problems or not _repeats(figure, row, kind, value):
                errors[f"row-{row.indicator.code}"] = [figure.refusal]
            continue
        parts = {k: v for k, v in row.breakdown.items() if v is not None}
        if parts:
            parts = _checked_parts(row, kind, value, parts, regions, problems)
        if problems:
            errors[f"row-{row.indicator.code}"] = problems
        prepared.append((row, kind, value, parts))
    errors |= _activity_problems(report, activity_results)
    return errors, prepared


def _repeats(figure: MonitoredValue, row: RowInput, kind, value) -> bool:
    """Whether a row says exactly what the published figure says (changes nothing)."""
    return (
        (kind, value) == (figure.kind, figure.value)
        and row.source_note.strip() == figure.source_note
        and row.comment.strip() == figure.comment
        and not any(v is not None for v in row.breakdown.values())
    )


def _checked_parts(row, kind, value, parts, regions, problems: list[str]) -> dict:
    """A row's breakdown by sub-region in yen where the row is money; its problems are added to
    `problems` (regions not the project's, a breakdown of no number, a sum not the total)."""
    if set(parts) - set(regions):
        problems.append(_("このプロジェクトの地域ではありません。"))
    elif kind not in (ValueKind.NUMBER, ValueKind.ZERO):
        problems.append(_("地域別の内訳は数値のときだけ入力します。"))
    else:
        if row.indicator.unit == Indicator.Unit.YEN:
            try:
                parts = {
                    k: Decimal(to_yen(v, row.indicator.entry_money_unit)) for k, v in parts.items()
                }
            except FractionOfYenError:
                problems.append(_("金額は円単位の整数になるように入力してください。"))
        if not problems and sum(parts.values(), Decimal(0)) != value:
            problems.append(
                _("地域別の内訳の合計（%(sum)s）が合計値（%(total)s）と一致しません。")
                % {
                    "sum": f"{sum(parts.values(), Decimal(0)):,f}".rstrip("0").rstrip("."),
                    "total": f"{value:,f}".rstrip("0").rstrip("."),
                }
            )
    return parts


def _activity_problems(report, activity_results) -> dict[str, list[str]]:
    """Actual outputs only for activities of the year's yearly plan, whole and not negative."""
    project = report.project
    planned = (
        {
            a.pk: a
            for a in YearlyPlan.objects.filter(project=project, fiscal_year=report.fiscal_year)
            .first()
            .activities.all()
        }
        if (YearlyPlan.objects.filter(project=project, fiscal_year=report.fiscal_year).exists())
        else {}
    )
    errors = {}
    for activity_id, (actual, _note) in activity_results.items():
        if activity_id not in planned:
            errors[f"activity-{activity_id}"] = [_("この年度計画の活動ではありません。")]
        elif actual is not None and (actual < 0 or actual != actual.to_integral_value()):
            errors[f"activity-{activity_id}"] = [_("実績値は 0 以上の整数で入力してください。")]
    return errors


@transaction.atomic
def annual_report_save(
    *,
    report: AnnualReport,
    expected_version: int,
    by,
    rows: list[RowInput],
    activity_results: dict[int, tuple[Decimal | None, str]],
    comment: str = "",
    reason: str = "",
) -> AnnualReport:
    """Save a report's values (four kinds, optional breakdown by sub-region that adds up to
    the total) and its activities' actual outputs. Errors come back keyed `row-<indicator
    code>` and `activity-<id>` (annual_report_check); nothing is written unless every row is
    right."""
    report = lock_for_edit(
        AnnualReport, pk=report.pk, expected_version=expected_version, by=by, reason=reason
    )
    errors, prepared = annual_report_check(
        report=report, rows=rows, activity_results=activity_results
    )
    if errors:
        raise ValidationError(errors)
    _write_values(report, prepared, by=by, reason=reason)
    _write_results(report, activity_results, by=by, reason=reason)
    report.comment = comment.strip()
    return save_new_version(report, by=by, reason=reason or _("年度報告の保存"))


def _write_values(report, prepared, *, by, reason: str) -> None:
    """The checked rows into the year's monitored values and their breakdowns; published
    figures are left as they are."""
    project = report.project
    existing = {
        v.indicator_id: v
        for v in MonitoredValue.objects.select_for_update().filter(
            project=project, fiscal_year=report.fiscal_year
        )
    }
    for row, kind, value, parts in prepared:
        record = existing.get(row.indicator.pk)
        if record is not None and record.is_published:
            raise ValidationError({f"row-{row.indicator.code}": [record.refusal]})
        record = record or MonitoredValue(
            project=project, indicator=row.indicator, fiscal_year=report.fiscal_year
        )
        changed = (
            record.pk is None
            or record.kind != kind
            or record.value != value
            or record.source_note != row.source_note.strip()
            or record.comment != row.comment.strip()
            or record.report_id != report.pk
        )
        record.report = report
        record.kind, record.value = kind, value
        record.source_note, record.comment = row.source_note.strip(), row.comment.strip()
        if changed:
            record.full_clean()
            record._history_user = by
            record._change_reason = reason
            record.save()
        _write_breakdown(record, parts, by=by)


def _write_breakdown(record, parts, *, by) -> None:
    old_parts = {b.sub_region_id: b for b in record.breakdown.all()}
    for region_id, part in old_parts.items():
        if region_id not in parts:
            part._history_user = by
            part.delete()
    for region_id, amount in parts.items():
        part = old_parts.get(region_id) or ValueBreakdown(value=record, sub_region_id=region_id)
        if part.amount != amount:
            part.amount = amount
            part._history_user = by
            part.save()


def _write_results(report, activity_results, *, by, reason: str) -> None:
    results = {r.activity_id: r for r in report.activity_results.all()}
    for activity_id, (actual, note) in activity_results.items():
        result = results.get(activity_id) or ActivityResult(report=report, activity_id=activity_id)
        if result.pk is None or result.actual_output != actual or result.note != note.strip():
            result.actual_output, result.note = actual, note.strip()
            result._history_user = by
            result._change_reason = reason
            result.save()
