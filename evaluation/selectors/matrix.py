"""The indicator tracking matrix of a project: indicators × fiscal years, each cell with the
target in force, the actual, the achievement rate and the rating. Figures are built on settled
values only (published figures and approved reports: `MonitoredValue.objects.settled()`), the
same for every reader; the project's own bureau sees its values awaiting approval beside them
as 暫定, never rated. The catalogue targets' figures are read from the summaries kept where
figures settle (`TargetYearSummary`, issue 27), the same figure `target_achievement` gives;
only what is not kept (a project's own targets, a target-year without a kept row) is worked
out here."""

from types import SimpleNamespace

from django.db.models import prefetch_related_objects

from evaluation.models import (
    Indicator,
    MonitoredValue,
    OwnTargetValue,
    ProjectPlan,
    Target,
    TargetYearSummary,
)
from evaluation.models.targets import versions_and_milestones
from evaluation.selectors.achievement import (
    REASON_LABELS,
    attach_per_firm,
    missing_reason,
    observed_and_filed,
    rating_bands,
    target_achievement,
)
from evaluation.selectors.summaries import KEPT, figure_of
from projects.domain import BASELINE_YEAR, PHASE_II, tracked_years
from projects.models import Role
from projects.selectors import get_project_for_user

FIRST_YEAR, LAST_YEAR = BASELINE_YEAR, PHASE_II[1]


# A kept row's version in force as `_KeptRow` reads it with the row.
VERSION_FIELDS = (
    "number",
    "applies_from_fiscal_year",
    "baseline_fiscal_year",
    "baseline_value",
    "target_fiscal_year",
    "target_value",
)


class SettledValue:
    """A value of the project as the matrix and its exports read it: plain values read in one
    query (no model instance for each of the project's few hundred values), shown through the
    model's own `display`, `display_in` and `display_with_unit`. `counts`: whether it counts
    for a figure (`settled(filed=True)`: else filed, awaiting approval)."""

    __slots__ = (
        "indicator",
        "indicator_id",
        "fiscal_year",
        "kind",
        "value",
        "is_approximate",
        "counts",
    )

    display = MonitoredValue.display
    display_in = MonitoredValue.display_in
    display_with_unit = MonitoredValue.display_with_unit

    def __init__(self, indicator, indicator_id, fiscal_year, kind, value, is_approximate, counts):
        self.indicator, self.indicator_id, self.fiscal_year = indicator, indicator_id, fiscal_year
        self.kind, self.value = kind, value
        self.is_approximate, self.counts = is_approximate, counts


def _within(year: int | None, default: int) -> int:
    """`year` kept inside the matrix's span; `default` where none is asked for."""
    return default if year is None else min(max(year, FIRST_YEAR), LAST_YEAR)


def matrix_context(
    user, code: str, *, category: str = "", first: int | None = None, last: int | None = None
) -> dict:
    """The matrix's rows (the page and its exports): every indicator of `category` (all where
    none or an unknown one is asked for) over the fiscal years `first`–`last` (kept inside
    FY2005–FY2010, either way round)."""
    project = get_project_for_user(user, code, fields=False)  # the matrix shows no fields
    if category not in Indicator.Category.values:
        category = ""
    first, last = _within(first, FIRST_YEAR), _within(last, LAST_YEAR)
    if first > last:
        first, last = last, first
    years = list(range(first, last + 1))
    # Every indicator (a few dozen rows): the values, targets and per-firm figures of those the
    # matrix does not show are read too, and each gets its Indicator from here, no join.
    catalogue = {i.pk: i for i in Indicator.objects.all()}
    indicators = [i for i in catalogue.values() if not category or i.category == category]
    values = [
        SettledValue(catalogue[row[0]], *row)
        for row in MonitoredValue.objects.settled(filed=True)
        .filter(project=project, fiscal_year__lte=last)
        .order_by()  # read into dicts: the default ordering's joins are not needed
        .values_list(*SettledValue.__slots__[1:])
    ]
    observed, filed = observed_and_filed(
        (v.indicator_id, v.fiscal_year, v.kind, v.value, v.counts) for v in values
    )
    shown = {(v.indicator_id, v.fiscal_year): v for v in values if v.counts}
    provisional = _provisional(user, project, first, last)
    plans = _plans(user, project, catalogue)
    targets = _targets_by_year(plans, years)
    figures = _Figures(targets, years, observed, filed)
    rows = [
        {
            "indicator": indicator,
            "cells": [
                _cell(year, shown, targets, observed, indicator, figures, filed, provisional)
                for year in years
            ],
        }
        for indicator in indicators
    ]
    _per_firm(rows, years, targets, figures)
    return {
        "project": project,
        "years": years,
        "rows": rows,
        "own_rows": _own_rows(user, project, plans, years, figures),
        "category": category,
        "categories": Indicator.Category.choices,
        "first": first,
        "last": last,
        "year_range": tracked_years(),
        "shows_provisional": bool(provisional),
    }


