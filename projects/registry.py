"""The network registry's pure rules (会員名簿): corporate numbers, small-and-medium status, names
as people write them, and "did you mean". Plain values in, plain values out; no database (only
gettext for the messages).

- Corporate number (法人番号): 13 digits, the first a check digit over the other twelve
  (python-stdnum's `stdnum.jp.cn`). Typed with full-width digits, hyphens or spaces, it is stored
  as 13 ASCII digits.
- Small and medium firm (中小企業基本法 第2条): by the sector's capital and employee limits, either
  one within its limit is enough. The sector follows the JSIC major division (日本標準産業分類
  大分類 A–T); see `sme_sector` for the mapping.
- Names: NFKC, the abbreviated legal forms (㈱, （株）, (株), ㈲, （有）) written out, spaces
  (full-width too) removed, katakana folded to hiragana (jaconv), so that 「㈱ 多摩精機」 and
  「株式会社多摩精機」 are one name. `suggestions` scores near names with rapidfuzz (0–100).
"""

import unicodedata
from dataclasses import dataclass

import jaconv
from django.utils.translation import gettext as _
from rapidfuzz import fuzz, process
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.jp import cn

# --- Corporate number -------------------------------------------------------------------------


_DIGITS = frozenset("0123456789０１２３４５６７８９")


class CorporateNumberError(ValueError):
    """Not a corporate number: its message says why, in Japanese."""


def normalise_corporate_number(text: str) -> str:
    """「７０００－０１－２０５０００２」 → "7000012050002"; "" for a blank. Raises
    CorporateNumberError for anything that is not 13 digits with a right check digit."""
    if any(char.isnumeric() and char not in _DIGITS for char in str(text or "")):
        # circled ①, superscripts, kanji numerals: NFKC would read some of them as digits
        raise CorporateNumberError(_("法人番号は数字13桁です。"))
    compact = unicodedata.normalize("NFKC", str(text or ""))
    for separator in ("-", "−", "ー", "‐", " ", "\u3000"):
        compact = compact.replace(separator, "")
    compact = compact.strip()
    if not compact:
        return ""
    if not compact.isascii() or not compact.isdigit():
        raise CorporateNumberError(_("法人番号は数字13桁です。"))
    if len(compact) != 13:
        raise CorporateNumberError(
            _("法人番号は13桁です（%(digits)s桁あります）。") % {"digits": len(compact)}
        )
    try:
        return cn.validate(compact)
    except StdnumError:
        raise CorporateNumberError(_("法人番号のチェックデジットが合いません。")) from None


# --- Small and medium firms -----------------------------------------------------------------

MANUFACTURING = "manufacturing"  # 製造業その他
WHOLESALE = "wholesale"
RETAIL = "retail"
SERVICES = "services"

# 中小企業基本法 第2条: (capital in yen, employees); a firm within either limit is an SME.
SME_LIMITS = {
    MANUFACTURING: (300_000_000, 300),
    WHOLESALE: (100_000_000, 100),
    SERVICES: (50_000_000, 100),
    RETAIL: (50_000_000, 50),
}

# JSIC major divisions counted as services (サービス業) under the Act: K 不動産業，物品賃貸業,
# L 学術研究，専門・技術サービス業, M 宿泊業，飲食サービス業, N 生活関連サービス業，娯楽業,
# O 教育，学習支援業, P 医療，福祉, Q 複合サービス事業, R サービス業（他に分類されないもの）.
# Division I (卸売業，小売業) is one division for two sectors: its firms carry a trade
# (卸売/小売); without it their status is unknown. Everything else (A–H, J, S, T) takes the
# manufacturing-and-others limits. A simplification: the Act's guidance counts restaurants (in M)
# as retail and software and information services (in G) as others; a firm there with a figure
# between the two limits is counted by its division here.
SERVICE_DIVISIONS = frozenset("KLMNOPQR")
JSIC_DIVISIONS = frozenset("ABCDEFGHIJKLMNOPQRST")


def sme_sector(division: str, trade: str = "") -> str | None:
    """The Act's sector of a JSIC major division ("I" needs the trade: wholesale or retail)."""
    if division not in JSIC_DIVISIONS:
        return None
    if division == "I":
        return trade if trade in (WHOLESALE, RETAIL) else None
    return SERVICES if division in SERVICE_DIVISIONS else MANUFACTURING


def is_small_or_medium(sector: str | None, capital_yen: int | None, employees: int | None):
    """True, False, or None when it cannot be told (no sector, or the one known figure is over
    its limit and the other is not known)."""
    if sector not in SME_LIMITS:
        return None
    capital_limit, employee_limit = SME_LIMITS[sector]
    if capital_yen is not None and capital_yen <= capital_limit:
        return True
    if employees is not None and employees <= employee_limit:
        return True
    if capital_yen is None or employees is None:
        return None
    return False


# --- Names ------------------------------------------------------------------------------------

# After NFKC: ㈱ → (株), （株） → (株), ㈲ → (有). Longer forms first.
LEGAL_FORMS = (
    ("(株)", "株式会社"),
    ("(有)", "有限会社"),
    ("(合)", "合同会社"),
    ("(資)", "合資会社"),
    ("(名)", "合名会社"),
    ("(社)", "社団法人"),
    ("(財)", "財団法人"),
    ("(独)", "独立行政法人"),
)
SPACES = (" ", "\u3000", "\t", "\u00a0")


def normalise_name(text: str) -> str:
    """The key two spellings of one name share: NFKC, legal forms written out, no spaces,
    hiragana for katakana, lower-case Latin letters."""
    name = unicodedata.normalize("NFKC", str(text or "")).strip()
    for short, full in LEGAL_FORMS:
        name = name.replace(short, full)
    for space in SPACES:
        name = name.replace(space, "")
    name = jaconv.kata2hira(name)
    return name.lower()


def _core(text: str) -> str:
    core = normalise_name(text)
    for _short, full in LEGAL_FORMS:
        core = core.replace(full, "")
    return core or normalise_name(text)


@dataclass(frozen=True)
class Suggestion:
    key: object  # what the caller passed with the name (an organisation's id)
    name: str
    score: float  # 0–100


def suggestions(name: str, candidates: dict, *, limit: int = 3, cutoff: float = 70.0):
    """ "Did you mean": the candidates (key → name) nearest to `name`, best first, each with its
    score (rapidfuzz's WRatio over the normalised names), those below `cutoff` left out."""
    keys = {key: _core(text) for key, text in candidates.items()}
    found = process.extract(_core(name), keys, scorer=fuzz.WRatio, limit=limit, score_cutoff=cutoff)
    return [
        Suggestion(key=key, name=candidates[key], score=round(score, 1))
        for _choice, score, key in found
    ]
