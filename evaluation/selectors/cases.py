"""Reads of collaboration cases (連携事例) and adoptions (採択): the d) and a) figures they give
per project and fiscal year, the cost per outcome (単位当たりコスト) and the review sheet of a
policy tool (行政事業レビューシート). Each function runs a fixed number of queries."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from evaluation.models import AnnualReport
from projects.cases import STAGE_ORDER, SUCCESS_STAGE, UnitCost
from projects.models import (
    Adoption,
    CasePartner,
    CaseStage,
    CollaborationCase,
    Organisation,
    PolicyTool,
    PolicyToolBudget,
    Project,
    Stage,
    SupportArea,
    user_role,
)
from projects.models import Role as UserRole
from projects.selectors import get_project_for_user

PRODUCT_STAGE = "product"

# The catalogue's indicators the lists give (indicator code → what is counted in the year).
CASE_INDICATORS = {"success-cases": SUCCESS_STAGE}
ADOPTION_INDICATORS = {
    "policy-tools-used": Q(),
    "rnd-projects-adopted": Q(tool__support_area=SupportArea.RND),
}


def stages_from(stage: str) -> list[str]:
    """The stage and the later ones: a case that reached 事業化 has passed 製品化."""
    return list(STAGE_ORDER[STAGE_ORDER.index(stage) :])


def reached(stage: str, prefix: str = "") -> Q:
    """Cases that reached the stage or a later one (a skipped stage is not reached)."""
    return Q(
        **{f"{prefix}stages__stage__in": stages_from(stage), f"{prefix}stages__skipped": False}
    )


def stage_counts(project: Project, years: list[int]) -> dict[tuple[str, int], int]:
    """Cases reaching each stage in each fiscal year: {(stage, year): count}. One query."""
    counts = dict.fromkeys(((s, y) for s in STAGE_ORDER for y in years), 0)
    rows = (
        CaseStage.objects.filter(case__project=project, skipped=False, fiscal_year__in=years)
        .values("stage", "fiscal_year")
        .annotate(n=Count("case", distinct=True))
    )
    for row in rows:
        counts[(row["stage"], row["fiscal_year"])] = row["n"]
    return counts


@dataclass
class RollupCases:
    """A project's cases and adoptions in a round's years, as the round roll-up compares
    projects: cases reaching each stage (as `stage_counts` counts them: a case once per stage
    it reached in those years, a skipped stage not reached), adoptions and the yen granted."""

    stages: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STAGE_ORDER, 0))
    adoptions: int = 0
    amount_yen: int = 0

    @property
    def by_stage(self) -> list[int]:
        return [self.stages[stage] for stage in STAGE_ORDER]


def rollup_cases(projects, years: list[int]) -> dict[int, RollupCases]:
    """Project id → its `RollupCases` in `years`, for `projects` (ids or a subquery of them);
    a project with none is missing (read it as `RollupCases()`). Two GROUP BY queries."""
    figures: dict[int, RollupCases] = defaultdict(RollupCases)
    stages = (
        CaseStage.objects.filter(case__project__in=projects, skipped=False, fiscal_year__in=years)
        .values("case__project_id", "stage")
        .annotate(n=Count("case", distinct=True))
        .order_by()
    )
    for row in stages:
        figures[row["case__project_id"]].stages[row["stage"]] = row["n"]
    adoptions = (
        Adoption.objects.filter(project__in=projects, fiscal_year__in=years)
        .values("project_id")
        .annotate(n=Count("pk"), amount=Sum("amount_yen"))
        .order_by()
    )
    for row in adoptions:
        figure = figures[row["project_id"]]
        figure.adoptions, figure.amount_yen = row["n"], row["amount"] or 0
    return dict(figures)


@dataclass(frozen=True)
class ToolYear:
    tool_id: int
    tool_name: str
    fiscal_year: int
    adoptions: int
    amount_yen: int


def adoption_totals(project: Project, years: list[int]) -> list[ToolYear]:
    """Adoptions and amounts per tool and fiscal year. One query."""
    rows = (
        Adoption.objects.filter(project=project, fiscal_year__in=years)
        .values("tool_id", "tool__name_ja", "tool__order", "fiscal_year")
        .annotate(n=Count("pk"), amount=Sum("amount_yen"))
        .order_by("tool__order", "tool_id", "fiscal_year")
    )
    return [
        ToolYear(r["tool_id"], r["tool__name_ja"], r["fiscal_year"], r["n"], r["amount"] or 0)
        for r in rows
    ]


@dataclass(frozen=True)
class ListFigure:
    """A d) or a) figure the lists give: 「事例から」 or 「採択一覧から」."""

    indicator_code: str
    fiscal_year: int
    value: int
    source: str


def list_figures(project: Project, years: list[int]) -> dict[tuple[str, int], ListFigure]:
    """The figures of the catalogue's indicators the case list and the adoption list give, for
    each year: {(indicator code, year): figure}. Two queries."""
    figures = {}
    stages = stage_counts(project, years)
    for code, stage in CASE_INDICATORS.items():
        for year in years:
            figures[(code, year)] = ListFigure(code, year, stages[(stage, year)], _("事例から"))
    rows = (
        Adoption.objects.filter(project=project, fiscal_year__in=years)
        .values("fiscal_year")
        .annotate(
            **{
                code.replace("-", "_"): Count("pk", filter=q)
                for code, q in ADOPTION_INDICATORS.items()
            }
        )
    )
    by_year = {row["fiscal_year"]: row for row in rows}
    for code in ADOPTION_INDICATORS:
        for year in years:
            value = by_year.get(year, {}).get(code.replace("-", "_"), 0)
            figures[(code, year)] = ListFigure(code, year, value, _("採択一覧から"))
    return figures


NO_SUCCESS = gettext_lazy("事業化に至った事例がないため算出できません")
NO_PRODUCT = gettext_lazy("製品化に至った事例がないため算出できません")


@dataclass(frozen=True)
class CostRow:
    """Yen granted per success case and per case reaching 製品化, numerators and denominators
    kept; a zero denominator gives no figure and says why."""

    label: str
    granted_yen: int
    success_cases: int
    product_cases: int

    @property
    def per_success(self) -> UnitCost:
        return UnitCost(self.granted_yen, self.success_cases)

    @property
    def per_product(self) -> UnitCost:
        return UnitCost(self.granted_yen, self.product_cases)

    @property
    def per_success_note(self) -> str:
        return "" if self.success_cases else str(NO_SUCCESS)

    @property
    def per_product_note(self) -> str:
        return "" if self.product_cases else str(NO_PRODUCT)


def project_costs(projects) -> list[CostRow]:
    """Per project: all its adoptions' amounts over its cases that reached 事業化 / 製品化 (or
    later). Two queries."""
    projects = list(projects)
    granted = dict(
        Adoption.objects.filter(project__in=projects)
        .values_list("project")
        .annotate(total=Sum("amount_yen"))
    )
    outcomes = {
        row["pk"]: row
        for row in Project.objects.filter(pk__in=[p.pk for p in projects])
        .values("pk")
        .annotate(
            success=Count("cases", filter=reached(SUCCESS_STAGE, "cases__"), distinct=True),
            product=Count("cases", filter=reached(PRODUCT_STAGE, "cases__"), distinct=True),
        )
    }
    return [
        CostRow(
            str(p),
            granted.get(p.pk) or 0,
            outcomes.get(p.pk, {}).get("success", 0),
            outcomes.get(p.pk, {}).get("product", 0),
        )
        for p in projects
    ]


def tool_costs(tools) -> list[CostRow]:
    """Nationally per tool: its adoptions' amounts over the cases its adoptions funded that
    reached 事業化 / 製品化 (or later). Two queries."""
    tools = list(tools)
    granted = dict(
        Adoption.objects.filter(tool__in=tools).values_list("tool").annotate(t=Sum("amount_yen"))
    )
    outcomes = {
        row["pk"]: row
        for row in PolicyTool.objects.filter(pk__in=[t.pk for t in tools])
        .values("pk")
        .annotate(
            success=Count(
                "adoptions__case", filter=reached(SUCCESS_STAGE, "adoptions__case__"), distinct=True
            ),
            product=Count(
                "adoptions__case", filter=reached(PRODUCT_STAGE, "adoptions__case__"), distinct=True
            ),
        )
    }
    return [
        CostRow(
            str(t),
            granted.get(t.pk) or 0,
            outcomes.get(t.pk, {}).get("success", 0),
            outcomes.get(t.pk, {}).get("product", 0),
        )
        for t in tools
    ]


@dataclass
class ReviewYear:
    fiscal_year: int
    budget_yen: int | None = None
    granted_yen: int = 0
    adoptions: int = 0


@dataclass
class ReviewSheet:
    """行政事業レビューシート style figures of one policy tool (figures only, no names)."""

    tool: PolicyTool
    years: list[ReviewYear]
    stages: dict[str, int] = field(default_factory=dict)  # cases funded, by furthest stage
    cases: int = 0
    cost: CostRow | None = None

    @property
    def stage_rows(self) -> list[tuple[str, int]]:
        return [(str(label), self.stages.get(value, 0)) for value, label in Stage.choices]


def review_sheet(user, tool_code: str) -> ReviewSheet:
    """The review sheet of a tool for any signed-in user (reference data and counts). Seven
    queries: the tool, budgets, adoptions by year, funded cases' stages and count, cost (2)."""
    tool = get_object_or_404(PolicyTool.objects.visible_to(user), code=tool_code)
    years: dict[int, ReviewYear] = {}
    for budget in PolicyToolBudget.objects.filter(tool=tool):
        years.setdefault(
            budget.fiscal_year, ReviewYear(budget.fiscal_year)
        ).budget_yen = budget.amount_yen
    for row in (
        Adoption.objects.filter(tool=tool)
        .values("fiscal_year")
        .annotate(n=Count("pk"), amount=Sum("amount_yen"))
    ):
        year = years.setdefault(row["fiscal_year"], ReviewYear(row["fiscal_year"]))
        year.adoptions, year.granted_yen = row["n"], row["amount"] or 0
    furthest: dict[int, str] = {}
    for case_id, stage in (
        CaseStage.objects.filter(case__adoptions__tool=tool, skipped=False)
        .values_list("case_id", "stage")
        .distinct()
    ):
        if case_id not in furthest or STAGE_ORDER.index(stage) > STAGE_ORDER.index(
            furthest[case_id]
        ):
            furthest[case_id] = stage
    cases = CollaborationCase.objects.filter(adoptions__tool=tool).distinct().count()
    return ReviewSheet(
        tool=tool,
        years=[years[y] for y in sorted(years)],
        stages=dict(Counter(furthest.values())),
        cases=cases,
        cost=tool_costs([tool])[0],
    )


