"""Writes of participating-firm surveys: national ones by managers, a project's by its bureau's
staff; the lock, version and reason rules are the shared workflow's."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from evaluation.models import Survey, SurveyAnswer
from evaluation.models.surveys import ITEM_LABELS
from evaluation.services.editing import LockedError, StaleEditError, changes_since
from projects.models import Role, user_role

SURVEY_FIELDS = (
    "period_note",
    "population",
    "respondents",
    "response_rate",
    "university_ventures",
    "note",
)


def may_create(user, project) -> bool:
    if project is None:
        return user_role(user) == Role.MANAGER
    return project.is_editable_by(user)


@transaction.atomic
def survey_create(*, project, fiscal_year: int, by) -> Survey:
    """Start a draft survey of a fiscal year, national (project None) or of a project."""
    if not may_create(by, project):
        raise PermissionDenied
    if Survey.objects.filter(project=project, fiscal_year=fiscal_year).exists():
        raise ValidationError(
            {"fiscal_year": _("この年度のアンケートはすでにあります。")}, code="duplicate"
        )
    survey = Survey(project=project, fiscal_year=fiscal_year)
    survey.full_clean()
    survey._history_user = by
    survey.save()
    return survey


def _lock(*, pk, expected_version: int, by, reason: str) -> Survey:
    survey = Survey.objects.select_for_update().get(pk=pk)
    allowed = (
        user_role(by) == Role.MANAGER if survey.is_national else survey.project.is_editable_by(by)
    )
    if not allowed:
        raise PermissionDenied
    if survey.is_locked:
        raise LockedError(survey)
    if survey.version != expected_version:
        raise StaleEditError(survey, expected_version, changes_since(survey, expected_version))
    if survey.change_needs_reason and not reason.strip():
        raise ValidationError(
            {"reason": _("提出後の変更には理由が必要です。")}, code="reason_required"
        )
    return survey


@transaction.atomic
def survey_save(
    *, survey: Survey, expected_version: int, by, fields: dict, answers: dict, reason: str = ""
) -> Survey:
    """Save a survey and its answers (item → (count, share)) all or nothing. A count needs the
    respondents and may not exceed them; an item has a count or a share, not both."""
    locked = _lock(pk=survey.pk, expected_version=expected_version, by=by, reason=reason)
    for name in SURVEY_FIELDS:
        setattr(locked, name, fields.get(name))
    locked.period_note = locked.period_note or ""
    locked.note = locked.note or ""
    errors = {}
    rows = []
    for item, (count, share) in answers.items():
        label = ITEM_LABELS[item]
        if count is not None and share is not None:
            errors[f"count_{item}"] = _(
                "「%(item)s」は企業数か割合のどちらか一方を入力してください。"
            ) % {"item": label}
        elif count is not None and locked.respondents is None:
            errors[f"count_{item}"] = _(
                "「%(item)s」の企業数から割合を出すには回答企業数が必要です。"
            ) % {"item": label}
        elif count is not None and count > locked.respondents:
            errors[f"count_{item}"] = _("「%(item)s」の企業数が回答企業数を超えています。") % {
                "item": label
            }
        if count is not None or share is not None:
            rows.append(SurveyAnswer(survey=locked, item=item, count=count, share=share))
    try:
        locked.version += 1
        locked.full_clean()
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    for row in rows:
        row.full_clean(exclude=["survey"], validate_unique=False)
    locked._history_user = by
    locked._change_reason = reason
    locked.save()
    old = list(locked.answers.all())
    for row in old:
        row._history_user = by
        row._change_reason = reason
        row.delete()
    for row in rows:
        row._history_user = by
        row._change_reason = reason
        row.save()
    return locked
