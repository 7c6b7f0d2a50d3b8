"""The national read model (models/summaries_national: IndicatorYearTotal, CommonTargetTotal),
kept in the same transaction as every change that settles or unsettles a value or changes a
plan's common target: never a signal, never a cron.

A row totals the values of one bureau, so a change recomputes the rows of the bureaus and
fiscal years it touches from MonitoredValue.objects.settled(), the one meaning of a value that
counts; `rebuild_national()` recomputes every row (the `rebuild_summaries` command,
after the demo data and the generator)."""

from collections.abc import Iterable

from django.db import transaction

from evaluation.arithmetic import in_force_by_year, phase_total
from evaluation.models import (
    CommonTargetTotal,
    Indicator,
    IndicatorYearTotal,
    MonitoredValue,
    State,
    Target,
    ValueKind,
)
from evaluation.models.targets import versions_and_milestones
from evaluation.services.summaries import Pending, pending
from projects.models import Project

KNOWN = (ValueKind.NUMBER, ValueKind.ZERO)
BATCH = 5000


@transaction.atomic
def refresh_national(
    *, project_ids: Iterable[int], fiscal_years: Iterable[int] | None = None
) -> int:
    """Recompute the national totals of the bureaus of `project_ids` in `fiscal_years` (every
    year when None). Call it inside the transaction that settles or unsettles a value (an
    annual report approved, reopened or returned; a published figure written). Returns the
    number of rows written (0 inside `summaries.deferred_refresh()`, which does it at its end)."""
    owed = pending()
    if owed is not None:
        owed.add_national(
            [pk for pk in project_ids if pk is not None],
            None if fiscal_years is None else set(fiscal_years),
        )
        owed.also["national"] = flush
        return 0
    bureaus = set(
        Project.objects.filter(pk__in=list(project_ids)).values_list("bureau_id", flat=True)
    )
    if not bureaus:
        return 0
    return _recompute(bureaus, None if fiscal_years is None else set(fiscal_years))


@transaction.atomic
def rebuild_national() -> int:
    """Every row from scratch: the `rebuild_summaries` command, the end of load_demo
    and generate_data. Returns the number of rows written. Inside
    `summaries.deferred_refresh()` it settles what the block owed for these totals so far."""
    owed = pending()
    if owed is not None:
        owed.national.clear()
        owed.common.clear()
    rows = _recompute(None, None)
    return rows + _recompute_common(None)


@transaction.atomic
def refresh_common_targets(*, project_ids: Iterable[int], target: Target | None = None) -> int:
    """Recompute the common target totals of the bureaus of `project_ids` (every phase). Call
    it inside the transaction that creates a plan, sets a target's values (`target`: nothing
    to do unless it is the common target) or changes a plan's state. Returns the number of
    rows written."""
    if target is not None and not (target.indicator_id and target.indicator.is_common_target):
        return 0
    owed = pending()
    if owed is not None:
        owed.common.update(pk for pk in project_ids if pk is not None)
        owed.also["national"] = flush
        return 0
    bureaus = set(
        Project.objects.filter(pk__in=list(project_ids)).values_list("bureau_id", flat=True)
    )
    return _recompute_common(bureaus) if bureaus else 0


def flush(owed: Pending) -> int:
    """What a `summaries.deferred_refresh()` block owed of the national totals and the common
    target totals: each bureau once, for the union of its projects' years. Rows written."""
    bureau_of = dict(
        Project.objects.filter(pk__in=[*owed.national, *owed.common]).values_list("pk", "bureau_id")
    )
    years_of: dict[int, set[int] | None] = {}
    for pk, years in owed.national.items():
        bureau = bureau_of.get(pk)
        if bureau is None:
            continue
        if years is None or (bureau in years_of and years_of[bureau] is None):
            years_of[bureau] = None
        else:
            years_of.setdefault(bureau, set()).update(years)
    by_years: dict[frozenset | None, set[int]] = {}
    for bureau, years in years_of.items():
        by_years.setdefault(None if years is None else frozenset(years), set()).add(bureau)
    rows = sum(
        _recompute(bureaus, None if years is None else set(years))
        for years, bureaus in by_years.items()
    )
    common = {bureau_of[pk] for pk in owed.common if pk in bureau_of}
    return rows + (_recompute_common(common) if common else 0)


