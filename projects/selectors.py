"""Fetch helpers: the one place that decides whether a user may see (404) or change (403)."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from projects.models import Project


def get_project_for_user(user, code: str, *, write: bool = False, fields: bool = True) -> Project:
    """The project `code` if the user may see it (404 otherwise; 403 for a `write` it may not
    make), bureau and phase joined, its fields read too unless `fields` is False (a page that
    does not show them saves the query)."""
    projects = Project.objects.visible_to(user).with_related()
    if not fields:
        projects = projects.prefetch_related(None)
    project = get_object_or_404(projects, code=code)
    if write and not project.is_editable_by(user):
        raise PermissionDenied
    return project


def listed_projects(user):
    """The project list (the page and its exports): the projects the user may see, with their
    bureau, phase and fields joined."""
    return Project.objects.visible_to(user).with_related()