def _per_firm(rows, years, targets, figures) -> None:
    """The common target's cells get its per-firm form (`per_firm`): the per-firm target and
    actual of the year, from the common target and the firm-count target of that year's plan,
    whichever indicators the matrix shows."""
    common_row = next((row for row in rows if row["indicator"].is_common_target), None)
    if common_row is None:
        return
    for index, year in enumerate(years):
        found = [
            figures.of(target, year)
            for (_indicator_id, each), target in targets.items()
            if each == year and target.is_required  # the common target and the firm count
        ]
        common_row["cells"][index]["per_firm"] = attach_per_firm(found)


class _Figures:
    """The figure (`target_achievement`'s dict) of a target in a year. A catalogue target's is
    read from its kept row (one query for the matrix's targets and years: `figure_of`), each
    built once; one without a kept row, and a project's own target, is worked out from the
    values (its versions and their milestones read then, once)."""

    def __init__(self, targets: dict, years: list[int], observed: dict, filed: dict):
        self.observed, self.filed = observed, filed
        self.bands = None
        self.done: dict[tuple[int, int], dict] = {}
        self.worked_out: set[int] = set()
        by_id = {target.pk: target for target in targets.values()}
        self.targets = by_id
        self.kept: dict[tuple[int, int], tuple] = {}
        if by_id:
            rows = TargetYearSummary.objects.filter(
                target__in=list(by_id), fiscal_year__gte=years[0], fiscal_year__lte=years[-1]
            ).values_list(*KEPT, *(f"version__{field}" for field in VERSION_FIELDS))
            at_target, at_year = KEPT.index("target_id"), KEPT.index("fiscal_year")
            for values in rows:
                self.kept[(values[at_target], values[at_year])] = values

    def read_versions(self, targets) -> None:
        """Read these targets' versions and their milestones (two queries), once per target."""
        wanted = list({t.pk: t for t in targets if t.pk not in self.worked_out}.values())
        if wanted:
            prefetch_related_objects(wanted, *versions_and_milestones())
            self.worked_out.update(t.pk for t in wanted)

    def of(self, target, year: int, observed=None, filed=None) -> dict:
        """The figure of `target` in `year` (`observed`, `filed`: an own target's values, keyed
        by its id; the project's indicators' otherwise)."""
        key = (target.pk, year)
        if key in self.done:
            return self.done[key]
        row = self.kept.get(key) if target.indicator_id else None
        if row is not None:
            figure = figure_of(_KeptRow(row, target))
        else:
            # every catalogue target's at once: a constant number of queries however many
            # figures are not kept
            self.read_versions([target, *self.targets.values()])
            if self.bands is None:
                self.bands = rating_bands()
            subject = target.indicator_id or target.pk
            observed = self.observed if observed is None else observed
            filed = self.filed if filed is None else filed
            figure = target_achievement(
                target, year, observed.get(subject, {}), self.bands, filed.get(subject, set())
            )
        self.done[key] = figure
        return figure


class _KeptRow:
    """A kept row as `figure_of` reads it: its values (`KEPT`), its target and its version in
    force as plain values (`VERSION_FIELDS`, read with the row; None where none)."""

    def __init__(self, values: tuple, target):
        self.__dict__.update(zip(KEPT, values, strict=False))
        self.target = target
        self.version = None
        if self.version_id is not None:
            self.version = SimpleNamespace(
                pk=self.version_id, **dict(zip(VERSION_FIELDS, values[len(KEPT) :], strict=True))
            )


def _provisional(user, project, first: int, last: int) -> dict:
    """(indicator id, fiscal year) → a value awaiting approval, for staff of the project's own
    bureau only (暫定: shown apart, never rated); empty for every other reader."""
    if user.role != Role.STAFF or user.bureau_id != project.bureau_id:
        return {}
    return {
        (v.indicator_id, v.fiscal_year): v
        for v in MonitoredValue.objects.unsettled()
        .filter(project=project, fiscal_year__gte=first, fiscal_year__lte=last)
        .select_related("indicator")
    }


