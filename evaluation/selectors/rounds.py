"""The evaluation sheet of a project in a round, filled in from the data: targets with
baseline, original and in-force target, milestones, actuals, achievement, rating and the
projection to the end of the plan; the a–e summary; yearly-plan execution; the self-checks;
the scenario's revisions. Built on settled data only (published figures, approved reports and
plans), so every reader of a sheet sees the same figures. A fixed number of queries."""

from decimal import Decimal
from types import SimpleNamespace

from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, FilteredRelation, Prefetch, Q, Window
from django.db.models.functions import RowNumber
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from evaluation.arithmetic import (
    Projection,
    actual_for_year,
    path_in_force,
    projection,
    reaches,
)
from evaluation.models import (
    Activity,
    ActivityResult,
    AnnualReport,
    EvaluationRound,
    EvaluationSnapshot,
    EvaluatorRating,
    Grade,
    Indicator,
    MonitoredValue,
    ProjectEvaluation,
    ProjectPlan,
    State,
    YearlyPlan,
)
from evaluation.models.monitoring import FILED_STATES
from evaluation.selectors.achievement import (
    REASON_LABELS,
    UNAPPROVED,
    attach_per_firm,
    observed_and_filed,
    own_observed_and_filed,
    rating_bands,
    target_achievement,
)
from evaluation.selectors.cases import RollupCases, rollup_cases, sheet_network
from evaluation.selectors.paging import page_of
from evaluation.selectors.summaries import at_risk_projects, rollup_blocks, rollup_columns
from projects.models import Phase, Role
from projects.times import local_time_label


def sheet_data(evaluation) -> dict:
    project = evaluation.project
    evaluation_round = evaluation.round
    year = evaluation_round.fiscal_year
    phase = evaluation_round.phase
    plan = (
        ProjectPlan.objects.filter(project=project, phase=phase)
        .prefetch_related("scenario_revisions")
        .first()
    )
    rows = list(
        MonitoredValue.objects.settled(filed=True)
        .filter(project=project, fiscal_year__lte=year)
        .select_related("indicator")
        .order_by("fiscal_year")
    )
    observed, filed = observed_and_filed(
        (v.indicator_id, v.fiscal_year, v.kind, v.value, v.counts) for v in rows
    )
    years = list(range(phase.first_fiscal_year, year + 1))
    bands = rating_bands()
    targets = []
    if plan is not None:
        plan_targets = list(plan.targets.with_versions())
        own_observed, own_filed = own_observed_and_filed(
            [t for t in plan_targets if not t.indicator_id], year
        )
        observed |= {own_key(pk): figures for pk, figures in own_observed.items()}
        filed |= {own_key(pk): years_ for pk, years_ in own_filed.items()}
        for target in plan_targets:
            targets.append(_target_block(target, years, observed, bands, phase, filed))
    for index in range(len(years)):
        attach_per_firm(block["rows"][index] for block in targets)
    return {
        "plan": plan,
        "years": years,
        "targets": targets,
        "categories": _category_summary(rows, year),
        "execution": _execution(project, year),
        "self_checks": list(
            AnnualReport.objects.filter(
                project=project, fiscal_year__lte=year, state=State.APPROVED
            ).order_by("fiscal_year")
        ),
        "revisions": list(plan.scenario_revisions.all()) if plan else [],
        "network": sheet_network(project, year),
    }


def own_key(target_id: int) -> tuple:
    """The key of an own target's values among a sheet's `observed` (by indicator id)."""
    return ("own", target_id)


