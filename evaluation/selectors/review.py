"""The review loop as people live it: what waits for a manager (every submitted plan, yearly
plan, annual report and survey, oldest first, first submission or resubmission), what waits for a
bureau's staff (each returned record with its reason; drafts; years that are over), and the
latest return or reopen reason of one record (shown on top of its pages).

Reads only; the homes (`views/home.py`) and the detail pages call these."""

from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, DateField, F, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from evaluation.models import (
    Action,
    ActionItem,
    ActivityResult,
    AnnualReport,
    EvaluatorRating,
    Indicator,
    MonitoredValue,
    OwnTargetValue,
    ProjectPlan,
    ReportingDeadline,
    State,
    StrategyItem,
    SupportAreaNote,
    Survey,
    WorkflowEvent,
    YearlyPlan,
)
from evaluation.selectors.actions import filtered_items
from evaluation.selectors.paging import page_of
from projects.models import Role
from projects.times import current_fiscal_year, today

# What goes through the review loop, in the order the homes list the kinds.
KINDS = {
    "plan": ProjectPlan,
    "yearly": YearlyPlan,
    "report": AnnualReport,
    "survey": Survey,
}
RELATED = {
    "plan": ("project__bureau", "phase"),
    "yearly": ("project__bureau",),
    "report": ("project__bureau",),
    "survey": ("project__bureau",),
}
SENT_BACK = (Action.RETURN, Action.REOPEN)


@dataclass
class QueueItem:
    """One record in a queue, with what its timeline says about it."""

    kind: str
    record: object
    events: list = field(default_factory=list)
    overdue: bool = False

    @property
    def bureau(self):
        project = self.record.project
        return project.bureau if project is not None else None

    @property
    def submitted(self) -> WorkflowEvent | None:
        """The latest submission (what the reviewer is asked to decide on)."""
        submits = [e for e in self.events if e.action == Action.SUBMIT]
        return submits[-1] if submits else None

    @property
    def since(self) -> datetime | None:
        event = self.submitted
        return event.at if event else None

    @property
    def days_waiting(self) -> int | None:
        """Whole days since the latest submission, against today() (never below 0: a demo date
        may lie before a real submission made while trying the demo)."""
        if self.since is None:
            return None
        return max(0, (today() - timezone.localdate(self.since)).days)

    @property
    def resubmitted(self) -> bool:
        """再提出: the record was returned (or reopened) before its latest submission."""
        return any(e.action in SENT_BACK for e in self.events)

    @property
    def sent_back(self) -> WorkflowEvent | None:
        """The latest return or reopen: its comment is the reason, with who and when."""
        backs = [e for e in self.events if e.action in SENT_BACK]
        return backs[-1] if backs else None

    @property
    def gaps(self) -> list:
        """What the latest submission listed as incomplete (stored with the submit event)."""
        event = self.submitted
        return list(event.gaps or []) if event is not None else []

    @property
    def never_started(self) -> bool:
        """Created and never saved since: every save and transition bumps the version."""
        return self.record.version == 1


def _events_of(records_by_kind: dict[str, list]) -> dict[tuple[int, int], list]:
    """Every workflow event of the given records, oldest first, by (content type, pk): one query
    whatever the number of records."""
    types = ContentType.objects.get_for_models(*KINDS.values())
    condition = Q(pk__in=[])
    for kind, records in records_by_kind.items():
        if records:
            ct = types[KINDS[kind]]
            condition |= Q(content_type=ct, object_id__in=[r.pk for r in records])
    found: dict[tuple[int, int], list] = {}
    if not any(records_by_kind.values()):
        return found
    for event in WorkflowEvent.objects.filter(condition).select_related("by").order_by("at", "pk"):
        found.setdefault((event.content_type_id, event.object_id), []).append(event)
    return found


def _items(records_by_kind: dict[str, list]) -> list[QueueItem]:
    if not any(records_by_kind.values()):
        return []
    events = _events_of(records_by_kind)
    types = ContentType.objects.get_for_models(*KINDS.values())
    items = []
    for kind, records in records_by_kind.items():
        ct = types[KINDS[kind]]
        for record in records:
            items.append(QueueItem(kind, record, events.get((ct.pk, record.pk), [])))
    return items


def review_queue(user) -> list[QueueItem]:
    """Managers and admins: every record waiting for a decision (submitted), oldest submission
    first, with its bureau, how long it has waited and whether it is a resubmission. Five
    queries whatever the number of records (one per kind, one for their events); [] for
    anyone else."""
    if user.role not in (Role.MANAGER, Role.ADMIN):
        return []
    records = {
        kind: list(
            model.objects.visible_to(user)
            .filter(state=State.SUBMITTED)
            .select_related(*RELATED[kind])
        )
        for kind, model in KINDS.items()
    }
    items = _items(records)
    never = datetime.max.replace(tzinfo=timezone.get_current_timezone())
    return sorted(items, key=lambda item: (item.since or never, item.kind, item.record.pk))


