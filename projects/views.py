from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe
from django_tables2 import RequestConfig

from projects.filters import ProjectFilter
from projects.selectors import listed_projects
from projects.tables import ProjectTable


@login_required
@require_safe
def project_list(request):
    """GET, any signed-in user: reference data, filtered, sorted and paginated."""
    projects = listed_projects(request.user)
    project_filter = ProjectFilter(request.GET, queryset=projects)
    table = ProjectTable(project_filter.qs)
    RequestConfig(request, paginate={"per_page": 25}).configure(table)
    return render(request, "projects/project_list.html", {"filter": project_filter, "table": table})
