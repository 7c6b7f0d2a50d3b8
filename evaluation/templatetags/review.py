"""What the review loop puts on top of a record's pages: the latest return comment or reopen
reason, with who and when (`{% latest_sent_back record as back %}`,
templates/evaluation/_sent_back.html). Reads through the selector."""

from django import template

from evaluation.selectors.review import changes_since_return as _changes_since_return
from evaluation.selectors.review import latest_sent_back as _latest_sent_back
from evaluation.selectors.review import submitted_gaps as _submitted_gaps

register = template.Library()


@register.simple_tag
def latest_sent_back(record):
    """The latest return or reopen event of a returned or reopened record, else None."""
    if record is None or not hasattr(record, "events"):
        return None
    return _latest_sent_back(record)


@register.simple_tag
def submitted_gaps(record):
    """What the latest submission of a submitted record listed as incomplete, else []."""
    if record is None or not hasattr(record, "events"):
        return []
    return _submitted_gaps(record)


@register.simple_tag
def changes_since_return(record):
    """What changed since the record was last returned or reopened (None if it never was)."""
    if record is None or not hasattr(record, "events"):
        return None
    return _changes_since_return(record)
