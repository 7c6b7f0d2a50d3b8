from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from evaluation.models import (
    ActionItem,
    AnnualReport,
    EvaluationRound,
    MonitoredValue,
    ProjectEvaluation,
    YearlyPlan,
)
from evaluation.selectors.paging import page_of, read_by_keys
from projects.models import Bureau, Role
from projects.times import current_fiscal_year


def get_item_for_user(user, item_id: int, *, move: str | None = None) -> ActionItem:
    """An item the user may see (404 otherwise); with a move, one they may make now (403)."""
    item = get_object_or_404(
        ActionItem.objects.visible_to(user, per_row=True).select_related(
            "project__bureau", "evaluation__round", "report", "owner", "decided_by"
        ),
        pk=item_id,
    )
    if move is not None and not may_move(user, item, move):
        raise PermissionDenied
    return item


def item_filter_choices(user) -> tuple[list[Bureau], list[EvaluationRound]]:
    """The bureaus and the rounds the user may see, to filter the list by."""
    return list(Bureau.objects.all()), list(EvaluationRound.objects.visible_to(user))


def item_page(user, number, *, filters: dict, per_page: int | None, rows_per_page: int):
    """The page numbered `number` of the items `user` may see with the list's `filters`
    (filtered_items), its rows read by their keys with the project, bureau, round and report
    the list shows. Counted through the project's index; a reader of many items has the page's
    keys read by walking the order's index (ActionItemQuerySet.page_scope, issue 27)."""
    items, count = _filtered(**filters).page_scope(user)
    page = page_of(
        items,
        number,
        count,
        per_page=per_page,
        rows_per_page=rows_per_page,
    )
    rows = ActionItem.objects.select_related("project__bureau", "evaluation__round", "report")
    return read_by_keys(page, rows)


def filtered_items(
    user, *, bureau: str = "", round_id: str = "", state: str = "", overdue: bool = False
):
    """The items the user may see, of a bureau (code), of a round (id), in a state, overdue
    (due before this fiscal year and not yet done); an empty filter is all (the list and its
    exports)."""
    return _filtered(bureau=bureau, round_id=round_id, state=state, overdue=overdue).visible_to(
        user
    )


def _filtered(*, bureau: str = "", round_id: str = "", state: str = "", overdue: bool = False):
    items = ActionItem.objects.select_related("project__bureau", "evaluation__round", "report")
    if bureau:
        items = items.filter(project__bureau__code=bureau)
    if state:
        items = items.filter(state=state)
    if round_id:
        items = items.filter(evaluation__round_id=round_id)
    if overdue:
        items = items.filter(
            state__in=[ActionItem.State.OPEN, ActionItem.State.PLANNED],
            due_fiscal_year__lt=current_fiscal_year(),
        )
    return items


MOVES = ("plan", "done", "verify", "dismiss")


def may_move(user, item, move: str) -> bool:
    """Who may move an item now: staff of its bureau plan it (open or planned) and mark it done
    (planned); managers verify it (done) and dismiss it (not closed)."""
    S = ActionItem.State
    if move in ("plan", "done"):
        own = user.role == Role.STAFF and item.project.bureau_id == user.bureau_id
        allowed = (S.OPEN, S.PLANNED) if move == "plan" else (S.PLANNED,)
        return own and item.state in allowed
    if move == "verify":
        return user.role == Role.MANAGER and item.state == S.DONE
    return user.role == Role.MANAGER and not item.is_closed


def item_thread(user, item) -> dict:
    """The item's thread: its activities, the later values of their output indicators, the
    scenario revisions it led to, its history (the detail page); and which of the records it
    names the user may open (`opens`), so the page links only to those."""
    activities = list(
        item.activities.select_related("yearly_plan", "output_indicator").order_by(
            "yearly_plan__fiscal_year", "order"
        )
    )
    indicators = {a.output_indicator_id for a in activities if a.output_indicator_id}
    later_values = list(
        MonitoredValue.objects.visible_to(user)
        .filter(
            project=item.project,
            indicator__in=indicators,
            fiscal_year__gte=item.due_fiscal_year,
        )
        .select_related("indicator")
        .order_by("indicator__order", "fiscal_year")
    )
    return {
        "activities": activities,
        "opens": _opens(user, item, activities),
        "later_values": later_values,
        "revisions": list(item.scenario_revisions.select_related("plan__phase")),
        **{f"can_{move}": may_move(user, item, move) for move in MOVES},
        "history": list(item.history.select_related("history_user").order_by("history_date")),
    }


def _opens(user, item, activities) -> dict:
    """Whether the user may open the item's source (its evaluation sheet, else its report) and
    the ids of its activities' yearly plans they may open: by the same `visible_to` as those
    pages, one query for each kind the item names."""
    source = False
    if item.evaluation_id:
        source = ProjectEvaluation.objects.visible_to(user).filter(pk=item.evaluation_id).exists()
    elif item.report_id:
        source = (
            AnnualReport.objects.visible_to(user, per_row=True).filter(pk=item.report_id).exists()
        )
    named = {a.yearly_plan_id for a in activities}
    yearly = (
        set(
            YearlyPlan.objects.visible_to(user, per_row=True)
            .filter(pk__in=named)
            .values_list("pk", flat=True)
        )
        if named
        else set()
    )
    return {"source": source, "yearly_plans": yearly}
