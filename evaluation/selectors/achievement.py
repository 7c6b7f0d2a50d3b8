"""Achievement of a project's targets in a fiscal year: the database side. The arithmetic is in
projects.domain (pure); this module only gathers its inputs."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from evaluation.arithmetic import (
    DEFAULT_BANDS,
    Band,
    Kind,
    Observed,
    achievement_rate,
    actual_for_year,
    change_warning,
    path_in_force,
    per_firm,
    progress_rate,
    rating_for,
    target_for_year,
)
from evaluation.models import MonitoredValue, OwnTargetValue, ProjectPlan, RatingBand, State
from evaluation.models.targets import COMMON_TARGET_DENOMINATOR, versions_and_milestones


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


def rated_targets(targets) -> list:
    """The catalogue targets among a plan's targets: the ones every-project readers and the
    summaries (services/summaries.py) keep figures for. A project's own targets (no catalogue
    indicator) are rated live on that project's own pages (`target_achievements`)."""
    return [t for t in targets if t.indicator_id]


def target_achievements(report, targets: list | None = None) -> list[dict]:
    """For every target of the year's plan, catalogue or the project's own: target in force,
    actual after the cumulation rule, achievement rate, progress from the baseline and the
    rating. Built on the report's own values and on earlier years' settled values only, so
    every reader sees the same figures and a draft of another year never changes them. A
    report not yet approved rates on its own values: each row is marked `provisional` (暫定).
    `targets`, when the caller has them already: the year's plan's targets with their
    versions (`year_targets`). An own target's row is marked `own` (its values are
    OwnTargetValues, in its own unit)."""
    project, fiscal_year = report.project, report.fiscal_year
    if targets is None:
        targets = year_targets(project, fiscal_year)
    catalogue = rated_targets(targets)
    own = [t for t in targets if not t.indicator_id]
    if not targets:
        return []
    values = (
        MonitoredValue.objects.settled(including=[report], filed=True)
        .filter(
            project=project,
            indicator__in=[t.indicator_id for t in catalogue],
            fiscal_year__lte=fiscal_year,
        )
        .order_by()  # read into dicts: the default ordering's joins are not needed
        .values_list("indicator_id", "fiscal_year", "kind", "value", "counts")
        if catalogue
        else []
    )
    observed, filed = observed_and_filed(values)
    own_observed, own_filed = own_observed_and_filed(own, fiscal_year, including=[report])
    bands = rating_bands()
    provisional = report.state != State.APPROVED
    rows = []
    for target in catalogue:
        key = target.indicator_id
        row = target_achievement(
            target, fiscal_year, observed.get(key, {}), bands, filed.get(key, set())
        )
        row["provisional"] = provisional
        rows.append(row)
    for target in own:
        row = target_achievement(
            target,
            fiscal_year,
            own_observed.get(target.pk, {}),
            bands,
            own_filed.get(target.pk, set()),
        )
        row["provisional"] = provisional
        rows.append(row)
    attach_per_firm(rows)
    return rows


def own_observed_and_filed(targets, last_year: int, *, including=()) -> tuple[dict, dict]:
    """`observed_and_filed` for a project's own targets, keyed by target id: their values up to
    `last_year` through the one rule (`OwnTargetValue.objects.settled(filed=True)`)."""
    if not targets:
        return {}, {}
    return observed_and_filed(
        OwnTargetValue.objects.settled(including=including, filed=True)
        .filter(target__in=targets, fiscal_year__lte=last_year)
        .values_list("target_id", "fiscal_year", "kind", "value", "counts")
    )


def observed_and_filed(rows) -> tuple[dict, dict]:
    """From rows of (key, fiscal year, kind, value, counts) read through
    `MonitoredValue.objects.settled(filed=True)`: what was observed (`observed_values`, the
    rows that count) and key → the fiscal years with a value filed but not approved yet."""
    rows = list(rows)
    observed = observed_values(row[:4] for row in rows if row[4])
    filed: dict = {}
    for key, fiscal_year, _kind, _value, counts in rows:
        if not counts:
            filed.setdefault(key, set()).add(fiscal_year)
    return observed, filed


# Why a figure is missing: the one place these reasons are worked out (`missing_reason`).
NOT_REPORTED = "not_reporting"  # 未報告: nothing filed
UNAPPROVED = "unapproved"  # 未承認: filed (submitted, returned, reopened), not approved yet
NOT_APPLICABLE = "not_applicable"  # 該当なし
UNKNOWN = "unknown"  # 未把握

