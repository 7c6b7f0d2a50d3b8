"""お知らせ: the list of what the review loop told the signed-in user."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from evaluation.selectors.notifications import SHOWN, notifications_for


@login_required
@require_safe
def notification_list(request):
    """GET, any signed-in user: their own notifications (returned, approved, assigned,
    deadline within 14 days), newest first; nobody sees another's."""
    context = {"notifications": notifications_for(request.user), "shown": SHOWN}
    return render(request, "evaluation/notification_list.html", context)
