"""The home page's dashboards by role, and their exports."""

from collections import Counter

from django.core.exceptions import PermissionDenied
from django.db.models import (
    BooleanField,
    ExpressionWrapper,
    F,
    FilteredRelation,
    Max,
    Q,
    Subquery,
    Value,
)

from evaluation.models import (
    AnnualReport,
    EvaluatorRating,
    ProjectEvaluation,
    ProjectPlan,
    ReportingDeadline,
    State,
    YearlyPlan,
)
from evaluation.selectors.national import (
    AT_RISK,
    chosen_year,
    default_year,
    submission_counts,
)
from evaluation.selectors.paging import page_of
from evaluation.selectors.summaries import (
    year_columns,
    year_rating_cells,
    year_ratings,
    year_summaries,
)
from projects.domain import PHASE_II
from projects.models import Project, Role

WAITING = [State.DRAFT, State.RETURNED, State.REOPENED]


def _staff_projects(user):
    return (
        Project.objects.visible_to(user)
        .filter(bureau_id=user.bureau_id)
        .select_related("bureau")
        .order_by("order")
    )


def _manager_projects(user):
    return (
        Project.objects.visible_to(user)
        .filter(status=Project.Status.ACTIVE)
        .select_related("bureau")
        .order_by("bureau__order", "order")
    )


def _staff_year(user, year: int | None) -> int:
    """The year asked, else the latest Phase II year with a report of the bureau (one query
    where none is asked)."""

    def latest():
        found = AnnualReport.objects.filter(
            project__bureau_id=user.bureau_id,
            fiscal_year__gte=PHASE_II[0],
            fiscal_year__lte=PHASE_II[1],
        ).aggregate(latest=Max("fiscal_year"))["latest"]
        return default_year([found] if found else [])

    return chosen_year(year, latest)


def _manager_year(year: int | None) -> int:
    def latest():
        found = AnnualReport.objects.aggregate(latest=Max("fiscal_year"))["latest"]
        return default_year([found] if found else [])

    return chosen_year(year, latest)


def _scope(user, year: int | None):
    """The year shown and the projects a dashboard covers (a queryset in the order shown).
    Staff: their own bureau's projects; managers and admins: every active project; anyone
    else has no dashboard tables (403). The reader may see the report of every project their
    dashboard covers (DOMAIN.md: staff their own bureau's in any state, managers and admins
    all): `_with_report` adds it. One query, where no year is asked (the default year)."""
    if user.role == Role.STAFF and user.bureau_id:
        return _staff_year(user, year), _staff_projects(user)
    if user.role in (Role.MANAGER, Role.ADMIN):
        return _manager_year(year), _manager_projects(user)
    raise PermissionDenied


def _with_report(projects, year: int):
    """`projects` with `report_id` and `report_state` of their report of `year`: a LEFT JOIN on
    (project, fiscal_year), which the reports' unique constraint indexes, so one row per
    project and a cheap plan whatever the planner believes of the tables' sizes (a subquery
    per project and column was once run minutes long on PostgreSQL with stale statistics)."""
    return projects.annotate(
        year_report=FilteredRelation(
            "annual_reports", condition=Q(annual_reports__fiscal_year=year)
        )
    ).annotate(report_id=F("year_report__id"), report_state=F("year_report__state"))


def _overview(user, projects, year: int, page_number, at_risk_shown: int, per_page=None) -> dict:
    """What a dashboard shows about every project of `projects` (a queryset of `_scope`, in
    the order shown, with their report of the year), worked out in SQL as one row of a few
    values per project (its id, its report, whether a target is at risk, the year's
    deadline): the submission summary, a page of the heat map (`per_page` rows, else
    ROWS_PER_PAGE), the first `at_risk_shown` projects at risk and their count (where
    `at_risk_shown` is 0, as on the staff's home, neither is worked out: the count is None),
    and the projects without a report. Six queries whatever
    the number of projects (those rows, the projects shown, the columns, the kept rows with
    their targets and versions). The row's subqueries are uncorrelated (the projects at risk,
    the deadline): each is worked out once, not once per project."""
    risky = Value(False)
    if at_risk_shown:
        at_risk = year_summaries(user, year).filter(rating__in=AT_RISK).values("project_id")
        risky = ExpressionWrapper(Q(pk__in=at_risk), output_field=BooleanField())
    due = ReportingDeadline.objects.filter(fiscal_year=year).values("due_date")[:1]
    every = list(
        _with_report(projects, year)
        .annotate(
            risky=risky,
            due=Subquery(due),
        )
        .values_list("pk", "report_id", "report_state", "risky", "due")
    )
    summary = submission_counts(
        Counter(state or "none" for _pk, _id, state, _r, _due in every),
        year,
        due_dates=[d for d in [every[0][4]] if d] if every else None,
    )
    page = page_of([row[0] for row in every], page_number, per_page=per_page)
    at_risk_ids = [pk for pk, _id, _state, risk, _due in every if risk]
    missing_ids = [pk for pk, report_id, _state, _r, _due in every if report_id is None]
    shown_ids = list(dict.fromkeys(page.object_list + at_risk_ids[:at_risk_shown]))
    by_pk = {p.pk: p for p in projects.filter(pk__in=shown_ids + missing_ids or [0])}
    year_reports = {
        pk: _report(by_pk[pk], year, report_id, state)
        for pk, report_id, state, _r, _due in every
        if report_id is not None and pk in by_pk
    }
    columns = year_columns(user, projects, year)
    shown = [by_pk[pk] for pk in shown_ids]
    _columns, rated = year_ratings(user, shown, year, year_reports, columns)
    rows = {row.project.pk: row for row in rated}
    page.object_list = [rows[pk] for pk in page.object_list]
    return {
        "year": year,
        "summary": summary,
        "columns": columns,
        "rows": page,
        "at_risk": [rows[pk] for pk in at_risk_ids[:at_risk_shown]],
        "at_risk_total": len(at_risk_ids) if at_risk_shown else None,
        "missing": [by_pk[pk] for pk in missing_ids],
    }


