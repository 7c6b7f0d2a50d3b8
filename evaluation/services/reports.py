"""Annual report writes: create a project-year, save its values and activity results. All or
nothing: one bad row refuses the whole save, row by row, and changes nothing. A save made on an
older version merges (DOMAIN.md, two rules of trust): the other person's changes to fields this
person did not touch are kept, and fields both changed are asked about (EditConflict)."""

import dataclasses
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from evaluation.models import (
    Activity,
    ActivityResult,
    AnnualReport,
    Indicator,
    MonitoredValue,
    OwnTargetValue,
    State,
    Target,
    ValueBreakdown,
    ValueKind,
    YearlyPlan,
)
from evaluation.models.monitoring import own_value_display
from evaluation.models.reports import REPORTABLE_YEARS, RowInput, stored_value
from evaluation.services import summaries
from evaluation.services.editing import (
    UNKNOWN_ORIGINAL,
    StaleEditError,
    changes_since,
    lock_for_edit,
    merge_three_way,
    save_new_version,
)
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
    summaries.refresh(project_ids=[project.pk], fiscal_years=[fiscal_year])
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
    own_targets = None
    for row in rows:
        kind, value, problems = stored_value(row)
        if row.own_target is not None:
            if own_targets is None:
                own_targets = {t.pk for t in report_own_targets(report)}
            if row.own_target.pk not in own_targets:
                problems = [_("この年度の個別計画の独自目標ではありません。")]
            if problems:
                errors[f"row-{row.code}"] = problems
            prepared.append((row, kind, value, {}))
            continue
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


def report_own_targets(report: AnnualReport) -> list:
    """The project's own targets (not in the catalogue) of the plan in force in the report's
    fiscal year: the rows of own actuals the report takes (and the workbook upload reads)."""
    return own_targets_of(report.project, report.fiscal_year)


def own_targets_of(project, fiscal_year: int) -> list[Target]:
    return list(
        Target.objects.filter(
            indicator__isnull=True,
            plan__project=project,
            plan__phase__first_fiscal_year__lte=fiscal_year,
            plan__phase__last_fiscal_year__gte=fiscal_year,
        )
    )


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
            errors[f"activity-{activity_id}"] = [_("実績値は0以上の整数で入力してください。")]
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
    on_conflict: str = "ask",
) -> AnnualReport:
    """Save a report's values (four kinds, optional breakdown by sub-region that adds up to
    the total) and its activities' actual outputs. Errors come back keyed `row-<indicator
    code>` and `activity-<id>` (annual_report_check); nothing is written unless every row is
    right.

    Made on an older version (`expected_version`), the save is merged field by field with what
    was saved since: fields this person left as they were take the other person's values,
    fields only this person changed keep theirs. Fields both changed to different values raise
    EditConflict and nothing is written (`on_conflict="ask"`, the entry screen), or are left at
    the other person's values and listed (`on_conflict="keep"`, the workbook upload). The
    returned report carries what was merged in `merge` (None on the current version)."""
    report = lock_for_edit(
        AnnualReport,
        pk=report.pk,
        expected_version=expected_version,
        by=by,
        reason=reason,
        merging=True,
    )
    errors, prepared = annual_report_check(
        report=report, rows=rows, activity_results=activity_results
    )
    if errors:
        raise ValidationError(errors)
    merge = None
    if report.version != expected_version:
        merge = report_merge(
            report=report,
            expected_version=expected_version,
            prepared=prepared,
            activity_results=activity_results,
            comment=comment,
        )
        if merge.conflicts and on_conflict != "keep":
            raise EditConflict(report, expected_version, merge)
        prepared, activity_results, comment = merge.applied(prepared)
    _write_values(report, prepared, by=by, reason=reason)
    _write_results(report, activity_results, by=by, reason=reason)
    report.comment = comment.strip()
    report = save_new_version(report, by=by, reason=reason or _("年度報告の保存"))
    if report.state != State.DRAFT:
        # A draft's values count nowhere; those of a filed report say 未承認.
        summaries.refresh(project_ids=[report.project_id], fiscal_years=[report.fiscal_year])
    report.merge = merge
    return report


# --- Merge, never overwrite ---------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class FieldChange:
    """A field of the report someone else changed since a version: before → after, by whom."""

    key: str
    label: str
    before: str
    after: str
    user: str
    at: object


