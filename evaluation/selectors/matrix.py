from django.utils.translation import get_language

from evaluation.arithmetic import Observed
from evaluation.models import Indicator, MonitoredValue, ProjectPlan
from evaluation.renderers.charts import goal_actual_chart
from evaluation.selectors.achievement import rating_bands, target_achievement
from projects.selectors import get_project_for_user


def _year(text, default):
    try:
        year = int(text)
    except (TypeError, ValueError):
        return default
    return min(max(year, FIRST_YEAR), LAST_YEAR)


def matrix_context(request, code) -> dict:
    """The matrix's rows (the page and its exports)."""
    project = get_project_for_user(request.user, code)
    category = request.GET.get("category", "")
    if category not in Indicator.Category.values:
        category = ""
    first = _year(request.GET.get("from"), FIRST_YEAR)
    last = _year(request.GET.get("to"), LAST_YEAR)
    if first > last:
        first, last = last, first
    years = list(range(first, last + 1))
    indicators = list(
        Indicator.objects.filter(category=category) if category else Indicator.objects.all()
    )
    observed: dict[int, dict[int, Observed]] = {}
    shown: dict[tuple[int, int], MonitoredValue] = {}
    for value in (
        MonitoredValue.objects.visible_to(request.user)
        .filter(project=project, fiscal_year__lte=last)
        .select_related("indicator")
    ):
        observed.setdefault(value.indicator_id, {})[value.fiscal_year] = Observed(
            value.kind, value.value
        )
        shown[(value.indicator_id, value.fiscal_year)] = value
    plans = list(
        ProjectPlan.objects.visible_to(request.user)
        .filter(project=project)
        .select_related("phase")
        .prefetch_related("targets__versions__milestones")
    )
    targets = {}  # (indicator id, fiscal year) → target of the plan covering that year
    for plan in plans:
        for target in plan.targets.all():
            if target.indicator_id:
                for year in years:
                    if plan.phase.contains(year):
                        targets[(target.indicator_id, year)] = target
    bands = rating_bands()
    rows = []
    for indicator in indicators:
        cells = []
        for year in years:
            value = shown.get((indicator.pk, year))
            target = targets.get((indicator.pk, year))
            cell = {
                "year": year,
                "value": value,
                "goal": None,
                "actual": None,
                "rate": None,
                "rating": None,
            }
            if target is not None:
                figures = target_achievement(target, year, observed.get(indicator.pk, {}), bands)
                cell.update(
                    goal=figures["goal"],
                    actual=figures["actual"],
                    rate=figures["rate"],
                    rating=figures["rating"],
                    rating_label=figures["rating_label"],
                )
            cells.append(cell)
        chart = None
        if any(cell["goal"] is not None for cell in cells):
            chart = goal_actual_chart(
                indicator.name,
                years,
                [cell["goal"] for cell in cells],
                [cell["actual"] for cell in cells],
                get_language() or "ja",
            )
        rows.append({"indicator": indicator, "cells": cells, "chart": chart})
    return {
        "project": project,
        "years": years,
        "rows": rows,
        "charts": [row for row in rows if row["chart"]],
        "category": category,
        "categories": Indicator.Category.choices,
        "first": first,
        "last": last,
        "year_range": list(range(FIRST_YEAR, LAST_YEAR + 1)),
    }


FIRST_YEAR, LAST_YEAR = 2005, 2010
