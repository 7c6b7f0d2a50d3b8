from django.shortcuts import get_object_or_404
from django.utils import timezone

from evaluation.models import (
    ActionItem,
    EvaluationRound,
)
from projects.domain import fiscal_year_of
from projects.models import Bureau


def get_item_for_user(user, item_id: int) -> ActionItem:
    return get_object_or_404(
        ActionItem.objects.visible_to(user).select_related(
            "project__bureau", "evaluation__round", "report", "owner", "decided_by"
        ),
        pk=item_id,
    )


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


def current_fiscal_year() -> int:
    return fiscal_year_of(timezone.localdate())
