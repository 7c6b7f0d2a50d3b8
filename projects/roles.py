"""Role groups and their Django-admin permissions, kept in step after every migrate."""

from django.apps import apps as global_apps
from django.contrib.auth.models import Group, Permission

from projects.models import Role

# Admins keep master data and users; models with a workflow state, a lock or a monitored value
# are view-only for them (DOMAIN.md).
ADMIN_MANAGED_MODELS = {
    "projects": [
        "bureau",
        "field",
        "phase",
        "project",
        "subregion",
        "policyframework",
        "policytool",
        "policytoolbudget",
        "user",
        "organisation",  # the registry's organisations are reference data
    ],
    "evaluation": ["indicator", "reportingdeadline", "ratingband", "nationalindustryfigure"],
    "auth": ["group"],
    "authtoken": ["token", "tokenproxy"],  # API tokens: admins issue and revoke them
}
ADMIN_VIEW_ONLY_MODELS = {
    # a project's member list changes through its import (previewed, audited, bureau-scoped)
    "projects": ["membership"],
    "evaluation": [
        "monitoredvalue",
        "projectplan",
        "scenariorevision",
        "workflowevent",
        "targetversion",
        "yearlyplan",
        "overallplan",
        "nationaltarget",
        "annualreport",
    ],
}


def ensure_role_groups(**kwargs) -> None:
    """post_migrate: create the four role groups and give the admin group its permissions."""
    if not global_apps.is_installed("django.contrib.auth"):  # pragma: no cover
        return
    groups = {role: Group.objects.get_or_create(name=role.value)[0] for role in Role}
    wanted = Permission.objects.none()
    for app_label, models in ADMIN_MANAGED_MODELS.items():
        wanted |= Permission.objects.filter(
            content_type__app_label=app_label, content_type__model__in=models
        )
    for app_label, models in ADMIN_VIEW_ONLY_MODELS.items():
        wanted |= Permission.objects.filter(
            content_type__app_label=app_label,
            content_type__model__in=models,
            codename__startswith="view_",
        )
    groups[Role.ADMIN].permissions.add(*wanted)