@dataclasses.dataclass(frozen=True)
class FieldConflict:
    """A field both people changed to different values: the three values side by side."""

    key: str
    label: str
    original: str
    theirs: str
    mine: str
    user: str
    at: object


@dataclasses.dataclass(frozen=True)
class ReportMerge:
    """A save on an older version merged with the current one. `changes`: every field changed
    by others since the version; `taken`: those kept because this person did not touch them;
    `conflicts`: fields both changed; `mine_changed`: the keys of fields this person changed;
    `values`: the merged value of each field (the other person's for a conflict)."""

    expected_version: int
    changes: list[FieldChange]
    taken: list[FieldChange]
    conflicts: list[FieldConflict]
    mine_changed: list[str]
    values: dict

    def applied(self, prepared):
        """The rows, activity results and comment to write, with the merged values."""
        values = self.values
        rows = []
        for row, _kind, _value, _parts in prepared:
            code = row.code
            kind, value, parts = values[f"value-{code}"]
            row = dataclasses.replace(
                row, source_note=values[f"note-{code}"], comment=values[f"comment-{code}"]
            )
            rows.append((row, kind, value, dict(parts)))
        results = {
            int(key.removeprefix("actual-")): (value, values[f"actual_note-{key[7:]}"])
            for key, value in values.items()
            if key.startswith("actual-")
        }
        return rows, results, values["comment"]


class EditConflict(StaleEditError):
    """A save on an older version changed fields someone else also changed: `merge` holds the
    conflicts side by side and every change since, with before → after."""

    def __init__(self, obj, expected_version: int, merge: ReportMerge):
        super().__init__(obj, expected_version, changes_since(obj, expected_version))
        self.merge = merge


ABSENT_VALUE = (ValueKind.UNKNOWN, None, ())


def _value_state(kind, value, parts: dict) -> tuple:
    return (kind, value, tuple(sorted(parts.items())))


def _mine(prepared, activity_results, comment: str) -> dict:
    """The fields of the save as this person sent them, in stored terms."""
    state = {}
    for row, kind, value, parts in prepared:
        code = row.code
        state[f"value-{code}"] = _value_state(kind, value, parts)
        state[f"note-{code}"] = row.source_note.strip()
        state[f"comment-{code}"] = row.comment.strip()
    for activity_id, (actual, note) in activity_results.items():
        state[f"actual-{activity_id}"] = actual
        state[f"actual_note-{activity_id}"] = note.strip()
    state["comment"] = comment.strip()
    return state


def _theirs(report, keys: set[str], codes: dict[int, str], own: dict[int, str]) -> dict:
    """The same fields as they are now (every key of `keys`; a missing record is 未把握).
    `codes`: indicator id → row key; `own`: own target id → row key."""
    state = {}
    for value in OwnTargetValue.objects.filter(report=report, target_id__in=own):
        code = own[value.target_id]
        state[f"value-{code}"] = _value_state(value.kind, value.value, {})
        state[f"note-{code}"] = value.source_note
        state[f"comment-{code}"] = value.comment
    for value in MonitoredValue.objects.filter(
        project=report.project, fiscal_year=report.fiscal_year, indicator_id__in=codes
    ).prefetch_related("breakdown"):
        code = codes[value.indicator_id]
        parts = {b.sub_region_id: b.amount for b in value.breakdown.all()}
        state[f"value-{code}"] = _value_state(value.kind, value.value, parts)
        state[f"note-{code}"] = value.source_note
        state[f"comment-{code}"] = value.comment
    for result in report.activity_results.all():
        state[f"actual-{result.activity_id}"] = result.actual_output
        state[f"actual_note-{result.activity_id}"] = result.note
    state["comment"] = report.comment
    return {key: state.get(key, _absent(key)) for key in keys}


def _absent(key: str):
    """A field's value when its record does not exist."""
    if key.startswith("value-"):
        return ABSENT_VALUE
    if key.startswith("actual-"):
        return None
    return ""


