"""Achievement of a project's targets in a fiscal year: the database side. The arithmetic is in
projects.domain (pure); this module only gathers its inputs."""

from decimal import Decimal

from evaluation.arithmetic import (
    DEFAULT_BANDS,
    Band,
    Observed,
    achievement_rate,
    actual_for_year,
    change_warning,
    path_in_force,
    progress_rate,
    rating_for,
    target_for_year,
)
from evaluation.models import MonitoredValue, ProjectPlan, RatingBand


def rating_bands() -> tuple[Band, ...]:
    """The bands kept as data; the defaults of DOMAIN.md where none are stored."""
    stored = [Band(band.minimum_percent, band.rating) for band in RatingBand.objects.all()]
    return tuple(sorted(stored, key=lambda b: b.minimum, reverse=True)) or DEFAULT_BANDS


def observed_values(rows) -> dict:
    """What was observed, as the arithmetic reads it: key → {fiscal year: Observed}, from rows
    of (key, fiscal year, kind, value). The key is whatever the caller groups by: an indicator
    id for one project, a (project id, indicator id) pair for many."""
    observed: dict = {}
    for key, fiscal_year, kind, value in rows:
        observed.setdefault(key, {})[fiscal_year] = Observed(kind, value)
    return observed


def plan_for_year(project, fiscal_year: int) -> ProjectPlan | None:
    return (
        ProjectPlan.objects.filter(
            project=project,
            phase__first_fiscal_year__lte=fiscal_year,
            phase__last_fiscal_year__gte=fiscal_year,
        )
        .select_related("phase")
        .first()
    )


def year_targets(project, fiscal_year: int) -> list:
    """The targets of the plan in force in the fiscal year, versions and milestones joined."""
    plan = plan_for_year(project, fiscal_year)
    return list(plan.targets.with_versions()) if plan else []


def target_achievements(report, targets: list | None = None) -> list[dict]:
    """For every catalogue target of the year's plan: target in force, actual after the
    cumulation rule, achievement rate, progress from the baseline and the rating. Built on the
    report's own values and on earlier years' settled values only, so every reader sees the
    same figures and a draft of another year never changes them. `targets`, when the caller
    has them already: the year's plan's targets with their versions (`year_targets`)."""
    project, fiscal_year = report.project, report.fiscal_year
    if targets is None:
        targets = year_targets(project, fiscal_year)
    targets = [t for t in targets if t.indicator_id]
    if not targets:
        return []
    values = MonitoredValue.objects.settled(including=[report]).filter(
        project=project,
        indicator__in=[t.indicator_id for t in targets],
        fiscal_year__lte=fiscal_year,
    )
    observed = observed_values((v.indicator_id, v.fiscal_year, v.kind, v.value) for v in values)
    bands = rating_bands()
    return [
        target_achievement(target, fiscal_year, observed.get(target.indicator_id, {}), bands)
        for target in targets
    ]


def target_achievement(target, fiscal_year: int, observed: dict[int, Observed], bands) -> dict:
    """One target in one fiscal year: the version in force, its target for the year, the
    actual after the cumulation rule, achievement rate, progress from the baseline, rating.
    `observed` holds the target's values by fiscal year; `target.versions` is prefetched."""
    versions = list(target.versions.all())
    path = path_in_force([v.as_path() for v in versions], fiscal_year)
    version = next((v for v in versions if path and v.number == path.number), None)
    goal = target_for_year(path, fiscal_year)
    baseline = version.baseline_value if version else None
    baseline_year = version.baseline_fiscal_year if version else None
    actual, status = actual_for_year(observed, target.cumulation, fiscal_year, baseline_year)
    rating = rating_for(actual, status, goal, baseline, target.direction, bands)
    return {
        "target": target,
        "version": version,
        "goal": goal,
        "actual": actual,
        "status": status,
        "rate": achievement_rate(actual, goal, target.direction),
        "progress": progress_rate(actual, baseline, goal),
        "rating": rating,
        "rating_label": RatingBand.Rating(rating).label,
    }


def year_over_year_warnings(indicators, this_year: dict, last_year: dict) -> dict[int, str]:
    """Indicator id → a non-blocking warning where this year's value is far from last year's
    (the factor is each indicator's data)."""
    warnings = {}
    for indicator in indicators:
        current, previous = this_year.get(indicator.pk), last_year.get(indicator.pk)
        kind = change_warning(
            _number(previous), _number(current), Decimal(indicator.change_warning_factor)
        )
        if kind:
            warnings[indicator.pk] = kind
    return warnings


def _number(value: MonitoredValue | None) -> Decimal | None:
    return value.value if value is not None and value.value is not None else None
