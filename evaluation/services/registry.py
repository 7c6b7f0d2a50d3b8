"""Import of a project's member list (会員名簿): preview first (changes nothing), then apply all or
nothing, audited, by the project's bureau staff only.

Each row is matched to an organisation: by corporate number when the row has one, else by the
normalised name (`projects.registry.normalise_name`). A row is
- new: no organisation has its number or name (a near name is offered as "did you mean", and the
  row waits for a choice: ambiguous);
- matched: one organisation has its number, or its name (and no other number);
- ambiguous: several organisations share its name, or a near name was found: the user chooses;
- unchanged: the organisation is already a member of the project (nothing to do);
- refused: the row cannot be read (its reasons are listed).
Apply re-reads the rows and the database (what changed since the preview counts), and refuses the
whole list while any row is refused or left to choose.
"""

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from evaluation.models import ValueKind
from evaluation.models.reports import RowInput
from evaluation.renderers.member_lists import MemberRow, read_member_list
from evaluation.renderers.workbooks import Problem, WorkbookRefused
from evaluation.services.member_counts import member_counts_kept
from evaluation.services.reports import annual_report_save
from projects.models import Membership, Organisation, Project
from projects.registry import suggestions
from projects.times import day_label

NEW, MATCHED, AMBIGUOUS, UNCHANGED, REFUSED = "new", "matched", "ambiguous", "unchanged", "refused"
CHOOSE_NEW = "new"
SIGNING_SALT = "member-list-import"


@dataclass
class Candidate:
    id: int
    name: str
    note: str  # 同名, 法人番号, or a score


@dataclass
class PreviewRow:
    row: MemberRow
    status: str
    organisation: Organisation | None = None
    candidates: list[Candidate] = field(default_factory=list)
    fills_number: bool = False  # a matched organisation without a number takes the row's
    field: object = None  # the screen's choice for an ambiguous row

    @property
    def line(self) -> int:
        return self.row.line


@dataclass
class Preview:
    project: Project
    rows: list[PreviewRow]
    token: str  # the rows, signed: what the apply step reads back

    @property
    def counts(self) -> Counter:
        return Counter(r.status for r in self.rows)

    @property
    def applicable(self) -> bool:
        counts = self.counts
        return not counts[REFUSED] and bool(counts[NEW] + counts[MATCHED] + counts[AMBIGUOUS])


@dataclass
class Applied:
    organisations_created: int = 0
    organisations_updated: int = 0
    memberships_created: int = 0
    unchanged: int = 0


def _check_writer(project: Project, by) -> None:
    if not project.is_editable_by(by):
        raise PermissionDenied


def member_list_preview(*, project: Project, data: bytes, by) -> Preview:
    """Read and match a member list: nothing is written. Raises WorkbookRefused for a file that
    cannot be read, PermissionDenied for a user who may not change the project's list."""
    _check_writer(project, by)
    rows = read_member_list(data)
    token = signing.dumps(
        {"project": project.code, "rows": [r.as_dict() for r in rows]},
        salt=SIGNING_SALT,
        compress=True,
    )
    return Preview(project=project, rows=match_rows(project, rows), token=token)


def rows_from_token(*, project: Project, token: str) -> list[MemberRow]:
    """The rows of a preview, as signed then; a token of another project, forged or older than
    a day is refused."""
    try:
        payload = signing.loads(token, salt=SIGNING_SALT, max_age=24 * 3600)
    except signing.BadSignature:
        raise WorkbookRefused(
            [Problem("", _("確認画面の内容を確認できません。もう一度ファイルを選んでください。"))]
        ) from None
    if payload.get("project") != project.code:
        raise WorkbookRefused([Problem("", _("この確認画面は別のプロジェクトのものです。"))])
    return [MemberRow.from_dict(row) for row in payload["rows"]]