def _target_block(target, years, observed, bands, phase, filed=None) -> dict:
    """One target of the sheet; `observed` and `filed` (the years with a value awaiting
    approval) by indicator id, an own target's by `own_key(target id)`."""
    versions = list(target.versions.all())
    original = versions[0] if versions else None
    path = path_in_force([v.as_path() for v in versions], years[-1])
    in_force = next((v for v in versions if path and v.number == path.number), None)
    key = target.indicator_id or own_key(target.pk)
    own = observed.get(key, {})
    waiting = (filed or {}).get(key, set())
    rows = [{"year": y, **target_achievement(target, y, own, bands, waiting)} for y in years]
    series = {}
    if in_force is not None:
        for y in years:
            actual, _status = actual_for_year(
                own, target.cumulation, y, in_force.baseline_fiscal_year
            )
            series[y] = actual
    end_year = in_force.target_fiscal_year if in_force else phase.last_fiscal_year
    projected = projection(series, end_year)
    final = in_force.target_value if in_force else None
    return {
        "target": target,
        "original": original,
        "in_force": in_force,
        "milestones": list(in_force.milestones.all()) if in_force else [],
        "rows": rows,
        "projection": projected,
        "reaches": reaches(projected.value, final, target.direction),
        "has_values": True,  # own targets' actuals are entered in the annual report too
    }


def _category_summary(values, year) -> list[dict]:
    """Each category a–e with its indicators' values in the round's year and the year before:
    settled values, and 未承認 where a value is filed but not approved yet (`values` read
    through `settled(filed=True)`, each with `counts`)."""
    by_indicator: dict[int, dict] = {}
    for value in values:
        entry = by_indicator.setdefault(
            value.indicator_id,
            {
                "indicator": value.indicator,
                "this": None,
                "previous": None,
                "this_reason": "",
                "previous_reason": "",
            },
        )
        which = {year: "this", year - 1: "previous"}.get(value.fiscal_year)
        if which is None:
            continue
        if value.counts:
            entry[which] = value
        else:
            entry[f"{which}_reason"] = REASON_LABELS[UNAPPROVED]
    summary = []
    for code, label in Indicator.Category.choices:
        rows = sorted(
            (e for e in by_indicator.values() if e["indicator"].category == code),
            key=lambda e: (e["indicator"].order, e["indicator"].code),
        )
        summary.append({"code": code, "label": label, "rows": rows})
    return summary


def _execution(project, year) -> list[dict]:
    """Each approved yearly plan up to the round's year: its activities, planned output and the
    actual output reported in the approved annual report of that year."""
    # Results are only written for activities of the same project's yearly plan (services.reports
    # ._activity_problems): filtering by the project reads its reports, not every approved one.
    results = ActivityResult.objects.filter(report__project=project, report__state=State.APPROVED)
    plans = (
        YearlyPlan.objects.filter(project=project, fiscal_year__lte=year, state=State.APPROVED)
        .order_by("fiscal_year")
        .prefetch_related(
            Prefetch(
                "activities",
                queryset=Activity.objects.select_related("output_indicator").prefetch_related(
                    Prefetch("results", queryset=results, to_attr="approved_results")
                ),
            )
        )
    )
    execution = []
    for yearly in plans:
        rows = []
        for activity in yearly.activities.all():
            result = activity.approved_results[0] if activity.approved_results else None
            rows.append({"activity": activity, "actual": result.actual_output if result else None})
        execution.append({"yearly": yearly, "rows": rows})
    return execution


def round_rollup(evaluation_round, evaluations) -> dict:
    """All projects of a round side by side (the exports: every row): each project's catalogue
    targets with the rating in the round's year and the projection to the target year, its
    cases by stage and adoptions in the round's years, the grade distribution and the projects
    at risk (a projection below its target). Read from the summaries
    (`summaries.rollup_blocks`): a fixed number of queries whatever the number of projects."""
    year = evaluation_round.fiscal_year
    ids = [e.project_id for e in evaluations]
    columns, blocks_of = rollup_blocks(ids, evaluation_round.phase, year)
    cases = rollup_cases(ids, rollup_years(evaluation_round))
    rows = [_rollup_row(evaluation, blocks_of, cases) for evaluation in evaluations]
    grades = [e.final_grade for e in evaluations if e.is_finished]
    at_risk = [row for row in rows if row["at_risk"]]
    unapproved = _unapproved_reports(evaluations, year)
    return {
        "columns": columns,
        "rows": rows,
        "total": len(rows),
        "distribution": [(value, label, grades.count(value)) for value, label in Grade.choices],
        "finished": len(grades),
        "at_risk": at_risk,
        "at_risk_count": len(at_risk),
        "unapproved": unapproved,
        "unapproved_count": len(unapproved),
    }


