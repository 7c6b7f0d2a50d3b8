"""A project's member list (会員名簿) as a file: read an uploaded xlsx or CSV into rows; write the
list back as a table (the exports use `renderers.exports` and its escape rule).

Reading is as defensive as the annual report upload's (`renderers.workbooks`): the same size cap
and zip checks before an xlsx is unpacked (`check_container`), openpyxl in read-only mode over
defusedxml, formula cells refused and never evaluated, at most MAX_ROWS rows. A CSV may be UTF-8
(with or without a byte-order mark) or CP932 (Excel's Japanese CSV). Columns are found by their
Japanese headers in the first non-empty row; 名称, 種別 and 参画日 are required.

Nothing here reads the database: matching the rows to organisations is the service's
(`services/registry.py`).
"""

import csv
import datetime
import io
import re
import unicodedata
from dataclasses import dataclass, field

import openpyxl
import openpyxl.xml
from django.utils import timezone
from django.utils.translation import gettext as _

from evaluation.renderers.workbooks import (
    MAX_FILE_BYTES,
    SHOWN_PROBLEMS,
    Problem,
    WorkbookRefused,
    check_container,
)
from projects.models import Membership, OrganisationType
from projects.registry import CorporateNumberError, normalise_corporate_number, normalise_name
from projects.times import day_label

MAX_ROWS = 5_000
MAX_TEXT = 200
EARLIEST = datetime.date(1990, 4, 1)

# Header (after NFKC, without spaces) → field.
HEADERS = {
    "名称": "name",
    "組織名": "name",
    "機関名": "name",
    "会員名": "name",
    "よみがな": "kana",
    "ふりがな": "kana",
    "種別": "type",
    "区分": "type",
    "法人番号": "corporate_number",
    "所在地": "address",
    "住所": "address",
    "都道府県": "prefecture",
    "市区町村": "municipality",
    "参画日": "joined",
    "入会日": "joined",
    "参画年月日": "joined",
    "役割": "role",
}
REQUIRED = {"name": "名称", "type": "種別", "joined": "参画日"}

TYPE_WORDS = {
    **{str(label): value for value, label in OrganisationType.choices},
    "企業": OrganisationType.FIRM,
    "大学": OrganisationType.UNIVERSITY,
    "高専": OrganisationType.UNIVERSITY,
    "教育機関": OrganisationType.UNIVERSITY,
    "公設試": OrganisationType.RESEARCH,
    "公設試験研究機関": OrganisationType.RESEARCH,
    "研究機関": OrganisationType.RESEARCH,
    "公的研究機関": OrganisationType.RESEARCH,
    "自治体": OrganisationType.GOVERNMENT,
    "地方公共団体": OrganisationType.GOVERNMENT,
    "商工会議所": OrganisationType.CHAMBER,
    "商工会": OrganisationType.CHAMBER,
    "業界団体": OrganisationType.CHAMBER,
    "金融機関": OrganisationType.FINANCE,
    "支援機関": OrganisationType.SUPPORT,
    "産業支援機関": OrganisationType.SUPPORT,
    "商社": OrganisationType.TRADING,
    "その他": OrganisationType.OTHER,
}
ROLE_WORDS = {"": Membership.Role.MEMBER} | {
    str(label): value for value, label in Membership.Role.choices
}

_PREFECTURES = (
    "北海道 青森県 岩手県 宮城県 秋田県 山形県 福島県 茨城県 栃木県 群馬県 埼玉県 千葉県 東京都 "
    "神奈川県 新潟県 富山県 石川県 福井県 山梨県 長野県 岐阜県 静岡県 愛知県 三重県 滋賀県 "
    "京都府 大阪府 兵庫県 奈良県 和歌山県 鳥取県 島根県 岡山県 広島県 山口県 徳島県 香川県 "
    "愛媛県 高知県 福岡県 佐賀県 長崎県 熊本県 大分県 宮崎県 鹿児島県 沖縄県"
)
PREFECTURES = tuple(_PREFECTURES.split(" "))
# A municipality: a city, ward, town or village, with the county before a town or village
# (…郡…町) and a designated city's ward after it (札幌市北区).
MUNICIPALITY = re.compile(r"^((?:.+?郡)?.+?[市町村](?:.+?区)?|.+?区)")
DATE_FORMS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
)
FISCAL_YEAR_FORM = re.compile(r"^(\d{4})年度$")