def review_queue_page(user, number):
    """A page of `review_queue` (`number`: the `?queue=` text), in the same order: the order
    is worked out in SQL from each record's latest submission, then only the page's records
    are read with their events. Seven queries whatever the number of records waiting (the
    order, one per kind, the events); an empty page for anyone but managers and admins."""
    if user.role not in (Role.MANAGER, Role.ADMIN):
        return page_of([], number)
    types = ContentType.objects.get_for_models(*KINDS.values())
    keys = None
    for kind, model in KINDS.items():
        submitted = (
            WorkflowEvent.objects.filter(
                content_type=types[model], object_id=OuterRef("pk"), action=Action.SUBMIT
            )
            .order_by("-at", "-pk")
            .values("at")[:1]
        )
        waiting = (
            model.objects.visible_to(user)
            .filter(state=State.SUBMITTED)
            .order_by()
            .annotate(kind=Value(kind), since=Subquery(submitted))
            .values_list("kind", "pk", "since")
        )
        keys = waiting if keys is None else keys.union(waiting, all=True)
    never = datetime.max.replace(tzinfo=timezone.get_current_timezone())
    page = page_of(sorted(keys, key=lambda key: (key[2] or never, key[0], key[1])), number)
    wanted = {kind: [pk for k, pk, _since in page.object_list if k == kind] for kind in KINDS}
    records = {
        kind: list(model.objects.filter(pk__in=wanted[kind] or [0]).select_related(*RELATED[kind]))
        for kind, model in KINDS.items()
    }
    items = {(item.kind, item.record.pk): item for item in _items(records)}
    page.object_list = [items[kind, pk] for kind, pk, _since in page.object_list]
    return page


STAFF_LISTS = ("returned", "working", "overdue")


def _staff_keys(user) -> dict[str, list[tuple[str, int]]]:
    """Which records are in each of a staff member's lists (`STAFF_LISTS`), in the order shown,
    as (kind, pk): worked out from one row of a few values per record (its state, year, the
    last year of a plan's phase, a report's deadline, its project's order, its latest return
    or reopen), read in one query whatever the number of records."""
    types = ContentType.objects.get_for_models(*KINDS.values())
    editable = [State.DRAFT, State.RETURNED, State.REOPENED]
    keys = None
    for kind, model in KINDS.items():
        sent_back = (
            WorkflowEvent.objects.filter(
                content_type=types[model], object_id=OuterRef("pk"), action__in=SENT_BACK
            )
            .order_by("-at", "-pk")
            .values("at")[:1]
        )
        zero = Value(0, output_field=IntegerField())
        deadline = ReportingDeadline.objects.filter(fiscal_year=OuterRef("fiscal_year"))
        # typed NULL: PostgreSQL cannot match an untyped NULL parameter with a date in a UNION
        no_date = Cast(Value(None), output_field=DateField())
        rows = (
            model.objects.filter(project__bureau_id=user.bureau_id, state__in=editable)
            .order_by()
            .annotate(
                kind=Value(kind),
                record_state=F("state"),
                year=zero if kind == "plan" else F("fiscal_year"),
                last_year=F("phase__last_fiscal_year") if kind == "plan" else zero,
                due=Subquery(deadline.values("due_date")[:1]) if kind == "report" else no_date,
                project_order=F("project__order"),
                back_at=Subquery(sent_back),
            )
            .values_list(
                "kind", "pk", "record_state", "year", "last_year", "due", "project_order", "back_at"
            )
        )
        keys = rows if keys is None else keys.union(rows, all=True)
    this_year, now = current_fiscal_year(), today()
    never = datetime.max.replace(tzinfo=timezone.get_current_timezone())
    kinds = list(KINDS)
    lists = {name: [] for name in STAFF_LISTS}
    for kind, pk, state, year, last_year, due, order, back_at in keys:
        first = (kinds.index(kind), order, pk)  # the order each kind is read in
        if state != State.DRAFT:
            # by the latest return or reopen, oldest first; without one (never so in practice) last
            lists["returned"].append(((back_at is None, back_at or never, *first), (kind, pk)))
            continue
        if kind == "plan":
            over = last_year < this_year
        elif kind == "report":
            over = due < now if due else year < this_year - 1
        else:
            over = year < this_year
        lists["overdue" if over else "working"].append(((year, kind, *first), (kind, pk)))
    return {name: [key for _order, key in sorted(found)] for name, found in lists.items()}


