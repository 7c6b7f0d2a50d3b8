"""The change history of a record as people read it: who, when, which fields, the reason, and
each field's value before → after. Read from django-simple-history; consecutive versions
compared in Python. An annual report's history also holds, in each save, the monitored values
and activity results that save changed (indicator, fiscal year, old → new): a bounded number of
queries whatever the length of the history (five for a report, one for anything else)."""

from bisect import bisect_left
from dataclasses import dataclass, field

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from evaluation.models import (
    Activity,
    ActivityResult,
    AnnualReport,
    Indicator,
    MonitoredValue,
    OwnTargetValue,
)
from evaluation.models.audit import FieldDiff, field_changes, texts
from evaluation.models.monitoring import own_value_display
from projects.domain import fiscal_year_label, punctuation

HIDDEN_FIELDS = {"id", "version", "updated_at", "created_at", "state"}


@dataclass(frozen=True)
class ChangeEntry:
    at: object
    user: str
    reason: str
    fields: list[str]
    version: int | None
    details: list[FieldDiff] = field(default_factory=list)


def change_history(record, limit: int = 30, *, own_targets=()) -> list[ChangeEntry]:
    """The latest `limit` changes of a record, newest first, each with before → after. An
    annual report with `own_targets` (the project's own targets of its year: the caller has
    them) lists the changes of their actuals too (one query more)."""
    rows = list(
        record.history.select_related("history_user").order_by("-history_date", "-history_id")[
            : limit + 1
        ]
    )
    model = type(record)
    tracked = [f for f in model._meta.concrete_fields if f.attname not in HIDDEN_FIELDS]
    children = (
        _report_children(record, rows, own_targets) if isinstance(record, AnnualReport) else {}
    )
    entries = []
    for index, row in enumerate(rows[:limit]):
        older = rows[index + 1] if index + 1 < len(rows) else None
        details = [] if older is None else field_changes(tracked, older, row)
        entries.append(
            ChangeEntry(
                at=row.history_date,
                user=str(row.history_user or ""),
                reason=row.history_change_reason or "",
                fields=[d.label for d in details],
                version=getattr(row, "version", None),
                details=details + children.get(index, []),
            )
        )
    return entries


# --- An annual report's values and activity results, grouped by the save that changed them ---


def _report_children(report: AnnualReport, rows, own_targets=()) -> dict[int, list[FieldDiff]]:
    """The changes of the report's monitored values and activity results, keyed by the index
    of the report's history row whose save made them (a save writes them just before the
    report's new version)."""
    if not rows:
        return {}
    newest = rows[0].history_date
    dates = [row.history_date for row in reversed(rows)]  # oldest first
    values = list(
        MonitoredValue.history.filter(
            project_id=report.project_id,
            fiscal_year=report.fiscal_year,
            origin=MonitoredValue.Origin.REPORTED,
            history_date__lte=newest,
        ).order_by("history_date", "history_id")
    )
    results = list(
        ActivityResult.history.filter(report_id=report.pk, history_date__lte=newest).order_by(
            "history_date", "history_id"
        )
    )
    indicators = Indicator.objects.in_bulk({v.indicator_id for v in values})
    titles = dict(
        Activity.objects.filter(pk__in={r.activity_id for r in results}).values_list("pk", "title")
    )
    children: dict[int, list[FieldDiff]] = {}

    def place(record, diffs):
        position = bisect_left(dates, record.history_date)  # the first save at or after it
        index = len(rows) - 1 - position
        if diffs and 0 <= index < len(rows):
            children.setdefault(index, []).extend(diffs)

    year = fiscal_year_label(report.fiscal_year, get_language() or "ja")
    for older, record in _pairs(values):
        indicator = indicators.get(record.indicator_id)
        if indicator is not None:
            place(record, _value_diffs(indicator, year, older, record))
    if own_targets:
        names = {t.pk: t for t in own_targets}
        own = OwnTargetValue.history.filter(report_id=report.pk, history_date__lte=newest).order_by(
            "history_date", "history_id"
        )
        for older, record in _pairs(own):
            target = names.get(record.target_id)
            if target is not None:
                place(record, _value_diffs(target, year, older, record))
    for older, record in _pairs(results):
        place(record, _result_diffs(titles.get(record.activity_id, ""), older, record))
    return children


def _pairs(records):
    """Each history record with the one before it of the same object (None for the first)."""
    last = {}
    for record in records:
        yield last.get(record.id), record
        last[record.id] = record


def _value_diffs(indicator, year: str, older, record) -> list[FieldDiff]:
    """A monitored value's change: 「研究開発プロジェクト採択件数（2007年度（平成19年度））」
    36 件 → 40 件, and its source note and comment where they changed. A value created as
    未把握 with nothing written is no change worth reading."""
    label = f"{indicator.name}{punctuation('（')}{year}{punctuation('）')}".rstrip()

    def shown(r):
        if r is None or r.history_type == "-":
            return "—"
        if not isinstance(indicator, Indicator):  # an own target's actual, in its own unit
            return own_value_display(r.kind, r.value, indicator.unit_label)
        return MonitoredValue(
            indicator=indicator, kind=r.kind, value=r.value, is_approximate=r.is_approximate
        ).display_with_unit

    diffs = []
    if shown(older) != shown(record):
        diffs.append(FieldDiff(label, shown(older), shown(record)))
    for name, what in (("source_note", _("出所・注記")), ("comment", _("コメント"))):
        before = getattr(older, name, "") if older is not None else ""
        after = getattr(record, name, "") if record.history_type != "-" else ""
        if before != after:
            diffs.append(FieldDiff(f"{label}{punctuation('：')}{what}", *texts(before, after)))
    if older is None and record.kind == "unknown" and len(diffs) == 1:
        return []
    return diffs


def _result_diffs(title: str, older, record) -> list[FieldDiff]:
    def actual(r):
        if r is None or r.history_type == "-" or r.actual_output is None:
            return "—"
        return f"{r.actual_output.normalize():,f}"

    diffs = []
    if actual(older) != actual(record):
        diffs.append(FieldDiff(f"{title}：{_('実績値')}", actual(older), actual(record)))
    before = older.note if older is not None else ""
    if before != record.note:
        diffs.append(FieldDiff(f"{title}：{_('備考')}", *texts(before, record.note)))
    return diffs
