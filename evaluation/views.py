from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from evaluation.models import AnnualReport, MonitoredValue, ProjectPlan, YearlyPlan
from projects.models import Project, Role
from projects.selectors import get_project_for_user


@login_required
@require_safe
def home(request):
    """GET, any signed-in user: staff see their bureau's projects; the others see every project."""
    projects = Project.objects.visible_to(request.user).with_related()
    own_bureau = request.user.bureau if request.user.role == Role.STAFF else None
    if own_bureau:
        projects = projects.filter(bureau=own_bureau)
    return render(request, "evaluation/home.html", {"projects": projects, "own_bureau": own_bureau})


@login_required
@require_safe
def project_detail(request, code):
    """GET, any signed-in user (a project is reference data); 404 for an unknown code.
    The latest stock values shown are those the user may see."""
    project = get_project_for_user(request.user, code)
    latest = MonitoredValue.objects.visible_to(request.user).latest_stock_for(project)
    context = {
        "project": project,
        "sub_regions": project.sub_regions.all(),
        "latest_stock_values": latest,
        "plans": ProjectPlan.objects.visible_to(request.user)
        .filter(project=project)
        .select_related("phase"),
        "yearly_plans": YearlyPlan.objects.visible_to(request.user).filter(project=project),
        "reports": AnnualReport.objects.visible_to(request.user).filter(project=project),
        "can_edit": project.is_editable_by(request.user),
        "role": request.user.role,
    }
    return render(request, "evaluation/project_detail.html", context)