# The evaluations (annotated with `report_state`) whose report of the round's year is not
# approved, a missing report (NULL: 未作成) among them (SQL's NOT would drop the NULLs).
NOT_APPROVED = Q(report_state__isnull=True) | ~Q(report_state=State.APPROVED)

# The exports read the round's evaluations this many at a time, their blocks per chunk, so
# the rows held do not grow with the round (a query per chunk: 3 more at 2,000 projects).
EXPORT_CHUNK = 1000


def _unapproved(evaluations, year: int):
    """The evaluations whose project's report of `year` is not approved, each annotated with
    the report's state (`report_state`, NULL where there is none). The report is LEFT JOINed
    on its (project, year) key, one row at most: one index probe a row, where a subquery
    was run for the state and twice more for the filter."""
    return evaluations.annotate(
        year_report=FilteredRelation(
            "project__annual_reports",
            condition=Q(project__annual_reports__fiscal_year=year),
        ),
        report_state=F("year_report__state"),
    ).filter(NOT_APPROVED)


def _round_evaluations(evaluation_round):
    """The evaluations of a round in the order of the round page and the roll-up."""
    return (
        ProjectEvaluation.objects.filter(round=evaluation_round)
        .select_related("project__bureau")
        .order_by("project__bureau__order", "project__order", "pk")
    )


def rollup_export(evaluation_round) -> dict:
    """The round roll-up as its exports write it (xlsx and CSV): the columns and the grade
    distribution and the cases over every project (GROUP BY), and `rows` and `unapproved` as
    generators read in one pass over the evaluations in the page's order, EXPORT_CHUNK at a
    time (each chunk's blocks as the page reads a page of them; only the round's year's
    figure of each target), so time grows with the round and memory does not. The same
    cells as `round_rollup` over every project."""
    year, phase = evaluation_round.fiscal_year, evaluation_round.phase
    evaluations = _round_evaluations(evaluation_round)
    projects = evaluations.values("project_id")
    finished = dict(
        evaluations.filter(state=ProjectEvaluation.State.FINISHED)
        .order_by()
        .values_list("final_grade")
        .annotate(n=Count("pk"))
    )
    unapproved = _unapproved(evaluations, year).iterator(chunk_size=EXPORT_CHUNK)
    columns = rollup_columns(projects, phase, year)
    # The cases of the whole round in two GROUP BY queries: a few numbers per project.
    cases = rollup_cases(projects, rollup_years(evaluation_round))
    read = {"phase": phase, "year": year, "cases": cases, "columns": columns}
    return {
        "columns": columns,
        "rows": _streamed_rows(evaluations, read),
        "distribution": [(value, label, finished.get(value, 0)) for value, label in Grade.choices],
        "finished": sum(finished.values()),
        "unapproved": (_unapproved_row(e, e.report_state) for e in unapproved),
    }


def _streamed_rows(evaluations, read: dict):
    chunk = []
    for evaluation in evaluations.iterator(chunk_size=EXPORT_CHUNK):
        chunk.append(evaluation)
        if len(chunk) == EXPORT_CHUNK:
            yield from _chunk_rows(chunk, read)
            chunk = []
    if chunk:
        yield from _chunk_rows(chunk, read)


def _chunk_rows(chunk, read: dict):
    """The rows of a chunk of evaluations: their blocks in one query (a second only where a
    cumulative target's versions differ in their baseline year)."""
    _columns, blocks_of = rollup_blocks(
        [e.project_id for e in chunk],
        read["phase"],
        read["year"],
        now_only=True,
        indicators={indicator.pk: indicator for indicator in read["columns"]},
    )
    for evaluation in chunk:
        yield _rollup_row(evaluation, blocks_of, read["cases"])


def rollup_years(evaluation_round) -> list[int]:
    """The fiscal years a round looks at: from its phase's first to the round's year."""
    return list(range(evaluation_round.phase.first_fiscal_year, evaluation_round.fiscal_year + 1))


