"""The summaries (models/summaries.py): the one writer. `refresh` recomputes the rows of some
projects and is called inside the transaction of every change that settles or unsettles a
figure (workflow transitions of annual reports, value writes, target and plan changes);
`rebuild` recomputes every project from scratch (`manage.py rebuild_summaries`). Never a signal,
never a cron.

The figures are worked out by `selectors/achievement.py` (`target_achievement` over
`observed_and_filed` of `MonitoredValue.objects.settled(filed=True)`), the same functions the
pages used before: there is no second copy of the arithmetic. This is the one place a service
reads a selector (tests/test_layers.py names it).

A bulk operation (the demo load) wraps itself in `deferred_refresh()`: inside it, the three
refreshes (`refresh` here, `refresh_national` and `refresh_common_targets` of
national_summaries.py) only note which projects and years they would recompute, and the block
recomputes each once on its way out, still inside its own transaction."""

import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from django.db import transaction
from django.db.models import Prefetch, Q

from evaluation.arithmetic import actual_for_year, projection, reaches
from evaluation.models import (
    AnnualReport,
    MonitoredValue,
    ProjectPlan,
    ProjectYearSummary,
    Target,
    TargetYearSummary,
)
from evaluation.selectors.achievement import (
    observed_and_filed,
    rated_targets,
    rating_bands,
    target_achievement,
)
from projects.models import Project

CHUNK = 200  # projects per batch of a rebuild

_local = threading.local()


class Pending:
    """What a `deferred_refresh()` block owes: per project, the earliest fiscal year whose
    summaries changed (None: every year), the fiscal years of its national totals (None: every
    year), and whether its bureau's common target totals changed."""

    def __init__(self) -> None:
        self.summaries: dict[int, int | None] = {}
        self.national: dict[int, set[int] | None] = {}
        self.common: set[int] = set()
        # What else settles at the end: national_summaries.flush, added by its refreshes
        # (it imports this module, not the other way round).
        self.also: dict[str, Callable[[Pending], object]] = {}

    def add_summaries(self, ids: Iterable[int], since: int | None) -> None:
        for pk in ids:
            if pk in self.summaries:
                known = self.summaries[pk]
                since_ = None if known is None or since is None else min(known, since)
                self.summaries[pk] = since_
            else:
                self.summaries[pk] = since

    def add_national(self, ids: Iterable[int], years: Iterable[int] | None) -> None:
        for pk in ids:
            if years is None or (pk in self.national and self.national[pk] is None):
                self.national[pk] = None
            else:
                self.national.setdefault(pk, set()).update(years)


def pending() -> Pending | None:
    """The refreshes owed by the `deferred_refresh()` block around this call (None: no block,
    refresh now)."""
    return getattr(_local, "pending", None)


@contextmanager
def deferred_refresh() -> Iterator[Pending]:
    """Defer every refresh of the kept summaries (per target, per project, national, common
    target) made inside the block and do each once at its end, in the block's transaction (an
    atomic block: the changes and their summaries commit together). Nested blocks belong to the
    outermost one. On an exception nothing is refreshed and the transaction rolls back."""
    if pending() is not None:
        with transaction.atomic():
            yield pending()
        return
    owed = Pending()
    with transaction.atomic():
        _local.pending = owed
        try:
            yield owed
        finally:
            _local.pending = None
        _flush(owed)


def _flush(owed: Pending) -> None:
    by_since: dict[int | None, list[int]] = {}
    for pk, since in owed.summaries.items():
        by_since.setdefault(since, []).append(pk)
    bands = rating_bands() if by_since else None
    for since, ids in by_since.items():
        _replace(sorted(ids), since, bands)
    for flush in owed.also.values():
        flush(owed)


def _up_to(by_year: dict, year: int) -> dict:
    return {y: v for y, v in by_year.items() if y <= year}