def _staff_items(keys: dict[str, list[tuple[str, int]]]) -> dict[str, list[QueueItem]]:
    """The records of `keys` (each list's (kind, pk) in order) with their events, in the same
    order: a query per kind (whether it has records or not) and one for the events; none when
    there are no records at all."""
    if not any(keys.values()):
        return {name: [] for name in keys}
    wanted = {kind: set() for kind in KINDS}
    for listed in keys.values():
        for kind, pk in listed:
            wanted[kind].add(pk)
    records = {
        kind: list(model.objects.filter(pk__in=wanted[kind] or [0]).select_related(*RELATED[kind]))
        for kind, model in KINDS.items()
    }
    items = {(item.kind, item.record.pk): item for item in _items(records)}
    for key in keys.get("overdue", []):
        items[key].overdue = True
    return {name: [items[key] for key in listed] for name, listed in keys.items()}


def staff_queue(user) -> dict:
    """A bureau's staff: what waits for them. `returned`: each returned or reopened record with
    its reason (the latest return or reopen: comment, who, when), the oldest return first;
    `working`: drafts of years not over; `overdue`: drafts of years that are over (a
    yearly plan of a past fiscal year, a report past its deadline), marked 未着手 when never
    saved. Every record of each list (the home shows a page of each: `staff_queue_pages`)."""
    if user.role != Role.STAFF or not user.bureau_id:
        return {name: [] for name in STAFF_LISTS}
    return _staff_items(_staff_keys(user))


def staff_queue_pages(user, numbers: dict, per_page: int | None = None) -> dict:
    """A page of each of `staff_queue`'s lists (`numbers`: each list's page text by name, e.g.
    the `?returned=` text; `per_page` rows, else ROWS_PER_PAGE), in the same order: which
    records are in each list and their order are worked out from one row per record, then only
    the pages' records are read with their events. At most seven queries whatever the number
    of records (the rows, one per kind, the events and their content types)."""
    if user.role != Role.STAFF or not user.bureau_id:
        return {name: page_of([], numbers.get(name), per_page=per_page) for name in STAFF_LISTS}
    keys = _staff_keys(user)
    pages = {
        name: page_of(keys[name], numbers.get(name), per_page=per_page) for name in STAFF_LISTS
    }
    items = _staff_items({name: list(page.object_list) for name, page in pages.items()})
    for name, page in pages.items():
        page.object_list = items[name]
    return pages


def latest_sent_back(record) -> WorkflowEvent | None:
    """The latest return or reopen of a record that is returned or reopened now (its reason is
    shown on top of the record's pages), None otherwise. One query."""
    if record.state not in (State.RETURNED, State.REOPENED):
        return None
    return (
        WorkflowEvent.objects.for_object(record)
        .filter(action__in=SENT_BACK)
        .order_by("-at", "-pk")
        .first()
    )


def action_item_counts(user) -> dict:
    """How many action items the user may see and how many are not done yet: counted over the
    same selector as the list (/actions/), so the home and the list agree. One query."""
    open_states = [ActionItem.State.OPEN, ActionItem.State.PLANNED]
    return filtered_items(user).aggregate(
        total=Count("pk"), open=Count("pk", filter=Q(state__in=open_states))
    )


def submitted_gaps(record) -> list[dict]:
    """What the latest submission of a submitted record listed as incomplete (stored with its
    submit event): what the reviewer reads before deciding. [] for a record not submitted. One
    query."""
    if record.state != State.SUBMITTED:
        return []
    event = (
        WorkflowEvent.objects.for_object(record)
        .filter(action=Action.SUBMIT)
        .order_by("-at", "-pk")
        .first()
    )
    return list(event.gaps or []) if event is not None else []


# --- What changed since the return ------------------------------------------------------------

HIDDEN_FIELDS = {"id", "version", "updated_at", "created_at", "state", "order"}


@dataclass
class Change:
    """One value or text changed since the return: what, before → after, who changed it last."""

    what: str
    before: str
    after: str
    by: str
    at: datetime


def _text(value) -> str:
    if value is None or value == "":
        return "—"
    return str(value)


