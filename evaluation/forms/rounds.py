from django import forms
from django.utils.translation import gettext_lazy as _

from evaluation.forms.common import TEXTAREA, year_choices
from projects.models import Phase


class ModelIdsField(forms.ModelMultipleChoiceField):
    """Chosen objects by id. An id beyond the database's integer range is not one of the
    choices: it is refused here rather than sent to the database, where an IN lookup with it
    fails (SQLite raises OverflowError, PostgreSQL an out-of-range error: a server error)."""

    LIMIT = 2**63

    def clean(self, value):
        for pk in value if isinstance(value, list | tuple) else ():
            try:
                out_of_range = abs(int(str(pk).strip())) >= self.LIMIT
            except ValueError:
                continue  # not a number: Django's own check says so
            if out_of_range:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": pk},
                )
        return super().clean(value)


class RoundCreateForm(forms.Form):
    title = forms.CharField(label=_("名称"), max_length=200)
    name_en = forms.CharField(label=_("名称（英語）"), max_length=200, required=False)
    fiscal_year = forms.TypedChoiceField(label=_("評価の年度"), coerce=int)
    criteria = ModelIdsField(
        label=_("評価の観点"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    projects = ModelIdsField(
        label=_("評価するプロジェクト"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    evaluators = ModelIdsField(
        label=_("評価委員"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "選んだ評価委員を、選んだすべてのプロジェクトに割り当てます。後から個別に変えられます。"
        ),
    )

    def __init__(self, *args, phase: Phase, **kwargs):
        from evaluation.models.evaluations import EvaluationCriterion
        from projects.models import Project, Role, User

        super().__init__(*args, **kwargs)
        self.phase = phase
        self.fields["fiscal_year"].choices = year_choices(
            phase.first_fiscal_year, phase.last_fiscal_year
        )
        self.fields["criteria"].queryset = EvaluationCriterion.objects.all()
        self.fields["criteria"].initial = list(EvaluationCriterion.objects.all())
        self.fields["projects"].queryset = Project.objects.filter(
            status=Project.Status.ACTIVE
        ).select_related("bureau")
        self.fields["evaluators"].queryset = User.objects.filter(
            groups__name=Role.EVALUATOR, is_active=True
        ).order_by("username")


class AssignForm(forms.Form):
    evaluators = ModelIdsField(
        label=_("評価委員"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, **kwargs):
        from projects.models import Role, User

        super().__init__(*args, **kwargs)
        self.fields["evaluators"].queryset = User.objects.filter(
            groups__name=Role.EVALUATOR, is_active=True
        ).order_by("username")


class RatingForm(forms.Form):
    """An evaluator's own rating: a grade per criterion of the round, an overall grade."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    # Not required here: a draft may leave grades blank; finishing checks them (rating_save).
    overall_grade = forms.ChoiceField(label=_("総合評価"), required=False)
    findings = forms.CharField(label=_("所見"), required=False, max_length=20000, widget=TEXTAREA)
    recommendations = forms.CharField(
        label=_("提言"),
        required=False,
        max_length=20000,
        widget=TEXTAREA,
        help_text=_("1行に1件書きます。"),
    )

    def __init__(self, *args, criteria, rating=None, **kwargs):
        from evaluation.models.evaluations import Grade

        initial = kwargs.setdefault("initial", {})
        grades = {g.criterion_id: g.grade for g in rating.grades.all()} if rating else {}
        initial.setdefault("version", rating.version if rating else 0)
        if rating:
            initial.setdefault("overall_grade", rating.overall_grade)
            initial.setdefault("findings", rating.findings)
            initial.setdefault("recommendations", rating.recommendations)
        super().__init__(*args, **kwargs)
        choices = [("", _("選んでください")), *Grade.choices]
        self.fields["overall_grade"].choices = choices
        self.criteria = list(criteria)
        for criterion in self.criteria:
            self.fields[f"criterion_{criterion.pk}"] = forms.ChoiceField(
                label=criterion.name,
                choices=choices,
                initial=grades.get(criterion.pk, ""),
                required=False,
            )
        self.order_fields([f"criterion_{c.pk}" for c in self.criteria])

    def grades(self) -> dict[int, str]:
        return {c.pk: self.cleaned_data[f"criterion_{c.pk}"] for c in self.criteria}


class ConsolidateForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    final_grade = forms.ChoiceField(label=_("総合評価"), required=False)
    findings = forms.CharField(
        label=_("評価結果（所見）"), required=False, max_length=20000, widget=TEXTAREA
    )
    recommendations = forms.CharField(
        label=_("提言（改善事項）"),
        required=False,
        max_length=20000,
        widget=TEXTAREA,
        help_text=_("1行に1件書きます。確定後、改善事項として扱われます。"),
    )

    def __init__(self, *args, evaluation, **kwargs):
        from evaluation.models.evaluations import Grade

        initial = kwargs.setdefault("initial", {})
        initial.setdefault("version", evaluation.version)
        initial.setdefault("final_grade", evaluation.final_grade)
        initial.setdefault("findings", evaluation.final_findings)
        initial.setdefault("recommendations", evaluation.final_recommendations)
        super().__init__(*args, **kwargs)
        self.fields["final_grade"].choices = [("", _("選んでください")), *Grade.choices]
