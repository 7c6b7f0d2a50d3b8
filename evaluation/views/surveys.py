"""Screens of the participating-firm survey (参画企業アンケート): the bars across years, one
survey, its entry and its workflow."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from evaluation.forms.surveys import SurveyCreateForm, SurveyFilter, SurveyForm
from evaluation.models import State, Survey
from evaluation.models.surveys import EFFECT_ITEMS, HEADLINE_ITEMS, ITEM_CHOICES
from evaluation.renderers.charts import bar_chart
from evaluation.renderers.exports import (
    export_format,
    export_response,
    fy,
)
from evaluation.renderers.layout import file_name
from evaluation.selectors.history import change_history
from evaluation.selectors.surveys import (
    answer_rows,
    get_survey_for_user,
    may_start_surveys,
    surveys_in_scope,
)
from evaluation.services import surveys
from evaluation.views.helpers import (
    add_service_errors,
    edit_screen,
    export_about,
    posted,
    transition_screen,
    year_name,
)
from projects.domain import fiscal_year_short_label


def _year_label(survey: Survey) -> str:
    label = fiscal_year_short_label(survey.fiscal_year, get_language() or "ja")
    if survey.state != State.APPROVED:
        label += _("（未承認）")
    return label


def survey_charts(shown: list[Survey]) -> dict:
    """The headline shares and the 15 effects as bars, one bar per survey (fiscal year), and the
    respondents per year; the tables carry the same numbers."""
    names = [_year_label(s) for s in shown]
    values = {s.pk: {a.item: a.share_value(s.respondents) for a in s.answers.all()} for s in shown}

    def bars(title, items, description):
        return bar_chart(
            title=title,
            description=description,
            categories=[str(label) for _code, label in items],
            series=[
                (name, [values[s.pk].get(code) for code, _label in items])
                for name, s in zip(names, shown, strict=True)
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
            for name, s in zip(names, shown, strict=True)
        )

    headline = bars(_("イノベーション効果（企業の割合）"), HEADLINE_ITEMS, text(HEADLINE_ITEMS))
    effects = bars(_("参加する前と比べた効果（企業の割合）"), EFFECT_ITEMS, text(EFFECT_ITEMS))
    return {"headline": headline, "effects": effects, "names": names}


@login_required
@require_safe
def survey_list(request):
    """GET, everyone signed in: the surveys of a scope (national or a project) side by side."""
    context = surveys_in_scope(request.user, SurveyFilter(request.GET).values()["project"])
    context["charts"] = survey_charts(context["surveys"]) if context["surveys"] else None
    context["can_create"] = may_start_surveys(request.user)
    return render(request, "evaluation/survey_list.html", context)


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


@login_required
@require_http_methods(["GET", "POST"])
def survey_create(request):
    """GET/POST, managers (national) and staff (their bureau's projects)."""
    if not may_start_surveys(request.user):
        raise PermissionDenied
    form = SurveyCreateForm(posted(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        project = form.project()
        if not surveys.may_create(request.user, project):
            form.add_error("scope", _("この対象のアンケートは作成できません。"))
        else:
            try:
                survey = surveys.survey_create(
                    project=project, fiscal_year=form.cleaned_data["fiscal_year"], by=request.user
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("アンケートを作成しました。"))
                return redirect("survey_edit", survey_id=survey.pk)
    return render(request, "evaluation/survey_create.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def survey_edit(request, survey_id):
    """GET/POST, the survey's writer (managers for national, the bureau's staff) while editable."""
    survey = get_survey_for_user(request.user, survey_id, write=True)

    def save(form):
        data = form.cleaned_data
        surveys.survey_save(
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


@login_required
@require_safe
def survey_list_export(request, fmt):
    """GET, every signed-in user: the surveys of the scope shown (?project=code, else national)
    the user may see, a row per fiscal year, then each item's share of firms in % (from the
    counts where they are known, else the published share; blank where there is neither)."""
    fmt = export_format(fmt)
    context = surveys_in_scope(request.user, SurveyFilter(request.GET).values()["project"])
    header = [
        _("年度"),
        _("状態"),
        _("対象企業数（社）"),
        _("回答企業数（社）"),
        _("回収率（%）"),
        _("大学発ベンチャー累計（件）"),
        *[f"{label}（%）" for _code, label in ITEM_CHOICES],
    ]
    rows = (
        [
            fy(survey.fiscal_year),
            str(survey.get_state_display()),
            survey.population,
            survey.respondents,
            survey.response_rate_value,
            survey.university_ventures,
            *[share for _label, _answer, share in answer_rows(survey)],
        ]
        for survey in context["surveys"]
    )
    scope = context["project"].code if context["project"] else "national"
    title = _("参画企業アンケート")
    where = context["project"].name if context["project"] else _("全国")
    return export_response(
        fmt,
        f"surveys-{scope}",
        title,
        header,
        rows,
        name=file_name(title, where),
        about=export_about(request, filters=[(_("対象"), where)]),
    )


@login_required
@require_safe
def survey_detail_export(request, survey_id, fmt):
    """GET, whoever may see the survey: its answers, a row per item: the count of firms, the
    share in %, and where the share comes from."""
    fmt = export_format(fmt)
    survey = get_survey_for_user(request.user, survey_id)
    header = [_("年度"), _("項目"), _("企業数（社）"), _("割合（%）"), _("割合の算出方法")]
    year = fy(survey.fiscal_year)

    def source(answer):
        if answer is not None and answer.count is not None:
            return _("企業数から計算")
        if answer is not None and answer.share is not None:
            return _("公表された割合")
        return ""

    rows = (
        [year, str(label), answer.count if answer else None, share, source(answer)]
        for label, answer, share in answer_rows(survey)
    )
    scope = survey.project.code if survey.project_id else "national"
    title = _("回答の内訳")
    where = survey.project.name if survey.project_id else _("全国")
    return export_response(
        fmt,
        f"survey-{scope}-{survey.fiscal_year}",
        title,
        header,
        rows,
        name=file_name(_("参画企業アンケート"), where, year_name(survey.fiscal_year)),
        about=export_about(request, fiscal_year=survey.fiscal_year, filters=[(_("対象"), where)]),
    )
