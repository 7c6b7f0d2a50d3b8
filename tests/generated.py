"""Many projects at once, for tests that show a page costs the same number of queries at 19
projects and at several hundred. Rows are bulk-inserted (test data only: the services are
exercised by the other tests). On PostgreSQL the tables written are analysed before anything
reads them (`evaluation.demo.generate.analyze`): the rows live in the test's transaction, which
autovacuum never sees, so the planner would otherwise keep whatever counts earlier tests of the
worker's database left (often "empty"), and a join over hundreds of projects could run for
minutes."""

from decimal import Decimal

from evaluation.demo.generate import analyze
from evaluation.models import (
    AnnualReport,
    CommonTargetTotal,
    Indicator,
    IndicatorYearTotal,
    MonitoredValue,
    ProjectPlan,
    ProjectYearSummary,
    State,
    Target,
    TargetMilestone,
    TargetVersion,
    TargetYearSummary,
)
from evaluation.services import national_summaries, summaries
from projects.models import Bureau, Field, Phase, Project
from tests.factories import FieldFactory, PhaseFactory


def generate_projects(count: int, bureau, indicators: list[Indicator], author, *, start: int = 0):
    """`count` projects of `bureau`, each with an approved Phase II plan targeting every
    indicator (one version by `author`, a milestone in FY2007), an approved FY2007 report and
    a value per indicator for FY2006 and FY2007. Returns the projects."""
    phase = PhaseFactory()
    field = FieldFactory(code="generated", name_ja="生成分野")
    projects = Project.objects.bulk_create(
        Project(
            code=f"gen-{start + n}",
            name_ja=f"生成プロジェクト{start + n}",
            bureau=bureau,
            phase=phase,
            order=1000 + start + n,
        )
        for n in range(count)
    )
    projects = list(Project.objects.filter(code__in=[p.code for p in projects]))
    Project.fields.through.objects.bulk_create(
        Project.fields.through(project=p, field=field) for p in projects
    )
    ProjectPlan.objects.bulk_create(
        ProjectPlan(project=p, phase=phase, state=State.APPROVED) for p in projects
    )
    plans = list(ProjectPlan.objects.filter(project__in=projects))
    Target.objects.bulk_create(
        Target(plan=plan, indicator=i, direction=i.direction, cumulation="flow", order=k)
        for plan in plans
        for k, i in enumerate(indicators)
    )
    targets = list(Target.objects.filter(plan__in=plans))
    TargetVersion.objects.bulk_create(
        TargetVersion(
            target=t,
            number=1,
            applies_from_fiscal_year=2006,
            target_value=Decimal(100),
            target_fiscal_year=2010,
            author=author,
        )
        for t in targets
    )
    versions = list(TargetVersion.objects.filter(target__in=targets))
    TargetMilestone.objects.bulk_create(
        TargetMilestone(version=v, fiscal_year=2007, value=Decimal(40)) for v in versions
    )
    AnnualReport.objects.bulk_create(
        AnnualReport(project=p, fiscal_year=2007, state=State.APPROVED) for p in projects
    )
    reports = {r.project_id: r for r in AnnualReport.objects.filter(project__in=projects)}
    MonitoredValue.objects.bulk_create(
        MonitoredValue(
            project=p,
            indicator=i,
            fiscal_year=year,
            kind="number",
            value=Decimal(30 + n % 20),
            report=reports[p.pk] if year == 2007 else None,
            origin="reported" if year == 2007 else "reference",
        )
        for n, p in enumerate(projects)
        for i in indicators
        for year in (2006, 2007)
    )
    analyze(
        [Bureau, Phase, Field, Project, Project.fields.through, Indicator, ProjectPlan, Target]
        + [TargetVersion, TargetMilestone, AnnualReport, MonitoredValue]
    )
    # Written around the services: their summaries are worked out as a data load does.
    summaries.refresh(project_ids=[p.pk for p in projects])
    national_summaries.refresh_national(project_ids=[p.pk for p in projects])
    national_summaries.refresh_common_targets(project_ids=[p.pk for p in projects])
    analyze([TargetYearSummary, ProjectYearSummary, IndicatorYearTotal, CommonTargetTotal])
    return projects
