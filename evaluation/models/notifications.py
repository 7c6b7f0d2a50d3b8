"""お知らせ: what the review loop tells a person — a record returned or approved, an evaluation
assigned, a deadline within 14 days. Created in the same transaction as what caused it; sent by
e-mail where the user has an address (services.notifications)."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from projects.domain import in_active_language


class Notification(models.Model):
    class Kind(models.TextChoices):
        RETURNED = "returned", _("差し戻されました")
        APPROVED = "approved", _("承認されました")
        ASSIGNED = "assigned", _("評価の担当になりました")
        DEADLINE = "deadline", _("提出期限が近づいています")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("宛先"),
    )
    kind = models.CharField(_("種類"), max_length=10, choices=Kind.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    item = GenericForeignKey("content_type", "object_id")
    text = models.CharField(_("内容"), max_length=500)
    text_en = models.CharField(_("内容（英語）"), max_length=500, blank=True)
    url = models.CharField(_("リンク"), max_length=500, blank=True)
    due_date = models.DateField(_("期限"), null=True, blank=True)
    created_at = models.DateTimeField(_("日時"), auto_now_add=True)
    emailed = models.BooleanField(_("メール送信済み"), default=False)

    class Meta:
        verbose_name = _("お知らせ")
        verbose_name_plural = _("お知らせ")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"])]
        constraints = [
            # A reminder is sent once per user, item and due date, however often the daily
            # command runs (returns and approvals have no due date: each one is told).
            models.UniqueConstraint(
                fields=["user", "content_type", "object_id", "kind", "due_date"],
                name="notification_once_per_due_date",
            ),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def shown_text(self) -> str:
        """The text in the reader's language: each notification is written in Japanese and in
        English when it is made, whatever language the user who caused it was reading."""
        return in_active_language(self.text, self.text_en)