def _rollup_row(evaluation, blocks_of: dict, cases: dict) -> dict:
    blocks = blocks_of.get(evaluation.project_id, {})
    return {
        "evaluation": evaluation,
        "blocks": blocks,
        "at_risk": [b for b in blocks.values() if b["reaches"] is False],
        "cases": cases.get(evaluation.project_id) or RollupCases(),
    }


def _unapproved_row(evaluation, state) -> dict:
    return {
        "evaluation": evaluation,
        "state": state,
        "state_label": State(state).label if state else _("未作成"),
        "filed": state in FILED_STATES,
    }


def _unapproved_reports(evaluations, year: int) -> list[dict]:
    """The projects of the round whose report of the round's year is not approved: filed and
    awaiting approval (未承認: submitted, returned, reopened), in draft, or not made (未作成),
    so a missing figure says why (one query)."""
    states = dict(
        AnnualReport.objects.filter(
            project__in=[e.project_id for e in evaluations], fiscal_year=year
        ).values_list("project_id", "state")
    )
    return [
        _unapproved_row(evaluation, states.get(evaluation.project_id))
        for evaluation in evaluations
        if states.get(evaluation.project_id) != State.APPROVED
    ]


# The roll-up page lists this many of the projects at risk and of those whose report is not
# approved, with how many there are (the exports list every one).
ROLLUP_LISTED = 20


def _first_with_count(queryset, limit: int = ROLLUP_LISTED) -> tuple[list, int]:
    """The first `limit` rows of `queryset` and how many rows it has, in one query (a window
    count over the rows before the limit)."""
    rows = list(queryset.annotate(listed_total=Window(Count("pk")))[:limit])
    return rows, rows[0].listed_total if rows else 0


def rollup_page(evaluation_round, page_number) -> dict:
    """The roll-up page: the grade distribution and the counts over every project of the round
    (GROUP BY), the projects at risk and those whose report is not approved (the first
    ROLLUP_LISTED of each, with how many), and a page of projects (ROWS_PER_PAGE, in the
    order of the round page) with their blocks, cases and adoptions. The summaries are read
    for the listed projects only: a fixed number of queries, and the rows read do not grow with
    the round."""
    year, phase = evaluation_round.fiscal_year, evaluation_round.phase
    evaluations = (
        ProjectEvaluation.objects.filter(round=evaluation_round)
        .select_related("project__bureau")
        .order_by("project__bureau__order", "project__order", "pk")
    )
    projects = evaluations.values("project_id")
    counts = {
        (state, grade): n
        for state, grade, n in evaluations.order_by()
        .values("state", "final_grade")
        .annotate(n=Count("pk"))
        .values_list("state", "final_grade", "n")
    }
    finished = {
        grade: n
        for (state, grade), n in counts.items()
        if state == ProjectEvaluation.State.FINISHED
    }
    page = page_of(evaluations, page_number, count=sum(counts.values()))
    shown = list(page.object_list)
    at_risk, at_risk_count = _first_with_count(
        evaluations.filter(project_id__in=at_risk_projects(projects, phase, year))
    )
    unapproved, unapproved_count = _first_with_count(_unapproved(evaluations, year))
    ids = {e.project_id for e in shown} | {e.project_id for e in at_risk}
    # The page shows the round's year's figure of each target (and the projection, from every
    # year's kept actual): the figures of the other years are not worked out.
    _columns, blocks_of = rollup_blocks(ids, phase, year, now_only=True, plain=False)
    cases = rollup_cases([e.project_id for e in shown], rollup_years(evaluation_round))
    columns = rollup_columns(projects, phase, year)
    page.object_list = [_rollup_row(evaluation, blocks_of, cases) for evaluation in shown]
    for row in page.object_list:  # the blocks in the order of the columns, for the table
        row["cells"] = [row["blocks"].get(indicator.pk) for indicator in columns]
    at_risk_rows = [_rollup_row(evaluation, blocks_of, {}) for evaluation in at_risk]
    return {
        "page": page,
        "columns": columns,
        "total": page.paginator.count,
        "distribution": [(value, label, finished.get(value, 0)) for value, label in Grade.choices],
        "finished": sum(finished.values()),
        "at_risk": [row for row in at_risk_rows if row["at_risk"]],
        "at_risk_count": at_risk_count,
        "unapproved": [_unapproved_row(e, e.report_state) for e in unapproved],
        "unapproved_count": unapproved_count,
    }


