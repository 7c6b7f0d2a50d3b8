"""Screens of cases and adoptions: the review sheet of a policy tool (行政事業レビューシート
style; figures only, for every signed-in user)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from evaluation.selectors.cases import review_sheet


@login_required
@require_safe
def tool_review_sheet(request, code):
    """GET, every signed-in user: budget and amount granted per year, adoptions, funded cases by
    stage and the cost per outcome of one policy tool (no names)."""
    return render(
        request, "evaluation/tool_review_sheet.html", {"sheet": review_sheet(request.user, code)}
    )
