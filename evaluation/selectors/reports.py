from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from evaluation.arithmetic import path_in_force, target_for_year
from evaluation.models import (
    AnnualReport,
    Indicator,
    MonitoredValue,
    OwnTargetValue,
    ReportingDeadline,
    State,
    YearlyPlan,
)
from evaluation.models.reports import REPORTABLE_YEARS
from evaluation.selectors.achievement import year_over_year_warnings, year_targets
from evaluation.selectors.paging import page_of
from projects import times
from projects.domain import phase_ii_years
from projects.models import Bureau, Project, Role


def get_report_for_user(user, project_code: str, fiscal_year: int, *, write: bool = False):
    report = get_object_or_404(
        AnnualReport.objects.visible_to(user, per_row=True).with_related(),
        project__code=project_code,
        fiscal_year=fiscal_year,
    )
    if write and not report.is_editable_by(user):
        raise PermissionDenied
    return report


def value_context(report, user):
    """The values of the year and of the year before, and the targets in force (the workbook
    needs only these)."""
    project = report.project
    indicators = list(Indicator.objects.all())
    values = {
        v.indicator_id: v
        for v in MonitoredValue.objects.filter(project=project, fiscal_year=report.fiscal_year)
        .select_related("indicator")
        .prefetch_related("breakdown")
    }
    last_year = {
        v.indicator_id: v
        for v in MonitoredValue.objects.visible_to(user, project=project)
        .filter(fiscal_year=report.fiscal_year - 1)
        .select_related("indicator")
    }
    targets = year_targets(project, report.fiscal_year)
    goals, own_goals = {}, {}
    for target in targets:
        path = path_in_force(target.paths(), report.fiscal_year)
        if target.indicator_id:
            goals[target.indicator_id] = target_for_year(path, report.fiscal_year)
        else:
            own_goals[target.pk] = target_for_year(path, report.fiscal_year)
    own_targets = [t for t in targets if not t.indicator_id]
    own_values, own_last_year = {}, {}
    if own_targets:
        for v in OwnTargetValue.objects.filter(
            target__in=own_targets, fiscal_year=report.fiscal_year
        ).select_related("target"):
            own_values[v.target_id] = v
        for v in (
            OwnTargetValue.objects.visible_to(user)
            .filter(target__in=own_targets, fiscal_year=report.fiscal_year - 1)
            .select_related("target", "report")
        ):
            own_last_year[v.target_id] = v
    return {
        "indicators": indicators,
        "targets": targets,
        "values": values,
        "last_year": last_year,
        "goals": goals,
        "own_targets": own_targets,
        "own_values": own_values,
        "own_last_year": own_last_year,
        "own_goals": own_goals,
    }


def entry_context(report, user):
    """Everything the entry screen and the report page show besides the form."""
    context = value_context(report, user)
    project = report.project
    yearly = YearlyPlan.objects.filter(project=project, fiscal_year=report.fiscal_year).first()
    activities = list(yearly.activities.select_related("output_indicator")) if yearly else []
    return context | {
        "regions": list(project.sub_regions.all()),
        "activities": activities,
        "results": {r.activity_id: r for r in report.activity_results.all()},
        "yearly": yearly,
        "warnings": year_over_year_warnings(
            context["indicators"], context["values"], context["last_year"]
        ),
    }


def entry_row_extras(extra) -> dict:
    """What each entry row shows besides its fields, by indicator id."""
    return {
        i.pk: {
            "last": extra["last_year"].get(i.pk),
            "goal": extra["goals"].get(i.pk),
            "warning": WARNING_TEXT.get(extra["warnings"].get(i.pk)),
        }
        for i in extra["indicators"]
    }


def own_row_extras(extra) -> dict:
    """What each own target's entry row shows besides its fields, by target id."""
    return {
        t.pk: {"last": extra["own_last_year"].get(t.pk), "goal": extra["own_goals"].get(t.pk)}
        for t in extra["own_targets"]
    }


def reportable_years(project) -> list[int]:
    """The fiscal years the project may still start an annual report for (the create screen)."""
    taken = set(AnnualReport.objects.filter(project=project).values_list("fiscal_year", flat=True))
    first, last = REPORTABLE_YEARS
    return [y for y in range(first, last + 1) if y not in taken]


def board_context(
    user, *, bureau: str = "", state: str = "", page: str | None = None, paged: bool = False
) -> dict:
    """The board's rows for managers and admins, of a bureau's projects (a bureau code, all when
    empty) with a report in a state (any when empty; 「未作成」: a year without a report): the
    page (`paged`: the page of rows numbered `page`, `page` in the context) and its exports
    (every row). The state is chosen in SQL, so a page costs the same at any number of
    projects. 403 for others."""
    if user.role not in (Role.MANAGER, Role.ADMIN):
        raise PermissionDenied
    years = phase_ii_years()
    projects = Project.objects.visible_to(user).select_related("bureau")
    if bureau:
        projects = projects.filter(bureau__code=bureau)
    in_years = Q(annual_reports__fiscal_year__in=years)
    if state == "none":
        projects = projects.annotate(
            filed=Count("annual_reports", filter=in_years, distinct=True)
        ).filter(filed__lt=len(years))
    elif state in State.values:
        projects = projects.filter(
            pk__in=AnnualReport.objects.filter(fiscal_year__in=years, state=state).values(
                "project_id"
            )
        )
    elif state:
        projects = projects.none()
    projects = projects.order_by("bureau__order", "order", "code")
    rows_page = page_of(projects, page) if paged else None
    shown = list(rows_page.object_list) if paged else list(projects)
    reports = {
        (r.project_id, r.fiscal_year): r
        for r in AnnualReport.objects.visible_to(user)
        .filter(fiscal_year__in=years, project__in=[p.pk for p in shown] if paged else projects)
        .select_related("project")
    }
    deadlines = dict(ReportingDeadline.objects.values_list("fiscal_year", "due_date"))
    today = times.today()
    rows = []
    for project in shown:
        cells = []
        for year in years:
            report = reports.get((project.pk, year))
            current = report.state if report else "none"
            due = deadlines.get(year)
            overdue = bool(due and due < today and current not in (State.SUBMITTED, State.APPROVED))
            cells.append(
                {"year": year, "report": report, "state": current, "due": due, "overdue": overdue}
            )
        rows.append({"project": project, "cells": cells})
    if paged:
        rows_page.object_list = rows
    return {
        "years": years,
        "rows": rows,
        "page": rows_page,
        "deadlines": [deadlines.get(y) for y in years],
        "bureaus": Bureau.objects.all(),
        "states": [("none", _("未作成")), *State.choices],
        "bureau": bureau,
        "state": state,
        "today": today,
    }


WARNING_TEXT = {
    "far": gettext_lazy("前年度の値から大きく変わっています。入力を確かめてください。"),
    "previous_zero": gettext_lazy("前年度は0でした。入力を確かめてください。"),
}