def cases_by_stage(user, project: Project) -> dict[str, list[CollaborationCase]]:
    """The project's cases the user may read, grouped by the furthest stage ('' for none).
    Three queries (cases, stages, partners)."""
    groups = defaultdict(list)
    for case in CollaborationCase.objects.visible_to(user).filter(project=project).with_related():
        groups[case.stage_reached or ""].append(case)
    return dict(groups)


@dataclass(frozen=True)
class ReportListFigure:
    """A d) or a) indicator of an annual report beside the figure the lists give for its year
    (「事例から」/「採択一覧から」) and the value entered (a MonitoredValue or None)."""

    indicator: object
    listed: ListFigure
    entered: object

    @property
    def differs(self) -> bool:
        return (
            self.entered is not None
            and self.entered.value is not None
            and self.entered.value != self.listed.value
        )


def report_list_figures(report, indicators, values) -> list[ReportListFigure]:
    """The report's indicators the case and adoption lists count, for the report's year; none
    while the project has neither cases nor adoptions. Two queries."""
    codes = {*CASE_INDICATORS, *ADOPTION_INDICATORS}
    wanted = [indicator for indicator in indicators if indicator.code in codes]
    if not wanted:
        return []
    figures = list_figures(report.project, [report.fiscal_year])
    if not any(figure.value for figure in figures.values()):
        return []
    return [
        ReportListFigure(i, figures[(i.code, report.fiscal_year)], values.get(i.pk)) for i in wanted
    ]


