"""お知らせ of the signed-in user, newest first (the list page and the homes' count)."""

from evaluation.models import Notification

SHOWN = 100


def notifications_for(user) -> list[Notification]:
    """The user's latest SHOWN notifications, newest first. One query."""
    return list(Notification.objects.filter(user=user).order_by("-created_at", "-pk")[:SHOWN])
