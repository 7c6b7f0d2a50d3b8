"""Writes of collaboration cases (連携事例) and adoptions (採択): validated, atomic, audited
(django-simple-history with the user and a reason), for the staff of the project's bureau only."""

from dataclasses import dataclass

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from evaluation.models import AnnualReport
from evaluation.renderers.adoption_lists import AdoptionRow, read_adoption_list
from evaluation.renderers.workbooks import Problem, WorkbookRefused
from projects.cases import StageStep, evidence_of_stages
from projects.domain import fiscal_year_label, punctuation
from projects.models import (
    Adoption,
    CasePartner,
    CaseStage,
    CollaborationCase,
    Organisation,
    PolicyTool,
    Project,
)
from projects.registry import normalise_name

CASE_LOCKED = gettext_lazy(
    "%(years)sの年度報告が承認済みのため、その年度に到達した段階は追加・変更・削除できません。"
    "変更するには、本省評価担当に年度報告の再開を依頼してください。"
)
ADOPTION_LOCKED = gettext_lazy(
    "%(years)sの年度報告が承認済みのため、その年度の採択は追加・変更できません。"
    "追加・変更するには、本省評価担当に年度報告の再開を依頼してください。"
)


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
    or skipped with a reason) is checked over the whole list; nothing is written if it fails.
    Refused when it adds, alters or removes a stage reached in a year whose annual report is
    approved."""
    _check_writer(case.project, by)
    errors = CollaborationCase.stage_errors(stages)
    if errors:
        raise ValidationError({"stages": errors})
    if len({p.organisation_id for p in partners}) != len(partners):
        raise ValidationError({"partners": [_("同じ機関が二度選ばれています。")]})
    before = (
        evidence_of_stages(
            StageStep(row.stage, row.fiscal_year, row.skipped)
            for row in CaseStage.objects.select_for_update().filter(case_id=case.pk)
        )
        if case.pk
        else frozenset()
    )
    _refuse_locked_years(case.project, before, evidence_of_stages(stages), CASE_LOCKED)
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
    same project). Refused when its year, before or after the change, has an approved annual
    report."""
    _check_writer(adoption.project, by)
    before = (
        Adoption.objects.select_for_update().get(pk=adoption.pk).evidence()
        if adoption.pk
        else frozenset()
    )
    _refuse_locked_years(adoption.project, before, adoption.evidence(), ADOPTION_LOCKED)
    return _audited(adoption, by, reason or _("採択の保存"))


def _years_label(years) -> str:
    return punctuation("、").join(fiscal_year_label(year, get_language() or "ja") for year in years)


def _refuse_locked_years(project: Project, before, after, message) -> None:
    """Refuse a creation, change or deletion that would change the evidence of an approved
    annual report (locked until a manager reopens it, DOMAIN.md): the years the change touches
    (AnnualReport.objects.approved_years_touched, the one rule) whose report is approved."""
    locked = AnnualReport.objects.approved_years_touched(project, before, after)
    if locked:
        raise ValidationError(message % {"years": _years_label(locked)}, code="locked")


@transaction.atomic
def case_delete(*, case: CollaborationCase, by, reason: str = "") -> None:
    """Delete a case of the user's bureau's project with its stages and partners, audited
    (each row's history records the deletion, the user and the reason); the adoptions that
    name it are kept and no longer name it (audited too). Refused while a fiscal year the
    case counts for (a stage reached in it) has an approved annual report. The d) figures
    and the cost per outcome are read from the lists, so they change with this transaction."""
    _check_writer(case.project, by)
    case = (
        CollaborationCase.objects.select_for_update()
        .select_related("project")
        .prefetch_related("stages", "partners", "adoptions")
        .get(pk=case.pk)
    )
    _refuse_locked_years(
        case.project,
        case.evidence(),
        frozenset(),
        _(
            "%(years)sの年度報告が承認済みのため、この連携事例は削除できません。"
            "削除するには、本省評価担当に年度報告の再開を依頼してください。"
        ),
    )
    reason = reason or _("連携事例の削除")
    for adoption in case.adoptions.all():
        adoption.case = None
        _audited(adoption, by, reason)
    for row in [*case.stages.all(), *case.partners.all(), case]:
        row._history_user, row._change_reason = by, reason
        row.delete()


@transaction.atomic
def adoption_delete(*, adoption: Adoption, by, reason: str = "") -> None:
    """Delete an adoption of the user's bureau's project, audited. Refused while the annual
    report of its fiscal year is approved. The a) figures and the cost per outcome are read
    from the list, so they change with this transaction."""
    _check_writer(adoption.project, by)
    adoption = Adoption.objects.select_for_update().select_related("project").get(pk=adoption.pk)
    _refuse_locked_years(
        adoption.project,
        adoption.evidence(),
        frozenset(),
        _(
            "%(years)sの年度報告が承認済みのため、この採択は削除できません。"
            "削除するには、本省評価担当に年度報告の再開を依頼してください。"
        ),
    )
    adoption._history_user, adoption._change_reason = by, reason or _("採択の削除")
    adoption.delete()


# The import of an adoption list (採択一覧): preview first (changes nothing), then apply all or
# nothing, as the member list's import (services/registry.py).

ADOPTION_SIGNING_SALT = "adoption-list-import"


@dataclass
class AdoptionPreviewRow:
    row: AdoptionRow
    adoption: Adoption | None = None  # what would be written (not saved)

    @property
    def problems(self) -> list[str]:
        return self.row.problems


