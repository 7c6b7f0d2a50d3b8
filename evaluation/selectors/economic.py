"""Gathers the economic index against the nation (DOMAIN.md, "Economic index against the
nation"): the cluster series over a constant panel of firms (or the published index where no
firm figures exist, as for the seed's FY2000–2003 chart) beside the national statistics, each
indexed to the first year of the range (= 1.000). Two queries whatever the number of firms."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from evaluation.arithmetic import NO_PANEL, IndexSeries, panel_index, series_index
from evaluation.models import EconomicFigure, Measure, PanelFigure, Series
from evaluation.models.economic import reason_text
from projects.models import Project

MAX_YEARS = 12  # the longest span the page shows


@dataclass
class MeasureIndex:
    measure: str
    label: str
    cluster: IndexSeries
    cluster_published: bool  # the cluster line is a published index, not our panel
    national: IndexSeries
    chart: object = None  # drawn by the view (renderers.charts.index_charts)

    @property
    def reasons(self) -> list[str]:
        return [
            f"{who}: {reason_text(series.reason)}"
            for who, series in ((_("参画企業"), self.cluster), (_("全国"), self.national))
            if series.reason
        ]


def available_years(project=None) -> list[int]:
    panel = PanelFigure.objects.all()
    if project is not None:
        panel = panel.filter(firm__project=project)
    years = set(panel.order_by().values_list("fiscal_year", flat=True).distinct())
    years |= set(EconomicFigure.objects.order_by().values_list("fiscal_year", flat=True).distinct())
    return sorted(years)


def measure_indexes(*, years: list[int], project=None) -> list[MeasureIndex]:
    """For each measure: the cluster's index over `years` (the constant panel of firms of
    `project`, or of every project; where no firm has figures, the published index) beside
    the nation's. Two queries."""
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
            )
        )
    return result


def index_context(*, project_code: str = "", first: int | None = None, last: int | None = None):
    """The page: the projects to choose from, the one chosen (`project_code`; every firm where
    none or an unknown code), the years with data, the span shown (`first`–`last` where both
    have data, in order, and span fewer than MAX_YEARS years; else the latest four years with
    data) and its measures. Returns the context and the span's years."""
    projects = list(Project.objects.order_by("code").only("code", "name_ja", "name_en"))
    project = next((p for p in projects if p.code == project_code), None)
    years = available_years(project)
    if first not in years or last not in years or last <= first or last - first >= MAX_YEARS:
        # Default: the latest four years with data (the seed's chart spans four).
        last = years[-1] if years else None
        first = next((y for y in years if last is not None and y >= last - 3), None)
    span = list(range(first, last + 1)) if first is not None and last is not None else []
    context = {
        "projects": projects,
        "project": project,
        "years": years,
        "first": first,
        "last": last,
        "measures": measure_indexes(years=span, project=project) if span else [],
    }
    return context, span


def national_figures_table() -> list[tuple[int, dict]]:
    """The national figures by fiscal year: (year, {"is_reference": …, measure: value, …})."""
    figures = EconomicFigure.objects.filter(series=Series.NATIONAL).order_by(
        "fiscal_year", "measure"
    )
    table: dict[int, dict] = {}
    for f in figures:
        row = table.setdefault(f.fiscal_year, {"is_reference": f.is_reference})
        row[f.measure] = f.value
    return sorted(table.items())
