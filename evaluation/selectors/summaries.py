"""Reads of the summaries (models/summaries.py): the figures of many projects as the pages that
rate or list every project show them, read from the rows kept where figures settle instead of
recomputed per request. Each figure is the dict `target_achievement` gives
(`achievement_figure` over the kept inputs), so the pages and their exports are unchanged. A
fixed number of queries whatever the number of projects."""

from collections import namedtuple
from types import SimpleNamespace

from django.db.models import Exists, OuterRef, Q

from evaluation.arithmetic import (
    Observed,
    achievement_rate,
    actual_for_year,
    projection,
    reaches,
)
from evaluation.models import (
    Indicator,
    MonitoredValue,
    ProjectPlan,
    Target,
    TargetVersion,
    TargetYearSummary,
)
from evaluation.selectors.achievement import (
    achievement_figure,
    attach_per_firm,
    observed_values,
    rating_label,
)
from evaluation.selectors.national import ProjectRatings

KEPT = (
    "project_id",
    "target_id",
    "fiscal_year",
    "version_id",
    "goal",
    "actual",
    "baseline",
    "status",
    "own_kind",
    "own_value",
    "rating",
    "reason",
    "reason_year",
)


class Kept(SimpleNamespace):
    """A kept row read as plain values, with its `target` (indicator joined) and `version`."""


def _kept(rows, targets: dict[int, Target], versions: dict[int, TargetVersion]) -> list[Kept]:
    """Kept rows (`values_list(*KEPT)`) as `Kept`, each target and version one shared object:
    three queries for any number of rows, no model instance per row."""
    kept = []
    for values in rows:
        row = Kept(**dict(zip(KEPT, values, strict=True)))
        row.target = targets[row.target_id]
        row.version = versions.get(row.version_id)
        kept.append(row)
    return kept


PLAIN = (
    "target__indicator_id",
    "target__cumulation",
    "target__direction",
    "version__baseline_fiscal_year",
    "version__target_fiscal_year",
    "version__target_value",
)


# A kept row as `_kept_plain` reads it: the kept values, then its target and version.
PlainKept = namedtuple("PlainKept", (*KEPT, "target", "version"))


def _kept_plain(summaries, indicators: dict[int, Indicator] | None = None) -> list[PlainKept]:
    """Kept rows with their target and version as plain attributes read in the same query
    (what a figure, a projection and the per-firm form read: a target's indicator, cumulation
    and direction, a version's baseline year, target value and target year), one shared
    object per target and per version: two queries (the rows, their indicators; one where
    `indicators` holds them: a row of another indicator is left out), no model instance per
    target or version."""
    targets: dict[int, SimpleNamespace] = {}
    versions: dict[int, SimpleNamespace] = {}
    rows = list(summaries.values_list(*KEPT, *PLAIN))
    if indicators is None:
        indicators = Indicator.objects.in_bulk({values[len(KEPT)] for values in rows})
    kept = []
    size = len(KEPT)
    target_at, version_at = KEPT.index("target_id"), KEPT.index("version_id")
    for values in rows:
        target_id, version_id = values[target_at], values[version_at]
        indicator_id, cumulation, direction, baseline_year, target_year, target_value = values[
            size:
        ]
        target = targets.get(target_id)
        if target is None:
            indicator = indicators.get(indicator_id)
            if indicator is None:
                continue
            target = targets[target_id] = SimpleNamespace(
                pk=target_id,
                indicator_id=indicator_id,
                indicator=indicator,
                cumulation=cumulation,
                direction=direction,
                is_common=indicator.is_common_target,
            )
        version = None
        if version_id is not None:
            version = versions.get(version_id)
            if version is None:
                version = versions[version_id] = SimpleNamespace(
                    pk=version_id,
                    baseline_fiscal_year=baseline_year,
                    target_fiscal_year=target_year,
                    target_value=target_value,
                )
        kept.append(PlainKept(*values[:size], target, version))
    return kept


def _targets_and_versions(summaries) -> tuple[dict, dict]:
    target_ids = summaries.values("target_id")
    # Unordered: read into dicts, so the models' orderings would only join and sort.
    targets = Target.objects.filter(pk__in=target_ids).select_related("indicator").order_by()
    versions = TargetVersion.objects.filter(target__in=target_ids).order_by()
    return {t.pk: t for t in targets}, {v.pk: v for v in versions}


def figure_of(summary) -> dict:
    """The figure of one kept row (`Kept`, or a TargetYearSummary with `target__indicator` and
    `version` joined), as `target_achievement` gives it."""
    own = Observed(summary.own_kind, summary.own_value) if summary.own_kind else None
    return achievement_figure(
        summary.target,
        summary.fiscal_year,
        version=summary.version,
        goal=summary.goal,
        actual=summary.actual,
        status=summary.status,
        baseline=summary.baseline,
        rating=summary.rating,
        year_value=own,
        reason=summary.reason or None,
        reason_year=summary.reason_year,
    )


def _columns(columns: dict[int, Indicator]) -> list[Indicator]:
    return sorted(columns.values(), key=lambda i: (not i.is_common_target, i.category, i.order))


