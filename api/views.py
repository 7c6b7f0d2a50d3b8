"""The read-only JSON API for BI tools (docs/api.md). Every endpoint answers GET only, to a
signed-in session or a token issued by an admin, and reads through the same `visible_to(user)`
scopes as the screens: what a user cannot see on a screen never appears here. Lists are
paginated: the projects by page number (api.pagination.Pagination), the others by cursor
(api.pagination.CursorPagination: no COUNT and no OFFSET, a page walks an index and stops);
each endpoint costs a fixed number of queries whatever the page size (pinned in
tests/api/test_api.py)."""

from decimal import Decimal

from django.db.models import Exists, OuterRef
from rest_framework.decorators import api_view
from rest_framework.exceptions import ValidationError

from api.pagination import CursorPagination, Pagination
from evaluation.models import (
    ActionItem,
    MonitoredValue,
    ProjectEvaluation,
    ProjectPlan,
    Target,
    TargetVersion,
)
from evaluation.models.actions import API_ORDER
from evaluation.models.evaluations import EVALUATION_API_ORDER, few_evaluations
from evaluation.models.targets import versions_and_milestones
from evaluation.selectors.achievement import own_target_ratings
from evaluation.selectors.national import (
    default_year,
    latest_report_year,
    reports_in_year,
)
from evaluation.selectors.summaries import year_ratings
from projects.domain import PHASE_II, fiscal_year_label, in_phase_ii
from projects.models import Project, Role, user_role
from projects.times import local_isoformat


def number(value) -> str | None:
    """Decimals as exact strings ("1234", "12.5"), never floats; None stays None."""
    if value is None:
        return None
    return f"{Decimal(value).normalize():f}"


def year_param(request, name: str) -> int | None:
    """An optional fiscal-year filter; 400 for anything but a plausible year."""
    text = request.query_params.get(name)
    if not text:
        return None
    try:
        year = int(text)
    except ValueError:
        raise ValidationError({name: "a fiscal year, e.g. 2007"}) from None
    if not 2000 <= year <= 2100:
        raise ValidationError({name: "a fiscal year, e.g. 2007"})
    return year


def page_of(request, queryset, serialize):
    """A page of `queryset` by page number, serialized."""
    paginator = Pagination()
    page = paginator.paginate_queryset(queryset, request)
    return paginator.get_paginated_response([serialize(row) for row in page])


def project_ref(project) -> dict:
    return {"code": project.code, "name_ja": project.name_ja, "name_en": project.name_en}


@api_view(["GET"])
def projects(request):
    """Every project (reference data: every signed-in user reads them all)."""
    rows = (
        Project.objects.visible_to(request.user)
        .select_related("bureau", "phase", "successor")
        .prefetch_related("fields")
        .order_by("order", "code")
    )
    return page_of(
        request,
        rows,
        lambda p: {
            **project_ref(p),
            "bureau": p.bureau.code,
            "bureau_name_ja": p.bureau.name_ja,
            "bureau_name_en": p.bureau.name_en,
            "fields": [f.code for f in p.fields.all()],
            "phase": p.phase.code,
            "status": p.status,
            "successor": p.successor.code if p.successor_id else None,
        },
    )


def version_json(version: TargetVersion) -> dict:
    return {
        "number": version.number,
        "applies_from_fiscal_year": version.applies_from_fiscal_year,
        "baseline_value": number(version.baseline_value),
        "baseline_fiscal_year": version.baseline_fiscal_year,
        "target_value": number(version.target_value),
        "target_fiscal_year": version.target_fiscal_year,
        "milestones": [
            {"fiscal_year": m.fiscal_year, "value": number(m.value)}
            for m in version.milestones.all()
        ],
        "reason": version.reason,
    }


@api_view(["GET"])
def targets(request):
    """Targets of the plans the user may see, with every version. `?project=<code>`. Paged by
    cursor in `id` order, without a count (tens of thousands of rows at 2,000 projects)."""
    plans = ProjectPlan.objects.visible_to(request.user)
    # the versions and milestones sorted by their parent's key (versions_and_milestones): the
    # milestones' own ordering joined each up to its plan, project, bureau and phase and hashed
    # every version of the programme (24,000 at 2,000 projects: 2 → 6 ms a page)
    shown = Target.objects.select_related(
        "plan__project", "plan__phase", "indicator"
    ).prefetch_related(*versions_and_milestones())
    if user_role(request.user) == Role.EVALUATOR and few_evaluations(request.user):
        # the few projects assigned (FEW_EVALUATIONS assignments at most): their plans' targets
        # found through the plans, the page's ids sorted alone and its rows read by them (a
        # walk would cross the whole table to find a few projects' targets)
        rows, read = Target.objects.filter(plan__in=plans), shown
    else:
        # most plans (managers: all; staff: the approved and their own bureau's; an evaluator
        # of many projects): the targets walked in `id` order, each plan's scope checked
        # (EXISTS; an evaluator's assignment too, row by row), a page stopping at its last row.
        # Through the plans, every target of them was read and sorted for a page (20,000 at
        # 2,000 projects; the ids alone for an evaluator of them all: 0.3 → 2.8 ms; issue 27).
        scope = ProjectPlan.objects.visible_to(request.user, per_row=True)
        rows, read = shown.filter(Exists(scope.filter(pk=OuterRef("plan_id")))), None
    if code := request.query_params.get("project"):
        rows = rows.filter(plan__project__code=code)
    paginator = CursorPagination(endpoint="targets", keys=("pk",), rows=read)
    page = paginator.paginate_queryset(rows, request)
    return paginator.get_paginated_response(
        [
            {
                "id": t.pk,
                "project": t.plan.project.code,
                "phase": t.plan.phase.code,
                "plan_state": t.plan.state,
                "indicator": t.indicator.code if t.indicator_id else None,
                "name": t.name,
                "unit": t.unit,
                "direction": t.direction,
                "cumulation": t.cumulation,
                "is_common_target": t.is_common,
                "versions": [version_json(v) for v in t.versions.all()],
            }
            for t in page
        ]
    )