# The entry screens (issue 26): the project's case list and the fetch helpers of its writes.


def may_read_cases(user, project: Project) -> bool:
    """The project's bureau staff, managers, admins and the evaluators assigned to it: as
    `CollaborationCase.objects.visible_to`. One query for an evaluator, none otherwise."""
    role = user_role(user)
    if role in (UserRole.MANAGER, UserRole.ADMIN):
        return True
    if role == UserRole.STAFF:
        return user.bureau_id == project.bureau_id
    if role == UserRole.EVALUATOR:
        return Project.objects.filter(pk=project.pk, evaluations__evaluators=user).exists()
    return False


def get_case_project_for_user(user, code: str, *, write: bool = False) -> Project:
    """The project whose cases and adoptions the user reads (404 for another bureau's staff
    and an evaluator not assigned to it) or writes (403 for a reader)."""
    project = get_project_for_user(user, code)
    if not may_read_cases(user, project):
        raise Http404
    if write and not project.is_editable_by(user):
        raise PermissionDenied
    return project


def get_case_for_user(user, code: str, case_id: int, *, write: bool = False) -> CollaborationCase:
    """A case of the project, through the cases' scope: another bureau's case, or a case of
    another project under this project's code, is 404."""
    project = get_case_project_for_user(user, code, write=write)
    return get_object_or_404(
        CollaborationCase.objects.visible_to(user).filter(project=project).with_related(),
        pk=case_id,
    )


