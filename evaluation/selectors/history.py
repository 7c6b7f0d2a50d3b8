"""The change history of a record as people read it: who, when, which fields, and the reason.
Read from django-simple-history in one query; consecutive versions compared in Python."""

from dataclasses import dataclass

HIDDEN_FIELDS = {"id", "version", "updated_at", "created_at", "state"}


@dataclass(frozen=True)
class ChangeEntry:
    at: object
    user: str
    reason: str
    fields: list[str]
    version: int | None


def change_history(record, limit: int = 30) -> list[ChangeEntry]:
    """The latest `limit` changes of a record, newest first."""
    rows = list(
        record.history.select_related("history_user").order_by("-history_date", "-history_id")[
            : limit + 1
        ]
    )
    model = type(record)
    tracked = [f for f in model._meta.concrete_fields if f.attname not in HIDDEN_FIELDS]
    entries = []
    for index, row in enumerate(rows[:limit]):
        older = rows[index + 1] if index + 1 < len(rows) else None
        if older is None:
            changed = []
        else:
            changed = [
                str(f.verbose_name)
                for f in tracked
                if getattr(row, f.attname, None) != getattr(older, f.attname, None)
            ]
        entries.append(
            ChangeEntry(
                at=row.history_date,
                user=str(row.history_user or ""),
                reason=row.history_change_reason or "",
                fields=changed,
                version=getattr(row, "version", None),
            )
        )
    return entries