class _Replay:
    """The fields as they were at the version (`original`) and who last changed each since
    (`changed_by`), replayed from the audit trail in the order it was written."""

    def __init__(self, cut):
        self.cut = cut
        self.fields: dict = {}
        self.at_cut: dict | None = None if cut is not None else {}
        self.original: dict = {}
        self.changed_by: dict = {}
        self.seen: set = set()
        self.values: dict = {}  # monitored value id → [code, kind, value, note, comment]
        self.parts: dict = {}  # monitored value id → {sub-region id: amount}

    def record(self, obj, record, units: dict) -> None:
        before_cut = self.cut is not None and record.history_date <= self.cut
        if before_cut:
            self.seen.add(obj)
            self.fields.update(units)
            return
        if self.at_cut is None:
            self.at_cut = dict(self.fields)
        for key, value in units.items():
            if key not in self.original:
                if obj not in self.seen and record.history_type != "+":
                    self.original[key] = UNKNOWN_ORIGINAL  # the trail begins after the version
                else:
                    self.original[key] = self.at_cut.get(key, _absent(key))
            if self.fields.get(key, self.original[key]) != value:
                self.changed_by[key] = (str(record.history_user or ""), record.history_date)
            self.fields[key] = value
        self.seen.add(obj)

    def finish(self) -> None:
        at_cut = self.at_cut if self.at_cut is not None else self.fields
        for key, value in at_cut.items():
            self.original.setdefault(key, value)

    def value_units(self, value_id) -> dict:
        code, kind, value, note, comment = self.values[value_id]
        parts = self.parts.get(value_id, {})
        return {
            f"value-{code}": _value_state(kind, value, parts),
            f"note-{code}": note,
            f"comment-{code}": comment,
        }


def _replayed(report, version: int, codes: dict[int, str], own: dict[int, str]) -> _Replay:
    """Replay the report's audit trail (the report, its values and their breakdowns, its own
    targets' values, its activity results) up to `version` and after it: five queries."""
    record = report.history.filter(version=version).order_by("-history_date", "-history_id")
    record = record.first()
    replay = _Replay(record.history_date if record else None)
    values = list(
        MonitoredValue.history.filter(
            project_id=report.project_id, fiscal_year=report.fiscal_year, indicator_id__in=codes
        ).select_related("history_user")
    )
    events = [("value", h) for h in values]
    events += [
        ("part", h)
        for h in ValueBreakdown.history.filter(value_id__in={h.id for h in values}).select_related(
            "history_user"
        )
    ]
    events += [
        ("own", h)
        for h in OwnTargetValue.history.filter(
            report_id=report.pk, target_id__in=own
        ).select_related("history_user")
    ]
    events += [
        ("result", h)
        for h in ActivityResult.history.filter(report_id=report.pk).select_related("history_user")
    ]
    events += [("report", h) for h in report.history.select_related("history_user")]
    events.sort(key=lambda e: (e[1].history_date, e[1].history_id))
    for kind, h in events:
        replay.record((kind, h.id), h, _units(replay, kind, h, codes, own))
    replay.finish()
    return replay


def _units(replay: _Replay, kind: str, h, codes: dict[int, str], own: dict[int, str]) -> dict:
    """The fields a history record sets, as they stand after it."""
    gone = h.history_type == "-"
    if kind == "own":
        code = own[h.target_id]
        if gone:
            return {f"value-{code}": ABSENT_VALUE, f"note-{code}": "", f"comment-{code}": ""}
        return {
            f"value-{code}": _value_state(h.kind, h.value, {}),
            f"note-{code}": h.source_note,
            f"comment-{code}": h.comment,
        }
    if kind == "value":
        replay.values[h.id] = (
            [codes[h.indicator_id], *ABSENT_VALUE[:2], "", ""]
            if gone
            else [codes[h.indicator_id], h.kind, h.value, h.source_note, h.comment]
        )
        return replay.value_units(h.id)
    if kind == "part":
        parts = replay.parts.setdefault(h.value_id, {})
        if gone:
            parts.pop(h.sub_region_id, None)
        else:
            parts[h.sub_region_id] = h.amount
        if h.value_id not in replay.values:
            return {}
        return {k: v for k, v in replay.value_units(h.value_id).items() if k.startswith("value-")}
    if kind == "result":
        return {
            f"actual-{h.activity_id}": None if gone else h.actual_output,
            f"actual_note-{h.activity_id}": "" if gone else h.note,
        }
    return {"comment": h.comment}


