"""Screens of the participating-firm survey (参画企業アンケート): the bars across years, one
survey, its entry and its workflow."""

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from evaluation.audit import change_history
from evaluation.charts import bar_chart
from evaluation.forms import NumberField, VersionedForm
from evaluation.models import State, Survey
from evaluation.models.surveys import EFFECT_ITEMS, HEADLINE_ITEMS, ITEM_CHOICES
from evaluation.services.surveys import may_create, survey_create, survey_save
from evaluation.view_helpers import add_service_errors, edit_screen, posted, transition_screen
from projects.domain import fiscal_year_short_label
from projects.models import Project, Role, user_role


def get_survey_for_user(user, survey_id: int, *, write: bool = False) -> Survey:
    """A survey the user may see (404 otherwise); with write, one they may change now (403)."""
    survey = get_object_or_404(
        Survey.objects.visible_to(user).select_related("project__bureau"), pk=survey_id
    )
    if write and not survey.is_editable_by(user):
        raise PermissionDenied
    return survey


def _year_label(survey: Survey) -> str:
    label = fiscal_year_short_label(survey.fiscal_year, get_language() or "ja")
    if survey.state != State.APPROVED:
        label += _("（未承認）")
    return label


def survey_charts(surveys: list[Survey]) -> dict:
    """The headline shares and the 15 effects as bars, one bar per survey (fiscal year), and the
    respondents per year; the tables carry the same numbers."""
    names = [_year_label(s) for s in surveys]
    values = {
        s.pk: {a.item: a.share_value(s.respondents) for a in s.answers.all()} for s in surveys
    }

    def bars(title, items, description):
        return bar_chart(
            title=title,
            description=description,
            categories=[str(label) for _code, label in items],
            series=[
                (name, [values[s.pk].get(code) for code, _label in items])
                for name, s in zip(names, surveys, strict=True)
            ],
            maximum=Decimal(100),
            unit="%",
            first_header=_("項目（%）"),
        )

    def text(items):
        return "。".join(
            f"{name}: "
            + "、".join(
                f"{label} {'—' if values[s.pk].get(code) is None else values[s.pk][code]}%"
                for code, label in items
            )
            for name, s in zip(names, surveys, strict=True)
        )

    headline = bars(_("イノベーション効果（企業の割合）"), HEADLINE_ITEMS, text(HEADLINE_ITEMS))
    effects = bars(_("参加する前と比べた効果（企業の割合）"), EFFECT_ITEMS, text(EFFECT_ITEMS))
    return {"headline": headline, "effects": effects, "names": names}


@login_required
@require_safe
def survey_list(request):
    """GET, everyone signed in: the surveys of a scope (national or a project) side by side."""
    context = surveys_in_scope(request)
    context["charts"] = survey_charts(context["surveys"]) if context["surveys"] else None
    context["can_create"] = user_role(request.user) in (Role.MANAGER, Role.STAFF)
    return render(request, "evaluation/survey_list.html", context)


def surveys_in_scope(request) -> dict:
    """The surveys the user may see of the scope asked for (?project=code, else national),
    by fiscal year, with their answers, and the projects to choose from (the page and its
    exports)."""
    visible = Survey.objects.visible_to(request.user).select_related("project")
    projects = list(Project.objects.filter(surveys__in=visible).distinct().order_by("code"))
    project = next((p for p in projects if p.code == request.GET.get("project")), None)
    surveys = list(
        visible.filter(project=project).prefetch_related("answers").order_by("fiscal_year")
    )
    return {"surveys": surveys, "projects": projects, "project": project}


@login_required
@require_safe
def survey_detail(request, survey_id):
    """GET, whoever may see the survey (national: managers and admins, everyone once approved;
    a project's: as reports)."""
    survey = get_survey_for_user(request.user, survey_id)
    context = {
        "survey": survey,
        "rows": answer_rows(survey),
        "charts": survey_charts([survey]),
        "events": survey.events(),
        "changes": change_history(survey),
        "can_edit": survey.is_editable_by(request.user),
        "actions": survey.actions_for(request.user),
    }
    return render(request, "evaluation/survey_detail.html", context)


def answer_rows(survey: Survey) -> list[tuple]:
    """(label, answer or None, share in %) for every item of the survey, in the survey's order
    (the page's table and its exports)."""
    answers = {a.item: a for a in survey.answers.all()}
    return [
        (
            label,
            answers.get(code),
            answers[code].share_value(survey.respondents) if code in answers else None,
        )
        for code, label in ITEM_CHOICES
    ]