def match_rows(project: Project, rows: list[MemberRow]) -> list[PreviewRow]:
    """Each readable row against the organisations and the project's current members (a fixed
    number of queries: by numbers, by names, the members, and the near names of new rows)."""
    readable = [r for r in rows if not r.problems]
    numbers = {r.corporate_number for r in readable if r.corporate_number}
    names = {r.norm for r in readable}
    found = Organisation.objects.filter(corporate_number__in=numbers)
    by_number = {o.corporate_number: o for o in found}
    by_name: dict[str, list[Organisation]] = {}
    for organisation in Organisation.objects.filter(normalised_name__in=names).order_by("id"):
        by_name.setdefault(organisation.normalised_name, []).append(organisation)
    matched = [_match(r, by_number, by_name) for r in rows]
    _offer_near_names(matched)
    _mark_unchanged(project, matched)
    return matched


def _mark_unchanged(project: Project, matched: list[PreviewRow]) -> None:
    """A matched organisation that is a current member, or was one from the same day, needs
    nothing."""
    current, starts = set(), set()
    for organisation_id, joined, left in Membership.objects.filter(project=project).values_list(
        "organisation_id", "joined", "left"
    ):
        starts.add((organisation_id, joined))
        if left is None:
            current.add(organisation_id)
    for item in matched:
        if item.status == MATCHED and (
            item.organisation.pk in current or (item.organisation.pk, item.row.joined) in starts
        ):
            item.status = UNCHANGED


def _match(row: MemberRow, by_number, by_name) -> PreviewRow:
    if row.problems:
        return PreviewRow(row, REFUSED)
    if row.corporate_number and row.corporate_number in by_number:
        return PreviewRow(row, MATCHED, by_number[row.corporate_number])
    same_name = [
        o
        for o in by_name.get(row.norm, [])
        if not (row.corporate_number and o.corporate_number)  # two numbers: two organisations
    ]
    if len(same_name) == 1:
        organisation = same_name[0]
        fills = bool(row.corporate_number and not organisation.corporate_number)
        return PreviewRow(row, MATCHED, organisation, fills_number=fills)
    if same_name:
        candidates = [Candidate(o.pk, o.name, _("同名")) for o in same_name]
        return PreviewRow(row, AMBIGUOUS, candidates=candidates)
    return PreviewRow(row, NEW)


def _offer_near_names(matched: list[PreviewRow]) -> None:
    """ "Did you mean": a new row without a corporate number whose name is near an organisation
    of the same type waits for a choice (that organisation, or a new one)."""
    waiting = [m for m in matched if m.status == NEW and not m.row.corporate_number]
    types = {m.row.type for m in waiting}
    if not waiting:
        return
    known: dict[str, dict[int, str]] = {}
    for pk, name, kind in Organisation.objects.filter(type__in=types).values_list(
        "pk", "name", "type"
    ):
        known.setdefault(kind, {})[pk] = name
    for item in waiting:
        near = suggestions(item.row.name, known.get(item.row.type, {}), cutoff=85.0)
        if near:
            item.status = AMBIGUOUS
            item.candidates = [
                Candidate(s.key, s.name, _("類似度：%(score)s") % {"score": f"{s.score:.0f}"})
                for s in near
            ]


def _resolve(rows: list[PreviewRow], choices: dict[int, str]) -> list[Problem]:
    """Apply the user's choices to the ambiguous rows; the problems of rows still undecided."""
    problems, chosen = [], {}
    for item in rows:
        if item.status != AMBIGUOUS:
            continue
        choice = str(choices.get(item.line, ""))
        if choice == CHOOSE_NEW:
            item.status = NEW
        elif choice in {str(c.id) for c in item.candidates}:
            chosen[item.line] = int(choice)
        else:
            problems.append(Problem(f"{item.line}行目", _("どの組織か選んでください。")))
    organisations = Organisation.objects.in_bulk(set(chosen.values()))
    for item in rows:
        if item.line in chosen:
            item.status = MATCHED
            item.organisation = organisations[chosen[item.line]]
    return problems


