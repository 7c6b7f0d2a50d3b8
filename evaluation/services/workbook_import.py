"""Upload of an annual report workbook: the same rules as the entry screen, all or nothing. A
workbook made from an older version of the report is merged like the entry screen's save: the
cells its uploader left as downloaded take what was saved since, and the cells both changed are
not applied and are listed with both values (`report.conflict_notes`)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from evaluation.models import AnnualReport, Indicator
from evaluation.models.reports import own_code
from evaluation.renderers.workbooks import Problem, WorkbookRefused, parse_report_workbook
from evaluation.services.editing import LockedError
from evaluation.services.reports import annual_report_save, own_targets_of
from projects.models import Project
from projects.times import local_time_label


@transaction.atomic
def annual_report_import(
    *, data: bytes, by, reason: str = "", expected: AnnualReport | None = None
) -> AnnualReport:
    """Read a workbook downloaded from the report screen and save its values as `by`; with
    `expected`, the workbook must be that report's. Raises WorkbookRefused with every problem
    (in Japanese, with its cell; the first SHOWN_PROBLEMS of them and their total) and changes
    nothing when anything is wrong."""
    indicators = {i.code: i for i in Indicator.objects.all()}
    parsed = parse_report_workbook(data, indicators, own_targets=_own_targets)
    if parsed.problem_count:
        raise WorkbookRefused(parsed.problems, total=parsed.problem_count)
    if expected is not None and (
        parsed.project_code != expected.project.code or parsed.fiscal_year != expected.fiscal_year
    ):
        raise WorkbookRefused(
            [
                Problem(
                    "",
                    _("このブックは別の年度報告（%(project)s、%(year)s年度）のものです。")
                    % {"project": parsed.project_code, "year": parsed.fiscal_year},
                )
            ]
        )
    report = (
        AnnualReport.objects.visible_to(by)
        .select_related("project")
        .filter(project__code=parsed.project_code, fiscal_year=parsed.fiscal_year)
        .first()
    )
    if report is None or not report.project.is_editable_by(by):
        raise WorkbookRefused(
            [
                Problem(
                    "",
                    _(
                        "このブックの年度報告（%(project)s、%(year)s年度）は見つからないか、"
                        "変更する権限がありません。"
                    )
                    % {"project": parsed.project_code, "year": parsed.fiscal_year},
                )
            ]
        )
    try:
        saved = annual_report_save(
            report=report,
            expected_version=parsed.version,
            by=by,
            rows=parsed.rows,
            activity_results={},
            comment=report.comment,
            reason=reason,
            on_conflict="keep",
        )
    except LockedError as locked:
        raise WorkbookRefused([Problem("", locked.messages[0])]) from None
    except ValidationError as error:
        problems = []
        for key, messages in error.message_dict.items():
            code = key.removeprefix("row-")
            where = parsed.cells.get(code, "")
            if key == "reason":
                where = ""
            problems += [Problem(where, message) for message in messages]
        raise WorkbookRefused(problems) from None
    saved.conflict_notes = _conflict_notes(saved.merge, parsed.cells)
    return saved


def _own_targets(project_code: str, fiscal_year: int) -> dict:
    """The rows of the report's own targets a workbook may carry (row id → Target)."""
    project = Project.objects.filter(code=project_code).first()
    if project is None:
        return {}
    return {own_code(t): t for t in own_targets_of(project, fiscal_year)}


def _conflict_notes(merge, cells: dict) -> list[Problem]:
    """Each cell not applied because someone else changed the same value since the workbook's
    version: both values, who and when."""
    if merge is None:
        return []
    return [
        Problem(
            cells.get(c.key.partition("-")[2], ""),
            _(
                "%(label)s：ブックの値「%(mine)s」は取り込まず、%(user)sが%(at)sに保存した"
                "「%(theirs)s」のままにしました（ブック作成時は「%(original)s」）。"
            )
            % {
                "label": c.label,
                "mine": c.mine,
                "theirs": c.theirs,
                "original": c.original,
                "user": c.user or "—",
                "at": local_time_label(c.at) if c.at else "—",
            },
        )
        for c in merge.conflicts
    ]
