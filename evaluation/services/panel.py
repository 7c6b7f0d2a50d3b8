"""Import of participating firms' yearly figures (the constant panel of the economic index) from
CSV: all rows or none, every problem reported with its line, scoped to the importer's bureau."""

import csv
import io

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from evaluation.models import PanelFigure, PanelFirm
from projects.domain import parse_number
from projects.models import Organisation, OrganisationType, Project, Role, user_role
from projects.registry import CorporateNumberError, normalise_corporate_number, normalise_name

BATCH = 2000
FIGURE_FIELDS = ("sales_yen", "employees", "net_profit_yen")
COLUMNS = ["project", "firm", "fiscal_year", "sales_yen", "employees", "net_profit_yen"]


def _number(text: str, *, line: int, column: str, negative: bool, problems: list):
    text = (text or "").strip()
    if not text:
        return None  # not known: not zero
    try:
        value = parse_number(text)
    except ValueError:
        problems.append(
            _("%(line)s行目：%(column)s「%(text)s」を数値として認識できません。")
            % {"line": line, "column": column, "text": text}
        )
        return None
    if value != value.to_integral_value():
        problems.append(
            _("%(line)s行目：%(column)sは整数で入力してください。")
            % {"line": line, "column": column}
        )
        return None
    if value < 0 and not negative:
        problems.append(
            _("%(line)s行目：%(column)sはマイナスにできません。") % {"line": line, "column": column}
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
            _("見出し行は%(columns)sにしてください。") % {"columns": ",".join(COLUMNS)}
        )
    projects = {p.code: p for p in Project.objects.select_related("bureau")}
    problems: list[str] = []
    parsed = []
    seen = set()
    # translated once, not once a row
    labels = {
        "fiscal_year": _("年度"),
        "sales_yen": _("売上高"),
        "employees": _("従業員数"),
        "net_profit_yen": _("当期純利益"),
    }
    for line, row in enumerate(reader, start=2):
        project = projects.get((row["project"] or "").strip())
        firm = (row["firm"] or "").strip()
        if project is None:
            problems.append(
                _("%(line)s行目：プロジェクト「%(code)s」はありません。")
                % {"line": line, "code": row["project"]}
            )
            continue
        if role == Role.STAFF and project.bureau_id != by.bureau_id:
            problems.append(
                _("%(line)s行目：他の局のプロジェクトの値は取り込めません。") % {"line": line}
            )
            continue
        if not firm:
            problems.append(_("%(line)s行目：企業コードがありません。") % {"line": line})
            continue
        year = _number(
            row["fiscal_year"],
            line=line,
            column=labels["fiscal_year"],
            negative=False,
            problems=problems,
        )
        if year is None or not 1990 <= year <= 2100:
            problems.append(_("%(line)s行目：年度が正しくありません。") % {"line": line})
            continue
        if (project.code, firm, year) in seen:
            problems.append(
                _("%(line)s行目：同じ企業・年度の行が重複しています。") % {"line": line}
            )
            continue
        seen.add((project.code, firm, year))
        values = {
            "sales_yen": _number(
                row["sales_yen"],
                line=line,
                column=labels["sales_yen"],
                negative=False,
                problems=problems,
            ),
            "employees": _number(
                row["employees"],
                line=line,
                column=labels["employees"],
                negative=False,
                problems=problems,
            ),
            "net_profit_yen": _number(
                row["net_profit_yen"],
                line=line,
                column=labels["net_profit_yen"],
                negative=True,
                problems=problems,
            ),
        }
        parsed.append((project, firm, year, values))
    if problems:
        raise ValidationError(problems)
    return _write(parsed, by)


def _registry_key(code: str) -> tuple[str, str]:
    """How a firm code finds its registry organisation: ("number", 13 digits) when it is a
    corporate number, else ("name", the normalised name)."""
    try:
        number = normalise_corporate_number(code)
    except CorporateNumberError:
        number = ""
    return ("number", number) if number else ("name", normalise_name(code))


def registry_matches(codes: set[str]) -> dict[str, Organisation]:
    """The registry's firm for each code that names exactly one: by corporate number, else by
    normalised name (a name shared by several firms links none). One query."""
    keys = {code: _registry_key(code) for code in codes}
    numbers = {v for kind, v in keys.values() if kind == "number"}
    names = {v for kind, v in keys.values() if kind == "name" and v}
    if not numbers and not names:
        return {}
    found: dict[tuple[str, str], list[Organisation]] = {}
    for org in Organisation.objects.filter(type=OrganisationType.FIRM).filter(
        Q(corporate_number__in=numbers) | Q(normalised_name__in=names)
    ):
        if org.corporate_number in numbers:
            found.setdefault(("number", org.corporate_number), []).append(org)
        found.setdefault(("name", org.normalised_name), []).append(org)
    return {code: found[key][0] for code, key in keys.items() if len(found.get(key, ())) == 1}


def _write(parsed: list, by) -> int:
    """Create the missing firms, create or update the figures: a fixed number of queries
    whatever the number of rows (bulk writes, each with its audit history rows)."""
    project_ids = {project.pk for project, _code, _year, _values in parsed}
    firms = {
        (f.project_id, f.code): f for f in PanelFirm.objects.filter(project_id__in=project_ids)
    }
    unlinked = {code for project, code, _y, _v in parsed}
    unlinked -= {code for (_p, code), f in firms.items() if f.organisation_id is not None}
    matches = registry_matches(unlinked)
    new_firms, linked = [], []
    for project, code, _year, _values in parsed:
        firm = firms.get((project.pk, code))
        if firm is None:
            firm = PanelFirm(project=project, code=code, organisation=matches.get(code))
            # the project and organisation were read above: no query to check they exist
            firm.full_clean(
                exclude=["project", "organisation"],
                validate_unique=False,
                validate_constraints=False,
            )
            firms[project.pk, code] = firm
            new_firms.append(firm)
        elif firm.organisation_id is None and code in matches and firm not in linked:
            firm.organisation = matches[code]
            linked.append(firm)
    bulk_create_with_history(new_firms, PanelFirm, batch_size=BATCH, default_user=by)
    if linked:
        bulk_update_with_history(
            linked, PanelFirm, ["organisation"], batch_size=BATCH, default_user=by
        )
    existing = {
        (f.firm_id, f.fiscal_year): f
        for f in PanelFigure.objects.filter(firm__project_id__in=project_ids)
    }
    created, updated = [], []
    for project, code, year, values in parsed:
        firm = firms[project.pk, code]
        figure = existing.get((firm.pk, year))
        if figure is None:
            figure = PanelFigure(firm=firm, fiscal_year=year)
            created.append(figure)
        else:
            updated.append(figure)
        for name, value in values.items():
            setattr(figure, name, value)
        figure.full_clean(exclude=["firm"], validate_unique=False, validate_constraints=False)
    bulk_create_with_history(created, PanelFigure, batch_size=BATCH, default_user=by)
    bulk_update_with_history(
        updated, PanelFigure, list(FIGURE_FIELDS), batch_size=BATCH, default_user=by
    )
    return len(created) + len(updated)