@api_view(["GET"])
def values(request):
    """Monitored values the user may see. `?fiscal_year=`, `?project=<code>`,
    `?indicator=<code>`. `kind` is number, zero, not_applicable (該当なし) or unknown (未把握);
    `value` is null for the last two. Money is in yen. Paged by cursor in `id` order, without
    a count (the table holds a million rows at 2,000 projects). An evaluator reads the page in
    two parts, the published figures and their assigned projects' filed values, each from its
    own index (MonitoredValue.objects.evaluator_parts); one project's values (`?project=`) with
    the reader's scope checked once for that project (`visible_to(user, project=)`: an evaluator
    of every project had every assignment hashed for each page, issue 27)."""
    year = year_param(request, "fiscal_year")
    project, indicator = request.query_params.get("project"), request.query_params.get("indicator")

    def narrowed(rows):
        if indicator:
            rows = rows.filter(indicator__code=indicator)
        return rows

    read = MonitoredValue.objects.select_related("project", "indicator", "report")
    if project:
        one = Project.objects.filter(code=project).first()
        rows = read.none() if one is None else read.visible_to(request.user, project=one)
        if year is not None:
            rows = rows.filter(fiscal_year=year)
        paginator = CursorPagination(endpoint="values", keys=("pk",))
        page = paginator.paginate_queryset(narrowed(rows), request)
    elif (
        parts := MonitoredValue.objects.evaluator_parts(request.user, fiscal_year=year)
    ) is not None:
        paginator = CursorPagination(endpoint="values", keys=("pk",), rows=read)
        page = paginator.paginate_parts([narrowed(part) for part in parts], request)
    else:
        rows = read.visible_to(request.user)
        if year is not None:
            rows = rows.filter(fiscal_year=year)
        paginator = CursorPagination(endpoint="values", keys=("pk",))
        page = paginator.paginate_queryset(narrowed(rows), request)
    return paginator.get_paginated_response(
        [
            {
                "id": v.pk,
                "project": v.project.code,
                "indicator": v.indicator.code,
                "indicator_name_ja": v.indicator.name_ja,
                "indicator_name_en": v.indicator.name_en,
                "unit": v.indicator.unit,
                "fiscal_year": v.fiscal_year,
                "fiscal_year_label": fiscal_year_label(v.fiscal_year),
                "kind": v.kind,
                "value": number(v.value),
                "is_approximate": v.is_approximate,
                "origin": v.origin,
                "report_state": v.report.state if v.report_id else None,
                "source_note": v.source_note,
            }
            for v in page
        ]
    )


# A project of the ratings carries every target rated: 25 projects are about 500 figures, a page as
# heavy as 100 rows of the other lists (`?page_size=` still goes up to 1,000).
RATINGS_PAGE_SIZE = 25


