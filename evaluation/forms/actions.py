import django_filters
from django import forms
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy

from evaluation.forms.common import fy_label
from evaluation.forms.filters import QueryFilter
from evaluation.models import (
    ActionItem,
    Activity,
    YearlyPlan,
)


class ItemPlanForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    activities = forms.MultipleChoiceField(
        label=gettext_lazy("対応する活動"),
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("この改善事項に対応する年度計画の活動を選びます。"),
    )

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, **kwargs)
        plans = (
            YearlyPlan.objects.filter(
                project=item.project, fiscal_year__gte=item.due_fiscal_year - 1
            )
            .order_by("fiscal_year")
            .prefetch_related(Prefetch("activities", queryset=Activity.objects.order_by("order")))
        )
        self.fields["activities"].choices = [
            (str(a.pk), f"{fy_label(a.yearly_plan.fiscal_year)}：{a.title}")
            for plan in plans
            for a in plan.activities.all()
        ]
        self.fields["activities"].initial = [
            str(pk) for pk in item.activities.values_list("pk", flat=True)
        ]


class ItemNoteForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    note = forms.CharField(
        label=gettext_lazy("内容"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, required=True, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].required = required
        if label:
            self.fields["note"].label = label


class ActionItemFilter(QueryFilter):
    """The action item list's filters (?bureau=code&round=id&state=…&overdue=1), parsed here
    and applied by selectors.actions.filtered_items. The choices are what the user may see; a
    value that is not a choice falls back to all, for that filter alone. The values: a bureau
    code, a round id and a state as strings ("" for all), overdue as a bool."""

    bureau = django_filters.ChoiceFilter(initial="")
    round = django_filters.ChoiceFilter(initial="")
    state = django_filters.ChoiceFilter(choices=ActionItem.State.choices, initial="")
    overdue = django_filters.TypedChoiceFilter(
        choices=[("1", "1")], coerce=lambda value: value == "1", empty_value=False, initial=False
    )

    class Meta:
        model = ActionItem
        fields = []

    def __init__(self, data, *, bureaus, rounds):
        super().__init__(data)
        self.filters["bureau"].extra["choices"] = [(b.code, b.code) for b in bureaus]
        self.filters["round"].extra["choices"] = [(str(r.pk), str(r.pk)) for r in rounds]
