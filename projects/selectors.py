"""Fetch helpers: the one place that decides whether a user may see (404) or change (403)."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from projects.models import Project


def get_project_for_user(user, code: str, *, write: bool = False) -> Project:
    project = get_object_or_404(Project.objects.visible_to(user).with_related(), code=code)
    if write and not project.is_editable_by(user):
        raise PermissionDenied
    return project


def listed_projects(user):
    """The project list (the page and its exports): the projects the user may see, with their
    bureau, phase and fields joined."""
    return Project.objects.visible_to(user).with_related()
