"""Moments as people read them: in the current time zone (settings.TIME_ZONE, Asia/Tokyo), never
in UTC.

The database hands back aware datetimes in UTC. Templates convert them
(`{{ at|date:"Y-m-d H:i" }}`); Python code does not: `f"{at:%H:%M}"` prints 09:38 for a save made
at 18:38 in Tokyo. Every time that Python code prints (messages, `__str__`, exports, commands)
goes through `local_time_label`, every machine-readable stamp through `local_isoformat`, every
datetime put into a spreadsheet cell through `local_naive`; `tests/test_local_times.py` fails on
a datetime formatted anywhere else.

Apart from `projects/domain.py` because these read Django's current time zone: domain.py is
plain values in, plain values out, with no Django in it.
"""

import datetime

from django.conf import settings
from django.utils import timezone

from projects.domain import fiscal_year_of

# The form of the screens' times (`|date:"Y-m-d H:i"` in the templates), so that one time reads
# the same on a page, in a message and in a downloaded file.
LABEL_FORMAT = "%Y-%m-%d %H:%M"


def local_time_label(moment: datetime.datetime | None) -> str:
    """「2009-06-30 18:38」 for an aware datetime, in the current time zone; "" for None.
    A naive datetime is refused (ValueError): it is not known which time zone it is in."""
    if moment is None:
        return ""
    return timezone.localtime(moment).strftime(LABEL_FORMAT)


def local_isoformat(moment: datetime.datetime | None) -> str | None:
    """ISO 8601 with the local offset, 「2009-06-30T18:38:00+09:00」; None for None."""
    if moment is None:
        return None
    return timezone.localtime(moment).isoformat()


def local_naive(moment: datetime.datetime) -> datetime.datetime:
    """The wall-clock time in the current time zone, without tzinfo: what a spreadsheet cell can
    hold (openpyxl refuses aware datetimes, and a UTC wall clock would read nine hours early)."""
    return timezone.make_naive(moment)


def demo_today() -> datetime.date | None:
    """The date set by settings.PDCA_TODAY (the demo runs as of a day inside Phase II), None
    when the app runs on the real date."""
    return getattr(settings, "PDCA_TODAY", None)


def today() -> datetime.date:
    """The date the app treats as today, for deadlines, overdue marks, waiting times and the
    current fiscal year: settings.PDCA_TODAY when set, else the real date in Tokyo. Audit
    timestamps (history, workflow events) stay real and never read it."""
    return demo_today() or timezone.localdate()


def current_fiscal_year() -> int:
    """The fiscal year of today() (1 April starts the next one)."""
    return fiscal_year_of(today())


def day_label(day: datetime.date | None) -> str:
    """A calendar day (a date, no time and no time zone: 参画日, 31 March) as 「2007-03-31」;
    "" for None. For dates only: a datetime goes through local_time_label."""
    if day is None:
        return ""
    if isinstance(day, datetime.datetime):
        raise TypeError("day_label takes a date; use local_time_label for a datetime")
    return day.isoformat()