def may_manage(user, evaluation) -> bool:
    """Managers assign evaluators and consolidate while the evaluation is not final."""
    return user.role == Role.MANAGER and not evaluation.is_finished


def may_rate(user, evaluation) -> bool:
    """An evaluator (one assigned: the fetch finds the evaluation) rates until it is final."""
    return user.role == Role.EVALUATOR and not evaluation.is_finished


def sees_final(user, evaluation) -> bool:
    """The final evaluation shows once finished; to managers and admins while being written."""
    return evaluation.is_finished or user.role in (Role.MANAGER, Role.ADMIN)


def get_evaluation_for_user(
    user, round_id: int, code: str, *, manage: bool = False, rate: bool = False
) -> ProjectEvaluation:
    """A project's evaluation in a round, where the user may see it (DOMAIN.md); 404 otherwise.
    With manage, one the user may assign and consolidate now; with rate, one they may rate now
    (403 otherwise)."""
    evaluation = get_object_or_404(
        ProjectEvaluation.objects.visible_to(user).select_related(
            "round__phase", "project__bureau", "consolidated_by", "snapshot"
        ),
        round_id=round_id,
        project__code=code,
    )
    if (manage and not may_manage(user, evaluation)) or (rate and not may_rate(user, evaluation)):
        raise PermissionDenied
    return evaluation


def own_rating(user, evaluation) -> EvaluatorRating | None:
    """The user's own rating of the evaluation with its grades, or None (the rating screen)."""
    return (
        EvaluatorRating.objects.filter(evaluation=evaluation, evaluator=user)
        .prefetch_related("grades")
        .first()
    )


def ratings_for(user, evaluation) -> list[EvaluatorRating]:
    """Whose ratings a reader sees: managers and admins all; an evaluator only their own
    (never another's, before or after consolidation); staff none."""
    ratings = EvaluatorRating.objects.filter(evaluation=evaluation).select_related("evaluator")
    ratings = ratings.prefetch_related("grades__criterion")
    if user.role in (Role.MANAGER, Role.ADMIN):
        return list(ratings)
    if user.role == Role.EVALUATOR:
        return list(ratings.filter(evaluator=user))
    return []


# How many evaluations of a round the list shows; the round's page shows them all.
ROUND_LIST_PREVIEW = 20


def round_list_context(user) -> dict:
    """The rounds the user may see, newest first, each with how many evaluations the user may
    see and the first ROUND_LIST_PREVIEW of them (managers and admins every round, even one
    without projects yet), and which of those an evaluator has rated (the list page). At most
    four queries whatever the number of projects: the round's page lists every evaluation."""
    visible = ProjectEvaluation.objects.visible_to(user)
    counts = dict(
        visible.order_by().values("round_id").annotate(n=Count("id")).values_list("round_id", "n")
    )
    # The first ROUND_LIST_PREVIEW of each round numbered over the keys alone, then those rows
    # read whole: numbering whole rows sorted every visible evaluation with its project's and
    # bureau's columns (4,000 at 2,000 projects) for a few dozen shown.
    order = ("project__bureau__order", "project__order", "pk")
    first = (
        visible.annotate(
            place=Window(
                RowNumber(), partition_by=[F("round_id")], order_by=[F(key) for key in order]
            )
        )
        .filter(place__lte=ROUND_LIST_PREVIEW)
        .values("pk")
    )
    shown = (
        ProjectEvaluation.objects.filter(pk__in=first)
        .select_related("project__bureau")
        .order_by("round_id", *order)
    )
    rounds = EvaluationRound.objects.all()
    if user.role not in (Role.MANAGER, Role.ADMIN):
        rounds = rounds.filter(pk__in=list(counts))
    listed = {r.pk: (r, []) for r in rounds}
    shown = list(shown)
    for evaluation in shown:
        if evaluation.round_id in listed:
            listed[evaluation.round_id][1].append(evaluation)
    # which of the listed evaluations the evaluator has rated (the page marks them for
    # evaluators only), not every rating of theirs: an evaluator of 2,000 projects has thousands
    rated = set()
    if user.role == Role.EVALUATOR and shown:
        rated = set(
            EvaluatorRating.objects.finished()
            .filter(evaluator=user, evaluation__in=[evaluation.pk for evaluation in shown])
            .values_list("evaluation_id", flat=True)
        )
    return {
        "rounds": [
            (evaluation_round, evaluations, counts.get(evaluation_round.pk, 0))
            for evaluation_round, evaluations in sorted(
                listed.values(), key=lambda item: (-item[0].fiscal_year, item[0].pk)
            )
        ],
        "rated": rated,
        "can_open": may_open_round(user),
    }