def year_summaries(user, year: int, *, among=None):
    """The kept rows the heat map rates in `year`: every catalogue target of a plan covering
    `year` that the user may see (a queryset, to filter further or use as a subquery).
    `among`: the ids of a page's projects, their rows only (an evaluator's assignment checked
    plan by plan, not every project assigned listed: ProjectPlan's `visible_to`)."""
    plans = ProjectPlan.objects.visible_to(user, among=among).filter(
        phase__first_fiscal_year__lte=year, phase__last_fiscal_year__gte=year
    )
    return TargetYearSummary.objects.filter(
        fiscal_year=year,
        target__plan__in=plans.values("pk"),
        target__indicator__isnull=False,
    )


def year_columns(user, projects, year: int) -> list[Indicator]:
    """The targeted indicators of `projects` (a queryset) in `year`: the heat map's columns
    over every project, whichever page of them is shown. One query."""
    targeted = year_summaries(user, year).filter(project__in=projects.values("pk"))
    return _columns(
        {i.pk: i for i in Indicator.objects.filter(pk__in=targeted.values("target__indicator_id"))}
    )


def year_rating_cells(user, projects, year: int) -> dict[int, dict[int, tuple]]:
    """Project id → indicator id → (rating label, achievement rate) of each catalogue target of
    `projects` (a queryset) in `year`: what the heat map's export shows of a figure, read from
    the kept rows as plain values (no target, version or figure built per row). One query."""
    rows = (
        year_summaries(user, year)
        .filter(project__in=projects.values("pk"))
        .order_by("project_id", "target__plan_id", "target__order", "target_id")
        .values_list(
            "project_id",
            "target__indicator_id",
            "target__direction",
            "goal",
            "actual",
            "rating",
            "reason",
        )
    )
    cells: dict[int, dict[int, tuple]] = {}
    for project_id, indicator_id, direction, goal, actual, rating, reason in rows.iterator(
        chunk_size=2000
    ):
        cells.setdefault(project_id, {})[indicator_id] = (
            rating_label(rating, reason or None),
            achievement_rate(actual, goal, direction),
        )
    return cells


def year_ratings(
    user, projects, year: int, reports: dict, columns: list[Indicator] | None = None
) -> tuple[list, list[ProjectRatings]]:
    """The ratings of many projects in one year (the heat map, API 評定), read from the
    summaries: for each project, every catalogue target of its plan covering `year` (a plan
    the user may see) with its figure
    (settled values only, a missing figure with its reason), the targeted indicators as
    columns (`columns` where given: those of every project, when `projects` is a page of
    them). The kept rows are read as plain values with their targets and versions
    (`_kept_plain`, no model instance per row): one query where `columns` is given, two
    otherwise (the rows, their indicators)."""
    given = columns
    ids = [p.pk for p in projects]
    summaries = year_summaries(user, year, among=ids).filter(project__in=ids)
    kept = _kept_plain(
        summaries.order_by("project_id", "target__plan_id", "target__order", "target_id"),
        None if given is None else {i.pk: i for i in given},
    )
    figures: dict[int, dict] = {}
    columns: dict[int, Indicator] = {}
    for summary in kept:
        target = summary.target
        columns.setdefault(target.indicator_id, target.indicator)
        figures.setdefault(summary.project_id, {})[target.indicator_id] = figure_of(summary)
    rows = []
    for project in projects:
        row = ProjectRatings(project, reports.get(project.pk))
        row.figures = figures.get(project.pk, {})
        attach_per_firm(row.figures.values())
        rows.append(row)
    return (_columns(columns) if given is None else given), rows


