"""Gathers the economic index against the nation (DOMAIN.md, "Economic index against the
nation"): the cluster series over a constant panel of firms (or the published index where no
firm figures exist, as for the seed's FY2000–2003 chart) beside the national statistics, each
indexed to the first year of the range (= 1.000). Two queries whatever the number of firms."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from evaluation.arithmetic import (
    NO_PANEL,
    IndexSeries,
    IndustryMix,
    industry_mix_series,
    panel_index,
    series_index,
)
from evaluation.models import EconomicFigure, Measure, NationalIndustryFigure, PanelFigure, Series
from evaluation.models.economic import reason_text
from projects.domain import english_active, in_active_language
from projects.models import Industry, OrganisationType, Project
from projects.registry import is_small_or_medium, sme_sector
from projects.templatetags.fiscal import punct

MAX_YEARS = 12  # the longest span the page shows


@dataclass
class MeasureIndex:
    measure: str
    label: str
    cluster: IndexSeries
    cluster_published: bool  # the cluster line is a published index, not our panel
    national: IndexSeries
    chart: object = None  # drawn by the view (renderers.charts.index_charts)
    mix: IndustryMix | None = None  # the national series' industry-mix adjustment, if computed
    unknown_size: int = 0  # firms left out of an SME-only panel: size not known
    large: int = 0  # firms left out of an SME-only panel: not SMEs

    @property
    def adjustment(self) -> str:
        """Which adjustment the national series had, in words."""
        if self.cluster_published:
            return _("全国値は公表資料の値です。")
        if self.mix is None or not self.mix.adjusted:
            return _("業種別の全国値がないため補正していません。")
        separator = punct("、")
        shares = separator.join(
            f"{Industry(d).label} {w * 100:.1f}%" for d, w in self.mix.weights.items()
        )
        text = _("全国値は参画企業の業種構成（%(shares)s）で補正しています。") % {"shares": shares}
        if self.mix.missing:
            text += _("業種別の全国値がない業種（%(missing)s）の企業は構成比に含めていません。") % {
                "missing": separator.join(self.mix.missing)
            }
        return text

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


ORGANISATION_FIELDS = (
    "firm__organisation__type",
    "firm__organisation__industry",
    "firm__organisation__trade",
    "firm__organisation__capital_yen",
    "firm__organisation__employees",
)


def _firm_profile(org_type, industry, trade, capital, employees) -> tuple[bool | None, str]:
    """(SME status, JSIC division) of a panel firm read from its registry organisation; status
    None when it is not linked to a firm of the registry or its size cannot be told."""
    if org_type != OrganisationType.FIRM:
        return None, ""
    return is_small_or_medium(sme_sector(industry, trade), capital, employees), industry or ""


def _national_by_industry(years: list[int]) -> dict[str, dict[str, dict[int, object]]]:
    """measure → division → fiscal year → value per firm. One query."""
    table: dict[str, dict[str, dict[int, object]]] = {}
    for f in NationalIndustryFigure.objects.filter(fiscal_year__in=years):
        table.setdefault(f.measure, {}).setdefault(f.industry, {})[f.fiscal_year] = f.value
    return table


def measure_indexes(
    *, years: list[int], project=None, sme_only: bool = False
) -> list[MeasureIndex]:
    """For each measure: the cluster's index over `years` (the constant panel of firms of
    `project`, or of every project — only the registry's SMEs when `sme_only`, firms of unknown
    size left out and counted; where no firm has figures, the published index) beside the
    nation's, adjusted to the panel's industry mix where national figures by industry exist.
    Three queries."""
    figures = EconomicFigure.objects.filter(fiscal_year__in=years)
    aggregate: dict[tuple[str, str], dict[int, object]] = {}
    for f in figures:
        aggregate.setdefault((f.series, f.measure), {})[f.fiscal_year] = f.value
    panel = PanelFigure.objects.filter(fiscal_year__in=years)
    if project is not None:
        panel = panel.filter(firm__project=project)
    rows = list(
        panel.values_list(
            "firm_id",
            "fiscal_year",
            *PanelFigure.MEASURE_FIELDS.values(),
            *ORGANISATION_FIELDS,
        )
    )
    by_industry = _national_by_industry(years)
    profiles = {row[0]: _firm_profile(*row[-len(ORGANISATION_FIELDS) :]) for row in rows}
    unknown = sum(1 for sme, _industry in profiles.values() if sme is None)
    large = sum(1 for sme, _industry in profiles.values() if sme is False)
    kept = {f for f, (sme, _industry) in profiles.items() if not sme_only or sme}
    result = []
    for m, measure in enumerate(Measure):
        firms: dict[int, dict[int, object]] = {}
        for firm_id, fiscal_year, *values in rows:
            if firm_id in kept:
                firms.setdefault(firm_id, {})[fiscal_year] = values[m]
        cluster = panel_index(firms, years)
        published = False
        if cluster.reason == NO_PANEL and not rows and project is None:
            published_values = aggregate.get((Series.CLUSTER_PUBLISHED, measure), {})
            if published_values:
                cluster, published = series_index(published_values, years), True
        in_panel = [
            profiles[f][1]
            for f, by_year in firms.items()
            if all(by_year.get(y) is not None for y in years)
        ]
        mix = industry_mix_series(in_panel, by_industry.get(measure, {}), years)
        if mix.adjusted and not published:
            national = series_index(mix.values, years)
        else:
            national = series_index(aggregate.get((Series.NATIONAL, measure), {}), years)
        result.append(
            MeasureIndex(
                measure,
                str(measure.label),
                cluster,
                published,
                national,
                mix=mix,
                unknown_size=unknown if sme_only else 0,
                large=large if sme_only else 0,
            )
        )
    return result


def index_context(
    *,
    project_code: str = "",
    first: int | None = None,
    last: int | None = None,
    sme_only: bool = True,
):
    """The page: the projects to choose from, the one chosen (`project_code`; every firm where
    none or an unknown code), the years with data, the span shown (`first`–`last` where both
    have data, in order, and span fewer than MAX_YEARS years; else the latest four years with
    data) and its measures, over the registry's SMEs only unless `sme_only` is False (the
    seed's 「大企業を除く」). `projects` are (id, code, name) and `project` the chosen one's id
    (or None). Returns the context and the span's years."""
    # (id, code, name) of every project, for the choice of one: plain tuples, as the list is
    # as long as the programme (2,000 projects at scale)
    english = english_active()
    projects = [
        (pk, code, in_active_language(name_ja, name_en, english=english))
        for pk, code, name_ja, name_en in Project.objects.order_by("code").values_list(
            "pk", "code", "name_ja", "name_en"
        )
    ]
    project = next((pk for pk, code, _name in projects if code == project_code), None)
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
        "sme_only": sme_only,
        "measures": (
            measure_indexes(years=span, project=project, sme_only=sme_only) if span else []
        ),
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


def national_industry_table() -> list[tuple[int, str, dict]]:
    """The national figures by industry: (year, division label, {measure: value per firm})."""
    table: dict[tuple[int, str], dict] = {}
    for f in NationalIndustryFigure.objects.order_by("fiscal_year", "industry", "measure"):
        table.setdefault((f.fiscal_year, f.industry), {})[f.measure] = f.value
    return [(y, Industry(d).label, row) for (y, d), row in table.items()]
