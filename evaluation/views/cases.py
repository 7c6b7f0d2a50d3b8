"""Screens of cases and adoptions: the project's case list and the entry of its cases (with
partners and stages) and adoptions, for its bureau's staff; the review sheet of a policy tool
(行政事業レビューシート style; figures only, for every signed-in user)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from evaluation.forms.cases import (
    AdoptionForm,
    AdoptionListApplyForm,
    AdoptionListUploadForm,
    CaseForm,
)
from evaluation.renderers.exports import export_format, export_response, fy
from evaluation.renderers.layout import file_name
from evaluation.renderers.workbooks import MAX_FILE_BYTES, Problem, WorkbookRefused
from evaluation.selectors.cases import (
    adoption_delete_page,
    case_delete_page,
    case_list_page,
    get_adoption_for_user,
    get_case_for_user,
    get_case_project_for_user,
    locked_years_of,
    partner_choices,
    project_cases,
    review_sheet,
)
from evaluation.services import cases as case_services
from evaluation.views.helpers import add_service_errors, export_about, posted
from projects.models import Adoption, CollaborationCase


@login_required
@require_safe
def tool_review_sheet(request, code):
    """GET, every signed-in user: budget and amount granted per year, adoptions, funded cases by
    stage and the cost per outcome of one policy tool (no names)."""
    return render(
        request, "evaluation/tool_review_sheet.html", {"sheet": review_sheet(request.user, code)}
    )


def review_rows(sheet):
    """The review sheet as one table: per year, then the stages, then the cost per outcome."""
    for year in sheet.years:
        yield [
            _("年度別"),
            fy(year.fiscal_year),
            year.budget_yen,
            year.granted_yen,
            year.adoptions,
            None,
            None,
            "",
        ]
    for label, count in sheet.stage_rows:
        yield [_("採択された連携事例の到達段階"), label, None, None, None, count, None, ""]
    cost = sheet.cost
    yield [
        _("単位当たりコスト"),
        _("事業化に至った事例（成功事例）"),
        None,
        cost.granted_yen,
        None,
        cost.success_cases,
        cost.per_success.yen,
        cost.per_success_note,
    ]
    yield [
        _("単位当たりコスト"),
        _("製品化以降に至った事例"),
        None,
        cost.granted_yen,
        None,
        cost.product_cases,
        cost.per_product.yen,
        cost.per_product_note,
    ]


@login_required
@require_safe
def tool_review_sheet_export(request, code, fmt):
    """GET, every signed-in user: the review sheet as CSV or xlsx (figures only)."""
    fmt = export_format(fmt)
    sheet = review_sheet(request.user, code)
    header = [
        _("区分"),
        _("項目"),
        _("予算額（円）"),
        _("採択額（円）"),
        _("採択件数"),
        _("事例数"),
        _("1件当たり（円）"),
        _("注記"),
    ]
    return export_response(
        fmt,
        f"review-{sheet.tool.code}",
        _("レビューシート"),
        header,
        review_rows(sheet),
        name=file_name(_("レビューシート"), sheet.tool.name),
        about=export_about(request, filters=[(_("政策ツール（施策）"), sheet.tool.name)]),
    )


@login_required
@require_safe
def case_list(request, code):
    """GET, the project's bureau staff, managers, admins and assigned evaluators (404 for the
    others): its collaboration cases by stage with partners, and its adoptions."""
    return render(request, "evaluation/case_list.html", case_list_page(request.user, code))


def _case_screen(request, project, case):
    """GET shows the case form; POST saves the case with its stages and partners in one
    transaction (the stage order rule checked by the service) and returns to the list."""
    keep = [case.lead_id] + [p.organisation_id for p in case.partners.all()] if case.pk else []
    locked_years = locked_years_of(case)  # before the form fills the case in
    form = CaseForm(
        posted(request), case=case, organisations=partner_choices(project, [k for k in keep if k])
    )
    if request.method == "POST" and form.is_valid():
        try:
            case_services.case_save(
                case=form.fill(),
                stages=form.cleaned_data["stages"],
                partners=[
                    case_services.PartnerInput(organisation_id=pk, role=role)
                    for pk, role in form.cleaned_data["partners"]
                ],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("連携事例「%(title)s」を保存しました。") % {"title": case})
            return redirect(reverse("case_list", args=[project.code]))
    heading = _("連携事例を編集する") if case.pk else _("連携事例を追加する")
    context = {
        "project": project,
        "case": case,
        "form": form,
        "heading": heading,
        "locked_years": locked_years,
    }
    return render(request, "evaluation/case_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def case_create(request, code):
    """GET/POST, staff of the project's bureau (404 for other bureaus, 403 for readers): a new
    case."""
    project = get_case_project_for_user(request.user, code, write=True)
    return _case_screen(request, project, CollaborationCase(project=project))


@login_required
@require_http_methods(["GET", "POST"])
def case_edit(request, code, case_id):
    """GET/POST, staff of the project's bureau (404 for another bureau's case, 403 for
    readers): change a case, its stages and partners."""
    case = get_case_for_user(request.user, code, case_id, write=True)
    return _case_screen(request, case.project, case)


def _adoption_screen(request, project, adoption):
    keep = [adoption.organisation_id] if adoption.organisation_id else []
    locked_years = locked_years_of(adoption)  # before the form fills the adoption in
    form = AdoptionForm(
        posted(request),
        adoption=adoption,
        organisations=partner_choices(project, keep),
        cases=project_cases(project),
    )
    if request.method == "POST" and form.is_valid():
        try:
            case_services.adoption_save(adoption=form.fill(), by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("採択を保存しました。"))
            return redirect(reverse("case_list", args=[project.code]) + "#adoptions")
    heading = _("採択を編集する") if adoption.pk else _("採択を追加する")
    context = {
        "project": project,
        "adoption": adoption,
        "form": form,
        "heading": heading,
        "locked_years": locked_years,
    }
    return render(request, "evaluation/adoption_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def adoption_create(request, code):
    """GET/POST, staff of the project's bureau (404 for other bureaus, 403 for readers): a new
    adoption."""
    project = get_case_project_for_user(request.user, code, write=True)
    return _adoption_screen(request, project, Adoption(project=project))


@login_required
@require_http_methods(["GET", "POST"])
def adoption_edit(request, code, adoption_id):
    """GET/POST, staff of the project's bureau (404 for another bureau's adoption, 403 for
    readers): change an adoption."""
    adoption = get_adoption_for_user(request.user, code, adoption_id, write=True)
    return _adoption_screen(request, adoption.project, adoption)


def _delete_screen(request, context: dict, delete, *, done: str, success: str):
    """GET shows what will be deleted (and why it cannot be, when an approved annual report
    counts it); POST, from the page's form (`confirm`; without it 400, nothing deleted),
    deletes through the service and returns to the list, or shows the refusal (409: the
    record's state refuses it)."""
    if request.method == "POST":
        if request.POST.get("confirm") != "1":
            context["refusal"] = [_("確認画面の「削除する」から削除してください。")]
            return render(request, "evaluation/case_delete.html", context, status=400)
        try:
            delete()
        except ValidationError as error:
            context.update(refusal=error.messages, locked_refusal=True)
            return render(request, "evaluation/case_delete.html", context, status=409)
        messages.success(request, success)
        return redirect(done)
    return render(request, "evaluation/case_delete.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def case_delete(request, code, case_id):
    """GET confirms, POST deletes; staff of the project's bureau (404 for another bureau's
    case, 403 for readers). Refused while a year the case counts for is approved."""
    context = case_delete_page(request.user, code, case_id)
    case = context["case"]
    return _delete_screen(
        request,
        context,
        lambda: case_services.case_delete(case=case, by=request.user),
        done=reverse("case_list", args=[case.project.code]),
        success=_("連携事例「%(title)s」を削除しました。") % {"title": case.title},
    )


@login_required
@require_http_methods(["GET", "POST"])
def adoption_delete(request, code, adoption_id):
    """GET confirms, POST deletes; staff of the project's bureau (404 for another bureau's
    adoption, 403 for readers). Refused while the adoption's year is approved."""
    context = adoption_delete_page(request.user, code, adoption_id)
    adoption = context["adoption"]
    return _delete_screen(
        request,
        context,
        lambda: case_services.adoption_delete(adoption=adoption, by=request.user),
        done=reverse("case_list", args=[adoption.project.code]) + "#adoptions",
        success=_("採択を削除しました。"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def adoption_import(request, code):
    """GET/POST, staff of the project's bureau (404 for other bureaus, 403 for readers): choose
    a file; a POST shows the preview (nothing changes) with the apply form."""
    project = get_case_project_for_user(request.user, code, write=True)
    form = AdoptionListUploadForm(
        request.POST if request.method == "POST" else None, request.FILES or None
    )
    refused = preview = apply_form = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            preview = case_services.adoption_list_preview(
                project=project, data=upload.read(MAX_FILE_BYTES + 1), by=request.user
            )
        except WorkbookRefused as error:
            refused = error
        else:
            apply_form = AdoptionListApplyForm(
                initial={"token": preview.token, "source": upload.name[:200]}
            )
    context = {
        "project": project,
        "form": form,
        "refused": refused,
        "preview": preview,
        "apply_form": apply_form,
    }
    status = 400 if refused else 200
    return render(request, "evaluation/adoption_import.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def adoption_import_apply(request, code):
    """POST, staff of the project's bureau (404 for other bureaus, 403 for readers): add the
    previewed adoptions, all or nothing; a refusal lists its rows and changes nothing. A GET
    shows the file form again."""
    project = get_case_project_for_user(request.user, code, write=True)
    context = {"project": project, "form": AdoptionListUploadForm(), "refused": None}
    if request.method == "GET":
        return render(request, "evaluation/adoption_import.html", context)
    form = AdoptionListApplyForm(request.POST)
    try:
        if not form.is_valid():
            raise WorkbookRefused(
                [Problem("", e) for errors in form.errors.values() for e in errors]
            )
        added = case_services.adoption_list_apply(
            project=project,
            token=form.cleaned_data["token"],
            by=request.user,
            source=form.cleaned_data["source"],
        )
    except WorkbookRefused as error:
        context["refused"] = error
        return render(request, "evaluation/adoption_import.html", context, status=400)
    messages.success(request, _("採択一覧を取り込みました：採択%(n)s件。") % {"n": added})
    return redirect(reverse("case_list", args=[project.code]) + "#adoptions")
