"""The network registry's screens: a project's member list (counts for everyone, names for its
bureau, managers and assigned evaluators), its exports, the import of a list (preview, then
apply), and an organisation's page."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from evaluation.forms.registry import (
    MemberCountsForm,
    MemberListApplyForm,
    MemberListFilter,
    MemberListUploadForm,
    NetworkFilter,
)
from evaluation.renderers.charts import bar_chart
from evaluation.renderers.exports import export_format, export_response
from evaluation.renderers.layout import file_name
from evaluation.renderers.workbooks import MAX_FILE_BYTES, WorkbookRefused
from evaluation.selectors.paging import page_of
from evaluation.selectors.registry import (
    member_list_page,
    network_page,
    organisation_page,
    report_member_figures,
)
from evaluation.selectors.reports import entry_context, get_report_for_user
from evaluation.services import registry
from evaluation.views.helpers import edit_screen, export_about, query_without_page
from projects.domain import fiscal_year_short_label
from projects.selectors import get_project_for_user
from projects.times import day_label


def member_chart(count_rows, years):
    """Members by type at the end of the first and the last tracked year (inline SVG)."""
    first, last = years[0], years[-1]
    labels = [str(label) for label, _counts in count_rows]
    return bar_chart(
        title=_("種別ごとの会員数（各年度末）"),
        description="、".join(f"{label} {counts[0]}→{counts[-1]}" for label, counts in count_rows),
        categories=labels,
        series=[
            (
                fiscal_year_short_label(first, get_language() or "ja"),
                [Decimal(c[0]) for _l, c in count_rows],
            ),
            (
                fiscal_year_short_label(last, get_language() or "ja"),
                [Decimal(c[-1]) for _l, c in count_rows],
            ),
        ],
        places=0,
        first_header=_("種別"),
    )


@login_required
@require_safe
def member_list(request, code):
    """GET, every signed-in user: the counts by type and fiscal year; the names (filtered,
    paginated) for the project's bureau, managers, admins and assigned evaluators."""
    context = member_list_page(request.user, code, **MemberListFilter(request.GET).values())
    context["chart"] = member_chart(context["count_rows"], context["years"])
    if context["rows"] is not None:
        context["page"] = page_of(context["rows"], request.GET.get("page"))
        context["query"] = query_without_page(request)
    return render(request, "evaluation/member_list.html", context)


