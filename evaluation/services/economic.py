"""Writes of the national series (法人企業統計, adjusted to the cluster firms' industry mix)."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from evaluation.models import EconomicFigure, Measure, NationalIndustryFigure, Series


@transaction.atomic
def national_figures_save(
    *,
    fiscal_year: int,
    values: dict[str, Decimal | None],
    source_note: str,
    by,
    industry: str = "",
) -> list:
    """Set a fiscal year's national figures, one per measure; a blank value removes the year's
    figure of that measure. With `industry` (a JSIC major division) the figures are that
    division's per firm, from which the index adjusts the national series to the panel's
    industry mix. Managers only; reference figures (the seed's) never change here."""
    if not EconomicFigure.is_editable_by(by):
        raise PermissionDenied
    if industry:
        return _industry_figures_save(
            fiscal_year=fiscal_year,
            industry=industry,
            values=values,
            source_note=source_note,
            by=by,
        )
    existing = {
        f.measure: f
        for f in EconomicFigure.objects.select_for_update().filter(
            series=Series.NATIONAL, fiscal_year=fiscal_year
        )
    }
    if any(f.is_reference for f in existing.values()):
        raise ValidationError(
            {"fiscal_year": _("この年度は公表資料の参照データのため変更できません。")},
            code="reference",
        )
    saved = []
    for measure in Measure:
        value = values.get(measure)
        figure = existing.get(measure)
        if value is None:
            if figure is not None:
                figure._history_user = by
                figure.delete()
            continue
        figure = figure or EconomicFigure(
            series=Series.NATIONAL, measure=measure, fiscal_year=fiscal_year
        )
        figure.value = value
        figure.source_note = source_note
        figure.full_clean()
        figure._history_user = by
        figure.save()
        saved.append(figure)
    return saved


def _industry_figures_save(*, fiscal_year, industry, values, source_note, by) -> list:
    existing = {
        f.measure: f
        for f in NationalIndustryFigure.objects.select_for_update().filter(
            fiscal_year=fiscal_year, industry=industry
        )
    }
    saved = []
    for measure in Measure:
        value = values.get(measure)
        figure = existing.get(measure)
        if value is None:
            if figure is not None:
                figure._history_user = by
                figure.delete()
            continue
        figure = figure or NationalIndustryFigure(
            fiscal_year=fiscal_year, industry=industry, measure=measure
        )
        figure.value = value
        figure.source_note = source_note
        figure.full_clean()
        figure._history_user = by
        figure.save()
        saved.append(figure)
    return saved