@transaction.atomic
def member_list_apply(
    *, project: Project, token: str, choices: dict[int, str], by, source: str = ""
) -> Applied:
    """Write a previewed list: new organisations, numbers filled in, new memberships; all or
    nothing, with `by` and the source in the audit history. Raises WorkbookRefused (nothing
    written) while a row is refused or undecided."""
    _check_writer(project, by)
    project = Project.objects.select_for_update().get(pk=project.pk)
    rows = match_rows(project, rows_from_token(project=project, token=token))
    refused = [
        Problem(f"{r.line}行目", "；".join(r.row.problems)) for r in rows if r.status == REFUSED
    ]
    problems = refused + _resolve(rows, choices)
    if problems:
        raise WorkbookRefused(problems)
    _mark_unchanged(project, rows)
    reason = _("会員名簿の取り込み：%(source)s") % {"source": source or project.code}
    try:
        with transaction.atomic():
            return _write(project, rows, by=by, reason=reason, source=source)
    except ValidationError as error:
        raise WorkbookRefused([Problem("", m) for m in error.messages]) from None
    except IntegrityError:  # saved by someone else since the rows were matched
        raise WorkbookRefused(
            [
                Problem(
                    "",
                    _(
                        "取り込みの途中で名簿が変更されました。もう一度ファイルを選び、確認画面を表示してください。"
                    ),
                )
            ]
        ) from None


def _write(project, rows: list[PreviewRow], *, by, reason: str, source: str) -> Applied:
    """The writes, inside `member_counts_kept`: the national member counts move with the new
    memberships, in the same transaction."""
    matched = [r.organisation.pk for r in rows if r.status == MATCHED]
    with member_counts_kept(organisation_ids=matched) as kept:
        applied = _write_rows(project, rows, by=by, reason=reason, source=source)
        kept.created(r.organisation.pk for r in rows if r.status == NEW)
    return applied


def _write_rows(project, rows: list[PreviewRow], *, by, reason: str, source: str) -> Applied:
    applied = Applied(unchanged=sum(1 for r in rows if r.status == UNCHANGED))
    created = []
    for item in rows:
        if item.status != NEW:
            continue
        organisation = Organisation(
            name=item.row.name,
            kana=item.row.kana,
            type=item.row.type,
            corporate_number=item.row.corporate_number,
            prefecture=item.row.prefecture,
            municipality=item.row.municipality,
        )
        # uniqueness was matched above and the database holds it: no query per row
        organisation.full_clean(validate_unique=False, validate_constraints=False)
        created.append(organisation)
        item.organisation = organisation
    bulk_create_with_history(created, Organisation, default_user=by, default_change_reason=reason)
    applied.organisations_created = len(created)
    for item in rows:
        if item.status == MATCHED and item.fills_number:
            organisation = item.organisation
            organisation.corporate_number = item.row.corporate_number
            organisation.full_clean()
            organisation._history_user = by
            organisation._change_reason = reason
            organisation.save()
            applied.organisations_updated += 1
    memberships = []
    for item in rows:
        if item.status not in (NEW, MATCHED):
            continue
        membership = Membership(
            organisation=item.organisation,
            project=project,
            joined=item.row.joined,
            role=item.row.role,
            source=(source or "")[:200],
        )
        membership.clean_fields(exclude=["organisation", "project"])  # no query per row
        membership.clean()
        memberships.append(membership)
    bulk_create_with_history(memberships, Membership, default_user=by, default_change_reason=reason)
    applied.memberships_created = len(memberships)
    return applied


@transaction.atomic
def report_member_counts_apply(*, report, expected_version: int, by, figures, reason: str = ""):
    """Write the member list's counts (`figures`: selectors.registry.report_member_figures) into
    the annual report's values, through the report's own save (its lock, version, bureau and
    reason rules), each with the day of the list as its source. The report's other values, its
    comment and its activities are left as they are."""
    rows = [
        RowInput(
            indicator=figure.indicator,
            kind=ValueKind.NUMBER,
            value=Decimal(figure.listed.value),
            source_note=_("会員名簿から（%(day)s時点）") % {"day": day_label(figure.listed.as_of)},
            comment=figure.entered.comment if figure.entered is not None else "",
        )
        for figure in figures
        if figure.source == "list"
    ]
    if not rows:
        raise ValidationError(_("この年度の会員名簿がないため、反映できる会員数はありません。"))
    return annual_report_save(
        report=report,
        expected_version=expected_version,
        by=by,
        rows=rows,
        activity_results={},
        comment=report.comment,
        reason=reason,
    )
