"""What every edit service shares: the row lock with its checks (bureau, workflow state, the
version the form was opened on, the reason after a return), the stale-edit refusal with the
changes since, and saving a new version with its audit reason."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from evaluation.models.workflow import WorkflowModel


class LockedError(ValidationError):
    """The record is submitted or approved: nothing may change until it is returned or reopened."""

    def __init__(self, obj):
        super().__init__(
            _("「%(state)s」の記録は変更できません。") % {"state": obj.get_state_display()},
            code="locked",
        )


@dataclass(frozen=True)
class Change:
    version: int
    user: str
    at: object
    reason: str
    fields: list[str]


class StaleEditError(Exception):
    """The form was opened on an older version; `changes` says what was saved since."""

    def __init__(self, obj, expected_version: int, changes: list[Change]):
        self.obj = obj
        self.expected_version = expected_version
        self.changes = changes
        super().__init__(
            f"version {expected_version} is stale; the record is at version {obj.version}"
        )


def changes_since(obj: WorkflowModel, version: int) -> list[Change]:
    """What was saved after `version`, newest last, from the audit history."""
    records = list(obj.history.filter(version__gte=version).order_by("history_date", "history_id"))
    changes = []
    for previous, record in zip(records, records[1:], strict=False):
        delta = record.diff_against(previous, excluded_fields=["version"])
        changes.append(
            Change(
                version=record.version,
                user=str(record.history_user or ""),
                at=record.history_date,
                reason=record.history_change_reason or "",
                fields=[str(obj._meta.get_field(c.field).verbose_name) for c in delta.changes],
            )
        )
    return changes


def lock_for_edit(model, *, pk, expected_version: int, by, reason: str = "", merging: bool = False):
    """Fetch the record row-locked for a change and check every rule before the write:
    bureau (403), lock (LockedError), version (StaleEditError), reason where required. A
    service that merges a save made on an older version (`merging`) checks the version itself."""
    obj = model.objects.select_for_update().get(pk=pk)
    if not obj.project.is_editable_by(by):
        raise PermissionDenied
    if obj.is_locked:
        raise LockedError(obj)
    if obj.version != expected_version and not merging:
        raise StaleEditError(obj, expected_version, changes_since(obj, expected_version))
    if obj.change_needs_reason and not reason.strip():
        raise ValidationError(
            {"reason": _("提出後の変更には理由が必要です。")}, code="reason_required"
        )
    return obj


def replace_rows(old_rows, new_rows, *, by, reason: str = "") -> None:
    """Replace a record's child rows (strategies, activities) with new, already validated ones;
    every deletion and insertion is audited under `by` with `reason`."""
    for row in [*old_rows, *new_rows]:
        row._history_user = by
        row._change_reason = reason
    for row in old_rows:
        row.delete()
    for row in new_rows:
        row.save()


def save_new_version(obj: WorkflowModel, *, by, reason: str = "") -> WorkflowModel:
    """Validate and save a changed record as its next version, audited under `by`."""
    obj.version += 1
    obj.full_clean()
    obj._history_user = by
    obj._change_reason = reason
    obj.save()
    return obj


# --- Merge, never overwrite ---------------------------------------------------------------

UNKNOWN_ORIGINAL = object()
"""The value a field had at an older version when the audit trail does not hold it (data loaded
before the history began): equal to nothing, so a field both sides hold differently is asked
about, never decided."""


@dataclass(frozen=True)
class Merge:
    """A three-way merge of one save: `values` to write (theirs for the conflicts, which are
    not applied), the fields taken from the other person, the fields both changed to
    different values, and every field this person changed."""

    values: dict
    taken: list[str]
    conflicts: list[str]
    mine_changed: list[str]


def merge_three_way(*, original: dict, theirs: dict, mine: dict) -> Merge:
    """Field by field over the keys of `mine` (what this person sent): the same on both sides
    → that value; untouched by this person → theirs; untouched by the other → mine; both
    changed to different values → a conflict. `original` and `theirs` hold every key."""
    values, taken, conflicts, mine_changed = {}, [], [], []
    for key, my in mine.items():
        base, their = original[key], theirs[key]
        if my != base:
            mine_changed.append(key)
        if my == their:
            values[key] = my
        elif my == base:
            values[key] = their
            taken.append(key)
        elif their == base:
            values[key] = my
        else:
            values[key] = their
            conflicts.append(key)
    return Merge(values=values, taken=taken, conflicts=conflicts, mine_changed=mine_changed)