def _report(project, year: int, report_id: int, state: str) -> AnnualReport:
    """A report of `year` as the heat map shows it (its state, a link to it), made from what
    the dashboard's one row per project read, not fetched again."""
    return AnnualReport(pk=report_id, project=project, fiscal_year=year, state=state)


def staff_dashboard(
    user, year: int | None, page_number=None, at_risk_shown: int = 0, per_page=None
) -> dict:
    """A staff member's bureau in `year` (else the default year): a page of its projects'
    ratings (`per_page` rows), the submission summary, what waits for the bureau and the
    projects without a report."""
    year, projects = _scope(user, year)
    context = _overview(user, projects, year, page_number, at_risk_shown, per_page)
    todo = {
        "plans": ProjectPlan.objects.filter(
            project__bureau_id=user.bureau_id, state__in=WAITING
        ).select_related("project", "phase"),
        "yearly_plans": YearlyPlan.objects.filter(
            project__bureau_id=user.bureau_id, state__in=WAITING
        ).select_related("project"),
        "reports": AnnualReport.objects.filter(project__bureau_id=user.bureau_id, state__in=WAITING)
        .select_related("project")
        .order_by("fiscal_year", "project__order"),
    }
    return {
        **context,
        "bureau": user.bureau,
        "todo": todo,
    }


def manager_dashboard(user, year: int | None, page_number=None, at_risk_shown: int = 20) -> dict:
    """Every active project in `year` (else the default year): a page of ratings, the
    submission summary, the first projects at risk (and how many there are) and the plans
    waiting for review."""
    year, projects = _scope(user, year)
    context = _overview(user, projects, year, page_number, at_risk_shown)
    context.pop("missing")
    return {
        **context,
        "queue": {
            "plans": ProjectPlan.objects.filter(state=State.SUBMITTED).select_related(
                "project", "phase"
            ),
            "yearly_plans": YearlyPlan.objects.filter(state=State.SUBMITTED).select_related(
                "project"
            ),
        },
    }


def reader_home(user, page_number=None, sheets_page=None) -> dict:
    """Anyone else: the projects they may see, a page of them (`page_number`: the `?page=`
    text); an evaluator also a page of their assigned sheets (`sheets_page`) and which of
    them they have rated."""
    projects = Project.objects.visible_to(user).with_related()
    context = {"projects": page_of(projects, page_number), "role": user.role}
    if user.role == Role.EVALUATOR:
        sheets = ProjectEvaluation.objects.visible_to(user).select_related(
            "round", "project__bureau"
        )
        context["sheets"] = page_of(sheets, sheets_page)
        context["rated"] = set(
            EvaluatorRating.objects.filter(evaluator=user).values_list("evaluation_id", flat=True)
        )
    return context


def dashboard_summary(user, year: int | None) -> dict:
    """The dashboard's submission summary of the year (the page's export), counted over one
    value per project. Staff: their own bureau's projects; managers and admins: every active
    project; anyone else has none (403). Two queries (three where no year is asked)."""
    year, projects = _scope(user, year)
    states = _with_report(projects, year).values_list("report_state", flat=True)
    return {"year": year, "summary": submission_counts(Counter(s or "none" for s in states), year)}


def dashboard_heatmap(user, year: int | None) -> dict:
    """The dashboard's heat map (the page's export), every project × the targeted indicators:
    `rows` (the projects with their `report_state`, a queryset to iterate once) and `cells`
    (project id → indicator id → the rating's label and the achievement rate, read from the
    summaries). Who sees what as `dashboard_summary`. Three queries (four where no year is
    asked)."""
    year, projects = _scope(user, year)
    return {
        "year": year,
        "columns": year_columns(user, projects, year),
        "cells": year_rating_cells(user, projects, year),
        "rows": _with_report(projects, year),
    }
