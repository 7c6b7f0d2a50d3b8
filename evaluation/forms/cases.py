"""What the case and adoption screens accept: a collaboration case with its stages (one row per
stage: the fiscal year reached, or skipped with a reason) and its partners (from the project's
registry, each with a role), and an adoption (tool × fiscal year × grantee × amount × theme)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from evaluation.forms.common import TEXTAREA, NumberField, fy_label
from projects.cases import StageStep
from projects.domain import PHASE_II
from projects.models import Adoption, CollaborationCase, Field, PolicyTool, Stage

# Cases reach stages from the start of Phase I (FY2001, the seed's consortium adoptions) to the
# end of Phase II.
FIRST_CASE_YEAR = 2001
PARTNER_ROWS = 3  # blank partner rows offered beyond the case's partners
MAX_PARTNER_ROWS = 60
MAX_YEN = 10**15


def case_year_choices(keep=()):
    years = sorted({*range(FIRST_CASE_YEAR, PHASE_II[1] + 1), *(y for y in keep if y)})
    return [("", _("（なし）")), *((str(y), fy_label(y)) for y in years)]


class YenField(NumberField):
    """An amount in yen: a whole number, 0 or more (full-width digits and separators read)."""

    def clean(self, value):
        number = super().clean(value)
        if number is None:
            return None
        if number != number.to_integral_value():
            raise forms.ValidationError(_("円単位の整数で入力してください。"), code="fraction")
        if number < 0:
            raise forms.ValidationError(_("0円以上で入力してください。"), code="negative")
        if number >= MAX_YEN:
            raise forms.ValidationError(_("金額が大きすぎます。"), code="too_large")
        return int(number)


def organisation_field(label, choices, required=False):
    return forms.TypedChoiceField(
        label=label,
        choices=[("", _("（選ばない）")), *((str(pk), name) for pk, name in choices)],
        coerce=int,
        empty_value=None,
        required=required,
    )


class CaseForm(forms.Form):
    """A case, its four stage rows and its partner rows. `organisations`: (id, name) of the
    project's registry (and those the case already names)."""

    title = forms.CharField(label=_("事例名"), max_length=200)
    theme = forms.CharField(label=_("テーマ"), max_length=200, required=False)
    field = forms.ModelChoiceField(
        label=_("分野"), queryset=Field.objects.all(), required=False, empty_label=_("（なし）")
    )
    lead_label = forms.CharField(
        label=_("連携体の表記"),
        max_length=200,
        required=False,
        help_text=_("例：○○株式会社ほか4社。空欄の場合は中核となる機関の名称を表示します。"),
    )
    outcome_notes = forms.CharField(
        label=_("成果の概要"), max_length=5000, required=False, widget=TEXTAREA
    )
    sales_yen = YenField(label=_("売上高（円）"), required=False)
    reference = forms.BooleanField(
        label=_("代表事例"),
        required=False,
        help_text=_("資料に掲載する代表的な事例の場合に選びます。一覧と評価シートに表示されます。"),
    )

    def __init__(self, *args, case: CollaborationCase, organisations, **kwargs):
        self.case = case
        existing = case.pk is not None
        steps = {s.stage: s for s in case.stages.all()} if existing else {}
        partners = list(case.partners.all()) if existing else []
        if existing:
            kwargs.setdefault("initial", {}).update(
                title=case.title,
                theme=case.theme,
                field=case.field_id,
                lead=case.lead_id,
                lead_label=case.lead_label,
                outcome_notes=case.outcome_notes,
                sales_yen=case.sales_yen,
                reference=case.reference,
            )
        super().__init__(*args, **kwargs)
        self.fields["lead"] = organisation_field(_("中核となる機関"), organisations)
        self.order_fields(["title", "theme", "field", "lead", "lead_label"])
        years = case_year_choices(s.fiscal_year for s in steps.values())
        for value, label in Stage.choices:
            step = steps.get(value)
            self.fields[f"{value}_year"] = forms.ChoiceField(
                label=_("%(stage)s：到達年度") % {"stage": label},
                choices=years,
                required=False,
                initial=str(step.fiscal_year) if step and step.fiscal_year else "",
            )
            self.fields[f"{value}_skipped"] = forms.BooleanField(
                label=_("%(stage)s：経ずに進んだ") % {"stage": label},
                required=False,
                initial=bool(step and step.skipped),
            )
            self.fields[f"{value}_reason"] = forms.CharField(
                label=_("%(stage)s：経ずに進んだ理由") % {"stage": label},
                max_length=200,
                required=False,
                initial=step.skip_reason if step else "",
            )
        self.partner_rows = self._partner_rows(len(partners))
        for i in range(self.partner_rows):
            partner = partners[i] if i < len(partners) else None
            self.fields[f"partner_{i}"] = organisation_field(
                _("参加機関%(n)s") % {"n": i + 1}, organisations
            )
            self.fields[f"partner_{i}"].initial = partner.organisation_id if partner else None
            self.fields[f"partner_{i}_role"] = forms.CharField(
                label=_("参加機関%(n)sの役割") % {"n": i + 1},
                max_length=100,
                required=False,
                initial=partner.role if partner else "",
                help_text=_("例：共同研究先、販売先"),
            )

    def _partner_rows(self, existing: int) -> int:
        """The case's partners and a few blank rows; a post keeps the rows it sent (capped)."""
        posted = 0
        if self.data:
            for name in self.data:
                number = name.removeprefix("partner_").removesuffix("_role")
                if name.startswith("partner_") and number.isdigit() and number.isascii():
                    posted = max(posted, int(number) + 1)
        return min(max(existing + PARTNER_ROWS, posted), MAX_PARTNER_ROWS)

    MAIN_FIELDS = (
        "title",
        "theme",
        "field",
        "lead",
        "lead_label",
        "outcome_notes",
        "sales_yen",
        "reference",
    )

    def main_fields(self):
        return [self[name] for name in self.MAIN_FIELDS]

    def stage_rows(self):
        """(label, year field, skipped field, reason field) per stage, for the template."""
        return [
            (label, self[f"{value}_year"], self[f"{value}_skipped"], self[f"{value}_reason"])
            for value, label in Stage.choices
        ]

    def partner_fields(self):
        return [(self[f"partner_{i}"], self[f"partner_{i}_role"]) for i in range(self.partner_rows)]

    def clean(self):
        cleaned = super().clean()
        steps = []
        for value, label in Stage.choices:
            year = cleaned.get(f"{value}_year")
            skipped = cleaned.get(f"{value}_skipped")
            reason = (cleaned.get(f"{value}_reason") or "").strip()
            if skipped and year:
                self.add_error(
                    f"{value}_year",
                    _(
                        "%(stage)sは、到達年度と「経ずに進んだ」のどちらか一方だけを入力してください。"
                    )
                    % {"stage": label},
                )
                continue
            if year or skipped:
                steps.append(StageStep(value, int(year) if year else None, bool(skipped), reason))
            elif reason:
                self.add_error(
                    f"{value}_skipped",
                    _("%(stage)sを経ずに進んだ場合は、「経ずに進んだ」を選んでください。")
                    % {"stage": label},
                )
        cleaned["stages"] = steps
        partners, seen = [], set()
        for i in range(self.partner_rows):
            organisation = cleaned.get(f"partner_{i}")
            role = (cleaned.get(f"partner_{i}_role") or "").strip()
            if organisation is None:
                if role:
                    self.add_error(f"partner_{i}", _("役割を書いた行の機関を選んでください。"))
                continue
            if organisation in seen:
                self.add_error(f"partner_{i}", _("同じ機関が二度選ばれています。"))
                continue
            seen.add(organisation)
            partners.append((organisation, role))
        cleaned["partners"] = partners
        return cleaned

    def fill(self) -> CollaborationCase:
        """The case with the form's values (not saved)."""
        case, cleaned = self.case, self.cleaned_data
        case.title = cleaned["title"]
        case.theme = cleaned["theme"]
        case.field = cleaned["field"]
        case.lead_id = cleaned["lead"]
        case.lead_label = cleaned["lead_label"]
        case.outcome_notes = cleaned["outcome_notes"]
        case.sales_yen = cleaned["sales_yen"]
        case.reference = cleaned["reference"]
        return case