def may_open_round(user) -> bool:
    return user.role == Role.MANAGER


def get_phase_for_new_round(user) -> Phase:
    """The phase a new round evaluates (Phase II), for managers; 403 for everyone else."""
    if not may_open_round(user):
        raise PermissionDenied
    return get_object_or_404(Phase, code="II")


def round_detail_context(user, round_id: int, page_number=None) -> dict:
    """The round's projects the user may see, a page of them at a time (`page_number`: the
    `?page=` text), with evaluators, state and the grade distribution (counted in SQL over
    all of them); 404 when the user may see none of it (the round page). Seven queries
    whatever the number of projects."""
    evaluation_round = get_object_or_404(
        EvaluationRound.objects.visible_to(user).select_related("phase"), pk=round_id
    )
    evaluations = ProjectEvaluation.objects.visible_to(user).filter(round=evaluation_round)
    page = page_of(
        evaluations.select_related("project__bureau").prefetch_related(
            "evaluators",
            Prefetch(
                "ratings",
                queryset=EvaluatorRating.objects.finished(),
                to_attr="finished_ratings",
            ),
        ),
        page_number,
    )
    grades = dict(
        evaluations.filter(state=ProjectEvaluation.State.FINISHED)
        .order_by()
        .values_list("final_grade")
        .annotate(n=Count("pk"))
    )
    return {
        "round": evaluation_round,
        "evaluations": page,
        "total": page.paginator.count,
        "criteria": list(evaluation_round.criteria.all()),
        "is_manager": user.role == Role.MANAGER,
        "distribution": [(label, grades.get(value, 0)) for value, label in Grade.choices],
        "finished": sum(grades.values()),
    }


def rollup_context(user, round_id: int, *, export: bool = False):
    """The round and its roll-up, for managers and admins; 403 for others. `export`: as the
    exports stream it (`rollup_export`), else built whole (`round_rollup`)."""
    if user.role not in (Role.MANAGER, Role.ADMIN):
        raise PermissionDenied
    evaluation_round = get_object_or_404(
        EvaluationRound.objects.select_related("phase"), pk=round_id
    )
    if export:
        return evaluation_round, rollup_export(evaluation_round)
    evaluations = list(_round_evaluations(evaluation_round))
    return evaluation_round, round_rollup(evaluation_round, evaluations)


def rollup_page_context(user, round_id: int, page_number):
    """The round and its roll-up page (`rollup_page`), for managers and admins; 403 for
    others."""
    if user.role not in (Role.MANAGER, Role.ADMIN):
        raise PermissionDenied
    evaluation_round = get_object_or_404(
        EvaluationRound.objects.select_related("phase"), pk=round_id
    )
    return evaluation_round, rollup_page(evaluation_round, page_number)


# --- The sheet as rated: the snapshot stored when an evaluation is finished -----------------


def _text(value) -> str | None:
    return None if value is None else str(value)


def _decimal(text) -> Decimal | None:
    return None if text is None else Decimal(text)