@dataclass
class MemberRow:
    """One row of a member list, as read (before matching)."""

    line: int  # the row's number in the file (1 = the first line)
    name: str = ""
    kana: str = ""
    type: str = ""
    corporate_number: str = ""
    prefecture: str = ""
    municipality: str = ""
    joined: datetime.date | None = None
    role: str = Membership.Role.MEMBER
    problems: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        """What makes two rows the same organisation: the corporate number, else the name."""
        return f"cn:{self.corporate_number}" if self.corporate_number else f"nm:{self.norm}"

    @property
    def norm(self) -> str:
        return normalise_name(self.name)

    def as_dict(self) -> dict:
        return {
            "line": self.line,
            "name": self.name,
            "kana": self.kana,
            "type": self.type,
            "corporate_number": self.corporate_number,
            "prefecture": self.prefecture,
            "municipality": self.municipality,
            "joined": day_label(self.joined) or None,
            "role": self.role,
            "problems": list(self.problems),
        }

    @classmethod
    def from_dict(cls, data: dict) -> "MemberRow":
        joined = data.get("joined")
        return cls(
            **{k: v for k, v in data.items() if k != "joined"},
            joined=datetime.date.fromisoformat(joined) if joined else None,
        )


class Formula:
    """A formula cell of an xlsx: never evaluated, refused where it stands."""


FORMULA = Formula()


def read_member_list(data: bytes) -> list[MemberRow]:
    """The rows of an uploaded member list, each with its problems. Raises WorkbookRefused for
    a file that cannot be read as a whole (size, format, encoding, columns, too many rows)."""
    rows = read_list(
        data,
        headers=HEADERS,
        required=REQUIRED,
        read_row=_read_row,
        empty=_("会員の行がありません。"),
    )
    _mark_duplicates(rows)
    return rows


