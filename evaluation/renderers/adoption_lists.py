"""A list of policy-tool adoptions (採択一覧) as a file: read an uploaded xlsx or CSV into rows,
as defensively as the member list (`renderers.member_lists`: the same size cap, zip checks,
formula cells refused, CSV in UTF-8 or CP932, columns found by their Japanese headers).
Columns: 施策, 採択年度 and 採択額（円） required; 採択先 (an organisation of the project's
registry, by name) or コンソーシアム名; テーマ, 連携事例 (a case title of the project), 備考.

Nothing here reads the database: the service matches tools, organisations and cases.
"""

import re
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from evaluation.renderers.member_lists import FORMULA, _cell, _text, read_list
from projects.domain import FIRST_FISCAL_YEAR, LAST_FISCAL_YEAR

MAX_YEN = 10**15
HEADERS = {
    "施策": "tool",
    "政策ツール": "tool",
    "事業名": "tool",
    "採択年度": "fiscal_year",
    "年度": "fiscal_year",
    "採択先": "grantee",
    "採択先の機関": "grantee",
    "機関名": "grantee",
    "コンソーシアム名": "consortium",
    "採択額(円)": "amount",
    "採択額": "amount",
    "金額(円)": "amount",
    "テーマ": "theme",
    "連携事例": "case",
    "備考": "note",
}
REQUIRED = {"tool": "施策", "fiscal_year": "採択年度", "amount": "採択額（円）"}
YEAR_FORM = re.compile(r"^(\d{4})(?:年度)?$")


@dataclass
class AdoptionRow:
    """One row of an adoption list, as read (before matching)."""

    line: int
    tool: str = ""
    fiscal_year: int | None = None
    grantee: str = ""
    consortium: str = ""
    amount_yen: int | None = None
    theme: str = ""
    case: str = ""
    note: str = ""
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "AdoptionRow":
        return cls(**data)


def read_adoption_list(data: bytes) -> list[AdoptionRow]:
    """The rows of an uploaded adoption list, each with its problems. Raises WorkbookRefused
    for a file that cannot be read as a whole."""
    return read_list(
        data,
        headers=HEADERS,
        required=REQUIRED,
        read_row=_read_row,
        empty=_("採択の行がありません。"),
    )


def _read_row(line: int, values, columns) -> AdoptionRow:
    row = AdoptionRow(line=line)
    row.tool = _text(row, _cell(values, columns, "tool"), _("施策"))
    if not row.tool and not row.problems:
        row.problems.append(_("施策がありません。"))
    year = _text(row, _cell(values, columns, "fiscal_year"), _("採択年度"))
    if found := YEAR_FORM.match(year):
        row.fiscal_year = int(found.group(1))
        if not FIRST_FISCAL_YEAR <= row.fiscal_year <= LAST_FISCAL_YEAR:
            row.problems.append(_("採択年度「%(text)s」は範囲外です。") % {"text": year})
            row.fiscal_year = None
    else:
        row.problems.append(
            _("採択年度「%(text)s」を年度として認識できません（例：2006、2006年度）。")
            % {"text": year[:40]}
        )
    row.grantee = _text(row, _cell(values, columns, "grantee"), _("採択先"), nfkc=False)
    row.consortium = _text(
        row, _cell(values, columns, "consortium"), _("コンソーシアム名"), nfkc=False
    )
    if not row.grantee and not row.consortium:
        row.problems.append(_("採択先の機関かコンソーシアム名のどちらかを入力してください。"))
    _read_amount(row, _cell(values, columns, "amount"))
    row.theme = _text(row, _cell(values, columns, "theme"), _("テーマ"), nfkc=False)
    row.case = _text(row, _cell(values, columns, "case"), _("連携事例"), nfkc=False)
    row.note = _text(row, _cell(values, columns, "note"), _("備考"), nfkc=False)
    return row


def _read_amount(row: AdoptionRow, raw) -> None:
    if raw is FORMULA:
        _text(row, raw, _("採択額（円）"))
        return
    text = _text(row, raw, _("採択額（円）")).replace(",", "").replace("円", "")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite() or amount != amount.to_integral_value():
        row.problems.append(
            _("採択額「%(text)s」は円単位の整数で入力してください。") % {"text": text[:40]}
        )
    elif not 0 <= amount < MAX_YEN:
        row.problems.append(_("採択額は0円以上で入力してください。"))
    else:
        row.amount_yen = int(amount)