def _walk(rows: list, since: datetime, fields: dict, label: str) -> list[Change]:
    """Changes of one record from its history rows (oldest first): each field's value at the
    return against its value now, with who changed it last. `fields`: name → (label, reader)."""
    before = [r for r in rows if r.history_date <= since]
    after = [r for r in rows if r.history_date > since]
    if not after:
        return []
    start = before[-1] if before else None
    last_by, previous = {}, start
    for row in after:
        for name, (_label, read) in fields.items():
            if previous is None or read(row) != read(previous) or row.history_type == "-":
                last_by[name] = row
        previous = row
    end = after[-1]
    changes = []
    for name, (field_label, read) in fields.items():
        old = read(start) if start is not None and start.history_type != "-" else None
        new = read(end) if end.history_type != "-" else None
        if _text(old) == _text(new) or name not in last_by:
            continue
        who = last_by[name]
        what = f"{label}：{field_label}" if label else str(field_label)
        changes.append(
            Change(what, _text(old), _text(new), str(who.history_user or ""), who.history_date)
        )
    return changes


def _fields(model, names=None) -> dict:
    concrete = [
        f
        for f in model._meta.concrete_fields
        if f.attname not in HIDDEN_FIELDS
        and not f.is_relation
        and (names is None or f.name in names)
    ]
    return {
        f.attname: (str(f.verbose_name), lambda row, a=f.attname: getattr(row, a)) for f in concrete
    }


def _grouped(history_rows) -> dict[int, list]:
    grouped: dict[int, list] = {}
    for row in history_rows:
        grouped.setdefault(row.id, []).append(row)
    return grouped


def _report_children(report, since) -> list[Change]:
    changes = []
    value_fields = {
        "value": (_("値"), lambda row: row.instance.display),
        "source_note": (_("出所・注記"), lambda row: row.source_note),
    }
    rows = MonitoredValue.history.filter(report_id=report.pk).select_related("history_user")
    groups = _grouped(rows.order_by("history_date", "history_id"))
    names = dict(
        Indicator.objects.filter(pk__in={r[0].indicator_id for r in groups.values()}).values_list(
            "pk", "name_ja"
        )
    )
    for group in groups.values():
        changes += _walk(group, since, value_fields, names.get(group[0].indicator_id, ""))
    result_fields = _fields(ActivityResult, {"actual_output", "note"})
    rows = ActivityResult.history.filter(report_id=report.pk).select_related("history_user")
    for group in _grouped(rows.order_by("history_date", "history_id")).values():
        changes += _walk(group, since, result_fields, _("活動の実績"))
    return changes


def _plan_children(plan, since) -> list[Change]:
    changes = []
    for model, label in ((StrategyItem, _("戦略")), (SupportAreaNote, _("支援分野別の課題"))):
        rows = model.history.filter(plan_id=plan.pk).select_related("history_user")
        for group in _grouped(rows.order_by("history_date", "history_id")).values():
            changes += _walk(group, since, _fields(model), label)
    return changes


def changes_since_return(record) -> dict | None:
    """What changed in a record since it was last returned or reopened: its own texts, and a
    report's values and activity results, a plan's strategies and notes; before → after, with
    who changed each last and when. Shown to staff before they resubmit (returned, reopened) and
    to the reviewer of the resubmission (submitted). None when the record was never sent back,
    or is decided, or keeps no history (yearly plans)."""
    if record.state not in (State.RETURNED, State.REOPENED, State.SUBMITTED):
        return None
    if not hasattr(record, "history"):
        return None
    back = (
        WorkflowEvent.objects.for_object(record)
        .filter(action__in=SENT_BACK)
        .order_by("-at", "-pk")
        .first()
    )
    if back is None:
        return None
    since = back.at
    rows = list(
        record.history.select_related("history_user").order_by("history_date", "history_id")
    )
    changes = _walk(rows, since, _fields(type(record)), "")
    if isinstance(record, AnnualReport):
        changes += _report_children(record, since)
    elif isinstance(record, ProjectPlan):
        changes += _plan_children(record, since)
    return {"back": back, "changes": sorted(changes, key=lambda c: c.at)}


def draft_ratings(user) -> set[int]:
    """The evaluations an evaluator has rated only as a draft so far (their home marks them
    下書き, not 記入済み). One query; empty for anyone else."""
    if user.role != Role.EVALUATOR:
        return set()
    drafts = EvaluatorRating.objects.filter(evaluator=user, is_draft=True)
    return set(drafts.values_list("evaluation_id", flat=True))


def values_changed_since(report, moment: datetime) -> int:
    """How many of a report's values were written (created, changed or removed) since a moment:
    what an upload changed, for its message; its own targets' actuals too. Two queries."""
    rows = MonitoredValue.history.filter(report_id=report.pk, history_date__gte=moment)
    own = OwnTargetValue.history.filter(report_id=report.pk, history_date__gte=moment)
    return rows.values("id").distinct().count() + own.values("id").distinct().count()
