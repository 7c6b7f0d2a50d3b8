"""Gathers the economic index against the nation (DOMAIN.md, "Economic index against the
nation"): the cluster series over a constant panel of firms (or the published index where no
firm figures exist, as for the seed's FY2000–2003 chart) beside the national statistics, each
indexed to the first year of the range (= 1.000). Two queries whatever the number of firms."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from evaluation.arithmetic import (
    NO_BASE,
    NO_PANEL,
    NO_VALUE,
    IndexSeries,
    panel_index,
    series_index,
)
from evaluation.models import EconomicFigure, Measure, PanelFigure, Series
from evaluation.renderers.charts import Chart, line_chart
from projects.domain import fiscal_year_short_label


@dataclass
class MeasureIndex:
    measure: str
    label: str
    cluster: IndexSeries
    cluster_published: bool  # the cluster line is a published index, not our panel
    national: IndexSeries
    chart: Chart | None

    @property
    def reasons(self) -> list[str]:
        return [
            f"{who}: {reason_text(series.reason)}"
            for who, series in ((_("参画企業"), self.cluster), (_("全国"), self.national))
            if series.reason
        ]


def reason_text(reason: str | None) -> str:
    return {
        NO_BASE: _("基準年度の値がゼロまたはマイナスのため、指数を計算できません。"),
        NO_PANEL: _("すべての年度に値がある企業がないため、指数を計算できません。"),
        NO_VALUE: _("基準年度の値がないため、指数を計算できません。"),
    }.get(reason, "")


def available_years(project=None) -> list[int]:
    panel = PanelFigure.objects.all()
    if project is not None:
        panel = panel.filter(firm__project=project)
    years = set(panel.order_by().values_list("fiscal_year", flat=True).distinct())
    years |= set(EconomicFigure.objects.order_by().values_list("fiscal_year", flat=True).distinct())
    return sorted(years)


def economic_index(*, years: list[int], project=None, language: str = "ja") -> list[MeasureIndex]:
    figures = EconomicFigure.objects.filter(fiscal_year__in=years)
    aggregate: dict[tuple[str, str], dict[int, object]] = {}
    for f in figures:
        aggregate.setdefault((f.series, f.measure), {})[f.fiscal_year] = f.value
    panel = PanelFigure.objects.filter(fiscal_year__in=years)
    if project is not None:
        panel = panel.filter(firm__project=project)
    rows = list(panel.values_list("firm_id", "fiscal_year", *PanelFigure.MEASURE_FIELDS.values()))
    result = []
    for m, measure in enumerate(Measure):
        firms: dict[int, dict[int, object]] = {}
        for firm_id, fiscal_year, *values in rows:
            firms.setdefault(firm_id, {})[fiscal_year] = values[m]
        cluster = panel_index(firms, years)
        published = False
        if cluster.reason == NO_PANEL and not firms and project is None:
            published_values = aggregate.get((Series.CLUSTER_PUBLISHED, measure), {})
            if published_values:
                cluster, published = series_index(published_values, years), True
        national = series_index(aggregate.get((Series.NATIONAL, measure), {}), years)
        result.append(
            MeasureIndex(
                measure,
                str(measure.label),
                cluster,
                published,
                national,
                _chart(measure, years, cluster, national, language),
            )
        )
    return result


def _chart(measure, years, cluster, national, language) -> Chart:
    labels = [fiscal_year_short_label(y, language) for y in years]
    cluster_name, national_name = _("参画企業"), _("法人企業統計")
    first, last = labels[0], labels[-1]
    description = _(
        "%(measure)sの指数（%(first)s＝1.000）の推移。%(cluster)s: %(c)s。%(national)s: %(n)s。"
    ) % {
        "measure": measure.label,
        "first": first,
        "cluster": cluster_name,
        "national": national_name,
        "c": _series_text(labels, cluster),
        "n": _series_text(labels, national),
    }
    return line_chart(
        title=_("%(measure)sの指数（%(first)s〜%(last)s）")
        % {"measure": measure.label, "first": first, "last": last},
        description=description,
        x_labels=labels,
        series=[
            (cluster_name, [cluster.index.get(y) for y in years]),
            (national_name, [national.index.get(y) for y in years]),
        ],
        first_header=_("年度"),
        mark=Decimal("1.000"),
    )


def _series_text(labels, series: IndexSeries) -> str:
    if series.reason:
        return reason_text(series.reason)
    return "、".join(
        f"{label} {'—' if v is None else f'{v:.3f}'}"
        for label, v in zip(labels, series.index.values(), strict=True)
    )
