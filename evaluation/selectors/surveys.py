from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from evaluation.models import Survey
from evaluation.models.surveys import ITEM_CHOICES
from projects.models import Project, Role, user_role


def get_survey_for_user(user, survey_id: int, *, write: bool = False) -> Survey:
    """A survey the user may see (404 otherwise); with write, one they may change now (403)."""
    survey = get_object_or_404(
        Survey.objects.visible_to(user).select_related("project__bureau"), pk=survey_id
    )
    if write and not survey.is_editable_by(user):
        raise PermissionDenied
    return survey


def may_start_surveys(user) -> bool:
    """Managers start national surveys, staff their bureau's projects' (the list's button and
    the create screen)."""
    return user_role(user) in (Role.MANAGER, Role.STAFF)


def surveys_in_scope(user, project_code: str = "") -> dict:
    """The surveys the user may see of a scope (a project's code, else national; a code of no
    project the user may see: national), by fiscal year, with their answers, and the projects
    to choose from (the page and its exports)."""
    visible = Survey.objects.visible_to(user).select_related("project")
    projects = list(Project.objects.filter(surveys__in=visible).distinct().order_by("code"))
    project = next((p for p in projects if project_code and p.code == project_code), None)
    surveys = list(
        visible.filter(project=project).prefetch_related("answers").order_by("fiscal_year")
    )
    return {"surveys": surveys, "projects": projects, "project": project}


def answer_rows(survey: Survey) -> list[tuple]:
    """(label, answer or None, share in %) for every item of the survey, in the survey's order
    (the page's table and its exports)."""
    answers = {a.item: a for a in survey.answers.all()}
    return [
        (
            label,
            answers.get(code),
            answers[code].share_value(survey.respondents) if code in answers else None,
        )
        for code, label in ITEM_CHOICES
    ]