def get_adoption_for_user(user, code: str, adoption_id: int, *, write: bool = False) -> Adoption:
    """An adoption of the project, through the adoptions' scope (404 as for a case)."""
    project = get_case_project_for_user(user, code, write=write)
    return get_object_or_404(
        Adoption.objects.visible_to(user).filter(project=project).with_related(), pk=adoption_id
    )


def case_list_page(user, code: str) -> dict:
    """The project's cases (with their stages and partners) and its adoptions, for those who
    may read them. Six queries at any size: the project, the cases, their stages, their
    partners with the organisations, the adoptions with tool, organisation and case, and the
    amounts per tool."""
    project = get_case_project_for_user(user, code)
    cases = list(CollaborationCase.objects.visible_to(user).filter(project=project).with_related())
    adoptions = list(
        Adoption.objects.visible_to(user)
        .filter(project=project)
        .with_related()
        .order_by("-fiscal_year", "tool__order", "id")
    )
    totals: dict[int, list] = {}
    for adoption in adoptions:
        row = totals.setdefault(adoption.tool_id, [adoption.tool, 0, 0])
        row[1] += 1
        row[2] += adoption.amount_yen
    return {
        "project": project,
        "cases": cases,
        "adoptions": adoptions,
        "tool_totals": sorted(totals.values(), key=lambda r: (r[0].order, r[0].pk)),
        "can_edit": project.is_editable_by(user),
    }


def partner_choices(project: Project, keep=()) -> list[tuple[int, str]]:
    """The organisations a case or an adoption of the project may name: the project's members
    (any year) and those already named (`keep`, ids), by name. One query."""
    rows = (
        Organisation.objects.filter(Q(memberships__project=project) | Q(pk__in=list(keep)))
        .distinct()
        .order_by("name", "pk")
        .values_list("pk", "name")
    )
    return list(rows)


def project_cases(project: Project):
    """The project's cases an adoption may name (id and title). One query."""
    return list(CollaborationCase.objects.filter(project=project).only("pk", "title"))


# The evaluation sheet (issue 26): the project's cases by stage and its adoptions with amounts,
# as plain JSON values, so the snapshot of a finished evaluation keeps them as they were rated.


