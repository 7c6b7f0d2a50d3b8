"""Writes of collaboration cases (連携事例) and adoptions (採択): validated, atomic, audited
(django-simple-history with the user and a reason), for the staff of the project's bureau only."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from projects.cases import StageStep
from projects.models import Adoption, CasePartner, CaseStage, CollaborationCase, Project


@dataclass(frozen=True)
class PartnerInput:
    organisation_id: int
    role: str = ""


def _check_writer(project: Project, by) -> None:
    if not project.is_editable_by(by):
        raise PermissionDenied


def _audited(instance, by, reason: str):
    instance._history_user = by
    instance._change_reason = reason
    instance.full_clean()
    instance.save()
    return instance


@transaction.atomic
def case_save(
    *,
    case: CollaborationCase,
    stages: list[StageStep],
    partners: list[PartnerInput],
    by,
    reason: str = "",
) -> CollaborationCase:
    """Save a case with its stages and partners. The stage order rule (an earlier stage reached
    or skipped with a reason) is checked over the whole list; nothing is written if it fails."""
    _check_writer(case.project, by)
    errors = CollaborationCase.stage_errors(stages)
    if errors:
        raise ValidationError({"stages": errors})
    if len({p.organisation_id for p in partners}) != len(partners):
        raise ValidationError({"partners": [_("同じ機関が二度選ばれています。")]})
    reason = reason or _("連携事例の保存")
    _audited(case, by, reason)
    wanted = {step.stage: step for step in stages}
    for row in case.stages.all():
        if row.stage not in wanted:
            row._history_user, row._change_reason = by, reason
            row.delete()
    existing = {row.stage: row for row in case.stages.all()}
    for step in stages:
        row = existing.get(step.stage) or CaseStage(case=case, stage=step.stage)
        row.fiscal_year = None if step.skipped else step.fiscal_year
        row.skipped, row.skip_reason = step.skipped, step.reason if step.skipped else ""
        _audited(row, by, reason)
    wanted_partners = {p.organisation_id: p for p in partners}
    for row in case.partners.all():
        if row.organisation_id not in wanted_partners:
            row._history_user, row._change_reason = by, reason
            row.delete()
    existing_partners = {row.organisation_id: row for row in case.partners.all()}
    for partner in partners:
        row = existing_partners.get(partner.organisation_id) or CasePartner(
            case=case, organisation_id=partner.organisation_id
        )
        row.role = partner.role
        _audited(row, by, reason)
    return case


@transaction.atomic
def adoption_save(*, adoption: Adoption, by, reason: str = "") -> Adoption:
    """Save an adoption of the user's bureau's project (amount ≥ 0, a grantee, the case of the
    same project)."""
    _check_writer(adoption.project, by)
    return _audited(adoption, by, reason or _("採択の保存"))
