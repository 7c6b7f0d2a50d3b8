"""Evaluation rounds: the list, opening a round, assigning evaluators, the evaluation sheet
(screen, print, xlsx), an evaluator's own rating, and the manager's consolidation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from evaluation.forms.rounds import AssignForm, ConsolidateForm, RatingForm, RoundCreateForm
from evaluation.renderers.charts import grade_chart, target_chart
from evaluation.renderers.exports import attach, export_response
from evaluation.renderers.layout import file_name
from evaluation.renderers.sheet_workbook import (
    rollup_table,
    rollup_workbook,
    sheet_workbook,
    target_table,
)
from evaluation.selectors.rounds import (
    freeze_sheet,
    get_evaluation_for_user,
    get_phase_for_new_round,
    may_manage,
    may_rate,
    own_rating,
    ratings_for,
    rollup_context,
    rollup_page_context,
    round_detail_context,
    round_list_context,
    sees_final,
    sheet_for_reader,
)
from evaluation.services import evaluations
from evaluation.services.editing import StaleEditError
from evaluation.views.helpers import (
    STALE_STATUS,
    add_service_errors,
    export_about,
    posted,
    query_without_page,
    year_name,
)
from projects.models import Stage


def with_target_charts(sheet: dict) -> dict:
    """Each target block of the sheet with its chart (path, actuals, projection)."""
    for block in sheet["targets"]:
        block["chart"] = target_chart(block, get_language() or "ja")
    return sheet


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _current(request) -> bool:
    """`?current=1`: a finished sheet with today's figures instead of those as rated."""
    return request.GET.get("current") == "1"


