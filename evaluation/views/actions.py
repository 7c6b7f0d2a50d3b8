"""Action items: the list (filters by bureau, round, state, overdue), an item with its thread
(finding → item → activities → the values of the following years), and the moves."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from evaluation.forms.actions import ActionItemFilter, ItemNoteForm, ItemPlanForm
from evaluation.models import ActionItem
from evaluation.renderers.exports import (
    export_format,
    export_response,
    fy,
)
from evaluation.selectors.actions import (
    filtered_items,
    get_item_for_user,
    item_filter_choices,
    item_page,
    item_thread,
)
from evaluation.services import actions
from evaluation.services.editing import StaleEditError
from evaluation.views.helpers import (
    STALE_STATUS,
    add_service_errors,
    asked_page_size,
    export_about,
    posted,
    query_without_page,
)
from projects.times import current_fiscal_year

PAGE_SIZE = 100


@login_required
@require_safe
def action_item_list(request):
    """GET, every signed-in user: the items they may see (managers all, staff their bureau's,
    evaluators their assigned projects'); filters by bureau, round, state and overdue; 100 a
    page (`?page=N`; `?page_size=` asks for fewer, as the API does)."""
    filters, context = _filters(request)
    page = item_page(
        request.user,
        request.GET.get("page"),
        filters=filters,
        per_page=asked_page_size(request),
        rows_per_page=PAGE_SIZE,
    )
    context |= {
        "items": page.object_list,
        "page": page,
        "page_query": query_without_page(request),
        "total": page.paginator.count,
        "page_size": page.paginator.per_page,
    }
    return render(request, "evaluation/action_item_list.html", context)


@login_required
@require_safe
def action_item_detail(request, item_id):
    """GET, whoever may see the item: the thread from the finding to the later values."""
    item = get_item_for_user(request.user, item_id)
    context = {"item": item, "project": item.project, **item_thread(request.user, item)}
    return render(request, "evaluation/action_item_detail.html", context)


MOVES = {
    # name → (heading, message on success); who may make which move: selectors.actions.may_move
    "plan": (gettext_lazy("計画に反映する"), gettext_lazy("計画に反映しました。")),
    "done": (gettext_lazy("実施済みにする"), gettext_lazy("実施済みにしました。")),
    "verify": (gettext_lazy("確認する"), gettext_lazy("確認しました。")),
    "dismiss": (gettext_lazy("対応不要にする"), gettext_lazy("対応不要にしました。")),
}


@login_required
@require_http_methods(["GET", "POST"])
def action_item_move(request, item_id, move):
    """GET/POST: plan (staff, link activities), done (staff, a note), verify (manager),
    dismiss (manager, a reason). 404 for an unknown move or an item the user may not see;
    403 for a move the user may not make now."""
    if move not in MOVES:
        raise Http404
    item = get_item_for_user(request.user, item_id, move=move)
    heading, success = MOVES[move]
    data = posted(request)
    initial = {"version": item.version}
    if move == "plan":
        form = ItemPlanForm(data, item=item, initial=initial)
    else:
        labels = {
            "done": (True, _("実施の内容")),
            "verify": (False, _("確認のコメント")),
            "dismiss": (True, _("対応不要とする理由")),
        }
        required, label = labels[move]
        form = ItemNoteForm(data, required=required, label=label, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        cleaned = form.cleaned_data
        version = cleaned["version"]
        try:
            if move == "plan":
                actions.action_item_plan(
                    item=item,
                    by=request.user,
                    expected_version=version,
                    activity_ids=[int(pk) for pk in cleaned["activities"]],
                )
            elif move == "done":
                actions.action_item_done(
                    item=item, by=request.user, expected_version=version, note=cleaned["note"]
                )
            elif move == "verify":
                actions.action_item_verify(
                    item=item, by=request.user, expected_version=version, note=cleaned["note"]
                )
            else:
                actions.action_item_dismiss(
                    item=item, by=request.user, expected_version=version, note=cleaned["note"]
                )
        except StaleEditError:
            form.add_error(None, _("画面を開いた後に、この改善事項が別の画面で変更されています。"))
            status = STALE_STATUS
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, success)
            return redirect(item.get_absolute_url())
    context = {"item": item, "project": item.project, "form": form, "heading": heading}
    return render(request, "evaluation/action_item_form.html", context, status=status)


def _filters(request):
    """The list's filters (parsed from the query string; a value that is not a choice falls
    back to all), for filtered_items, with their context (the list and its exports)."""
    bureaus, rounds = item_filter_choices(request.user)
    filters = ActionItemFilter(request.GET, bureaus=bureaus, rounds=rounds).values()
    context = {
        "bureaus": bureaus,
        "rounds": rounds,
        "states": ActionItem.State.choices,
        "bureau": filters["bureau"],
        "state": filters["state"],
        "round": filters["round"],
        "overdue": filters["overdue"],
        "this_year": current_fiscal_year(),
    }
    chosen = {
        "bureau": filters["bureau"],
        "round_id": filters["round"],
        "state": filters["state"],
        "overdue": filters["overdue"],
    }
    return chosen, context


def _filtered(request):
    """The items of the list's scope and filters, with the filters' context (the exports)."""
    filters, context = _filters(request)
    return filtered_items(request.user, **filters), context


CHUNK = 200  # rows read from the database at a time


@login_required
@require_safe
def action_item_export(request, fmt):
    """GET, every signed-in user: the action items of the list (all of them, not only the first
    page), with the list's scope and filters. Streamed from the database in chunks."""
    fmt = export_format(fmt)
    items, _context = _filtered(request)
    header = [
        _("番号"),
        _("プロジェクト"),
        _("経済産業局"),
        _("出所"),
        _("評価の実施回"),
        _("改善事項"),
        _("対応年度"),
        _("状態"),
        _("実施の内容"),
        _("確認・対応不要の理由"),
    ]

    def rows():
        for item in items.order_by("due_fiscal_year", "project__order", "pk").iterator(CHUNK):
            yield [
                item.pk,
                str(item.project.name),
                str(item.project.bureau.name),
                str(item.get_source_display()),
                item.evaluation.round.name if item.evaluation_id else "",
                item.text,
                fy(item.due_fiscal_year),
                str(item.get_state_display()),
                item.done_note,
                item.decision_note,
            ]

    title = _("改善事項")
    return export_response(
        fmt, "action-items", title, header, rows(), name=title, about=export_about(request)
    )
