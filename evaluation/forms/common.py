"""Forms of the plan screens. They only read input; the services check and write."""

from decimal import Decimal

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from evaluation.models import (
    ProjectPlan,
)
from projects.domain import (
    PHASE_II,
    FractionOfYenError,
    fiscal_year_label,
    in_money_unit,
    parse_number,
    to_yen,
)

TEXTAREA = forms.Textarea(attrs={"rows": 4})


def fy_label(year: int) -> str:
    """A fiscal-year label in the active language, for choices and labels."""
    return fiscal_year_label(year, get_language() or "ja")


PLANS_FROM_FISCAL_YEAR = PHASE_II[0]  # the PDCA scheme starts with Phase II


class VersionedForm(forms.Form):
    """Carries the version the form was opened on, and the reason a change needs after the
    record was returned or reopened. `plan` is any workflow record (a plan, a yearly plan)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    reason = forms.CharField(
        label=_("変更の理由"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("差戻し・再開の後の変更では必須です。"),
    )

    def __init__(self, *args, plan: ProjectPlan, **kwargs):
        self.plan = plan
        kwargs.setdefault("initial", {}).setdefault("version", plan.version)
        super().__init__(*args, **kwargs)
        if plan.change_needs_reason:
            self.fields["reason"].required = True
            self.fields["reason"].help_text = _("提出後の変更のため、理由を書いてください。")


class TransitionForm(forms.Form):
    comment = forms.CharField(
        label=_("コメント・理由"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    # Asked only when a submission leaves something incomplete (services.review).
    confirm_gaps = forms.BooleanField(
        label=_("未記入の項目があることを確認のうえ提出する"), required=False
    )

    def __init__(self, *args, ask_confirmation: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not ask_confirmation:
            del self.fields["confirm_gaps"]


class NumberField(forms.Field):
    """A number typed the way people type it (full-width digits, separators), read by
    projects.domain.parse_number; an empty field is None."""

    MAX_LENGTH = 40

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = str(value).strip() if value is not None else ""
        if value in self.empty_values:
            return None
        if len(value) > self.MAX_LENGTH:
            raise forms.ValidationError(_("数値が長すぎます。"), code="max_length")
        try:
            return parse_number(value)
        except ValueError:
            raise forms.ValidationError(
                _("「%(value)s」を数値として認識できません。"),
                params={"value": value},
                code="invalid",
            ) from None


def year_choices(first: int, last: int, blank: bool = False):
    choices = [(y, fy_label(y)) for y in range(first, last + 1)]
    return [("", _("（なし）")), *choices] if blank else choices


def as_typed(value):
    """A stored Decimal as a person would type it again: no trailing zeros, no exponent."""
    if value is None:
        return None
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def as_entered(value, subject):
    """A stored value as it is typed on an entry screen: money of `subject` (an indicator or a
    target, see `money_unit`) in its entry unit, exactly; anything else as stored."""
    if value is None:
        return None
    unit = getattr(subject, "money_unit", None)
    if unit:
        value = in_money_unit(value, unit)
    return as_typed(value)


def entered_yen(value, subject):
    """A number typed on an entry screen → what is stored: money of `subject` in whole yen
    (「-20」百万円 is -20,000,000); a fraction of a yen is refused with a field error."""
    unit = getattr(subject, "money_unit", None)
    if value is None or not unit:
        return value
    try:
        return Decimal(to_yen(value, unit))
    except FractionOfYenError:
        raise forms.ValidationError(
            _("金額は円単位の整数になるように入力してください。"), code="fraction_of_yen"
        ) from None


# --- Self-check and evaluation rounds ------------------------------------------------------