def report_merge(
    *, report: AnnualReport, expected_version: int, prepared, activity_results, comment: str
) -> ReportMerge:
    """Merge a save made on `expected_version` with the report as it is now (three-way, field
    by field; the original read back from the audit trail). Writes nothing."""
    indicators = {row.indicator.pk: row.indicator for row, *_rest in prepared if row.indicator}
    targets = {row.code: row.own_target for row, *_rest in prepared if row.own_target}
    codes = {pk: i.code for pk, i in indicators.items()}
    own = {t.pk: code for code, t in targets.items()}
    mine = _mine(prepared, activity_results, comment)
    theirs = _theirs(report, set(mine), codes, own)
    replay = _replayed(report, expected_version, codes, own)
    original = {key: replay.original.get(key, theirs[key]) for key in mine}
    merged = merge_three_way(original=original, theirs=theirs, mine=mine)
    shown = _Shown(report, indicators, targets)
    changes = [
        FieldChange(
            key,
            shown.label(key),
            shown(key, original[key]),
            shown(key, theirs[key]),
            *replay.changed_by.get(key, ("", None)),
        )
        for key in mine
        if theirs[key] != original[key]
    ]
    conflicts = [
        FieldConflict(
            key,
            shown.label(key),
            shown(key, original[key]),
            shown(key, theirs[key]),
            shown(key, mine[key]),
            *replay.changed_by.get(key, ("", None)),
        )
        for key in merged.conflicts
    ]
    return ReportMerge(
        expected_version=expected_version,
        changes=changes,
        taken=[c for c in changes if c.key in set(merged.taken)],
        conflicts=conflicts,
        mine_changed=merged.mine_changed,
        values=merged.values,
    )


class _Shown:
    """Fields and their values as people read them: 「研究開発プロジェクト採択件数」, 「36 件」."""

    def __init__(self, report, indicators: dict, targets: dict | None = None):
        self.indicators = {i.code: i for i in indicators.values()}
        self.targets = targets or {}  # row key → own target
        self.regions = {r.pk: r.name for r in report.project.sub_regions.all()}
        self.activities = {
            a.pk: a.title for a in Activity.objects.filter(results__report=report).distinct()
        }
        plan = YearlyPlan.objects.filter(
            project=report.project, fiscal_year=report.fiscal_year
        ).first()
        if plan is not None:
            self.activities |= {a.pk: a.title for a in plan.activities.all()}

    def label(self, key: str) -> str:
        name, _sep, subject = key.partition("-")
        if key == "comment":
            return str(_("全体のコメント"))
        if name in ("actual", "actual_note"):
            title = self.activities.get(int(subject), subject)
            what = _("実績値") if name == "actual" else _("備考")
            return f"{title}：{what}"
        subject_of = self.targets.get(subject) or self.indicators[subject]
        indicator = subject_of.name
        if name == "note":
            return f"{indicator}：{_('出所・注記')}"
        if name == "comment":
            return f"{indicator}：{_('コメント')}"
        return str(indicator)

    def __call__(self, key: str, value) -> str:
        if value is UNKNOWN_ORIGINAL:
            return str(_("（記録なし）"))
        name, _sep, subject = key.partition("-")
        if name == "value" and subject in self.targets:
            kind, number, _parts = value
            return own_value_display(kind, number, self.targets[subject].unit_label)
        if name == "value":
            return self._value(self.indicators[subject], value)
        if name == "actual":
            return "—" if value is None else f"{value.normalize():,f}"
        return value if value else str(_("（空欄）"))

    def _value(self, indicator, value) -> str:
        kind, number, parts = value
        text = MonitoredValue(indicator=indicator, kind=kind, value=number).display_with_unit
        if parts:
            shown = "、".join(
                f"{self.regions.get(region, region)} {indicator.format_number(amount)}"
                for region, amount in parts
            )
            text += f"（{shown}）"
        return text


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
    own = {v.target_id: v for v in OwnTargetValue.objects.select_for_update().filter(report=report)}
    for row, kind, value, parts in prepared:
        if row.own_target is not None:
            _write_own_value(report, own.get(row.own_target.pk), row, kind, value, by, reason)
            continue
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


def _write_own_value(report, record, row, kind, value, by, reason: str) -> None:
    """One own target's actual of the report's year (created, or changed where it differs)."""
    record = record or OwnTargetValue(
        target=row.own_target, report=report, fiscal_year=report.fiscal_year
    )
    note, comment = row.source_note.strip(), row.comment.strip()
    if record.pk and (record.kind, record.value, record.source_note, record.comment) == (
        kind,
        value,
        note,
        comment,
    ):
        return
    record.kind, record.value, record.source_note, record.comment = kind, value, note, comment
    record.full_clean()
    record._history_user = by
    record._change_reason = reason
    record.save()


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
