"""Action items: the list (filters by bureau, round, state, overdue), an item with its thread
(finding → item → activities → the values of the following years), and the moves."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from evaluation.forms.actions import ItemNoteForm, ItemPlanForm
from evaluation.models import (
    ActionItem,
    MonitoredValue,
)
from evaluation.renderers.exports import (
    _format,
    export_response,
    fy,
)
from evaluation.selectors.actions import filtered_items, get_item_for_user
from evaluation.services.actions import (
    action_item_dismiss,
    action_item_done,
    action_item_plan,
    action_item_verify,
)
from evaluation.services.editing import StaleEditError
from evaluation.views.helpers import STALE_STATUS, add_service_errors, posted
from projects.models import Role

PAGE_SIZE = 100


@login_required
@require_safe
def action_item_list(request):
    """GET, every signed-in user: the items they may see (managers all, staff their bureau's,
    evaluators their assigned projects'); filters by bureau, round, state and overdue."""
    items, context = filtered_items(request)
    total = items.count()
    context |= {"items": list(items[:PAGE_SIZE]), "total": total, "page_size": PAGE_SIZE}
    return render(request, "evaluation/action_item_list.html", context)


@login_required
@require_safe
def action_item_detail(request, item_id):
    """GET, whoever may see the item: the thread from the finding to the later values."""
    item = get_item_for_user(request.user, item_id)
    activities = list(
        item.activities.select_related("yearly_plan", "output_indicator").order_by(
            "yearly_plan__fiscal_year", "order"
        )
    )
    indicators = {a.output_indicator_id for a in activities if a.output_indicator_id}
    later_values = list(
        MonitoredValue.objects.visible_to(request.user)
        .filter(
            project=item.project,
            indicator__in=indicators,
            fiscal_year__gte=item.due_fiscal_year,
        )
        .select_related("indicator")
        .order_by("indicator__order", "fiscal_year")
    )
    user = request.user
    context = {
        "item": item,
        "project": item.project,
        "activities": activities,
        "later_values": later_values,
        "revisions": list(item.scenario_revisions.select_related("plan__phase")),
        **{f"can_{move}": _may(item, user, move) for move in MOVES},
        "history": list(item.history.select_related("history_user").order_by("history_date")),
    }
    return render(request, "evaluation/action_item_detail.html", context)


MOVES = {
    # name → (who may, heading, message on success)
    "plan": (Role.STAFF, gettext_lazy("計画に反映する"), gettext_lazy("計画に反映しました。")),
    "done": (Role.STAFF, gettext_lazy("実施済みにする"), gettext_lazy("実施済みにしました。")),
    "verify": (Role.MANAGER, gettext_lazy("確認する"), gettext_lazy("確認しました。")),
    "dismiss": (Role.MANAGER, gettext_lazy("対応不要にする"), gettext_lazy("対応不要にしました。")),
}


def _may(item, user, move) -> bool:
    S = ActionItem.State
    if move in ("plan", "done"):
        own = user.role == Role.STAFF and item.project.bureau_id == user.bureau_id
        allowed = (S.OPEN, S.PLANNED) if move == "plan" else (S.PLANNED,)
        return own and item.state in allowed
    if move == "verify":
        return user.role == Role.MANAGER and item.state == S.DONE
    return user.role == Role.MANAGER and not item.is_closed


@login_required
@require_http_methods(["GET", "POST"])
def action_item_move(request, item_id, move):
    """GET/POST: plan (staff, link activities), done (staff, a note), verify (manager),
    dismiss (manager, a reason). 404 for an unknown move or an item the user may not see;
    403 for a move the user may not make now."""
    if move not in MOVES:
        from django.http import Http404

        raise Http404
    item = get_item_for_user(request.user, item_id)
    if not _may(item, request.user, move):
        raise PermissionDenied
    _who, heading, success = MOVES[move]
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
                action_item_plan(
                    item=item,
                    by=request.user,
                    expected_version=version,
                    activity_ids=[int(pk) for pk in cleaned["activities"]],
                )
            elif move == "done":
                action_item_done(
                    item=item, by=request.user, expected_version=version, note=cleaned["note"]
                )
            elif move == "verify":
                action_item_verify(
                    item=item, by=request.user, expected_version=version, note=cleaned["note"]
                )
            else:
                action_item_dismiss(
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


CHUNK = 200  # rows read from the database at a time


@login_required
@require_safe
def action_item_export(request, fmt):
    """GET, every signed-in user: the action items of the list (all of them, not only the first
    page), with the list's scope and filters. Streamed from the database in chunks."""
    fmt = _format(fmt)
    items, _context = filtered_items(request)
    header = [
        _("番号"),
        _("プロジェクト"),
        _("経済産業局"),
        _("出所"),
        _("評価ラウンド"),
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
                item.evaluation.round.title if item.evaluation_id else "",
                item.text,
                fy(item.due_fiscal_year),
                str(item.get_state_display()),
                item.done_note,
                item.decision_note,
            ]

    return export_response(fmt, "action-items", _("改善事項"), header, rows())