class SurveyCreateForm(forms.Form):
    scope = forms.ChoiceField(label=gettext_lazy("対象"))
    fiscal_year = forms.TypedChoiceField(
        label=gettext_lazy("年度"),
        coerce=int,
        choices=[(y, str(y)) for y in range(2000, 2011)],
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        choices = []
        if user_role(user) == Role.MANAGER:
            choices.append(("", _("全国")))
        if user_role(user) == Role.STAFF:
            choices += [
                (p.code, p.name)
                for p in Project.objects.filter(bureau_id=user.bureau_id).order_by("code")
            ]
        self.fields["scope"].choices = choices
        self.fields["scope"].required = False
        self.fields["fiscal_year"].choices = [
            (y, fiscal_year_short_label(y, get_language() or "ja")) for y in range(2000, 2011)
        ]


@login_required
@require_http_methods(["GET", "POST"])
def survey_create_view(request):
    """GET/POST, managers (national) and staff (their bureau's projects)."""
    if user_role(request.user) not in (Role.MANAGER, Role.STAFF):
        raise PermissionDenied
    form = SurveyCreateForm(posted(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["scope"]
        project = Project.objects.filter(code=code).first() if code else None
        if code and project is None or not may_create(request.user, project):
            form.add_error("scope", _("この対象のアンケートは作成できません。"))
        else:
            try:
                survey = survey_create(
                    project=project, fiscal_year=form.cleaned_data["fiscal_year"], by=request.user
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("アンケートを作成しました。"))
                return redirect("survey_edit", survey_id=survey.pk)
    return render(request, "evaluation/survey_create.html", {"form": form})


def _count(value):
    if value is None:
        return None
    if value != value.to_integral_value() or value < 0:
        raise forms.ValidationError(_("企業数は0以上の整数で入力してください。"))
    return int(value)


def _percent(value):
    if value is not None and not Decimal(0) <= value <= Decimal(100):
        raise forms.ValidationError(_("割合は0〜100の範囲で入力してください。"))
    return value


class SurveyForm(VersionedForm):
    period_note = forms.CharField(label=gettext_lazy("実施時期"), required=False, max_length=100)
    population = NumberField(label=gettext_lazy("対象企業数（社）"), required=False)
    respondents = NumberField(label=gettext_lazy("回答企業数（社）"), required=False)
    response_rate = NumberField(
        label=gettext_lazy("回収率（%）"),
        required=False,
        help_text=gettext_lazy("対象企業数と回答企業数が分からないときだけ入力します。"),
    )
    university_ventures = NumberField(
        label=gettext_lazy("大学発ベンチャー累計（件）"), required=False
    )
    note = forms.CharField(
        label=gettext_lazy("備考"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, survey: Survey, **kwargs):
        answers = {a.item: a for a in survey.answers.all()}
        initial = {
            "period_note": survey.period_note,
            "population": survey.population,
            "respondents": survey.respondents,
            "response_rate": survey.response_rate,
            "university_ventures": survey.university_ventures,
            "note": survey.note,
        }
        for code, _label in ITEM_CHOICES:
            if code in answers:
                initial[f"count_{code}"] = answers[code].count
                initial[f"share_{code}"] = answers[code].share
        kwargs["initial"] = initial
        super().__init__(*args, plan=survey, **kwargs)
        for code, label in ITEM_CHOICES:
            self.fields[f"count_{code}"] = NumberField(
                label=_("%(item)s：企業数（社）") % {"item": label}, required=False
            )
            self.fields[f"share_{code}"] = NumberField(
                label=_("%(item)s：割合（%%）") % {"item": label}, required=False
            )

    def clean(self):
        data = super().clean()
        for name in ("population", "respondents", "university_ventures"):
            try:
                data[name] = _count(data.get(name))
            except forms.ValidationError as error:
                self.add_error(name, error)
        try:
            data["response_rate"] = _percent(data.get("response_rate"))
        except forms.ValidationError as error:
            self.add_error("response_rate", error)
        for code, _label in ITEM_CHOICES:
            for kind, check in (("count", _count), ("share", _percent)):
                try:
                    data[f"{kind}_{code}"] = check(data.get(f"{kind}_{code}"))
                except forms.ValidationError as error:
                    self.add_error(f"{kind}_{code}", error)
        return data

    def item_rows(self):
        return [
            (label, self[f"count_{code}"], self[f"share_{code}"]) for code, label in ITEM_CHOICES
        ]


@login_required
@require_http_methods(["GET", "POST"])
def survey_edit(request, survey_id):
    """GET/POST, the survey's writer (managers for national, the bureau's staff) while editable."""
    survey = get_survey_for_user(request.user, survey_id, write=True)

    def save(form):
        data = form.cleaned_data
        survey_save(
            survey=survey,
            expected_version=data["version"],
            by=request.user,
            fields={
                name: data.get(name)
                for name in (
                    "period_note",
                    "population",
                    "respondents",
                    "response_rate",
                    "university_ventures",
                    "note",
                )
            },
            answers={
                code: (data.get(f"count_{code}"), data.get(f"share_{code}"))
                for code, _label in ITEM_CHOICES
            },
            reason=data["reason"],
        )

    return edit_screen(
        request,
        record=survey,
        make_form=lambda data, record: SurveyForm(data, survey=record),
        template="evaluation/survey_form.html",
        context={"survey": survey},
        save=save,
        success=_("アンケートを保存しました。"),
        done_url=survey.get_absolute_url(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def survey_transition(request, survey_id, action):
    """GET confirms, POST takes a workflow action on a survey."""
    survey = get_survey_for_user(request.user, survey_id)
    return transition_screen(
        request,
        record=survey,
        action=action,
        context={"project": survey.project},
        label=_("アンケート"),
    )