def read_list(data: bytes, *, headers: dict, required: dict, read_row, empty: str) -> list:
    """The rows of an uploaded list (xlsx or CSV), the one reader of the member list and the
    adoption list: the size cap, the format, the header row found by `headers` (Japanese
    header → column key; `required`: key → the header named when it is missing), then
    `read_row(line, values, columns)` for each non-empty row. Raises WorkbookRefused for a file
    that cannot be read as a whole; `empty` is the message for a file with no rows."""
    if not data:
        raise WorkbookRefused([Problem("", _("ファイルが空です。"))])
    if len(data) > MAX_FILE_BYTES:
        raise WorkbookRefused(
            [
                Problem(
                    "",
                    _("ファイルが大きすぎます（上限%(mb)sMB）。")
                    % {"mb": MAX_FILE_BYTES // (1024 * 1024)},
                )
            ]
        )
    table = _xlsx_rows(data) if data[:2] == b"PK" else _csv_rows(data)
    return _read_rows(table, headers, required, read_row, empty)


def _xlsx_rows(data: bytes):
    check_container(data)
    assert openpyxl.xml.DEFUSEDXML, "openpyxl must parse XML through defusedxml"
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        sheet = workbook.worksheets[0]
    except Exception:  # openpyxl raises many kinds on a malformed package
        raise WorkbookRefused([Problem("", _("Excelブックとして読み込めません。"))]) from None

    def rows():
        try:
            for row in sheet.iter_rows():
                yield [
                    FORMULA if getattr(cell, "data_type", None) == "f" else cell.value
                    for cell in row
                ]
        except WorkbookRefused:
            raise
        except Exception:
            raise WorkbookRefused([Problem("", _("Excelブックとして読み込めません。"))]) from None
        finally:
            workbook.close()

    return rows()


def _csv_rows(data: bytes):
    for encoding in ("utf-8-sig", "cp932"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise WorkbookRefused(
            [
                Problem(
                    "",
                    _(
                        "文字コードを認識できません（UTF-8またはShift_JISのCSVファイルにしてください）。"
                    ),
                )
            ]
        )
    if "\x00" in text:
        raise WorkbookRefused([Problem("", _("CSVファイルとして読み込めません。"))])
    return csv.reader(io.StringIO(text, newline=""))


def _header_map(values, headers: dict) -> dict[str, int]:
    columns = {}
    for index, value in enumerate(values):
        if not isinstance(value, str):
            continue
        word = unicodedata.normalize("NFKC", value).replace(" ", "").strip()
        name = headers.get(word)
        if name and name not in columns:
            columns[name] = index
    return columns


def _read_rows(table, headers: dict, required: dict, read_row, empty: str) -> list:
    columns = None
    rows: list = []
    try:
        for line, values in enumerate(table, start=1):
            if not any(v not in (None, "") for v in values):
                continue
            if columns is None:
                columns = _header_map(values, headers)
                missing = [label for key, label in required.items() if key not in columns]
                if missing:
                    raise WorkbookRefused(
                        [
                            Problem(
                                f"{line}行目",
                                _(
                                    "必要な列がありません：%(columns)s（見出しの行に置いてください）。"
                                )
                                % {"columns": "、".join(missing)},
                            )
                        ]
                    )
                continue
            if len(rows) >= MAX_ROWS:
                raise WorkbookRefused(
                    [
                        Problem(
                            "",
                            _("行が多すぎます（上限%(rows)s行）。") % {"rows": f"{MAX_ROWS:,}"},
                        )
                    ]
                )
            rows.append(read_row(line, values, columns))
    except csv.Error:
        raise WorkbookRefused([Problem("", _("CSVファイルとして読み込めません。"))]) from None
    if columns is None:
        raise WorkbookRefused([Problem("", _("見出しの行がありません。"))])
    if not rows:
        raise WorkbookRefused([Problem("", empty)])
    return rows


def _cell(values, columns, name):
    index = columns.get(name)
    if index is None or index >= len(values):
        return None
    return values[index]


def _text(row: MemberRow, raw, label: str, *, nfkc: bool = True) -> str:
    """A cell as text: spaces collapsed; NFKC for what is read as a word (type, date, role),
    not for a name, which is kept as written (its matching key is normalised apart)."""
    if raw is FORMULA:
        row.problems.append(
            _("%(column)s：数式のセルは読み込みません（値を貼り付けてください）。")
            % {"column": label}
        )
        return ""
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = " ".join((unicodedata.normalize("NFKC", str(raw)) if nfkc else str(raw)).split())
    if text.startswith(("=", "＝")):
        row.problems.append(_("%(column)s：数式は読み込みません。") % {"column": label})
        return ""
    if len(text) > MAX_TEXT:
        row.problems.append(
            _("%(column)s：%(limit)s文字以内にしてください。")
            % {"column": label, "limit": MAX_TEXT}
        )
        return ""
    return text


def _read_row(line: int, values, columns) -> MemberRow:
    row = MemberRow(line=line)
    row.name = _text(row, _cell(values, columns, "name"), _("名称"), nfkc=False)
    if not row.name and not row.problems:
        row.problems.append(_("名称がありません。"))
    row.kana = _text(row, _cell(values, columns, "kana"), _("よみがな"), nfkc=False)
    _read_type(row, _text(row, _cell(values, columns, "type"), _("種別")))
    _read_corporate_number(row, _cell(values, columns, "corporate_number"))
    _read_address(row, values, columns)
    _read_joined(row, _cell(values, columns, "joined"))
    role = _text(row, _cell(values, columns, "role"), _("役割"))
    if role in ROLE_WORDS:
        row.role = ROLE_WORDS[role]
    else:
        row.problems.append(_("役割「%(role)s」は使えません。") % {"role": role[:40]})
    return row


def _read_type(row: MemberRow, text: str) -> None:
    if text in TYPE_WORDS:
        row.type = str(TYPE_WORDS[text])
    elif text:
        row.problems.append(_("種別「%(type)s」は使えません。") % {"type": text[:40]})
    else:
        row.problems.append(_("種別がありません。"))


def _read_corporate_number(row: MemberRow, raw) -> None:
    if raw is FORMULA or isinstance(raw, float | int):
        raw = _text(row, raw, _("法人番号"))
    try:
        row.corporate_number = normalise_corporate_number(raw or "")
    except CorporateNumberError as error:
        row.problems.append(f"{_('法人番号')}：{error}")


def _read_address(row: MemberRow, values, columns) -> None:
    row.prefecture = _text(row, _cell(values, columns, "prefecture"), _("都道府県"))
    row.municipality = _text(row, _cell(values, columns, "municipality"), _("市区町村"))
    address = _text(row, _cell(values, columns, "address"), _("所在地")).replace(" ", "")
    if address and not row.prefecture:
        row.prefecture = next((p for p in PREFECTURES if address.startswith(p)), "")
        rest = address[len(row.prefecture) :]
        if not row.municipality and (found := MUNICIPALITY.match(rest)):
            row.municipality = found.group(1)[:100]
    if row.prefecture and row.prefecture not in PREFECTURES:
        row.problems.append(
            _("都道府県「%(text)s」を認識できません。") % {"text": row.prefecture[:20]}
        )
        row.prefecture = ""


def _read_joined(row: MemberRow, raw) -> None:
    day = None
    if isinstance(raw, datetime.datetime):
        day = datetime.date(raw.year, raw.month, raw.day)  # a spreadsheet's naive cell
    elif isinstance(raw, datetime.date):
        day = raw
    else:
        text = _text(row, raw, _("参画日"))
        if not text:
            if raw is not FORMULA:
                row.problems.append(_("参画日がありません。"))
            return
        day = parse_day(text)
        if day is None:
            row.problems.append(
                _(
                    "参画日「%(text)s」を日付として認識できません（例：2006-04-01、2006年4月1日、2006年度）。"
                )
                % {"text": text[:40]}
            )
            return
    if not EARLIEST <= day <= timezone.localdate():
        row.problems.append(
            _("参画日（%(day)s）は%(first)s以降、今日以前の日付にしてください。")
            % {"day": day_label(day), "first": day_label(EARLIEST)}
        )
        return
    row.joined = day


def parse_day(text: str) -> datetime.date | None:
    """「2006-04-01」「2006/4/1」「2006年4月1日」 → that day; 「2006年度」 → 1 April 2006."""
    if found := FISCAL_YEAR_FORM.match(text):
        return datetime.date(int(found.group(1)), 4, 1)
    for form in DATE_FORMS:
        if found := form.match(text):
            try:
                return datetime.date(*(int(part) for part in found.groups()))
            except ValueError:
                return None
    return None


def _mark_duplicates(rows: list[MemberRow]) -> None:
    """A second row of one organisation (same corporate number, or same name after normalising)
    is refused, naming the first."""
    first_line: dict[str, int] = {}
    for row in rows:
        if row.problems or not row.name:
            continue
        for key in {row.key, f"nm:{row.norm}"}:
            if key in first_line:
                row.problems.append(
                    _("%(line)s行目と同じ組織です（重複）。") % {"line": first_line[key]}
                )
                break
        else:
            first_line[row.key] = row.line
            first_line[f"nm:{row.norm}"] = row.line


__all__ = ["MAX_ROWS", "SHOWN_PROBLEMS", "MemberRow", "parse_day", "read_member_list"]
