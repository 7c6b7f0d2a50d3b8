from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from django_tables2 import RequestConfig

from evaluation.renderers.exports import (
    export_format,
    export_response,
    workbook_response,
)
from evaluation.renderers.layout import file_name
from evaluation.renderers.project_workbook import project_sheets
from evaluation.selectors.projects import project_page
from evaluation.views.helpers import export_about
from projects.filters import ProjectFilter
from projects.selectors import get_project_for_user, listed_projects
from projects.tables import ProjectTable


@login_required
@require_safe
def project_detail(request, code):
    """GET, any signed-in user (a project is reference data); 404 for an unknown code.
    The latest stock values shown are those the user may see."""
    context = project_page(request.user, code)
    return render(request, "evaluation/project_detail.html", context)


@login_required
@require_safe
def project_workbook(request, code):
    """GET, any signed-in user (a project is reference data): the project's full record as one
    workbook, holding only what the user may see on the screens."""
    project = get_project_for_user(request.user, code)
    return workbook_response(
        f"project-{project.code}",
        project_sheets(project, request.user),
        name=file_name(project.name),
        about=export_about(request),
    )


@login_required
@require_safe
def project_list_export(request, fmt):
    """GET, any signed-in user: the project list (reference data) with the list's filters and
    sort order, every page of it."""
    fmt = export_format(fmt)
    projects = listed_projects(request.user).prefetch_related("sub_regions")
    table = ProjectTable(ProjectFilter(request.GET, queryset=projects).qs)
    RequestConfig(request, paginate=False).configure(table)
    header = [
        _("コード"),
        _("プロジェクト"),
        _("経済産業局"),
        _("分野"),
        _("期"),
        _("状態"),
        _("地域"),
    ]
    rows = (
        [
            project.code,
            str(project.name),
            str(project.bureau.name),
            "、".join(str(field.name) for field in project.fields.all()),
            str(project.phase) if project.phase_id else "",
            str(project.get_status_display()),
            "、".join(str(region.name) for region in project.sub_regions.all()),
        ]
        for project in table.data
    )
    title = _("プロジェクト一覧")
    return export_response(
        fmt, "projects", title, header, rows, name=title, about=export_about(request)
    )