def sheet_network(project: Project, year: int) -> dict:
    """The project's cases grouped by the furthest stage reached by the end of `year` (the
    furthest first; a case with no stage recorded under 「段階の記録なし」; a case whose first
    stage came later is left out) and its adoptions up to `year` with the amount per tool.
    Plain values only (lists, strings, integers): `selectors.rounds.freeze_sheet` stores them
    as they are. Three queries at any size: the cases (with lead), their stages, their
    partners (with organisation), and the adoptions (with tool, organisation and case)."""
    cases = (
        CollaborationCase.objects.filter(project=project)
        .select_related("lead")
        .prefetch_related(
            "stages",
            Prefetch("partners", queryset=CasePartner.objects.select_related("organisation")),
        )
    )
    labels = dict(Stage.choices)
    groups: dict[str, list[dict]] = {}
    for case in cases:
        steps = [s for s in case.stages.all() if s.skipped or (s.fiscal_year or 0) <= year]
        reached_steps = [s for s in steps if not s.skipped]
        if case.stages.all() and not reached_steps:
            continue  # its first stage came after the evaluated year
        furthest = max((s.stage for s in reached_steps), key=STAGE_ORDER.index, default="")
        groups.setdefault(furthest, []).append(
            {
                "title": case.title,
                "consortium": case.consortium,
                "reference": case.reference,
                "stages": [
                    [str(labels[s.stage]), s.fiscal_year, s.skip_reason if s.skipped else ""]
                    for s in sorted(steps, key=lambda s: STAGE_ORDER.index(s.stage))
                ],
                "partners": [[p.organisation.name, p.role] for p in case.partners.all()],
                "sales_yen": case.sales_yen,
            }
        )
    order = [*reversed(STAGE_ORDER), ""]
    case_groups = [
        {
            "stage": stage,
            "label": str(labels[stage]) if stage else str(_("段階の記録なし")),
            "cases": groups[stage],
        }
        for stage in order
        if stage in groups
    ]
    adoptions = []
    totals: dict[tuple, list] = {}
    for adoption in (
        Adoption.objects.filter(project=project, fiscal_year__lte=year)
        .select_related("tool", "organisation", "case")
        .order_by("fiscal_year", "tool__order", "tool_id", "id")
    ):
        tool = str(adoption.tool.name)
        adoptions.append(
            {
                "fiscal_year": adoption.fiscal_year,
                "tool": tool,
                "grantee": adoption.grantee,
                "theme": adoption.theme,
                "amount_yen": adoption.amount_yen,
                "case": adoption.case.title if adoption.case else "",
            }
        )
        row = totals.setdefault((adoption.tool.order, adoption.tool_id), [tool, 0, 0])
        row[1] += 1
        row[2] += adoption.amount_yen
    return {
        "case_groups": case_groups,
        "case_count": sum(len(g["cases"]) for g in case_groups),
        "adoptions": adoptions,
        "tool_totals": [totals[key] for key in sorted(totals)],
        "amount_yen": sum(a["amount_yen"] for a in adoptions),
    }


def locked_years_of(record) -> list[int]:
    """The approved years a saved case or adoption counts for (what its edit page and its
    deletion page say is locked), by the rule of the services
    (AnnualReport.objects.approved_years_touched). One query; none for a new record."""
    if record.pk is None:
        return []
    return AnnualReport.objects.approved_years_touched(record.project, record.evidence(), ())


def case_delete_page(user, code: str, case_id: int) -> dict:
    """The confirmation page of a case's deletion, for the staff of the project's bureau (404
    for another bureau's case, 403 for readers): the case, the adoptions that name it and the
    approved years that refuse the deletion. Fixed queries."""
    case = get_case_for_user(user, code, case_id, write=True)
    adoptions = list(Adoption.objects.filter(case=case).select_related("tool"))
    return {
        "project": case.project,
        "case": case,
        "adoptions": adoptions,
        "locked_years": locked_years_of(case),
    }


def adoption_delete_page(user, code: str, adoption_id: int) -> dict:
    """The confirmation page of an adoption's deletion (as `case_delete_page`)."""
    adoption = get_adoption_for_user(user, code, adoption_id, write=True)
    return {
        "project": adoption.project,
        "adoption": adoption,
        "locked_years": locked_years_of(adoption),
    }
