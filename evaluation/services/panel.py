"""Import of participating firms' yearly figures (the constant panel of the economic index) from
CSV: all rows or none, every problem reported with its line, scoped to the importer's bureau."""

import csv
import io

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from evaluation.models import PanelFigure, PanelFirm
from projects.domain import parse_number
from projects.models import Project, Role, user_role

COLUMNS = ["project", "firm", "fiscal_year", "sales_yen", "employees", "net_profit_yen"]


def _number(text: str, *, line: int, column: str, negative: bool, problems: list):
    text = (text or "").strip()
    if not text:
        return None  # not known: not zero
    try:
        value = parse_number(text)
    except ValueError:
        problems.append(
            _("%(line)s行目: %(column)s「%(text)s」は数値として読めません。")
            % {"line": line, "column": column, "text": text}
        )
        return None
    if value != value.to_integral_value():
        problems.append(
            _("%(line)s行目: %(column)sは整数で入力してください。")
            % {"line": line, "column": column}
        )
        return None
    if value < 0 and not negative:
        problems.append(
            _("%(line)s行目: %(column)sはマイナスにできません。") % {"line": line, "column": column}
        )
        return None
    return int(value)


@transaction.atomic
def panel_figures_import(*, text: str, by) -> int:
    """Read CSV text (header: project, firm, fiscal_year, sales_yen, employees,
    net_profit_yen) and create or update each firm's figures of a year. Managers import for any
    project, staff for their bureau's. Returns the rows written."""
    role = user_role(by)
    if role not in (Role.MANAGER, Role.STAFF):
        raise PermissionDenied
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    if reader.fieldnames is None or [f.strip() for f in reader.fieldnames] != COLUMNS:
        raise ValidationError(
            _("見出し行は %(columns)s にしてください。") % {"columns": ",".join(COLUMNS)}
        )
    projects = {p.code: p for p in Project.objects.select_related("bureau")}
    problems: list[str] = []
    parsed = []
    seen = set()
    for line, row in enumerate(reader, start=2):
        project = projects.get((row["project"] or "").strip())
        firm = (row["firm"] or "").strip()
        if project is None:
            problems.append(
                _("%(line)s行目: プロジェクト「%(code)s」はありません。")
                % {"line": line, "code": row["project"]}
            )
            continue
        if role == Role.STAFF and project.bureau_id != by.bureau_id:
            problems.append(
                _("%(line)s行目: 他の局のプロジェクトの値は取り込めません。") % {"line": line}
            )
            continue
        if not firm:
            problems.append(_("%(line)s行目: 企業コードがありません。") % {"line": line})
            continue
        year = _number(
            row["fiscal_year"], line=line, column=_("年度"), negative=False, problems=problems
        )
        if year is None or not 1990 <= year <= 2100:
            problems.append(_("%(line)s行目: 年度が正しくありません。") % {"line": line})
            continue
        if (project.code, firm, year) in seen:
            problems.append(
                _("%(line)s行目: 同じ企業・年度の行が重複しています。") % {"line": line}
            )
            continue
        seen.add((project.code, firm, year))
        values = {
            "sales_yen": _number(
                row["sales_yen"], line=line, column=_("売上高"), negative=False, problems=problems
            ),
            "employees": _number(
                row["employees"], line=line, column=_("従業員数"), negative=False, problems=problems
            ),
            "net_profit_yen": _number(
                row["net_profit_yen"],
                line=line,
                column=_("当期純利益"),
                negative=True,
                problems=problems,
            ),
        }
        parsed.append((project, firm, year, values))
    if problems:
        raise ValidationError(problems)
    written = 0
    for project, code, year, values in parsed:
        firm = PanelFirm.objects.filter(project=project, code=code).first()
        if firm is None:
            firm = PanelFirm(project=project, code=code)
            firm.full_clean()
            firm._history_user = by
            firm.save()
        figure = PanelFigure.objects.filter(firm=firm, fiscal_year=year).first() or PanelFigure(
            firm=firm, fiscal_year=year
        )
        for name, value in values.items():
            setattr(figure, name, value)
        figure.full_clean()
        figure._history_user = by
        figure.save()
        written += 1
    return written
