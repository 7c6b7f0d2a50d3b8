"""The national member counts (models/summaries_national.MemberCountChange): 延べ数 and 実数 of
each organisation type at each fiscal year's end, kept in the same transaction as every change
of a membership or of an organisation's type, never by a signal.

A membership counts at the end of every fiscal year from the one it joined in (joined on or
before 31 March) to the last 31 March on or before the day it left (the day one leaves still
counts): an interval of years, +1 where it starts and -1 where it stops. An organisation
counts once in a year where any of its memberships counts: the union of its memberships'
intervals, +1 where each piece starts and -1 where it stops. So everything an organisation
adds to the counts (its contribution) depends on its type and its own memberships only.

`member_counts_kept(organisation_ids=…)` wraps a change: it locks those organisations, works
out their contribution before and after the change (small queries filtered by organisation)
and adds the difference to the kept rows (F() updates, so two changes of other organisations
never overwrite each other). Every writer goes through it: the member-list import
(services/registry.py), the Django admin of memberships and organisations (evaluation/admin.py)
and the tests' helpers; bulk loaders (the demo, the generator) end with
`rebuild_member_counts()`, which `manage.py rebuild_summaries` runs too.
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.db import transaction
from django.db.models import F

from evaluation.models import MemberCountChange
from projects.domain import fiscal_year_of
from projects.models import Membership, Organisation

CHUNK = 500  # organisations per query
BATCH = 5000

Changes = dict[tuple[str, int], list[int]]  # (type, fiscal year) → [total, distinct]


def counted_years(joined, left) -> tuple[int, int | None] | None:
    """The fiscal years whose 31 March counts a membership, as [first, stop): stop is the first
    year that no longer counts it (None: it has not left). None when it counts in no year
    (joined and left before the same 31 March)."""
    first = fiscal_year_of(joined)
    if left is None:
        return first, None
    # the last 31 March on or before the day it left
    last = fiscal_year_of(left) if (left.month, left.day) == (3, 31) else fiscal_year_of(left) - 1
    return (first, last + 1) if last >= first else None


def _add(changes: Changes, key: tuple[str, int], index: int, step: int) -> None:
    cell = changes.get(key)
    if cell is None:
        cell = changes[key] = [0, 0]
    cell[index] += step


def _organisation_changes(changes: Changes, type: str, spans: list[tuple]) -> None:
    """Add one organisation's contribution: each membership's interval to 延べ数, their union
    to 実数."""
    for first, stop in spans:
        _add(changes, (type, first), 0, 1)
        if stop is not None:
            _add(changes, (type, stop), 0, -1)
    start = end = None
    for first, stop in sorted(spans, key=lambda s: s[0]):
        if start is not None and (end is None or first <= end):
            end = None if end is None or stop is None else max(end, stop)
            continue
        if start is not None:
            _add(changes, (type, start), 1, 1)
            _add(changes, (type, end), 1, -1)
        start, end = first, stop
    if start is not None:
        _add(changes, (type, start), 1, 1)
        if end is not None:
            _add(changes, (type, end), 1, -1)


def changes_of(rows: Iterable[tuple]) -> Changes:
    """The changes (type, year) → [total, distinct] of memberships given as (organisation id,
    organisation type, joined, left), in any order (a few organisations' rows: sorted here)."""
    return changes_by_organisation(sorted(rows, key=lambda row: row[0]))


def _rows(organisation_ids: set[int]) -> Iterator[tuple]:
    ids = sorted(organisation_ids)
    for start in range(0, len(ids), CHUNK):
        yield from Membership.objects.filter(
            organisation__in=ids[start : start + CHUNK]
        ).values_list("organisation_id", "organisation__type", "joined", "left")


def contribution(organisation_ids: Iterable[int]) -> Changes:
    """What these organisations add to the counts now (one query per 500 organisations)."""
    return changes_of(_rows(set(organisation_ids)))


class Kept:
    """The organisations a `member_counts_kept` block changes."""

    def __init__(self, organisation_ids: set[int]) -> None:
        self.ids = organisation_ids
        self.before = contribution(organisation_ids) if organisation_ids else {}

    def created(self, organisation_ids: Iterable[int]) -> None:
        """Organisations created inside the block (they added nothing before it)."""
        self.ids.update(pk for pk in organisation_ids if pk is not None)

    def apply(self) -> int:
        after = contribution(self.ids) if self.ids else {}
        return apply_changes(difference(after, self.before))


def difference(after: Changes, before: Changes) -> Changes:
    diff = {}
    for key in after.keys() | before.keys():
        a, b = after.get(key, (0, 0)), before.get(key, (0, 0))
        cell = [a[0] - b[0], a[1] - b[1]]
        if cell != [0, 0]:
            diff[key] = cell
    return diff


def apply_changes(changes: Changes) -> int:
    """Add the changes to the kept rows (creating the missing ones). Returns the cells
    changed."""
    if not changes:
        return 0
    MemberCountChange.objects.bulk_create(
        [MemberCountChange(organisation_type=t, fiscal_year=y) for t, y in changes],
        ignore_conflicts=True,
    )
    for (type, year), (total, distinct) in sorted(changes.items()):
        MemberCountChange.objects.filter(organisation_type=type, fiscal_year=year).update(
            total=F("total") + total, distinct=F("distinct") + distinct
        )
    return len(changes)


@contextmanager
def member_counts_kept(
    *, organisation_ids: Iterable[int] = (), membership_ids: Iterable[int] = ()
) -> Iterator[Kept]:
    """Keep the national member counts across the block, in its transaction: every change of a
    membership of these organisations and of the organisations of `membership_ids` as they are
    before the block (a membership moved to another organisation changes both), or of their
    type. Organisations the block creates are added with `kept.created(ids)`. The
    organisations are locked (select_for_update) until the transaction ends, so two changes of
    one organisation are counted one after the other."""
    with transaction.atomic():
        ids = {pk for pk in organisation_ids if pk is not None}
        memberships = [pk for pk in membership_ids if pk is not None]
        if memberships:
            ids.update(
                Membership.objects.filter(pk__in=memberships).values_list(
                    "organisation_id", flat=True
                )
            )
        if ids:
            list(
                Organisation.objects.select_for_update()
                .filter(pk__in=sorted(ids))
                .order_by("pk")
                .values_list("pk", flat=True)
            )
        kept = Kept(ids)
        yield kept
        kept.apply()


def changes_by_organisation(rows: Iterable[tuple]) -> Changes:
    """`changes_of` for rows ordered by organisation, one organisation in memory at a time (a
    rebuild over every membership)."""
    changes: Changes = {}
    current, type_, spans = None, None, []
    for organisation_id, type, joined, left in rows:
        if organisation_id != current:
            if spans:
                _organisation_changes(changes, type_, spans)
            current, type_, spans = organisation_id, type, []
        span = counted_years(joined, left)
        if span is not None:
            spans.append(span)
    if spans:
        _organisation_changes(changes, type_, spans)
    return changes


def rows_from_scratch(changes: Changes, model=MemberCountChange) -> list:
    """The rows a rebuild writes: every change that is not zero (`model`: the historical model
    in the migration that fills them)."""
    return [
        model(organisation_type=t, fiscal_year=y, total=total, distinct=distinct)
        for (t, y), (total, distinct) in sorted(changes.items())
        if (total, distinct) != (0, 0)
    ]


@transaction.atomic
def rebuild_member_counts() -> int:
    """Every row from scratch (`rebuild_summaries`, the end of the generator): one pass over the
    memberships, by organisation. Returns the number of rows written."""
    MemberCountChange.objects.all().delete()
    rows = (
        Membership.objects.order_by("organisation_id")
        .values_list("organisation_id", "organisation__type", "joined", "left")
        .iterator(chunk_size=BATCH)
    )
    kept = rows_from_scratch(changes_by_organisation(rows))
    MemberCountChange.objects.bulk_create(kept, batch_size=BATCH)
    return len(kept)