def _frozen_row(row: dict) -> dict:
    own = row.get("year_value")
    return {
        "year": row["year"],
        "goal": _text(row["goal"]),
        "actual": _text(row["actual"]),
        "rate": _text(row["rate"]),
        "progress": _text(row["progress"]),
        "rating": row["rating"],
        "rating_label": str(row["rating_label"]),
        "reason": row.get("reason"),
        "reason_label": str(row.get("reason_label") or ""),
        "reason_detail": str(row.get("reason_detail") or ""),
        "cumulative": bool(row.get("cumulative")),
        "year_value": _text(own.value) if own is not None else None,
        "per_firm": _frozen_per_firm(row.get("per_firm")),
    }


def _frozen_per_firm(figure: dict | None) -> dict | None:
    if figure is None:
        return None
    return {
        "target": _text(figure["target"]),
        "actual": _text(figure["actual"]),
        "reason": str(figure["reason"]),
    }


def _frozen_block(block: dict) -> dict:
    target, original, in_force = block["target"], block["original"], block["in_force"]
    projected = block["projection"]
    return {
        "target": {
            "key": target.pk,
            "name": str(target.name),
            "unit_label": str(target.unit_label),
            "money_unit": target.money_unit,
            "indicator_id": target.indicator_id,
            "own_unit": target.own_unit,
        },
        "original": original
        and {
            "target_value": _text(original.target_value),
            "target_fiscal_year": original.target_fiscal_year,
        },
        "in_force": in_force
        and {
            "number": in_force.number,
            "baseline_value": _text(in_force.baseline_value),
            "baseline_fiscal_year": in_force.baseline_fiscal_year,
            "target_value": _text(in_force.target_value),
            "target_fiscal_year": in_force.target_fiscal_year,
            "reason": in_force.reason,
        },
        "milestones": [[m.fiscal_year, _text(m.value)] for m in block["milestones"]],
        "rows": [_frozen_row(row) for row in block["rows"]],
        "projection": {
            "year": projected.year,
            "value": _text(projected.value),
            "slope": _text(projected.slope),
            "points": projected.points,
        },
        "reaches": block["reaches"],
        "has_values": block["has_values"],
    }


def _frozen_categories(categories) -> list[dict]:
    return [
        {
            "code": category["code"],
            "label": str(category["label"]),
            "rows": [
                {
                    "name": str(entry["indicator"].name),
                    "unit": str(entry["indicator"].get_unit_display()),
                    "previous": entry["previous"] and entry["previous"].display_with_unit,
                    "this": entry["this"] and entry["this"].display_with_unit,
                    "previous_reason": str(entry["previous_reason"]),
                    "this_reason": str(entry["this_reason"]),
                }
                for entry in category["rows"]
            ],
        }
        for category in categories
    ]


def freeze_sheet(evaluation, data: dict | None = None) -> dict:
    """The sheet's computed figures as JSON (what `EvaluationSnapshot.sheet` holds): each
    target with the original target and the one in force, milestones, per year the target,
    actual, rate, rating and the reason of a missing figure, and the projection; the a–e
    summary as shown; the project's cases by stage and its adoptions (already plain values).
    The finishing service stores it (services.evaluations)."""
    data = sheet_data(evaluation) if data is None else data
    return {
        "targets": [_frozen_block(block) for block in data["targets"]],
        "categories": _frozen_categories(data["categories"]),
        "network": data["network"],
    }


def _thawed_row(row: dict) -> dict:
    own = row["year_value"]
    return {
        **row,
        "goal": _decimal(row["goal"]),
        "actual": _decimal(row["actual"]),
        "rate": _decimal(row["rate"]),
        "progress": _decimal(row["progress"]),
        "year_value": SimpleNamespace(value=_decimal(own)) if own is not None else None,
        "per_firm": row.get("per_firm")
        and {
            **row["per_firm"],
            "target": _decimal(row["per_firm"]["target"]),
            "actual": _decimal(row["per_firm"]["actual"]),
        },
    }


