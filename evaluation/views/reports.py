"""Screens of annual reports (年度報告): create, enter values, read with achievement, workflow,
and the managers' submission board."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_safe

from evaluation.forms.reports import (
    ReportCreateForm,
    ReportEntryForm,
    SelfCheckForm,
    WorkbookUploadForm,
)
from evaluation.models import Indicator
from evaluation.renderers.exports import (
    attach,
    export_format,
    export_response,
    fy,
)
from evaluation.renderers.layout import file_name
from evaluation.renderers.workbooks import MAX_FILE_BYTES, WorkbookRefused, report_workbook
from evaluation.selectors.achievement import (
    target_achievements,
)
from evaluation.selectors.cases import report_list_figures
from evaluation.selectors.history import change_history
from evaluation.selectors.registry import report_member_figures
from evaluation.selectors.reports import (
    WARNING_TEXT,
    board_context,
    entry_context,
    entry_row_extras,
    get_report_for_user,
    own_row_extras,
    reportable_years,
    value_context,
)
from evaluation.selectors.review import values_changed_since
from evaluation.services import evaluations, reports, workbook_import
from evaluation.views.helpers import (
    STALE_STATUS,
    add_service_errors,
    edit_screen,
    export_about,
    posted,
    query_without_page,
    transition_screen,
    year_name,
)
from projects.selectors import get_project_for_user

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
@require_http_methods(["GET", "POST"])
def report_create(request, code):
    """GET/POST, staff of the project's bureau: start the annual report of a fiscal year."""
    project = get_project_for_user(request.user, code, write=True)
    years = reportable_years(project)
    form = ReportCreateForm(posted(request), years=years)
    if request.method == "POST" and form.is_valid():
        try:
            report = reports.annual_report_create(
                project=project, fiscal_year=form.cleaned_data["fiscal_year"], by=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("年度報告を作成しました。"))
            return redirect("report_edit", project.code, report.fiscal_year)
    return render(
        request, "evaluation/report_create.html", {"project": project, "form": form, "years": years}
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_self_check_edit(request, code, fiscal_year):
    """GET/POST, staff of the project's bureau while the report is editable: the self-check
    (成果, 課題, proposed actions, overall self-rating), submitted with the report."""
    report = get_report_for_user(request.user, code, fiscal_year, write=True)

    def save(form):
        data = form.cleaned_data
        evaluations.report_self_check_save(
            report=report,
            expected_version=data["version"],
            by=request.user,
            results=data["results"],
            problems=data["problems"],
            actions=data["actions"],
            rating=data["rating"],
            reason=data["reason"],
        )

    return edit_screen(
        request,
        record=report,
        make_form=lambda data, record: SelfCheckForm(data, plan=record),
        template="evaluation/report_self_check_form.html",
        context={
            "report": report,
            "project": report.project,
            "achievements": target_achievements(report),
        },
        save=save,
        success=_("自己評価を保存しました。"),
        done_url=report.get_absolute_url(),
    )


def _entry_form(data, report, extra, conflicts=()):
    return ReportEntryForm(
        data,
        plan=report,
        indicators=extra["indicators"],
        values=extra["values"],
        regions=extra["regions"],
        activities=extra["activities"],
        results=extra["results"],
        rows=entry_row_extras(extra),
        conflicts=conflicts,
        own_targets=extra["own_targets"],
        own_values=extra["own_values"],
        own_rows=own_row_extras(extra),
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_edit(request, code, fiscal_year):
    """GET/POST, staff of the project's bureau while the report is editable: the entry screen.
    Saves a draft at any time; on an error keeps everything typed and says what is wrong. A
    save on an older version is merged (the other person's changes to fields this person did
    not touch are kept, and said); fields both changed answer 409 with a choice for each."""
    report = get_report_for_user(request.user, code, fiscal_year, write=True)
    extra = entry_context(report, request.user)
    form = _entry_form(posted(request), report, extra)
    context = {
        "report": report,
        "project": report.project,
        "extra": extra,
        "registry_figures": report_member_figures(report, extra["indicators"], extra["values"]),
    }
    if request.method == "POST" and form.is_valid():
        try:
            saved = reports.annual_report_save(
                report=report,
                expected_version=form.cleaned_data["version"],
                by=request.user,
                rows=form.rows(),
                activity_results=form.activity_results(),
                comment=form.cleaned_data["comment"],
                reason=form.cleaned_data["reason"],
            )
        except reports.EditConflict as conflict:
            return _conflict_screen(request, conflict, context)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if saved.merge and saved.merge.taken:
                messages.info(request, merged_message(saved.merge.taken))
            messages.success(request, _("年度報告を保存しました（下書き）。"))
            return redirect(report)
    context["form"] = form
    return render(request, "evaluation/report_form.html", context)


def merged_message(taken) -> str:
    """「他の利用者の変更を取り込みました：研究開発プロジェクト採択件数（36 件 → 40 件、…）」"""
    return _("他の利用者の変更を取り込みました：%(changes)s") % {
        "changes": "、".join(
            f"{c.label}（{c.before} → {c.after}、{c.user}）"
            if c.user
            else f"{c.label}（{c.before} → {c.after}）"
            for c in taken
        )
    }


def _conflict_screen(request, conflict, context):
    """409: the form rebuilt on the current version, holding the other person's values except
    where this person changed a field (their input is kept), with a choice for each field both
    changed. Its values of the current version are what a second save is compared with, so
    saving again never writes back a value this person did not type."""
    report = get_report_for_user(
        request.user, context["report"].project.code, context["report"].fiscal_year, write=True
    )
    extra = entry_context(report, request.user)
    data = _entry_form(None, report, extra).initial_data()
    fresh = _entry_form(data, report, extra)
    for key in conflict.merge.mine_changed:
        for name in fresh.unit_fields(key):
            data.setlist(name, request.POST.getlist(name))
    data["reason"] = request.POST.get("reason", "")
    for field in conflict.merge.conflicts:
        data[f"keep-{field.key}"] = "mine"  # what this person typed, until they choose
    form = _entry_form(data, report, extra, conflicts=conflict.merge.conflicts)
    form.is_valid()
    form.add_error(None, _("画面を開いた後に他の利用者が保存しています。"))
    context.update(report=report, extra=extra, form=form, stale=conflict)
    return render(request, "evaluation/report_form.html", context, status=STALE_STATUS)


@login_required
@require_safe
def report_detail(request, code, fiscal_year):
    """GET, whoever may see the report: values by category, achievement of each target,
    activities planned and actual, the timeline."""
    report = get_report_for_user(request.user, code, fiscal_year)
    extra = entry_context(report, request.user)
    context = {
        "report": report,
        "project": report.project,
        "extra": extra,
        "categories": [
            (label, [i for i in extra["indicators"] if i.category == value])
            for value, label in Indicator.Category.choices
        ],
        "achievements": target_achievements(report, extra["targets"]),
        "registry_figures": report_member_figures(report, extra["indicators"], extra["values"]),
        "list_figures": report_list_figures(report, extra["indicators"], extra["values"]),
        "events": report.events(),
        "changes": change_history(report, own_targets=extra["own_targets"]),
        "can_edit": report.is_editable_by(request.user),
        "actions": report.actions_for(request.user),
        "warning_text": WARNING_TEXT,
    }
    return render(request, "evaluation/report_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def report_transition(request, code, fiscal_year, action):
    """GET confirms, POST takes a workflow action on an annual report (as for plans)."""
    report = get_report_for_user(request.user, code, fiscal_year)
    return transition_screen(
        request,
        record=report,
        action=action,
        context={"project": report.project},
        label=_("年度報告"),
    )


@login_required
@require_safe
def submission_board(request):
    """GET, managers and admins: every project × fiscal year with its report state and deadline,
    overdue ones marked; filters by bureau and state. Everyone else: 403."""
    context = board_context(
        request.user, **_board_filters(request), page=request.GET.get("page"), paged=True
    )
    context["page_query"] = query_without_page(request)
    return render(request, "evaluation/submission_board.html", context)


def _board_filters(request) -> dict:
    """The board's filters as the query string gives them (?bureau=code&state=…)."""
    return {"bureau": request.GET.get("bureau", ""), "state": request.GET.get("state", "")}


@login_required
@require_safe
def report_download(request, code, fiscal_year):
    """GET, whoever may see the report: the pre-filled workbook (xlsx)."""
    report = get_report_for_user(request.user, code, fiscal_year)
    extra = value_context(report, request.user)
    data = report_workbook(
        report,
        indicators=extra["indicators"],
        values=extra["values"],
        last_year=extra["last_year"],
        goals=extra["goals"],
        made_by=export_about(request).made_by,
        own=extra,
    )
    response = HttpResponse(data, content_type=XLSX)
    filename = f"annual-report-{report.project.code}-{report.fiscal_year}-v{report.version}.xlsx"
    name = file_name(
        _("年度報告"),
        report.project.name,
        year_name(report.fiscal_year),
        _("第%(version)s版") % {"version": report.version},
    )
    return attach(response, f"{name}.xlsx", filename)


@login_required
@require_http_methods(["GET", "POST"])
def report_upload(request, code, fiscal_year):
    """GET/POST, staff of the project's bureau while the report is editable: upload a filled
    workbook; every problem is listed with its cell and nothing changes."""
    report = get_report_for_user(request.user, code, fiscal_year, write=True)
    form = WorkbookUploadForm(posted(request), request.FILES or None, report=report)
    refused = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read(MAX_FILE_BYTES + 1)
        started = timezone.now()
        try:
            saved = workbook_import.annual_report_import(
                data=data, by=request.user, expected=report, reason=form.cleaned_data["reason"]
            )
        except WorkbookRefused as error:
            refused = error
        else:
            if saved.merge and saved.merge.taken:
                messages.info(request, merged_message(saved.merge.taken))
            for note in saved.conflict_notes:
                messages.warning(request, str(note))
            changed = values_changed_since(report, started)
            messages.success(
                request,
                _("ブックの値を取り込みました。")
                + " "
                + ngettext(
                    "変更した値は%(count)s件です。", "変更した値は%(count)s件です。", changed
                )
                % {"count": changed},
            )
            return redirect(report)
    return render(
        request,
        "evaluation/report_upload.html",
        {"report": report, "project": report.project, "form": form, "refused": refused},
        status=400 if refused else 200,
    )


@login_required
@require_safe
def submission_board_export(request, fmt):
    """GET, managers and admins (403 for others): the board, a row per project, the report's
    state per fiscal year (「期限超過」 where the deadline passed without a submission)."""
    fmt = export_format(fmt)
    context = board_context(request.user, **_board_filters(request))
    labels = dict(context["states"])
    header = [_("プロジェクト"), _("経済産業局"), *[fy(y) for y in context["years"]]]

    def state(cell):
        text = str(labels[cell["state"]])
        return f"{text}（{_('期限超過')}）" if cell["overdue"] else text

    rows = (
        [str(row["project"].name), str(row["project"].bureau.name)]
        + [state(cell) for cell in row["cells"]]
        for row in context["rows"]
    )
    title = _("提出状況")
    return export_response(
        fmt, "submission-board", title, header, rows, name=title, about=export_about(request)
    )
