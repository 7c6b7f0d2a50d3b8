"""The indicator tracking matrix of a project: indicators × fiscal years, each cell with the
target in force, the actual, the achievement rate and the rating. Figures are built on settled
values only (published figures and approved reports: `MonitoredValue.objects.settled()`), the
same for every reader; the project's own bureau sees its values awaiting approval beside them
as 暫定, never rated."""

from django.db.models import Prefetch

from evaluation.models import (
    Indicator,
    MonitoredValue,
    OwnTargetValue,
    ProjectPlan,
    Target,
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
from projects.domain import BASELINE_YEAR, PHASE_II, tracked_years
from projects.models import Role
from projects.selectors import get_project_for_user

FIRST_YEAR, LAST_YEAR = BASELINE_YEAR, PHASE_II[1]


def _within(year: int | None, default: int) -> int:
    """`year` kept inside the matrix's span; `default` where none is asked for."""
    return default if year is None else min(max(year, FIRST_YEAR), LAST_YEAR)


def matrix_context(
    user, code: str, *, category: str = "", first: int | None = None, last: int | None = None
) -> dict:
    """The matrix's rows (the page and its exports): every indicator of `category` (all where
    none or an unknown one is asked for) over the fiscal years `first`–`last` (kept inside
    FY2005–FY2010, either way round)."""
    project = get_project_for_user(user, code)
    if category not in Indicator.Category.values:
        category = ""
    first, last = _within(first, FIRST_YEAR), _within(last, LAST_YEAR)
    if first > last:
        first, last = last, first
    years = list(range(first, last + 1))
    indicators = list(
        Indicator.objects.filter(category=category) if category else Indicator.objects.all()
    )
    catalogue = {i.pk: i for i in indicators} if not category else None
    values = (
        MonitoredValue.objects.settled(filed=True)
        .filter(project=project, fiscal_year__lte=last)
        .order_by()  # read into dicts: the default ordering's joins are not needed
    )
    if catalogue is None:
        values = list(values.select_related("indicator"))
    else:  # every indicator is loaded already: no join, one Indicator per indicator
        values = list(values)
        for value in values:
            value.indicator = catalogue[value.indicator_id]
    observed, filed = observed_and_filed(
        (v.indicator_id, v.fiscal_year, v.kind, v.value, v.counts) for v in values
    )
    shown = {(v.indicator_id, v.fiscal_year): v for v in values if v.counts}
    provisional = _provisional(user, project, first, last)
    plans = _plans(user, project)
    targets = _targets_by_year(plans, years)
    bands = rating_bands()
    rows = [
        {
            "indicator": indicator,
            "cells": [
                _cell(year, shown, targets, observed, indicator, bands, filed, provisional)
                for year in years
            ],
        }
        for indicator in indicators
    ]
    _per_firm(rows, years, targets, observed, filed, bands)
    return {
        "project": project,
        "years": years,
        "rows": rows,
        "own_rows": _own_rows(user, project, plans, years, bands),
        "category": category,
        "categories": Indicator.Category.choices,
        "first": first,
        "last": last,
        "year_range": tracked_years(),
        "shows_provisional": bool(provisional),
    }


def _per_firm(rows, years, targets, observed, filed, bands) -> None:
    """The common target's cells get its per-firm form (`per_firm`): the per-firm target and
    actual of the year, from the common target and the firm-count target of that year's plan,
    whichever indicators the matrix shows."""
    common_row = next((row for row in rows if row["indicator"].is_common_target), None)
    if common_row is None:
        return
    for index, year in enumerate(years):
        figures = [
            target_achievement(
                target, year, observed.get(indicator_id, {}), bands, filed.get(indicator_id, set())
            )
            for (indicator_id, each), target in targets.items()
            if each == year and target.is_required  # the common target and the firm count
        ]
        common_row["cells"][index]["per_firm"] = attach_per_firm(figures)


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


def _plans(user, project) -> list:
    """The project's plans the user may see, targets with their versions and milestones."""
    # Orders by the ids of the rows they belong to, not the models' default orderings, which
    # go through plan → project → bureau (joins and their compilation for nothing: one
    # project's plans, and each prefetch is grouped by its parent anyway).
    return list(
        ProjectPlan.objects.visible_to(user)
        .filter(project=project)
        .select_related("phase")
        .order_by("phase__first_fiscal_year")
        .prefetch_related(
            Prefetch(
                "targets",
                queryset=Target.objects.select_related("indicator").order_by(
                    "plan_id", "order", "id"
                ),
            ),
            *versions_and_milestones("targets__versions"),
        )
    )


def _own_rows(user, project, plans, years, bands) -> list[dict]:
    """A row per own target of the plans (a project's targets not in the catalogue), cells as
    the indicators' (`_cell`) over the years its plan covers (None elsewhere): settled
    OwnTargetValues only, the own bureau's awaiting approval beside them as 暫定. No query
    where the plans have no own target."""
    own = [
        (plan, target) for plan in plans for target in plan.targets.all() if not target.indicator_id
    ]
    if not own:
        return []
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
                bands,
                filed,
                provisional,
            )
            cells.append(cell)
        rows.append({"target": target, "plan": plan, "cells": cells})
    return rows


def _targets_by_year(plans, years) -> dict:
    """(indicator id, fiscal year) → the target of the plan covering that year (`_plans`)."""
    targets = {}
    for plan in plans:
        covered = [year for year in years if plan.phase.contains(year)]
        for target in plan.targets.all():
            if target.indicator_id:
                for year in covered:
                    targets[(target.indicator_id, year)] = target
    return targets


def _cell(year, shown, targets, observed, indicator, bands, filed, provisional) -> dict:
    """One indicator (or an own target: every mapping then keyed by its id) in one year. A
    cumulative target's cell carries the cumulative actual the
    rate is computed on (`actual`) and the year's own value (`value`) apart; a missing figure
    carries its reason (未報告, 未承認, 該当なし, 未把握)."""
    own = observed.get(indicator.pk, {})
    filed = filed.get(indicator.pk, set())
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
        figures = target_achievement(target, year, own, bands, filed)
        cell.update(
            goal=figures["goal"],
            actual=figures["actual"],
            rate=figures["rate"],
            rating=figures["rating"],
            rating_label=figures["rating_label"],
            cumulative=figures["cumulative"],
            reason_label=figures["reason_label"],
            reason_detail=figures["reason_detail"],
        )
    elif cell["value"] is None:
        reason = missing_reason(own, "flow", year, None, filed)
        cell["reason_label"] = REASON_LABELS[reason[0]] if reason else ""
    return cell