@api_view(["GET"])
def ratings(request):
    """Each project's catalogue targets rated in `?fiscal_year=` (FY2006–FY2010; by default
    the latest year with a report the user may see, like the dashboards), read from the
    summaries as the heat map is (evaluation.selectors.summaries.year_ratings): settled values
    only, the same for every reader; a missing figure says why (`missing_reason`:
    not_reporting 未報告, unapproved 未承認, not_applicable 該当なし, unknown 未把握). Paged by
    cursor over the projects (in their order), with their count (a few thousand rows at
    most)."""
    year = year_param(request, "fiscal_year")
    if year is None:
        latest = latest_report_year(request.user)
        year = default_year([latest] if latest else [])
    if not in_phase_ii(year):
        first, last = PHASE_II
        raise ValidationError({"fiscal_year": f"a fiscal year of Phase II ({first}–{last})"})
    rows = Project.objects.visible_to(request.user)
    if code := request.query_params.get("project"):
        rows = rows.filter(code=code)
    paginator = CursorPagination(endpoint="ratings", keys=("order", "code"))
    paginator.page_size = RATINGS_PAGE_SIZE
    page = paginator.paginate_queryset(rows, request)
    reports = reports_in_year(request.user, page, year)
    _, project_rows = year_ratings(request.user, page, year, reports)
    own = own_target_ratings(request.user, page, year)
    results = []
    for row in project_rows:
        results.append(
            {
                **project_ref(row.project),
                "fiscal_year": year,
                "fiscal_year_label": fiscal_year_label(year),
                "report_state": row.report.state if row.report else None,
                "targets": [
                    {
                        "indicator": f["target"].indicator.code,
                        "name_ja": f["target"].indicator.name_ja,
                        "name_en": f["target"].indicator.name_en,
                        "unit": f["target"].indicator.unit,
                        "target": number(f["goal"]),
                        "actual": number(f["actual"]),
                        "status": f["status"],
                        "achievement_rate": number(f["rate"]),
                        "progress_rate": number(f["progress"]),
                        "rating": f["rating"],
                        "rating_label": str(f["rating_label"]),
                        "year_value": number(_year_value(f)),
                        "missing_reason": f["reason"],
                        "missing_reason_label": str(f["reason_label"]),
                        "missing_reason_detail": str(f["reason_detail"]),
                        **_per_firm_json(f),
                    }
                    for f in row.figures.values()
                ],
                "own_targets": [
                    {
                        "id": f["target"].pk,
                        "name_ja": f["target"].name,
                        "unit": f["target"].unit,
                        "target": number(f["goal"]),
                        "actual": number(f["actual"]),
                        "status": f["status"],
                        "achievement_rate": number(f["rate"]),
                        "progress_rate": number(f["progress"]),
                        "rating": f["rating"],
                        "rating_label": str(f["rating_label"]),
                        "year_value": number(_year_value(f)),
                        "missing_reason": f["reason"],
                        "missing_reason_label": str(f["reason_label"]),
                        "missing_reason_detail": str(f["reason_detail"]),
                    }
                    for f in own.get(row.project.pk, [])
                ],
            }
        )
    return paginator.get_paginated_response(results, count=rows.count())


def _per_firm_json(figure) -> dict:
    """The common target's per-firm form: target total ÷ planned firms, settled actual total ÷
    actual firms, and why the actual is missing (no division by a missing or zero count)."""
    if "per_firm" not in figure:
        return {}
    per_firm = figure["per_firm"]
    return {
        "per_firm": {
            "target": number(per_firm["target"]),
            "actual": number(per_firm["actual"]),
            "missing_reason": per_firm["reason"] or None,
        }
    }


def _year_value(figure):
    """The year's own value of a target (beside a cumulative actual); None where it is not a
    settled number or zero."""
    own = figure["year_value"]
    return own.value if own is not None else None


@api_view(["GET"])
def evaluations(request):
    """The project evaluations of rounds the user may see. The final grade, findings and
    recommendations appear once the evaluation is finished; evaluators' own ratings never.
    Paged by cursor in the rounds' and projects' order (kept on the evaluation: a page walks an
    index and stops), without a count."""
    rows = ProjectEvaluation.objects.api_page_scope(request.user)
    if code := request.query_params.get("project"):
        rows = rows.filter(project__code=code)
    read = ProjectEvaluation.objects.select_related("round__phase", "project")
    paginator = CursorPagination(endpoint="evaluations", keys=EVALUATION_API_ORDER, rows=read)
    page = paginator.paginate_queryset(rows, request)

    def serialize(e):
        finished = e.state == ProjectEvaluation.State.FINISHED
        return {
            "id": e.pk,
            "round": {
                "id": e.round_id,
                "title": e.round.title,
                "name_en": e.round.name_en,
                "phase": e.round.phase.code,
                "fiscal_year": e.round.fiscal_year,
            },
            "project": e.project.code,
            "state": e.state,
            "final_grade": e.final_grade if finished else None,
            "final_findings": e.final_findings if finished else None,
            "final_recommendations": e.final_recommendations if finished else None,
            "consolidated_at": local_isoformat(e.consolidated_at) if finished else None,
        }

    return paginator.get_paginated_response([serialize(e) for e in page])


@api_view(["GET"])
def action_items(request):
    """Action items the user may see. `?project=<code>`, `?state=`, `?due_fiscal_year=`. Paged
    by cursor in the year's, the project's and the item's order (kept on the item: a page
    walks an index and stops), without a count."""
    rows = ActionItem.objects.api_page_scope(request.user)
    if code := request.query_params.get("project"):
        rows = rows.filter(project__code=code)
    if state := request.query_params.get("state"):
        rows = rows.filter(state=state)
    if (year := year_param(request, "due_fiscal_year")) is not None:
        rows = rows.filter(due_fiscal_year=year)
    read = ActionItem.objects.select_related("project", "report")
    paginator = CursorPagination(endpoint="action_items", keys=API_ORDER, rows=read)
    page = paginator.paginate_queryset(rows, request)
    return paginator.get_paginated_response(
        [
            {
                "id": i.pk,
                "project": i.project.code,
                "source": i.source,
                "evaluation": i.evaluation_id,
                "report_fiscal_year": i.report.fiscal_year if i.report_id else None,
                "text": i.text,
                "due_fiscal_year": i.due_fiscal_year,
                "state": i.state,
                "done_note": i.done_note,
                "decision_note": i.decision_note,
                "created_at": local_isoformat(i.created_at),
            }
            for i in page
        ]
    )