def _thawed_block(block: dict) -> dict:
    """A stored block read back in the shape of `_target_block`, for the same templates,
    charts and tables (targets as plain attributes: name, unit, money unit)."""
    target = SimpleNamespace(**block["target"])
    target.shown_unit_label = target.unit_label
    original, in_force = block["original"], block["in_force"]
    projected = block["projection"]
    return {
        "target": target,
        "original": original
        and SimpleNamespace(**{**original, "target_value": _decimal(original["target_value"])}),
        "in_force": in_force
        and SimpleNamespace(
            **{
                **in_force,
                "baseline_value": _decimal(in_force["baseline_value"]),
                "target_value": _decimal(in_force["target_value"]),
            }
        ),
        "milestones": [
            SimpleNamespace(fiscal_year=year, value=_decimal(value))
            for year, value in block["milestones"]
        ],
        "rows": [_thawed_row(row) for row in block["rows"]],
        "projection": Projection(
            projected["year"],
            _decimal(projected["value"]),
            _decimal(projected["slope"]),
            projected["points"],
        ),
        "reaches": block["reaches"],
        "has_values": block["has_values"],
    }


def _thawed_categories(categories) -> list[dict]:
    return [
        {
            **category,
            "rows": [
                {
                    "indicator": SimpleNamespace(
                        name=entry["name"], get_unit_display=lambda unit=entry["unit"]: unit
                    ),
                    "previous": entry["previous"]
                    and SimpleNamespace(display_with_unit=entry["previous"]),
                    "this": entry["this"] and SimpleNamespace(display_with_unit=entry["this"]),
                    "previous_reason": entry.get("previous_reason", ""),
                    "this_reason": entry.get("this_reason", ""),
                }
                for entry in category["rows"]
            ],
        }
        for category in categories
    ]


def _changes(frozen: dict, current: dict) -> list[dict]:
    """Per target × fiscal year, where the figure as rated differs from the current one: the
    target (as stored), the year, and both rows (actual, rate, rating, reason)."""
    now = {block["target"]["key"]: block for block in current["targets"]}
    changes = []
    for block in frozen["targets"]:
        later = now.get(block["target"]["key"])
        rows_now = {row["year"]: row for row in later["rows"]} if later else {}
        for row in block["rows"]:
            after = rows_now.get(row["year"])
            keys = ("goal", "actual", "rate", "rating", "reason")
            if after is None or any(row[k] != after[k] for k in keys):
                changes.append(
                    {
                        "target": SimpleNamespace(**block["target"]),
                        "year": row["year"],
                        "before": _thawed_row(row),
                        "after": _thawed_row(after) if after else None,
                    }
                )
    return changes


def _snapshot_of(evaluation) -> EvaluationSnapshot | None:
    """The evaluation's snapshot (joined by `get_evaluation_for_user`), or None."""
    try:
        return evaluation.snapshot
    except EvaluationSnapshot.DoesNotExist:
        return None


def sheet_for_reader(evaluation, *, current: bool = False) -> dict:
    """The sheet a reader sees (the page, its print view, xlsx and CSV): a finished evaluation
    shows its figures as rated (`frozen_at`: when), with the changes since; `current` (the
    link 「現在の数値」) shows today's figures instead, with the same list of changes. An
    evaluation in progress, or one finished before snapshots were kept, shows today's."""
    data = sheet_data(evaluation)
    snapshot = _snapshot_of(evaluation) if evaluation.is_finished else None
    data.update(
        frozen_at=None, frozen_label="", showing_current=True, changes=[], network_changed=False
    )
    if snapshot is None:
        return data
    changes = _changes(snapshot.sheet, freeze_sheet(evaluation, data))
    # A snapshot taken before the sheet listed cases and adoptions has none: today's lists.
    frozen_network = snapshot.sheet.get("network")
    data.update(
        frozen_at=snapshot.taken_at,
        frozen_label=local_time_label(snapshot.taken_at),
        changes=changes,
        showing_current=current,
        network_changed=frozen_network is not None and frozen_network != data["network"],
    )
    if not current:
        data["targets"] = [_thawed_block(block) for block in snapshot.sheet["targets"]]
        data["categories"] = _thawed_categories(snapshot.sheet["categories"])
        if frozen_network is not None:
            data["network"] = frozen_network
    return data