class AdoptionForm(forms.Form):
    """An adoption of the project: tool, fiscal year, an organisation of its registry or a
    consortium's name, the amount granted in yen, theme, and optionally one of its cases."""

    tool = forms.ModelChoiceField(label=_("施策"), queryset=PolicyTool.objects.all())
    fiscal_year = forms.TypedChoiceField(label=_("採択年度"), coerce=int)
    consortium_name = forms.CharField(
        label=_("コンソーシアム名"),
        max_length=200,
        required=False,
        help_text=_("機関を選ばない場合は必須です。"),
    )
    amount_yen = YenField(label=_("採択額（円）"))
    theme = forms.CharField(label=_("テーマ"), max_length=200, required=False)
    note = forms.CharField(label=_("備考"), max_length=200, required=False)

    def __init__(self, *args, adoption: Adoption, organisations, cases, **kwargs):
        self.adoption = adoption
        if adoption.pk:
            kwargs.setdefault("initial", {}).update(
                tool=adoption.tool_id,
                fiscal_year=adoption.fiscal_year,
                organisation=adoption.organisation_id,
                consortium_name=adoption.consortium_name,
                amount_yen=adoption.amount_yen,
                theme=adoption.theme,
                case=adoption.case_id,
                note=adoption.note,
            )
        super().__init__(*args, **kwargs)
        keep = [adoption.fiscal_year] if adoption.pk else []
        self.fields["fiscal_year"].choices = case_year_choices(keep)
        self.fields["organisation"] = organisation_field(_("採択先の機関"), organisations)
        self.fields["case"] = forms.TypedChoiceField(
            label=_("連携事例"),
            choices=[("", _("（なし）")), *((str(c.pk), c.title) for c in cases)],
            coerce=int,
            empty_value=None,
            required=False,
        )
        self.order_fields(["tool", "fiscal_year", "organisation", "consortium_name"])

    def clean(self):
        cleaned = super().clean()
        named = (cleaned.get("consortium_name") or "").strip()
        if cleaned.get("organisation") is None and not named:
            self.add_error(
                "consortium_name",
                _("採択先の機関かコンソーシアム名のどちらかを入力してください。"),
            )
        return cleaned

    def fill(self) -> Adoption:
        adoption, cleaned = self.adoption, self.cleaned_data
        adoption.tool = cleaned["tool"]
        adoption.fiscal_year = cleaned["fiscal_year"]
        adoption.organisation_id = cleaned["organisation"]
        adoption.consortium_name = cleaned["consortium_name"].strip()
        adoption.amount_yen = cleaned["amount_yen"]
        adoption.theme = cleaned["theme"]
        adoption.case_id = cleaned["case"]
        adoption.note = cleaned["note"]
        return adoption


class AdoptionListUploadForm(forms.Form):
    file = forms.FileField(
        label=_("採択一覧（.xlsxまたは.csv）"),
        help_text=_(
            "見出しの行に「施策」「採択年度」「採択額（円）」と「採択先」（会員名簿の機関名）か"
            "「コンソーシアム名」を置きます（任意で「テーマ」「連携事例」「備考」）。"
            "CSVの文字コードはUTF-8またはShift_JISです。"
        ),
    )


class AdoptionListApplyForm(forms.Form):
    """The preview's signed rows and the file's name."""

    token = forms.CharField(widget=forms.HiddenInput, max_length=2_000_000)
    source = forms.CharField(widget=forms.HiddenInput, required=False, max_length=200)