def compute(project_ids: Iterable[int], since: int | None = None, bands=None) -> tuple[list, list]:
    """What the summaries of these projects should hold (unsaved rows), for the fiscal years of
    their plans from `since` on (every year when None): TargetYearSummary rows, then
    ProjectYearSummary rows. Six queries whatever the number of projects."""
    ids = sorted(set(project_ids))
    if not ids:
        return [], []
    plans = (
        ProjectPlan.objects.filter(project__in=ids)
        .select_related("phase")
        .prefetch_related(Prefetch("targets", queryset=Target.objects.with_versions()))
        .order_by("project_id", "phase__first_fiscal_year", "pk")
    )
    # Every year's values, also before `since`: a cumulative figure reads the earlier years.
    values = MonitoredValue.objects.settled(filed=True).filter(project__in=ids)
    observed, filed = observed_and_filed(
        ((p, i), y, k, v, c)
        for p, i, y, k, v, c in values.values_list(
            "project_id", "indicator_id", "fiscal_year", "kind", "value", "counts"
        )
    )
    bands = bands if bands is not None else rating_bands()
    target_rows = []
    years_of: dict[int, set[int]] = {}
    for plan in plans:
        years = range(plan.phase.first_fiscal_year, plan.phase.last_fiscal_year + 1)
        years = [y for y in years if since is None or y >= since]
        years_of.setdefault(plan.project_id, set()).update(years)
        for target in rated_targets(list(plan.targets.all())):
            key = (plan.project_id, target.indicator_id)
            own, waiting = observed.get(key, {}), filed.get(key, set())
            line = _Line(target, own, plan.phase.first_fiscal_year)
            for year in years:
                figure = target_achievement(
                    target, year, _up_to(own, year), bands, {y for y in waiting if y <= year}
                )
                row = _target_row(plan.project_id, target, year, figure)
                row.reaches = line.reaches(figure["version"], year)
                target_rows.append(row)
    reports = AnnualReport.objects.filter(project__in=ids).values_list(
        "pk", "project_id", "fiscal_year", "state"
    )
    report_of = {}
    for pk, project_id, year, state in reports:
        if since is None or year >= since:
            report_of[(project_id, year)] = (pk, state)
            years_of.setdefault(project_id, set()).add(year)
    project_rows = []
    for project_id in ids:
        for year in sorted(years_of.get(project_id, ())):
            pk, state = report_of.get((project_id, year), (None, ""))
            project_rows.append(
                ProjectYearSummary(
                    project_id=project_id, fiscal_year=year, report_id=pk, report_state=state
                )
            )
    return target_rows, project_rows


class _Line:
    """The projection of one target as the roll-up reads it in a fiscal year: the straight line
    (`projection`) through the actuals of the phase's years up to that year, each under the
    version in force in that year (its baseline year), read at that version's target year and
    compared with its target (`reaches`). The actuals of a baseline year are worked out once."""

    def __init__(self, target, observed: dict, first_year: int):
        self.target, self.observed, self.first_year = target, observed, first_year
        self._actuals: dict[tuple, object] = {}

    def _actual(self, year: int, baseline_year):
        key = (year, baseline_year)
        if key not in self._actuals:
            self._actuals[key] = actual_for_year(
                _up_to(self.observed, year), self.target.cumulation, year, baseline_year
            )[0]
        return self._actuals[key]

    def reaches(self, in_force, year: int) -> bool | None:
        if in_force is None:
            return None
        base = in_force.baseline_fiscal_year
        series = {y: self._actual(y, base) for y in range(self.first_year, year + 1)}
        projected = projection(series, in_force.target_fiscal_year)
        return reaches(projected.value, in_force.target_value, self.target.direction)


def _target_row(project_id: int, target, year: int, figure: dict) -> TargetYearSummary:
    version = figure["version"]
    own = figure["year_value"]
    return TargetYearSummary(
        project_id=project_id,
        target_id=target.pk,
        fiscal_year=year,
        version_id=version.pk if version else None,
        goal=figure["goal"],
        actual=figure["actual"],
        baseline=version.baseline_value if version else None,
        status=figure["status"],
        own_kind=own.kind if own is not None else "",
        own_value=own.value if own is not None else None,
        rating=figure["rating"],
        reason=figure["reason"] or "",
        reason_year=figure["reason_year"],
    )


def _replace(ids: list[int], since: int | None, bands=None, *, clear: bool = True) -> None:
    target_rows, project_rows = compute(ids, since, bands)
    if clear:
        scope = Q(project__in=ids)
        if since is not None:
            scope &= Q(fiscal_year__gte=since)
        TargetYearSummary.objects.filter(scope).delete()
        ProjectYearSummary.objects.filter(scope).delete()
    TargetYearSummary.objects.bulk_create(target_rows, batch_size=1000)
    ProjectYearSummary.objects.bulk_create(project_rows, batch_size=1000)


@transaction.atomic
def refresh(*, project_ids: Iterable[int], fiscal_years: Iterable[int] | None = None) -> None:
    """Recompute the summaries of these projects: every year of their plans, or, given the
    fiscal years that changed, from the earliest of them on (a cumulative figure of a later
    year is built on the earlier ones). Call it inside the transaction of the change."""
    ids = sorted({pk for pk in project_ids if pk is not None})
    if not ids:
        return
    years = [y for y in (fiscal_years or ()) if y is not None]
    owed = pending()
    if owed is not None:
        owed.add_summaries(ids, min(years) if years else None)
        return
    _replace(ids, min(years) if years else None)


@transaction.atomic
def rebuild(*, chunk: int = CHUNK) -> int:
    """Recompute every project's summaries from scratch, a chunk of projects at a time; the
    number of TargetYearSummary rows written. Inside `deferred_refresh()` it settles what the
    block owed for these summaries so far."""
    owed = pending()
    if owed is not None:
        owed.summaries.clear()
    TargetYearSummary.objects.all().delete()
    ProjectYearSummary.objects.all().delete()
    ids = list(Project.objects.order_by("pk").values_list("pk", flat=True))
    bands = rating_bands()
    for start in range(0, len(ids), chunk):
        _replace(ids[start : start + chunk], None, bands, clear=False)
    return TargetYearSummary.objects.count()