REASON_LABELS = {
    NOT_REPORTED: _("未報告"),
    UNAPPROVED: _("未承認"),
    NOT_APPLICABLE: _("該当なし"),
    UNKNOWN: _("未把握"),
}


def _span(observed, cumulation, year, baseline_year) -> list[int]:
    """The fiscal years a figure of `year` is built on (as `actual_for_year` reads them)."""
    if cumulation != "cumulative":
        return [year]
    if baseline_year is not None:
        first = baseline_year + 1
    elif observed:
        first = min(min(observed), year)
    else:
        first = year
    return list(range(first, year + 1))


def missing_reason(
    observed: dict[int, Observed],
    cumulation: str,
    year: int,
    baseline_year: int | None,
    filed: set[int] | frozenset = frozenset(),
) -> tuple[str, int | None] | None:
    """Why a figure of `year` is missing, with the fiscal year that causes it; None where the
    figure exists. `observed`: the settled values by fiscal year; `filed`: the years whose
    report is filed but not approved. 該当なし in the year itself; else the first year of the
    span (the year alone, or every year of a cumulative figure) without a number: 未承認 where
    its report is filed, 未把握 where the value is known to be unknown, else 未報告. An empty
    span (a year not after the baseline year) is 未報告 with no year."""
    own = observed.get(year)
    if own is not None and own.kind == Kind.NOT_APPLICABLE:
        return NOT_APPLICABLE, year
    span = _span(observed, cumulation, year, baseline_year)
    if not span:
        return NOT_REPORTED, None
    for each in span:
        observation = observed.get(each)
        if observation is not None and (
            observation.kind == Kind.ZERO
            or (observation.kind == Kind.NUMBER and observation.value is not None)
        ):
            continue
        if observation is not None and observation.kind == Kind.NOT_APPLICABLE:
            continue  # 該当なし in an earlier year adds nothing to a cumulative figure
        if each in filed:
            return UNAPPROVED, each
        if observation is not None and observation.kind == Kind.UNKNOWN:
            return UNKNOWN, each
        return NOT_REPORTED, each
    return None


def reason_detail(reason: str, reason_year: int | None, year: int, cumulative: bool) -> str:
    """The sentence a screen shows beside the label: which earlier year keeps a cumulative
    figure from being worked out (「2007年度が未承認のため累計を算出できません」)."""
    if not cumulative or reason_year is None or reason_year == year:
        return ""
    return str(_("%(year)s年度が%(reason)sのため累計を算出できません")) % {
        "year": reason_year,
        "reason": REASON_LABELS[reason],
    }


def target_achievement(
    target, fiscal_year: int, observed: dict[int, Observed], bands, filed=frozenset()
) -> dict:
    """One target in one fiscal year: the version in force, its target for the year, the
    actual after the cumulation rule, achievement rate, progress from the baseline, rating,
    the year's own value apart from a cumulative actual, and where the actual is missing, why
    (`missing_reason`: `reason`, `reason_label`, `reason_detail`; the label is the rating's
    label too). `observed` holds the target's settled values by fiscal year, `filed` the years
    whose report is filed but not approved; `target.versions` is prefetched."""
    versions = list(target.versions.all())
    path = path_in_force([v.as_path() for v in versions], fiscal_year)
    version = next((v for v in versions if path and v.number == path.number), None)
    goal = target_for_year(path, fiscal_year)
    baseline = version.baseline_value if version else None
    baseline_year = version.baseline_fiscal_year if version else None
    actual, status = actual_for_year(observed, target.cumulation, fiscal_year, baseline_year)
    rating = rating_for(actual, status, goal, baseline, target.direction, bands)
    missing = None
    if actual is None:
        missing = missing_reason(observed, target.cumulation, fiscal_year, baseline_year, filed)
    reason, reason_year = missing or (None, None)
    return achievement_figure(
        target,
        fiscal_year,
        version=version,
        goal=goal,
        actual=actual,
        status=status,
        baseline=baseline,
        rating=rating,
        year_value=observed.get(fiscal_year),
        reason=reason,
        reason_year=reason_year,
    )


def rating_label(rating: str, reason: str | None):
    """The label a rating is shown with: a missing figure (未報告, 該当なし) says why."""
    if reason and rating in (NOT_REPORTED, NOT_APPLICABLE):
        return REASON_LABELS[reason]
    return RatingBand.Rating(rating).label


