"""What a submission leaves incomplete (issue 23): targets with no value of the year (未報告),
values not yet known (未把握), empty required texts and strategies (「（未記入）」), activities
with no result.

The submit step (`workflow.workflow_transition`) reads it to ask for an explicit confirmation and
stores it with the submit event, where the reviewer reads it; the confirm page lists it with links
to fix each one. Each gap is a plain dict, stored as JSON:
`{"kind": one of GAP_KINDS, "label": what (an indicator, a field, a heading), "url": where to fix}`.
"""

from django.urls import reverse

from evaluation.models import (
    Activity,
    ActivityResult,
    AnnualReport,
    MonitoredValue,
    ProjectPlan,
    StrategyItem,
    Target,
    ValueKind,
    YearlyPlan,
)

GAP_KINDS = (
    "no_value",  # a target with no value of the year: 未報告
    "unknown",  # a value entered as 未把握
    "empty_text",  # a required text left empty
    "no_strategy",  # a strategy heading with no item
    "no_target",  # a plan with no target
    "no_activity",  # a yearly plan with no activity
    "no_result",  # an activity with no result in the report
)


def _gap(kind: str, label, url: str) -> dict:
    return {"kind": kind, "label": str(label), "url": url}


def submission_gaps(record) -> list[dict]:
    """What is incomplete in a plan, yearly plan or annual report as it stands ([] for anything
    else): a handful of queries, whatever the size of the record."""
    if isinstance(record, AnnualReport):
        return _report_gaps(record)
    if isinstance(record, ProjectPlan):
        return _plan_gaps(record)
    if isinstance(record, YearlyPlan):
        return _yearly_gaps(record)
    return []


def _report_gaps(report: AnnualReport) -> list[dict]:
    args = [report.project.code, report.fiscal_year]
    edit = reverse("report_edit", args=args)
    gaps = []
    values = {
        v.indicator_id: v
        for v in MonitoredValue.objects.filter(
            project_id=report.project_id, fiscal_year=report.fiscal_year
        ).select_related("indicator")
    }
    targets = (
        Target.objects.filter(plan__project_id=report.project_id, indicator__isnull=False)
        .select_related("indicator")
        .order_by("order", "pk")
    )
    seen = set()
    for target in targets:
        indicator = target.indicator
        if indicator.pk in seen or indicator.pk in values:
            continue
        seen.add(indicator.pk)
        gaps.append(_gap("no_value", indicator.name, f"{edit}#row-{indicator.code}"))
    for value in sorted(values.values(), key=lambda v: (v.indicator.category, v.indicator.order)):
        if value.kind == ValueKind.UNKNOWN:
            url = f"{edit}#row-{value.indicator.code}"
            gaps.append(_gap("unknown", value.indicator.name, url))
    self_check = reverse("report_self_check", args=args)
    for name in ("self_results", "self_problems", "self_actions"):
        if not getattr(report, name).strip():
            label = AnnualReport._meta.get_field(name).verbose_name
            gaps.append(_gap("empty_text", label, self_check))
    results = {r.activity_id: r for r in ActivityResult.objects.filter(report_id=report.pk)}
    activities = Activity.objects.filter(
        yearly_plan__project_id=report.project_id, yearly_plan__fiscal_year=report.fiscal_year
    ).order_by("order", "pk")
    for activity in activities:
        result = results.get(activity.pk)
        if result is None or (result.actual_output is None and not result.note.strip()):
            gaps.append(_gap("no_result", activity.title, edit))
    return gaps


def _plan_gaps(plan: ProjectPlan) -> list[dict]:
    args = [plan.project.code, plan.phase.code]
    gaps = []
    vision = reverse("plan_vision_edit", args=args)
    for name in ("industrial_resources", "regional_characteristics", "development_outlook"):
        if not getattr(plan, name).strip():
            label = ProjectPlan._meta.get_field(name).verbose_name
            gaps.append(_gap("empty_text", label, vision))
    strategies = reverse("plan_strategies_edit", args=args)
    headings = set(StrategyItem.objects.filter(plan_id=plan.pk).values_list("heading", flat=True))
    for heading, label in StrategyItem.Heading.choices:
        if heading not in headings:
            gaps.append(_gap("no_strategy", label, strategies))
    if not Target.objects.filter(plan_id=plan.pk).exists():
        gaps.append(_gap("no_target", plan.label, f"{plan.get_absolute_url()}#h-targets"))
    return gaps


def _yearly_gaps(yearly: YearlyPlan) -> list[dict]:
    edit = reverse("yearly_plan_edit", args=[yearly.project.code, yearly.fiscal_year])
    gaps = []
    if not yearly.summary.strip():
        gaps.append(_gap("empty_text", YearlyPlan._meta.get_field("summary").verbose_name, edit))
    if not Activity.objects.filter(yearly_plan_id=yearly.pk).exists():
        gaps.append(_gap("no_activity", yearly.label, edit))
    return gaps
