from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from evaluation.forms.common import (
    TEXTAREA,
    NumberField,
    VersionedForm,
    as_entered,
    as_typed,
    fy_label,
)
from evaluation.models import (
    Indicator,
    ValueKind,
)
from evaluation.models.reports import RowInput, own_code, stored_value

# A row's note and comment: two lines, wide, so a note like 「デモデータ（自動生成）」 shows whole.
ROW_TEXT = forms.Textarea(attrs={"rows": 2, "cols": 24})


class ReportEntryForm(VersionedForm):
    """The entry screen of an annual report: one row per indicator (kind, value, source note,
    comment, optional parts by sub-region), one per activity of the year's plan. A row whose
    value of the year is a published figure has no input: the screen shows it read-only, and a
    post that still carries the row (a forged or stale page) is refused on the row."""

    KINDS = [
        (ValueKind.NUMBER, _("数値")),
        (ValueKind.NOT_APPLICABLE, _("該当なし")),
        (ValueKind.UNKNOWN, _("未把握")),
    ]
    comment = forms.CharField(
        label=_("全体のコメント"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    KEEP = [("mine", _("自分の入力値で保存する")), ("theirs", _("他の利用者の値を残す"))]

    def __init__(
        self,
        *args,
        plan,
        indicators,
        values,
        regions,
        activities,
        results,
        rows=None,
        conflicts=(),
        own_targets=(),
        own_values=None,
        own_rows=None,
        **kwargs,
    ):
        """`plan` is the report; `values` the saved MonitoredValues by indicator id;
        `results` the saved ActivityResults by activity id; `rows` what each row shows besides
        its fields (last year's value, this year's target, a warning) by indicator id;
        `conflicts` the fields both people changed (services.reports.FieldConflict), each with a
        choice `keep-<field>` between this person's value and the other's. `own_targets`: the
        project's own targets of the year's plan, a row each (`own<id>`, no breakdown), their
        saved OwnTargetValues in `own_values` and what each row shows besides in `own_rows`, by
        target id."""
        self.row_context = rows or {}
        self.own_targets = list(own_targets)
        self.own_context = own_rows or {}
        own_values = own_values or {}
        self.published = {pk: v for pk, v in values.items() if v.is_published}
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("comment", plan.comment)
        for indicator in indicators:
            saved = values.get(indicator.pk)
            code = indicator.code
            if indicator.pk in self.published:
                continue
            if saved is None:
                initial.setdefault(f"kind-{code}", ValueKind.UNKNOWN)
                continue
            kind = ValueKind.NUMBER if saved.kind == ValueKind.ZERO else saved.kind
            initial.setdefault(f"kind-{code}", kind)
            initial.setdefault(f"value-{code}", as_entered(saved.value, indicator))
            initial.setdefault(f"note-{code}", saved.source_note)
            initial.setdefault(f"comment-{code}", saved.comment)
            for part in saved.breakdown.all():
                initial.setdefault(
                    f"part-{code}-{part.sub_region_id}", as_entered(part.amount, indicator)
                )
        self._own_initial(initial, own_values)
        for activity in activities:
            result = results.get(activity.pk)
            if result is not None:
                initial.setdefault(f"actual-{activity.pk}", as_typed(result.actual_output))
                initial.setdefault(f"actual_note-{activity.pk}", result.note)
        super().__init__(*args, plan=plan, **kwargs)
        self.indicators, self.regions, self.activities = indicators, regions, activities
        for indicator in indicators:
            code = indicator.code
            if indicator.pk in self.published:
                # No input; the field carries the row's refusal of a posted value.
                self.fields[f"value-{code}"] = forms.Field(
                    label=_("値"), required=False, disabled=True
                )
                continue
            self._add_row_fields(code, regions)
        for target in self.own_targets:
            self._add_row_fields(own_code(target), ())
        for activity in activities:
            self.fields[f"actual-{activity.pk}"] = NumberField(label=_("実績値"), required=False)
            self.fields[f"actual_note-{activity.pk}"] = forms.CharField(
                label=_("備考"), required=False, max_length=1000, widget=ROW_TEXT
            )
        self._add_choices(conflicts)

    def _own_initial(self, initial: dict, own_values: dict) -> None:
        for target in self.own_targets:
            saved, code = own_values.get(target.pk), own_code(target)
            if saved is None:
                initial.setdefault(f"kind-{code}", ValueKind.UNKNOWN)
                continue
            kind = ValueKind.NUMBER if saved.kind == ValueKind.ZERO else saved.kind
            initial.setdefault(f"kind-{code}", kind)
            initial.setdefault(f"value-{code}", as_typed(saved.value))
            initial.setdefault(f"note-{code}", saved.source_note)
            initial.setdefault(f"comment-{code}", saved.comment)

    def _add_row_fields(self, code: str, regions) -> None:
        self.fields[f"kind-{code}"] = forms.ChoiceField(
            label=_("値の種類"), choices=self.KINDS, initial=ValueKind.UNKNOWN
        )
        self.fields[f"value-{code}"] = NumberField(label=_("値"), required=False)
        self.fields[f"note-{code}"] = forms.CharField(
            label=_("出所・注記"), required=False, max_length=500, widget=ROW_TEXT
        )
        self.fields[f"comment-{code}"] = forms.CharField(
            label=_("コメント"), required=False, max_length=5000, widget=ROW_TEXT
        )
        for region in regions:
            self.fields[f"part-{code}-{region.pk}"] = NumberField(label=region.name, required=False)

    def _add_choices(self, conflicts) -> None:
        """A choice per field both people changed: this person's value (as typed, the default)
        or the other person's (the value the form was opened on). Posted again, the choice
        `theirs` puts the field back to the value it was opened on, so nothing is written."""
        self.conflicts = list(conflicts)
        keys = {c.key for c in self.conflicts}
        keys |= {k.removeprefix("keep-") for k in self.data if k.startswith("keep-")}
        for key in sorted(keys):
            if not self.unit_fields(key):
                continue
            self.fields[f"keep-{key}"] = forms.ChoiceField(
                label=_("どちらの値を保存するか"),
                choices=self.KEEP,
                initial="mine",
                required=False,
                widget=forms.RadioSelect,
            )
            if self.data.get(f"keep-{key}") == "theirs":
                data = self.data.copy()
                for name in self.unit_fields(key):
                    value = self.get_initial_for_field(self.fields[name], name)
                    data[name] = "" if value is None else str(value)
                self.data = data

    def unit_fields(self, key: str) -> list[str]:
        """The inputs of a field the service merges (`value-<code>` is the kind, the value and
        the parts by sub-region; `note-`, `comment-`, `actual-`, `actual_note-`, `comment`)."""
        name, _sep, subject = key.partition("-")
        if name == "value":
            names = [f"kind-{subject}", key, *(f"part-{subject}-{r.pk}" for r in self.regions)]
        else:
            names = [key]
        fields = self.fields
        return [n for n in names if n in fields and not fields[n].disabled]

    def conflict_rows(self):
        return [{"conflict": c, "choice": self[f"keep-{c.key}"]} for c in self.conflicts]

    def initial_data(self) -> QueryDict:
        """Every input as the form shows it unbound (the values of its version), as posted data."""
        data = QueryDict(mutable=True)
        for name, field in self.fields.items():
            if not field.disabled:
                value = self.get_initial_for_field(field, name)
                data[name] = "" if value is None else str(value)
        return data

    def clean(self):
        """Every row checked at once, with the same rules as the service (which checks again):
        a number typed into a row left at 未把握 is taken as a number; a number with 該当なし is
        a contradiction; counts, money and percentages are checked by unit."""
        cleaned = super().clean()
        for indicator in self.indicators:
            code = indicator.code
            field = f"value-{code}"
            if indicator.pk in self.published:
                if self.posted_names(indicator):
                    self.add_error(field, self.published[indicator.pk].refusal)
                continue
            self._clean_row(cleaned, code, indicator=indicator)
        for target in self.own_targets:
            self._clean_row(cleaned, own_code(target), own_target=target)
        return cleaned

    def _clean_row(self, cleaned, code: str, *, indicator=None, own_target=None) -> None:
        field = f"value-{code}"
        if field in self.errors or f"kind-{code}" in self.errors:
            return
        kind, value = cleaned.get(f"kind-{code}"), cleaned.get(field)
        if kind == ValueKind.UNKNOWN and value is not None:
            kind = cleaned[f"kind-{code}"] = ValueKind.NUMBER
        if kind == ValueKind.NOT_APPLICABLE and value is not None:
            self.add_error(field, _("「該当なし」のときは値を空欄にしてください。"))
            return
        for problem in stored_value(RowInput(indicator, kind, value, own_target=own_target))[2]:
            self.add_error(field, problem)

    def posted_names(self, indicator) -> set[str]:
        """The names of the row's inputs the post carries."""
        code = indicator.code
        names = {f"kind-{code}", f"value-{code}", f"note-{code}", f"comment-{code}"}
        names |= {f"part-{code}-{r.pk}" for r in self.regions}
        return names & set(self.data)

    def rows(self):
        """The rows to save: every indicator's but the published figures'."""
        data = self.cleaned_data
        return [
            RowInput(
                indicator=i,
                kind=data[f"kind-{i.code}"],
                value=data.get(f"value-{i.code}"),
                source_note=data.get(f"note-{i.code}", ""),
                comment=data.get(f"comment-{i.code}", ""),
                breakdown={r.pk: data.get(f"part-{i.code}-{r.pk}") for r in self.regions},
            )
            for i in self.indicators
            if i.pk not in self.published
        ] + [
            RowInput(
                indicator=None,
                own_target=t,
                kind=data[f"kind-{own_code(t)}"],
                value=data.get(f"value-{own_code(t)}"),
                source_note=data.get(f"note-{own_code(t)}", ""),
                comment=data.get(f"comment-{own_code(t)}", ""),
            )
            for t in self.own_targets
        ]

    def own_target_rows(self):
        """The rows of the project's own targets: each target with its fields and what it
        shows besides (last year's value, this year's target)."""
        return [
            {
                "target": t,
                "fields": {
                    name: self[f"{name}-{own_code(t)}"]
                    for name in ("kind", "value", "note", "comment")
                },
                **self.own_context.get(t.pk, {}),
            }
            for t in self.own_targets
        ]

    def activity_results(self):
        data = self.cleaned_data
        return {
            a.pk: (data.get(f"actual-{a.pk}"), data.get(f"actual_note-{a.pk}", ""))
            for a in self.activities
        }

    def add_error(self, field, error):
        """A service's row errors (row-<code>, activity-<id>) go on the row's value field."""
        if isinstance(field, str) and field.startswith("row-"):
            field = "value-" + field.removeprefix("row-")
        elif isinstance(field, str) and field.startswith("activity-"):
            field = "actual-" + field.removeprefix("activity-")
        super().add_error(field, error)

    def grouped_rows(self):
        """Rows grouped by category a–e, each with its fields and what it shows besides."""
        groups = []
        for value, label in Indicator.Category.choices:
            rows = [
                {
                    "indicator": i,
                    "fields": self.row_fields(i),
                    "published": self.published.get(i.pk),
                    **self.row_context.get(i.pk, {}),
                }
                for i in self.indicators
                if i.category == value
            ]
            groups.append((label, rows))
        return groups

    def activity_rows(self):
        return [
            {
                "activity": a,
                "actual": self[f"actual-{a.pk}"],
                "note": self[f"actual_note-{a.pk}"],
            }
            for a in self.activities
        ]

    def row_fields(self, indicator):
        code = indicator.code
        if indicator.pk in self.published:
            return {"value": self[f"value-{code}"]}
        return {
            "kind": self[f"kind-{code}"],
            "value": self[f"value-{code}"],
            "note": self[f"note-{code}"],
            "comment": self[f"comment-{code}"],
            "parts": [self[f"part-{code}-{r.pk}"] for r in self.regions],
        }


class ReportCreateForm(forms.Form):
    fiscal_year = forms.TypedChoiceField(label=_("年度"), coerce=int)

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fiscal_year"].choices = [(y, fy_label(y)) for y in years]


class WorkbookUploadForm(forms.Form):
    file = forms.FileField(label=_("年度報告のブック（.xlsx）"))
    reason = forms.CharField(
        label=_("変更の理由"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("差戻し・再開の後の変更では必須です。"),
    )

    def __init__(self, *args, report, **kwargs):
        super().__init__(*args, **kwargs)
        if report.change_needs_reason:
            self.fields["reason"].required = True


class SelfCheckForm(VersionedForm):
    """The self-check (自己評価) of an annual report."""

    results = forms.CharField(label=_("成果"), required=False, max_length=20000, widget=TEXTAREA)
    problems = forms.CharField(label=_("課題"), required=False, max_length=20000, widget=TEXTAREA)
    actions = forms.CharField(
        label=_("今後の対応（改善の提案）"),
        required=False,
        max_length=20000,
        widget=TEXTAREA,
        help_text=_("1行に1件書きます。承認後、改善事項として扱われます。"),
    )
    rating = forms.ChoiceField(label=_("自己評価（総合）"), required=False)

    def __init__(self, *args, plan, **kwargs):
        from evaluation.models.reports import SELF_RATINGS

        initial = kwargs.setdefault("initial", {})
        for name in ("results", "problems", "actions", "rating"):
            initial.setdefault(name, getattr(plan, f"self_{name}"))
        super().__init__(*args, plan=plan, **kwargs)
        self.fields["rating"].choices = [("", _("選んでください")), *SELF_RATINGS]
