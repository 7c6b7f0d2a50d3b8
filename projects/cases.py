"""Pure rules of collaboration cases (連携事例) and cost per outcome (単位当たりコスト), tested
without a database.

A case moves through the stages 研究開発 → 試作 → 製品化 → 事業化, each reached in a fiscal year.
A stage may be reached only after every earlier stage was reached (in the same or an earlier
fiscal year) or marked skipped with a reason. A case that reached 事業化 is a success case.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

STAGE_ORDER = ("rd", "prototype", "product", "business")
SUCCESS_STAGE = "business"


@dataclass(frozen=True)
class StageStep:
    stage: str
    fiscal_year: int | None = None
    skipped: bool = False
    reason: str = ""


def evidence_of_stages(steps) -> frozenset:
    """What a case counts for: (stage, fiscal year) of each stage reached (a skipped stage counts
    for no year)."""
    return frozenset((step.stage, step.fiscal_year) for step in steps if not step.skipped)


def touched_years(before, after) -> list[int]:
    """The fiscal years whose evidence a change alters: the years of the (what counts, year)
    entries it adds, alters or removes (a creation has nothing before, a deletion nothing
    after). Entries in both stay as they were and touch no year."""
    return sorted({year for _what, year in set(before) ^ set(after) if year is not None})


def stage_errors(steps: list[StageStep], labels: dict[str, str] | None = None) -> list[str]:
    """The reasons a list of stage steps breaks the order rule (empty: it holds)."""
    labels = labels or {}
    by_stage = {step.stage: step for step in steps}
    errors = []
    for step in steps:
        label = labels.get(step.stage, step.stage)
        if step.skipped:
            if not step.reason.strip():
                errors.append(
                    _("%(stage)sを経ずに進んだ場合は、理由を書いてください。") % {"stage": label}
                )
            continue
        if step.fiscal_year is None:
            errors.append(_("%(stage)sに到達した年度を選んでください。") % {"stage": label})
            continue
        for earlier in STAGE_ORDER[: STAGE_ORDER.index(step.stage)]:
            before = by_stage.get(earlier)
            earlier_label = labels.get(earlier, earlier)
            if before is None:
                errors.append(
                    _(
                        "%(stage)sは%(earlier)sより前に到達できません"
                        "（%(earlier)sを経ずに進んだ場合は、理由を書いてください）。"
                    )
                    % {"stage": label, "earlier": earlier_label}
                )
            elif (
                not before.skipped and before.fiscal_year and before.fiscal_year > step.fiscal_year
            ):
                errors.append(
                    _("%(stage)sの年度が%(earlier)sの年度より前です。")
                    % {"stage": label, "earlier": earlier_label}
                )
    return errors


def highest_stage(steps) -> str | None:
    """The furthest stage reached (not skipped)."""
    reached = [s.stage for s in steps if not s.skipped]
    return max(reached, key=STAGE_ORDER.index) if reached else None


@dataclass(frozen=True)
class UnitCost:
    """Yen granted per outcome: numerator and denominator kept, the ratio derived."""

    numerator_yen: int
    denominator: int

    @property
    def yen(self) -> int | None:
        if not self.denominator:
            return None
        return int(
            (Decimal(self.numerator_yen) / Decimal(self.denominator)).quantize(
                Decimal(1), rounding=ROUND_HALF_UP
            )
        )