def _recompute_common(bureaus: set[int] | None) -> int:
    kept = CommonTargetTotal.objects.all()
    targets = Target.objects.filter(indicator__is_common_target=True)
    if bureaus is not None:
        kept = kept.filter(bureau__in=bureaus)
        targets = targets.filter(plan__project__bureau__in=bureaus)
    kept.delete()
    if not Indicator.objects.filter(is_common_target=True).exists():
        return 0
    targets = targets.select_related("plan__phase", "plan__project").prefetch_related(
        *versions_and_milestones()
    )
    cells: dict[tuple, list] = {}
    for target in targets:
        phase = target.plan.phase
        years = list(range(phase.first_fiscal_year, phase.last_fiscal_year + 1))
        by_year = in_force_by_year(target.paths(), years)
        key = (phase.pk, target.plan.project.bureau_id, target.plan.state == State.APPROVED)
        for year, value in [*by_year.items(), (None, phase_total(by_year, target.cumulation))]:
            cell = cells.setdefault((*key, year), [None, 0, 0])
            cell[2] += 1
            if value is not None:
                cell[0] = value if cell[0] is None else cell[0] + value
                cell[1] += 1
    CommonTargetTotal.objects.bulk_create(
        (
            CommonTargetTotal(
                phase_id=phase_id,
                bureau_id=bureau_id,
                approved=approved,
                fiscal_year=year,
                total=total,
                with_target=with_target,
                plans=count,
            )
            for (phase_id, bureau_id, approved, year), (total, with_target, count) in cells.items()
        ),
        batch_size=BATCH,
    )
    return len(cells)


def _recompute(bureaus: set[int] | None, years: set[int] | None) -> int:
    kept = IndicatorYearTotal.objects.all()
    values = MonitoredValue.objects.settled()
    projects = Project.objects.all()
    memberships = Project.fields.through.objects.all()
    if bureaus is not None:
        kept = kept.filter(bureau__in=bureaus)
        values = values.filter(project__bureau__in=bureaus)
        projects = projects.filter(bureau__in=bureaus)
        memberships = memberships.filter(project__bureau__in=bureaus)
    if years is not None:
        kept = kept.filter(fiscal_year__in=years)
        values = values.filter(fiscal_year__in=years)
    kept.delete()
    fields: dict[int, list[int]] = {}
    for project_id, field_id in memberships.values_list("project_id", "field_id"):
        fields.setdefault(project_id, []).append(field_id)
    keys = {}  # project id → its (bureau, field, by_field) keys
    for project_id, bureau_id in projects.values_list("pk", "bureau_id"):
        own = fields.get(project_id, [])
        keys[project_id] = [(bureau_id, None, None)] + [(bureau_id, f, g) for f in own for g in own]
    cells: dict[tuple, list] = {}
    rows = values.values_list("project_id", "indicator_id", "fiscal_year", "kind", "value")
    for project_id, indicator_id, year, kind, value in rows.iterator(chunk_size=BATCH):
        for bureau_id, field_id, by_field_id in keys[project_id]:
            key = (indicator_id, year, bureau_id, field_id, by_field_id)
            cell = cells.get(key)
            if cell is None:
                cell = cells[key] = [None, 0, 0, 0, 0]
            cell[4] += 1
            if kind in KNOWN:
                cell[0] = value if cell[0] is None else cell[0] + value
                cell[1] += 1
            elif kind == ValueKind.NOT_APPLICABLE:
                cell[2] += 1
            else:
                cell[3] += 1
    IndicatorYearTotal.objects.bulk_create(
        (
            IndicatorYearTotal(
                indicator_id=indicator_id,
                fiscal_year=year,
                bureau_id=bureau_id,
                field_id=field_id,
                by_field_id=by_field_id,
                total=total,
                reporting=reporting,
                not_applicable=not_applicable,
                unknown=unknown,
                projects=count,
            )
            for (indicator_id, year, bureau_id, field_id, by_field_id), (
                total,
                reporting,
                not_applicable,
                unknown,
                count,
            ) in cells.items()
        ),
        batch_size=BATCH,
    )
    return len(cells)
