from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from projects.models import Project, Role
from projects.selectors import get_project_for_user


@require_safe
@login_required
def home(request):
    """GET, any signed-in user: staff see their bureau's projects first; others see all."""
    projects = Project.objects.visible_to(request.user).with_related()
    if request.user.role == Role.STAFF:
        projects = projects.filter(bureau_id=request.user.bureau_id)
    return render(request, "projects/home.html", {"projects": projects})


@require_safe
@login_required
def project_list(request):
    """GET, any signed-in user: reference data."""
    projects = Project.objects.visible_to(request.user).with_related()
    return render(request, "projects/project_list.html", {"projects": projects})


@require_safe
@login_required
def project_detail(request, code):
    """GET, any signed-in user (reference data); 404 for an unknown code."""
    project = get_project_for_user(request.user, code)
    return render(
        request,
        "projects/project_detail.html",
        {"project": project, "can_edit": project.is_editable_by(request.user)},
    )