@login_required
@require_safe
def member_list_export(request, code, fmt):
    """GET, those who may read the names (403 for the others): the filtered list, every row."""
    fmt = export_format(fmt)
    context = member_list_page(request.user, code, **MemberListFilter(request.GET).values())
    if context["rows"] is None:
        raise PermissionDenied
    project = context["project"]
    header = [
        _("名称"),
        _("種別"),
        _("法人番号"),
        _("都道府県"),
        _("市区町村"),
        _("役割"),
        _("参画日"),
        _("退会日"),
        _("出所・注記"),
    ]
    rows = (
        [
            m.organisation.name,
            m.organisation.get_type_display(),
            m.organisation.corporate_number,
            m.organisation.prefecture,
            m.organisation.municipality,
            m.get_role_display(),
            day_label(m.joined),
            day_label(m.left),
            m.source,
        ]
        for m in context["rows"].iterator(chunk_size=2000)
    )
    title = _("会員名簿")
    return export_response(
        fmt,
        f"members-{project.code}",
        title,
        header,
        rows,
        name=file_name(title, project.name),
        about=export_about(request, filters=[(_("プロジェクト"), project.name)]),
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_import(request, code):
    """GET/POST, staff of the project's bureau (403 for others): choose a file; a POST shows
    the preview (nothing changes) with the apply form."""
    project = get_project_for_user(request.user, code, write=True)
    form = MemberListUploadForm(
        request.POST if request.method == "POST" else None, request.FILES or None
    )
    refused = preview = apply_form = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            preview = registry.member_list_preview(
                project=project, data=upload.read(MAX_FILE_BYTES + 1), by=request.user
            )
        except WorkbookRefused as error:
            refused = error
        else:
            ambiguous = [r for r in preview.rows if r.status == registry.AMBIGUOUS]
            apply_form = MemberListApplyForm(
                initial={"token": preview.token, "source": upload.name[:200]},
                ambiguous=ambiguous,
            )
            for item in ambiguous:  # each row's choice is shown in its own line of the table
                item.field = apply_form[f"choice-{item.line}"]
    context = {
        "project": project,
        "form": form,
        "refused": refused,
        "preview": preview,
        "apply_form": apply_form,
    }
    return render(request, "evaluation/member_import.html", context, status=400 if refused else 200)


@login_required
@require_http_methods(["GET", "POST"])
def member_import_apply(request, code):
    """POST, staff of the project's bureau (403 for others): write the previewed list, all or
    nothing; a refusal lists its rows and changes nothing. A GET shows the file form again."""
    project = get_project_for_user(request.user, code, write=True)
    if request.method == "GET":
        context = {"project": project, "form": MemberListUploadForm(), "refused": None}
        return render(request, "evaluation/member_import.html", context)
    refused = None
    try:
        rows = registry.rows_from_token(project=project, token=request.POST.get("token", ""))
        matched = registry.match_rows(project, rows)
        form = MemberListApplyForm(
            request.POST, ambiguous=[r for r in matched if r.status == registry.AMBIGUOUS]
        )
        if form.is_valid():
            applied = registry.member_list_apply(
                project=project,
                token=form.cleaned_data["token"],
                choices=form.choices(),
                by=request.user,
                source=form.cleaned_data["source"],
            )
            messages.success(
                request,
                _(
                    "会員名簿を取り込みました：新しい組織%(created)s件、法人番号の追加"
                    "%(updated)s件、会員の追加%(added)s件（変更なし%(unchanged)s件）。"
                )
                % {
                    "created": applied.organisations_created,
                    "updated": applied.organisations_updated,
                    "added": applied.memberships_created,
                    "unchanged": applied.unchanged,
                },
            )
            return redirect(reverse("member_list", args=[project.code]))
        refused = WorkbookRefused(
            [registry.Problem("", e) for errors in form.errors.values() for e in errors]
        )
    except WorkbookRefused as error:
        refused = error
    context = {"project": project, "form": MemberListUploadForm(), "refused": refused}
    return render(request, "evaluation/member_import.html", context, status=400)


def network_chart(pairs):
    """The pairs of projects that share the most members, as bars (inline SVG); the chart's
    table holds the same numbers."""
    return bar_chart(
        title=_("会員を共有するプロジェクトの組"),
        description="、".join(
            f"{p['first'].name} × {p['second'].name} {p['shared']}" for p in pairs
        ),
        categories=[f"{p['first'].name} × {p['second'].name}" for p in pairs],
        series=[(_("共有する会員数"), [Decimal(p["shared"]) for p in pairs])],
        places=0,
        first_header=_("プロジェクトの組"),
    )


@login_required
@require_safe
def network(request):
    """GET, every signed-in user (counts only, no names of members): which projects share
    members at a fiscal year's end, as a chart and a table of the same numbers."""
    context = network_page(**NetworkFilter(request.GET).values())
    context["chart"] = network_chart(context["pairs"]) if context["pairs"] else None
    return render(request, "evaluation/member_network.html", context)


@login_required
@require_safe
def organisation_detail(request, organisation_id):
    """GET, every signed-in user (names and types are reference data): the organisation and
    the memberships the user may read, over time."""
    return render(
        request,
        "evaluation/organisation_detail.html",
        organisation_page(request.user, organisation_id),
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_member_counts(request, code, fiscal_year):
    """GET/POST, staff of the project's bureau while the report is editable (as the entry
    screen): the member list's counts of the year's end, written into the report's values."""
    report = get_report_for_user(request.user, code, fiscal_year, write=True)
    extra = entry_context(report, request.user)
    figures = report_member_figures(report, extra["indicators"], extra["values"])

    def save(form):
        registry.report_member_counts_apply(
            report=report,
            expected_version=form.cleaned_data["version"],
            by=request.user,
            figures=figures,
            reason=form.cleaned_data["reason"],
        )

    return edit_screen(
        request,
        record=report,
        make_form=lambda data, record: MemberCountsForm(data, plan=record),
        template="evaluation/report_member_counts.html",
        context={"report": report, "project": report.project, "registry_figures": figures},
        save=save,
        success=_("会員名簿の会員数を年度報告に反映しました。"),
        done_url=report.get_absolute_url(),
    )