@login_required
@require_safe
def round_list(request):
    """GET, every signed-in user: the rounds they may see, each with the evaluations they may
    see (managers all; evaluators their assigned projects; staff their bureau's finished ones)."""
    context = round_list_context(request.user)
    return render(request, "evaluation/round_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def round_create(request):
    """GET/POST, managers: open a round (Phase II) with its criteria, projects, evaluators."""
    phase = get_phase_for_new_round(request.user)
    form = RoundCreateForm(posted(request), phase=phase, initial={"fiscal_year": 2008})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        evaluators = list(data["evaluators"])
        try:
            evaluation_round = evaluations.round_create(
                by=request.user,
                phase=phase,
                fiscal_year=data["fiscal_year"],
                title=data["title"],
                name_en=data["name_en"],
                criteria=list(data["criteria"]),
                assignments={project: evaluators for project in data["projects"]},
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("評価の実施回を作成しました。"))
            return redirect(evaluation_round.get_absolute_url())
    return render(request, "evaluation/round_create.html", {"form": form, "phase": phase})


@login_required
@require_safe
def round_detail(request, round_id):
    """GET: the round's projects the user may see, 50 a page, with evaluators and state, and
    the distribution of the final grades over all of them; 404 when the user may see none of
    it."""
    context = round_detail_context(request.user, round_id, request.GET.get("page"))
    context["page_query"] = query_without_page(request)
    return render(request, "evaluation/round_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def evaluation_assign(request, round_id, code):
    """GET/POST, managers, while the project is being evaluated: its evaluators."""
    evaluation = get_evaluation_for_user(request.user, round_id, code, manage=True)
    form = AssignForm(posted(request), initial={"evaluators": list(evaluation.evaluators.all())})
    if request.method == "POST" and form.is_valid():
        try:
            evaluations.evaluation_assign(
                evaluation=evaluation, by=request.user, evaluators=form.cleaned_data["evaluators"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("評価委員の割当てを保存しました。"))
            return redirect(evaluation.round.get_absolute_url())
    context = {"evaluation": evaluation, "form": form, "heading": _("評価委員の割当て")}
    return render(request, "evaluation/evaluation_form.html", context)


@login_required
@require_safe
def evaluation_sheet(request, round_id, code):
    """GET, whoever may see the evaluation: the sheet filled in from the data, the ratings the
    reader may see, and the final evaluation once consolidated (print-ready on A4). Once
    finished, the figures as rated, with the changes since; `?current=1`: today's figures."""
    evaluation = get_evaluation_for_user(request.user, round_id, code)
    context = {
        "evaluation": evaluation,
        "round": evaluation.round,
        "project": evaluation.project,
        "sheet": with_target_charts(sheet_for_reader(evaluation, current=_current(request))),
        "ratings": ratings_for(request.user, evaluation),
        "criteria": list(evaluation.round.criteria.all()),
        "can_rate": may_rate(request.user, evaluation),
        "can_consolidate": may_manage(request.user, evaluation),
        "show_final": sees_final(request.user, evaluation),
    }
    if context["can_rate"]:
        rating = own_rating(request.user, evaluation)
        context["rating"] = rating
        context["rating_form"] = RatingForm(None, criteria=context["criteria"], rating=rating)
    return render(request, "evaluation/evaluation_sheet.html", context)


@login_required
@require_safe
def evaluation_sheet_download(request, round_id, code):
    """GET, whoever may see the evaluation: the sheet as xlsx (the same figures and ratings as
    the screen for this reader)."""
    evaluation = get_evaluation_for_user(request.user, round_id, code)
    data = sheet_workbook(
        evaluation,
        sheet_for_reader(evaluation, current=_current(request)),
        ratings_for(request.user, evaluation),
        show_final=sees_final(request.user, evaluation),
        about=export_about(
            request,
            fiscal_year=evaluation.round.fiscal_year,
            filters=[(_("評価の実施回"), evaluation.round)],
        ),
    )
    response = HttpResponse(data, content_type=XLSX)
    filename = f"evaluation-{evaluation.round.fiscal_year}-{evaluation.project.code}.xlsx"
    return attach(response, f"{_sheet_name(evaluation)}.xlsx", filename)


def _sheet_name(evaluation) -> str:
    return file_name(
        _("評価シート"), evaluation.project.name, year_name(evaluation.round.fiscal_year)
    )


@login_required
@require_safe
def evaluation_sheet_csv(request, round_id, code):
    """GET, whoever may see the evaluation: the sheet's one table, targets and actuals by
    fiscal year, as CSV (the other sections are prose or short lists: see the xlsx)."""
    evaluation = get_evaluation_for_user(request.user, round_id, code)
    header, rows = target_table(sheet_for_reader(evaluation, current=_current(request)))
    filename = f"evaluation-{evaluation.round.fiscal_year}-{evaluation.project.code}"
    name = file_name(_sheet_name(evaluation), _("目標と実績"))
    return export_response("csv", filename, _("目標と実績"), header, rows, name=name)


@login_required
@require_http_methods(["GET", "POST"])
def rating_edit(request, round_id, code):
    """GET/POST, an evaluator assigned to the project, until the evaluation is final.
    「下書きとして保存する」 keeps a partial rating; 「評価を完了する」 (`finish`) needs every
    grade. The form also sits on the sheet it rates (evaluation_sheet)."""
    evaluation = get_evaluation_for_user(request.user, round_id, code, rate=True)
    criteria = list(evaluation.round.criteria.all())
    rating = own_rating(request.user, evaluation)
    form = RatingForm(posted(request), criteria=criteria, rating=rating)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        finish = "finish" in request.POST
        try:
            evaluations.rating_save(
                evaluation=evaluation,
                by=request.user,
                expected_version=data["version"],
                overall_grade=data["overall_grade"],
                findings=data["findings"],
                recommendations=data["recommendations"],
                grades=form.grades(),
                finish=finish,
            )
        except StaleEditError:
            form.add_error(None, _("画面を開いた後に、この評価が別の画面で保存されています。"))
            status = STALE_STATUS
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            done = _("評価を完了しました。") if finish else _("評価を下書きとして保存しました。")
            messages.success(request, done)
            return redirect(evaluation.get_absolute_url())
    context = {"evaluation": evaluation, "form": form, "heading": _("評価の記入")}
    return render(request, "evaluation/evaluation_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def evaluation_consolidate(request, round_id, code):
    """GET/POST, managers: write the consolidated evaluation; 「確定する」 makes it final."""
    evaluation = get_evaluation_for_user(request.user, round_id, code, manage=True)
    form = ConsolidateForm(posted(request), evaluation=evaluation)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        finish = "finish" in request.POST
        try:
            evaluations.evaluation_consolidate(
                evaluation=evaluation,
                by=request.user,
                expected_version=data["version"],
                final_grade=data["final_grade"],
                findings=data["findings"],
                recommendations=data["recommendations"],
                finish=finish,
                freeze=freeze_sheet,
            )
        except StaleEditError:
            form.add_error(None, _("画面を開いた後に、この評価が別の画面で保存されています。"))
            status = STALE_STATUS
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("評価を確定しました。") if finish else _("取りまとめを保存しました。")
            )
            return redirect(evaluation.get_absolute_url())
    context = {
        "evaluation": evaluation,
        "form": form,
        "heading": _("評価の取りまとめ"),
        "ratings": ratings_for(request.user, evaluation),
        "consolidating": True,
    }
    return render(request, "evaluation/evaluation_form.html", context, status=status)


@login_required
@require_safe
def round_rollup(request, round_id):
    """GET, managers and admins: every project of the round side by side (grade, key targets'
    ratings and projections), a page of projects at a time (the exports hold every row), the
    grade distribution and the projects at risk."""
    evaluation_round, rollup = rollup_page_context(request.user, round_id, request.GET.get("page"))
    rollup["grade_chart"] = grade_chart(rollup["distribution"], rollup["finished"])
    context = {
        "round": evaluation_round,
        "rollup": rollup,
        "page": rollup["page"],
        "stages": Stage.choices,
        "page_query": query_without_page(request),
    }
    return render(request, "evaluation/round_rollup.html", context)


@login_required
@require_safe
def round_rollup_download(request, round_id):
    """GET, managers and admins: the round roll-up as xlsx."""
    evaluation_round, rollup = rollup_context(request.user, round_id, export=True)
    about = export_about(request, fiscal_year=evaluation_round.fiscal_year)
    response = HttpResponse(
        rollup_workbook(evaluation_round, rollup, about=about), content_type=XLSX
    )
    filename = f"evaluation-round-{evaluation_round.fiscal_year}.xlsx"
    return attach(response, f"{_round_name(evaluation_round)}.xlsx", filename)


def _round_name(evaluation_round) -> str:
    return file_name(_("評価の集計"), year_name(evaluation_round.fiscal_year))


@login_required
@require_safe
def round_rollup_csv(request, round_id):
    """GET, managers and admins: the round roll-up's table as CSV (the grade distribution is
    the xlsx's second sheet)."""
    evaluation_round, rollup = rollup_context(request.user, round_id, export=True)
    header, rows = rollup_table(rollup)
    filename = f"evaluation-round-{evaluation_round.fiscal_year}"
    name = _round_name(evaluation_round)
    return export_response("csv", filename, _("プロジェクト別の評価一覧"), header, rows, name=name)