@dataclass
class AdoptionPreview:
    project: Project
    rows: list[AdoptionPreviewRow]
    token: str

    @property
    def refused(self) -> int:
        return sum(1 for r in self.rows if r.problems)

    @property
    def applicable(self) -> bool:
        return bool(self.rows) and not self.refused

    @property
    def total_yen(self) -> int:
        return sum(r.row.amount_yen or 0 for r in self.rows if not r.problems)


def adoption_list_preview(*, project: Project, data: bytes, by) -> AdoptionPreview:
    """Read and match an adoption list: nothing is written. Raises WorkbookRefused for a file
    that cannot be read, PermissionDenied for a user who may not change the project's list."""
    _check_writer(project, by)
    rows = read_adoption_list(data)
    token = signing.dumps(
        {"project": project.code, "rows": [r.as_dict() for r in rows]},
        salt=ADOPTION_SIGNING_SALT,
        compress=True,
    )
    return AdoptionPreview(project=project, rows=match_adoption_rows(project, rows), token=token)


def adoption_rows_from_token(*, project: Project, token: str) -> list[AdoptionRow]:
    try:
        payload = signing.loads(token, salt=ADOPTION_SIGNING_SALT, max_age=24 * 3600)
    except signing.BadSignature:
        raise WorkbookRefused(
            [Problem("", _("確認画面の内容を確認できません。もう一度ファイルを選んでください。"))]
        ) from None
    if payload.get("project") != project.code:
        raise WorkbookRefused([Problem("", _("この確認画面は別のプロジェクトのものです。"))])
    return [AdoptionRow.from_dict(row) for row in payload["rows"]]


def _adoption_lookups(project: Project):
    """Tools by normalised code and names, the project's members by normalised name, its cases
    by normalised title. Three queries."""
    tools = {}
    for tool in PolicyTool.objects.all():
        for key in (tool.code, tool.name_ja, tool.name_en):
            if key:
                tools.setdefault(normalise_name(key), tool)
    members = {}
    for organisation in Organisation.objects.filter(memberships__project=project).distinct():
        members.setdefault(normalise_name(organisation.name), organisation)
    cases: dict[str, list[CollaborationCase]] = {}
    for case in CollaborationCase.objects.filter(project=project):
        cases.setdefault(normalise_name(case.title), []).append(case)
    return tools, members, cases


def match_adoption_rows(project: Project, rows: list[AdoptionRow]) -> list[AdoptionPreviewRow]:
    """Each row's tool (by code or name), grantee (an organisation of the project's registry by
    normalised name; an unknown name with no consortium is refused) and case (a title of the
    project's cases). Three queries."""
    tools, members, cases = _adoption_lookups(project)
    locked = set(
        AnnualReport.objects.approved_years_touched(
            project, frozenset(), {(row.line, row.fiscal_year) for row in rows}
        )
    )
    matched = []
    for row in rows:
        item = AdoptionPreviewRow(row)
        matched.append(item)
        if row.problems:
            continue
        tool = tools.get(normalise_name(row.tool))
        if tool is None:
            row.problems.append(_("施策「%(name)s」が見つかりません。") % {"name": row.tool[:60]})
        organisation = members.get(normalise_name(row.grantee)) if row.grantee else None
        if row.grantee and organisation is None and not row.consortium:
            row.problems.append(
                _("採択先「%(name)s」はこのプロジェクトの会員名簿にありません。")
                % {"name": row.grantee[:60]}
            )
        if row.fiscal_year in locked:
            row.problems.append(ADOPTION_LOCKED % {"years": _years_label([row.fiscal_year])})
        case = None
        if row.case:
            found = cases.get(normalise_name(row.case), [])
            if len(found) != 1:
                row.problems.append(
                    _(
                        "このプロジェクトに連携事例「%(title)s」がないか、同じ名称の事例が複数あります。"
                    )
                    % {"title": row.case[:60]}
                )
            else:
                case = found[0]
        if row.problems:
            continue
        item.adoption = Adoption(
            tool=tool,
            fiscal_year=row.fiscal_year,
            project=project,
            organisation=organisation,
            consortium_name=row.consortium if organisation is None else "",
            amount_yen=row.amount_yen,
            theme=row.theme,
            case=case,
            note=row.note,
        )
    return matched


@transaction.atomic
def adoption_list_apply(*, project: Project, token: str, by, source: str = "") -> int:
    """Write the previewed adoptions, all or nothing: the rows are read back from the signed
    token and matched again; any refused row refuses the whole list (WorkbookRefused).
    Returns the number of adoptions added."""
    _check_writer(project, by)
    matched = match_adoption_rows(project, adoption_rows_from_token(project=project, token=token))
    problems = [
        Problem(f"{item.row.line}行目", message) for item in matched for message in item.problems
    ]
    if problems:
        raise WorkbookRefused(problems, total=len(problems))
    reason = _("採択一覧の取り込み") + (f"（{source}）" if source else "")
    adoptions = []
    for item in matched:
        try:
            # the tool, project, organisation and case were just read: not fetched again
            item.adoption.full_clean(exclude=["tool", "project", "organisation", "case"])
        except ValidationError as error:
            problems.extend(Problem(f"{item.row.line}行目", m) for m in error.messages)
        adoptions.append(item.adoption)
    if problems:
        raise WorkbookRefused(problems, total=len(problems))
    bulk_create_with_history(adoptions, Adoption, default_user=by, default_change_reason=reason)
    return len(adoptions)