def _plans(user, project, catalogue: dict) -> list[tuple]:
    """The project's plans the user may see, each with its targets: (plan, targets) in the order
    of the plans' phases, read in one query (the targets, their plan and phase joined: a plan
    without targets has no row and no cell). Each catalogue target gets its indicator from
    `catalogue` (id → Indicator); versions and milestones are read only where a figure is
    worked out here (`_Figures`)."""
    # Ordered here, by the phase, then the ids of the rows they belong to (a project's few
    # targets), not by the models' default orderings, which go through plan → project → bureau
    # (joins and their compilation for nothing), nor in SQL (the ordering's joins compiled
    # again on every page).
    targets = sorted(
        Target.objects.filter(
            plan__in=ProjectPlan.objects.visible_to(user, per_row=True)
            .filter(project=project)
            .values("pk")
        )
        .select_related("plan__phase")
        .order_by(),
        key=lambda t: (t.plan.phase.first_fiscal_year, t.plan_id, t.order, t.pk),
    )
    plans: dict[int, tuple] = {}
    for target in targets:
        plan, of_plan = plans.setdefault(target.plan_id, (target.plan, []))
        target.plan = plan  # one plan object for its targets
        if target.indicator_id:
            target.indicator = catalogue[target.indicator_id]
        of_plan.append(target)
    return list(plans.values())


def _own_rows(user, project, plans, years, figures) -> list[dict]:
    """A row per own target of the plans (a project's targets not in the catalogue), cells as
    the indicators' (`_cell`) over the years its plan covers (None elsewhere): settled
    OwnTargetValues only, the own bureau's awaiting approval beside them as 暫定. No query
    where the plans have no own target."""
    own = [
        (plan, target) for plan, targets in plans for target in targets if not target.indicator_id
    ]
    if not own:
        return []
    figures.read_versions([t for _plan, t in own])
    values = list(
        OwnTargetValue.objects.settled(filed=True)
        .filter(target__in=[t for _plan, t in own], fiscal_year__lte=years[-1])
        .select_related("target")
    )
    observed, filed = observed_and_filed(
        (v.target_id, v.fiscal_year, v.kind, v.value, v.counts) for v in values
    )
    shown = {(v.target_id, v.fiscal_year): v for v in values if v.counts}
    provisional = {}
    if user.role == Role.STAFF and user.bureau_id == project.bureau_id:
        provisional = {
            (v.target_id, v.fiscal_year): v
            for v in OwnTargetValue.objects.unsettled()
            .filter(target__in=[t for _plan, t in own], fiscal_year__in=years)
            .select_related("target")
        }
    rows = []
    for plan, target in own:
        cells = []
        for year in years:
            if not plan.phase.contains(year):
                cells.append(None)
                continue
            cell = _cell(
                year,
                shown,
                {(target.pk, year): target},
                observed,
                target,
                figures,
                filed,
                provisional,
            )
            cells.append(cell)
        rows.append({"target": target, "plan": plan, "cells": cells})
    return rows


def _targets_by_year(plans, years) -> dict:
    """(indicator id, fiscal year) → the target of the plan covering that year (`_plans`)."""
    targets = {}
    for plan, of_plan in plans:
        covered = [year for year in years if plan.phase.contains(year)]
        for target in of_plan:
            if target.indicator_id:
                for year in covered:
                    targets[(target.indicator_id, year)] = target
    return targets


def _cell(year, shown, targets, observed, indicator, figures, filed, provisional) -> dict:
    """One indicator (or an own target: every mapping then keyed by its id) in one year. A
    cumulative target's cell carries the cumulative actual the
    rate is computed on (`actual`) and the year's own value (`value`) apart; a missing figure
    carries its reason (未報告, 未承認, 該当なし, 未把握)."""
    cell = {
        "year": year,
        "value": shown.get((indicator.pk, year)),
        "provisional": provisional.get((indicator.pk, year)),
        "goal": None,
        "actual": None,
        "rate": None,
        "rating": None,
        "cumulative": False,
        "reason_label": "",
        "reason_detail": "",
    }
    target = targets.get((indicator.pk, year))
    if target is not None:
        figure = figures.of(target, year, observed, filed)
        cell.update(
            goal=figure["goal"],
            actual=figure["actual"],
            rate=figure["rate"],
            rating=figure["rating"],
            rating_label=figure["rating_label"],
            cumulative=figure["cumulative"],
            reason_label=figure["reason_label"],
            reason_detail=figure["reason_detail"],
        )
    elif cell["value"] is None:
        own = observed.get(indicator.pk, {})
        reason = missing_reason(own, "flow", year, None, filed.get(indicator.pk, set()))
        cell["reason_label"] = REASON_LABELS[reason[0]] if reason else ""
    return cell