def rollup_blocks(
    project_ids, phase, year: int, *, now_only: bool = False, indicators=None, plain=None
) -> tuple[list[Indicator], dict[int, dict]]:
    """The round roll-up's blocks read from the summaries: project id → indicator id → the
    target's figures for each year of the phase up to `year` (`rows`, `now`), the version in
    force, the projection to its target year and whether it reaches the target, as
    `rounds._target_block` gives them; and the targeted indicators as columns. Three queries
    (rows, targets, versions); a fourth only where a cumulative target's versions differ in
    their baseline year (its projection then reads the values, as the sheet does).
    `now_only` (the exports): the figure of the round's year only (`rows` holds just `now`),
    targets and versions as plain attributes read with the rows (`_kept_plain`), of
    `indicators` only where given (id → Indicator: the columns). `plain=False` with `now_only`
    (the roll-up page): the round's year's figure only, with the targets and versions as models
    (the page names a target and its unit)."""
    # The phase by its years (`_rollup_summaries`), not by joining the plans: the rows are then
    # found from the listed projects (tys_project_year), not from every plan of the phase.
    summaries = _rollup_summaries(list(project_ids), phase, year).order_by(
        "project_id", "target__order", "target_id", "fiscal_year"
    )
    if now_only if plain is None else plain:
        kept = _kept_plain(summaries, indicators)
    else:
        targets, versions = _targets_and_versions(summaries)
        kept = _kept(summaries.values_list(*KEPT), targets, versions)
    by_target: dict[tuple[int, int], list[Kept]] = {}
    for summary in kept:
        by_target.setdefault((summary.project_id, summary.target_id), []).append(summary)
    years = list(range(phase.first_fiscal_year, year + 1))
    odd = [
        (project_id, kept_rows[0].target.indicator_id)
        for (project_id, _target), kept_rows in by_target.items()
        if _needs_values(kept_rows)
    ]
    observed = _observed(odd, year)
    columns: dict[int, Indicator] = {}
    blocks: dict[int, dict] = {}
    for (project_id, _target_id), kept_rows in by_target.items():
        if [s.fiscal_year for s in kept_rows] != years:
            continue  # not kept for every year: left out rather than shown wrong
        target = kept_rows[0].target
        columns.setdefault(target.indicator_id, target.indicator)
        in_force = kept_rows[-1].version
        own = observed.get((project_id, target.indicator_id))
        series = {}
        if in_force is not None:
            for summary in kept_rows:
                series[summary.fiscal_year] = (
                    summary.actual
                    if own is None
                    else actual_for_year(
                        own, target.cumulation, summary.fiscal_year, in_force.baseline_fiscal_year
                    )[0]
                )
        end_year = in_force.target_fiscal_year if in_force else phase.last_fiscal_year
        projected = projection(series, end_year)
        final = in_force.target_value if in_force else None
        shown = kept_rows[-1:] if now_only else kept_rows
        rows = [{"year": s.fiscal_year, **figure_of(s)} for s in shown]
        blocks.setdefault(project_id, {})[target.indicator_id] = {
            "target": target,
            "in_force": in_force,
            "rows": rows,
            "now": rows[-1],
            "projection": projected,
            "reaches": reaches(projected.value, final, target.direction),
            "has_values": True,
        }
    for project_blocks in blocks.values():
        attach_per_firm(block["now"] for block in project_blocks.values())
    return _columns(columns), blocks


def _needs_values(kept_rows: list[Kept]) -> bool:
    """Whether a target's kept actuals differ from the projection's series: a cumulative
    target whose version in some year counts from another baseline year than the version in
    force in the last year (the projection reads every year under the version in force)."""
    if not kept_rows or kept_rows[0].target.cumulation != "cumulative":
        return False
    in_force = kept_rows[-1].version
    if in_force is None:
        return False
    return any(
        (s.version.baseline_fiscal_year if s.version else None) != in_force.baseline_fiscal_year
        for s in kept_rows
    )


def _observed(keys: list[tuple[int, int]], year: int) -> dict:
    """The settled values of a few (project, indicator) pairs up to `year` (one query, none
    where there are no pairs)."""
    if not keys:
        return {}
    wanted = Q()
    for project_id, indicator_id in keys:
        wanted |= Q(project_id=project_id, indicator_id=indicator_id)
    rows = (
        MonitoredValue.objects.settled()
        .filter(wanted, fiscal_year__lte=year)
        .values_list("project_id", "indicator_id", "fiscal_year", "kind", "value")
    )
    return observed_values(((p, i), y, k, v) for p, i, y, k, v in rows)


def _rollup_summaries(projects, phase, year: int):
    """The kept rows a round roll-up reads: catalogue targets of the phase's plans, the years
    of the phase up to `year` (`projects`: ids or a subquery of them)."""
    # Phases do not overlap and a target is kept for the years of its plan's phase only, so
    # the years select the phase's plans without joining them.
    return TargetYearSummary.objects.filter(
        project__in=projects,
        target__indicator__isnull=False,
        fiscal_year__gte=phase.first_fiscal_year,
        fiscal_year__lte=year,
    )


def rollup_columns(projects, phase, year: int) -> list[Indicator]:
    """The indicators the roll-up of these projects (ids or a subquery) shows as columns: those
    targeted by a plan of the phase with a kept row in `year`. One query."""
    # Per indicator, whether a target of it has a kept row in `year` for one of the projects
    # (found by the indicator's targets and the row's (target, year) key, stopping at the
    # first): the rows of every project are not read to collect a few dozen indicators.
    kept = TargetYearSummary.objects.filter(
        target=OuterRef("pk"),
        project__in=projects,
        fiscal_year=year,
        fiscal_year__gte=phase.first_fiscal_year,
    )
    targeted = Target.objects.filter(indicator=OuterRef("pk")).filter(Exists(kept))
    indicators = Indicator.objects.filter(Exists(targeted))
    return _columns({i.pk: i for i in indicators})


def at_risk_projects(projects, phase, year: int):
    """A subquery of the ids among `projects` (ids or a subquery) with a catalogue target whose
    projection to its target year falls short of the target in force in `year` (the kept
    `reaches`, worked out where the figures settle as `rollup_blocks` shows it)."""
    return (
        TargetYearSummary.objects.filter(
            project__in=projects,
            fiscal_year=year,
            # An equality (`IN (0)`), not Django's `NOT reaches`: SQLite then finds the rows
            # by tys_year_reaches_at (covering) rather than reading every row of the year.
            reaches__in=[False],
            target__indicator__isnull=False,
            fiscal_year__gte=phase.first_fiscal_year,
        )
        .values("project_id")
        .distinct()
    )