def achievement_figure(
    target,
    fiscal_year: int,
    *,
    version,
    goal,
    actual,
    status: str,
    baseline,
    rating: str,
    year_value: Observed | None,
    reason: str | None,
    reason_year: int | None,
) -> dict:
    """The figure `target_achievement` returns, from what it worked out: rate, progress and the
    labels follow from these. The summaries (models/summaries.py) keep these inputs and give
    pages the same figure through this function."""
    cumulative = target.cumulation == "cumulative"
    return {
        "own": not target.indicator_id,
        "target": target,
        "version": version,
        "goal": goal,
        "actual": actual,
        "status": status,
        "rate": achievement_rate(actual, goal, target.direction),
        "progress": progress_rate(actual, baseline, goal),
        "rating": rating,
        "rating_label": rating_label(rating, reason),
        "cumulative": cumulative,
        "year_value": year_value,
        "reason": reason,
        "reason_year": reason_year,
        "reason_label": REASON_LABELS[reason] if reason else "",
        "reason_detail": reason_detail(reason, reason_year, fiscal_year, cumulative)
        if reason
        else "",
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


# --- The per-firm form of the common target ---------------------------------------------------


def _is_firm_count(figure: dict) -> bool:
    target = figure["target"]
    return bool(target.indicator_id and target.indicator.code == COMMON_TARGET_DENOMINATOR)


def per_firm_figure(common: dict, firms: dict | None) -> dict:
    """The common target per participating firm in one year, from the figures
    (`target_achievement`) of the common target and of its denominator, the firm count: the
    per-firm target (target total ÷ planned firm count) and the per-firm actual (settled actual
    total ÷ actual firm count), each None where it cannot be worked out, and `reason`: why the
    actual cannot (no division by a missing or zero firm count)."""
    firm_goal = firms["goal"] if firms else None
    firm_actual = firms["actual"] if firms else None
    actual = per_firm(common["actual"], firm_actual)
    reason = ""
    if actual is None:
        if common["actual"] is None:
            reason = _("新事業開始件数が%(reason)sのため算出できません") % {
                "reason": common["reason_label"] or common["rating_label"]
            }
        elif firms is None:
            reason = _("参画企業数の目標がないため算出できません")
        elif firm_actual is None:
            reason = _("参画企業数が%(reason)sのため算出できません") % {
                "reason": firms["reason_label"] or firms["rating_label"]
            }
        else:
            reason = _("参画企業数が0のため算出できません")
    return {"target": per_firm(common["goal"], firm_goal), "actual": actual, "reason": str(reason)}


def attach_per_firm(figures) -> dict | None:
    """Among one project's figures of one year, give the common target's its per-firm form
    (`per_firm`) and return it; None where the common target is not among them."""
    figures = [f for f in figures if f]
    common = next((f for f in figures if f["target"].is_common), None)
    if common is None:
        return None
    firms = next((f for f in figures if _is_firm_count(f)), None)
    common["per_firm"] = per_firm_figure(common, firms)
    return common["per_firm"]


def own_target_ratings(user, projects, year: int) -> dict[int, list[dict]]:
    """Project id → its own targets (not in the catalogue) of the plan covering `year` (a plan
    the user may see), each rated like the catalogue targets (`target_achievement`), on settled
    values only, the same for every reader. Kept apart from the catalogue's columns: an own
    target belongs to its project alone. One query where no plan has an own target; five where
    some do (versions, milestones, values, rating bands), whatever the number of projects."""
    from evaluation.models import Target

    ids = [p.pk for p in projects]
    plans = ProjectPlan.objects.visible_to(user, among=ids).filter(  # among: of these projects
        phase__first_fiscal_year__lte=year,
        phase__last_fiscal_year__gte=year,
    )
    targets = list(
        Target.objects.filter(plan__in=plans, indicator__isnull=True)
        .select_related("plan")
        .prefetch_related(*versions_and_milestones())
    )
    if not targets:
        return {}
    observed, filed = own_observed_and_filed(targets, year)
    bands = rating_bands()
    own: dict[int, list[dict]] = {}
    for t in targets:
        own.setdefault(t.plan.project_id, []).append(
            target_achievement(t, year, observed.get(t.pk, {}), bands, filed.get(t.pk, set()))
        )
    return own
