"""Action items: the list (filters by bureau, round, state, overdue), an item with its thread
(finding → item → activities → the values of the following years), and the moves."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from evaluation.forms import fy_label
from evaluation.models import (
    ActionItem,
    Activity,
    EvaluationRound,
    MonitoredValue,
    YearlyPlan,
)
from evaluation.services.actions import (
    action_item_dismiss,
    action_item_done,
    action_item_plan,
    action_item_verify,
)
from evaluation.services.workflow import StaleEditError
from evaluation.view_helpers import STALE_STATUS, add_service_errors, posted
from projects.domain import fiscal_year_of
from projects.models import Bureau, Role

PAGE_SIZE = 100


def current_fiscal_year() -> int:
    return fiscal_year_of(timezone.localdate())


def get_item_for_user(user, item_id: int) -> ActionItem:
    return get_object_or_404(
        ActionItem.objects.visible_to(user).select_related(
            "project__bureau", "evaluation__round", "report", "owner", "decided_by"
        ),
        pk=item_id,
    )


@login_required
@require_safe
def action_item_list(request):
    """GET, every signed-in user: the items they may see (managers all, staff their bureau's,
    evaluators their assigned projects'); filters by bureau, round, state and overdue."""
    items, context = filtered_items(request)
    total = items.count()
    context |= {"items": list(items[:PAGE_SIZE]), "total": total, "page_size": PAGE_SIZE}
    return render(request, "evaluation/action_item_list.html", context)


def filtered_items(request):
    """The items the user may see, filtered as the query string asks (the list and its
    exports), with the filters' context."""
    items = ActionItem.objects.visible_to(request.user).select_related(
        "project__bureau", "evaluation__round", "report"
    )
    bureau = request.GET.get("bureau", "")
    state = request.GET.get("state", "")
    round_id = request.GET.get("round", "")
    overdue = request.GET.get("overdue") == "1"
    bureaus = list(Bureau.objects.all())
    rounds = list(EvaluationRound.objects.visible_to(request.user))
    if bureau in {b.code for b in bureaus}:
        items = items.filter(project__bureau__code=bureau)
    else:
        bureau = ""
    if state in ActionItem.State.values:
        items = items.filter(state=state)
    else:
        state = ""
    if round_id in {str(r.pk) for r in rounds}:
        items = items.filter(evaluation__round_id=round_id)
    else:
        round_id = ""
    this_year = current_fiscal_year()
    if overdue:
        items = items.filter(
            state__in=[ActionItem.State.OPEN, ActionItem.State.PLANNED],
            due_fiscal_year__lt=this_year,
        )
    context = {
        "bureaus": bureaus,
        "rounds": rounds,
        "states": ActionItem.State.choices,
        "bureau": bureau,
        "state": state,
        "round": round_id,
        "overdue": overdue,
        "this_year": this_year,
    }
    return items, context


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
