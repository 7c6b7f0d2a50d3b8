"""お知らせ: written in the transaction of what caused them (a return, an approval, an assignment)
or by the daily `send_reminders` command (deadlines within REMIND_DAYS), and sent by e-mail
through Django's mail backend to users with an address once the transaction commits."""

import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from evaluation.models import AnnualReport, Notification, ReportingDeadline, State
from projects.models import Project, Role, User
from projects.times import today

REMIND_DAYS = 14


def _mail(notification_ids: list[int]) -> None:
    """Send the notifications by e-mail (after the commit); each marked once sent."""
    for note in Notification.objects.filter(pk__in=notification_ids, emailed=False).select_related(
        "user"
    ):
        if not note.user.email:
            continue
        body = note.text + (f"\n\n{settings.SITE_URL}{note.url}" if note.url else "")
        send_mail(
            _("[産業クラスター計画 PDCA] %(kind)s") % {"kind": note.get_kind_display()},
            body,
            None,
            [note.user.email],
            fail_silently=True,
        )
        Notification.objects.filter(pk=note.pk).update(emailed=True)


def notify(*, users, kind: str, item, text, url: str = "", due_date=None) -> list:
    """One notification per user (active users only), e-mailed after the commit. A reminder
    already given (same user, item, kind and due date) is not given again. `text` writes the
    message in the active language (no arguments): it is called once in Japanese and once in
    English, so each reader reads it in their own language, not in the language of the user
    whose action made it."""
    content_type = ContentType.objects.get_for_model(item)
    with translation.override("ja"):
        text_ja = str(text())
    with translation.override("en"):
        text_en = str(text())
    made = []
    for user in users:
        if not user.is_active:
            continue
        try:
            with transaction.atomic():
                made.append(
                    Notification.objects.create(
                        user=user,
                        kind=kind,
                        content_type=content_type,
                        object_id=item.pk,
                        text=text_ja[:500],
                        text_en=text_en[:500],
                        url=url,
                        due_date=due_date,
                    )
                )
        except IntegrityError:  # given before (a reminder run twice)
            continue
    ids = [n.pk for n in made]
    if ids:
        transaction.on_commit(lambda: _mail(ids))
    return made


def bureau_staff(project):
    """The active staff of a project's bureau: whom a return or approval concerns."""
    if project is None:
        return User.objects.none()
    return User.objects.filter(
        bureau_id=project.bureau_id, groups__name=Role.STAFF, is_active=True
    ).distinct()


def on_decision(record, action: str, by, comment: str) -> None:
    """A return or approval tells the record's bureau staff, with the reason of a return."""
    kind = Notification.Kind.RETURNED if action == "return" else Notification.Kind.APPROVED

    def text():
        if action == "return":
            return _("%(what)sが差し戻されました（%(who)s）：%(comment)s") % {
                "what": record.label,
                "who": by,
                "comment": comment,
            }
        return _("%(what)sが承認されました（%(who)s）。") % {"what": record.label, "who": by}

    notify(
        users=bureau_staff(record.project),
        kind=kind,
        item=record,
        text=text,
        url=record.get_absolute_url(),
    )


def on_assigned(evaluation, evaluators) -> None:
    """Evaluators newly assigned to a project in a round are told so."""

    def text():
        return _("%(round)sで%(project)sの評価の担当になりました。") % {
            "round": evaluation.round.name,
            "project": evaluation.project.name,
        }

    notify(
        users=evaluators,
        kind=Notification.Kind.ASSIGNED,
        item=evaluation,
        text=text,
        url=evaluation.get_absolute_url(),
    )


def send_reminders(*, on: datetime.date | None = None) -> int:
    """Remind each project's bureau staff of an annual report due within REMIND_DAYS and not yet
    submitted or approved; safe to run any number of times a day (one reminder per user, project
    and due date). Returns how many reminders were given now."""
    on = on or today()
    given = 0
    deadlines = ReportingDeadline.objects.filter(
        due_date__gte=on, due_date__lte=on + datetime.timedelta(days=REMIND_DAYS)
    )
    for deadline in deadlines:
        done = set(
            AnnualReport.objects.filter(
                fiscal_year=deadline.fiscal_year, state__in=[State.SUBMITTED, State.APPROVED]
            ).values_list("project_id", flat=True)
        )
        projects = Project.objects.filter(status=Project.Status.ACTIVE).exclude(pk__in=done)
        for project in projects.select_related("bureau"):

            def text(project=project, deadline=deadline):
                return _("%(project)sの%(year)s年度の年度報告の提出期限は%(due)sです。") % {
                    "project": project.name,
                    "year": deadline.fiscal_year,
                    "due": str(deadline.due_date),
                }

            with transaction.atomic():
                given += len(
                    notify(
                        users=bureau_staff(project),
                        kind=Notification.Kind.DEADLINE,
                        item=project,
                        text=text,
                        url=project.get_absolute_url(),
                        due_date=deadline.due_date,
                    )
                )
    return given
