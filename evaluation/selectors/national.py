"""Figures across projects: a page's reports of one year and the row of its ratings
(`ProjectRatings`, filled from the summaries by `summaries.year_ratings`), and the national roll-up
of monitored values. The database does the summing; a page costs the same
number of queries whatever the number of projects."""

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from evaluation.arithmetic import achievement_rate
from evaluation.models import (
    AnnualReport,
    Indicator,
    IndicatorYearTotal,
    MonitoredValue,
    NationalTarget,
    ReportingDeadline,
    State,
    ValueKind,
)
from evaluation.models.summaries_national import WHOLE_OR_OWN_FIELD
from evaluation.selectors.paging import page_of
from projects.domain import PHASE_II, in_phase_ii, phase_ii_years, tracked_years
from projects.models import Bureau, Field, Project
from projects.times import current_fiscal_year, today

KNOWN = [ValueKind.NUMBER, ValueKind.ZERO]
AT_RISK = ("limited", "not_toward")


def default_year(report_years) -> int:
    """The fiscal year a dashboard opens on: the latest year with a report the reader may see,
    else the current fiscal year kept inside Phase II."""
    years = [y for y in report_years if PHASE_II[0] <= y <= PHASE_II[1]]
    if years:
        return max(years)
    return min(max(current_fiscal_year(), PHASE_II[0]), PHASE_II[1])


def chosen_year(year: int | None, default) -> int:
    """`year` where it is a Phase II fiscal year, else `default` (a year, or a function giving
    one, called only when needed)."""
    if in_phase_ii(year):
        return year
    return default() if callable(default) else default


# --- Ratings of many projects in one fiscal year -------------------------------------------


@dataclass
class ProjectRatings:
    project: Project
    report: AnnualReport | None
    figures: dict[int, dict] = field(default_factory=dict)  # indicator id → target_achievement

    @property
    def at_risk(self) -> list[dict]:
        return [f for f in self.figures.values() if f["rating"] in AT_RISK]


def latest_report_year(user) -> int | None:
    """The latest fiscal year with a report the user may see (None where none), one query
    reading the reports' fiscal-year index from the top and stopping at the first report the
    user may see: a MAX over the user's scope read every report in it (the evaluator's through
    the index of the states, 30,000 reports at 2,000 projects; issue 27)."""
    visible = AnnualReport.objects.visible_to(user).filter(pk=OuterRef("pk"))
    return (
        AnnualReport.objects.filter(Exists(visible))
        .order_by("-fiscal_year")
        .values_list("fiscal_year", flat=True)
        .first()
    )


def reports_in_year(user, projects: list[Project], year: int) -> dict[int, AnnualReport]:
    """Project id → its report of `year`, where the user may see it (one query)."""
    ids = [p.pk for p in projects]
    return {
        r.project_id: r
        for r in AnnualReport.objects.visible_to(user, among=ids)  # among: of these projects
        .filter(fiscal_year=year)
        .select_related("project")
    }


def submission_summary(projects: list[Project], year: int, reports: dict) -> dict:
    """How many projects' reports of `year` are in each state (「未作成」 for none), and how
    many are late: past the deadline and neither submitted nor approved. One query."""
    states = {project_id: report.state for project_id, report in reports.items()}
    return submission_counts(Counter(states.get(p.pk, "none") for p in projects), year)


def submission_counts(by_state, year: int, due_dates: list | None = None) -> dict:
    """The submission summary of `year` from how many projects' reports are in each state
    (`by_state`: state → number of projects, "none" for no report). One query (the
    deadline), none where `due_dates` gives it (the year's deadline if any, read already)."""
    counts = {"none": 0, **{s: 0 for s in State.values}}
    for state, n in by_state.items():
        counts[state] += n
    if due_dates is None:
        due_dates = ReportingDeadline.objects.filter(fiscal_year=year).values_list(
            "due_date", flat=True
        )
    due = due_dates[0] if due_dates else None
    late = 0
    if due and due < today():
        late = sum(
            n for state, n in counts.items() if state not in (State.SUBMITTED, State.APPROVED)
        )
    labels = dict([("none", _("未作成")), *State.choices])
    return {
        "counts": [(state, labels[state], n) for state, n in counts.items()],
        "due": due,
        "late": late,
        "total": sum(counts.values()),
    }


# --- National roll-up of monitored values ---------------------------------------------------


@dataclass
class RollupLine:
    indicator: Indicator
    total: Decimal | None = None
    reporting: int = 0  # projects with a number or a zero
    not_applicable: int = 0
    unknown: int = 0
    by_bureau: dict[int, Decimal | None] = field(default_factory=dict)
    by_field: dict[int, Decimal | None] = field(default_factory=dict)
    per_project: list[MonitoredValue] = field(default_factory=list)
    values: int = 0  # projects with any settled value (the per-project list's length)

    @property
    def total_display(self) -> str:
        return "" if self.total is None else self.indicator.format_number(self.total)


def settled_values(year: int, projects):
    """The values a national figure is built on, for every reader alike: published figures and
    values of approved reports. Drafts, submitted and returned reports never count."""
    return MonitoredValue.objects.settled().filter(fiscal_year=year, project__in=projects)


def national_rollup(year: int, projects, category: str = "") -> dict:
    """Totals per indicator for `year` over `projects` (a queryset), in SQL: the national
    total where values add up, counts of 該当なし and 未把握, totals by bureau and by field; for
    indicators that do not add up (and for the common target), the per-project values. A value
    is counted under the project that held it that year, so a merged project's earlier values
    count once."""
    indicators = Indicator.objects.all()
    if category:
        indicators = indicators.filter(category=category)
    indicators = list(indicators)
    lines = {i.pk: RollupLine(i) for i in indicators}
    values = settled_values(year, projects).filter(indicator__in=indicators)
    known = Q(kind__in=KNOWN)
    for row in values.values("indicator_id").annotate(
        total=Sum("value", filter=known),
        reporting=Count("id", filter=known),
        not_applicable=Count("id", filter=Q(kind=ValueKind.NOT_APPLICABLE)),
        unknown=Count("id", filter=Q(kind=ValueKind.UNKNOWN)),
    ):
        line = lines[row["indicator_id"]]
        line.reporting = row["reporting"]
        line.not_applicable = row["not_applicable"]
        line.unknown = row["unknown"]
        if line.indicator.adds_up and row["reporting"]:
            line.total = row["total"]
    adding = values.filter(kind__in=KNOWN)
    for row in adding.values("indicator_id", "project__bureau_id").annotate(total=Sum("value")):
        lines[row["indicator_id"]].by_bureau[row["project__bureau_id"]] = row["total"]
    for row in adding.values("indicator_id", "project__fields").annotate(total=Sum("value")):
        if row["project__fields"] is not None:
            lines[row["indicator_id"]].by_field[row["project__fields"]] = row["total"]
    for value in (
        values.filter(
            Q(indicator__additive=False)
            | Q(indicator__unit__in=["percent", "index"])
            | Q(indicator__is_common_target=True)
        )
        .select_related("project", "indicator")
        .order_by("indicator_id", "project__bureau__order", "project__order")
    ):
        lines[value.indicator_id].per_project.append(value)
    for line in lines.values():
        line.values = line.reporting + line.not_applicable + line.unknown
    return {"lines": list(lines.values())}


# --- The same roll-up read from the kept totals (models/summaries_national.py) ---------------
# national_rollup above recomputes from the values (the reference the kept totals are tested
# against); the pages and exports read the kept totals: a few small queries at any size.


# Rows read per chunk where a roll-up streams its rows (the kept totals, the exports' per-project
# values): small enough that a chunk is not what an export of every project holds at its peak.
KEPT_CHUNK = 500


def _add(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    return b if a is None else a if b is None else a + b


def _kept_rows(year, indicator_ids, common, bureau_id, field_id):
    """One query: the kept rows of `year` of every indicator, each project once and by field,
    and the common target's rows of Phase II up to `year`, for the bureau and field chosen."""
    rows = IndicatorYearTotal.objects.filter(indicator__in=indicator_ids).filter(
        Q(fiscal_year=year)
        | Q(indicator_id=common, fiscal_year__gte=PHASE_II[0], fiscal_year__lte=year)
    )
    rows = rows.filter(WHOLE_OR_OWN_FIELD if field_id is None else Q(field_id=field_id))
    if bureau_id is not None:
        rows = rows.filter(bureau_id=bureau_id)
    return rows.values_list(
        "indicator_id",
        "fiscal_year",
        "bureau_id",
        "field_id",
        "by_field_id",
        "total",
        "reporting",
        "not_applicable",
        "unknown",
        "projects",
    )


def _add_row(lines, common_by_year, row, *, year, field_id, common) -> None:
    """One kept row into the roll-up's lines: a row of every project of its bureau once
    (`field` = `by_field` = the field chosen, or both empty) makes the totals and counts and
    the bureau's figure; a row by field the by-field figure."""
    indicator_id, row_year, bureau, field_, by_field, total, reporting = row[:7]
    whole = field_ == by_field == field_id
    if whole and indicator_id == common and reporting:
        common_by_year[row_year] = _add(common_by_year.get(row_year), total)
    if row_year != year:
        return
    line = lines[indicator_id]
    if field_ is not None and reporting:
        line.by_field[by_field] = _add(line.by_field.get(by_field), total)
    if not whole:
        return
    line.reporting += reporting
    line.not_applicable += row[7]
    line.unknown += row[8]
    line.values += row[9]
    if reporting:
        line.by_bureau[bureau] = total
        if line.indicator.adds_up:
            line.total = _add(line.total, total)


def kept_rollup(
    year: int,
    projects,
    *,
    bureau_id: int | None = None,
    field_id: int | None = None,
    category: str = "",
    preview: int | None = None,
    per_project: bool = True,
    bureaus: list | None = None,
) -> dict:
    """national_rollup of `year` read from the kept totals, for `projects` (a queryset: the
    projects of `bureau_id` and `field_id`, for the per-project values). With `preview`, each
    indicator without a total lists only its first `preview` projects' values (the page; its
    `values` holds how many there are); without, every one. Without `per_project` (the
    exports), none are loaded: the exports stream them (per_project_rows). `common_by_year`:
    the common target's settled total in each Phase II year up to `year` (common target
    progress). With `preview` and `bureaus` (every bureau, in their order), the previewed
    values are looked for only among the projects of the first bureaus that hold enough of
    them (the kept rows count them), not among every project. Three queries (two without
    `per_project`)."""
    visible = not projects.query.is_empty()
    indicators = Indicator.objects.all()
    if category:
        indicators = indicators.filter(category=category)
    indicators = list(indicators)
    lines = {i.pk: RollupLine(i) for i in indicators}
    common = next((i.pk for i in indicators if i.is_common_target), None)
    common_by_year: dict[int, Decimal] = {}
    listed = per_project_indicators(indicators, preview) if per_project else []
    previewed = preview is not None and bureaus is not None
    # The kept rows are read in chunks and summed as they come (at 2,000 projects there are
    # twice as many as at 19: held whole, they were the export's peak memory, issue 27); the
    # preview keeps only the rows of its listed indicators, which it reads again.
    rows = (
        _kept_rows(year, list(lines), common, bureau_id, field_id).iterator(chunk_size=KEPT_CHUNK)
        if visible
        else ()
    )
    kept = []
    for row in rows:
        _add_row(lines, common_by_year, row, year=year, field_id=field_id, common=common)
        if previewed and row[0] in listed:
            kept.append(row)
    if previewed:
        first = _preview_bureaus(kept, listed, bureaus, preview, year=year, field_id=field_id)
        if first is not None:
            projects = projects.filter(bureau__in=first)
    values = settled_values(year, projects).filter(indicator__in=listed)
    if preview is not None:
        # the places are numbered over the ids alone, and only the previewed rows are read
        # whole: the window sorts every value of the first bureaus (issue 27)
        first = values.annotate(
            place=Window(
                RowNumber(),
                partition_by=[F("indicator_id")],
                order_by=[F("project__bureau__order"), F("project__order"), F("project_id")],
            )
        ).filter(place__lte=preview)
        values = MonitoredValue.objects.filter(pk__in=first.values("pk"))
    values = values.select_related("project", "indicator").order_by(
        "indicator_id", "project__bureau__order", "project__order"
    )
    for value in values if listed else []:
        lines[value.indicator_id].per_project.append(value)
    return {"lines": list(lines.values()), "common_by_year": common_by_year}


def _preview_bureaus(rows, listed, bureaus, preview: int, *, year: int, field_id) -> list | None:
    """The bureaus (ids) whose projects hold the first `preview` values of `year` of each
    indicator of `listed` in the roll-up's order (bureau, then project): every bureau up to the
    one where the kept rows (`_kept_rows`: `projects`, how many projects hold a value) reach
    `preview`, and any of the same order. None where some indicator needs every bureau."""
    held: dict[tuple[int, int], int] = {}
    for row in rows:
        indicator_id, row_year, bureau, field_, by_field = row[:5]
        if row_year == year and field_ == by_field == field_id and indicator_id in listed:
            held[indicator_id, bureau] = row[9]
    cutoff = None
    for indicator_id in listed:
        seen = 0
        for bureau in bureaus:
            seen += held.get((indicator_id, bureau.pk), 0)
            if seen >= preview:
                cutoff = bureau.order if cutoff is None else max(cutoff, bureau.order)
                break
        else:
            return None
    if cutoff is None:
        return None
    return [bureau.pk for bureau in bureaus if bureau.order <= cutoff]


def per_project_indicators(indicators, preview: int | None = None) -> list[int]:
    """The indicators whose values the roll-up lists project by project: those without a
    national total, and (in the exports, without `preview`) the common target."""
    return [i.pk for i in indicators if not i.adds_up or (preview is None and i.is_common_target)]


def per_project_rows(year: int, projects, indicators: list[Indicator]):
    """Every settled per-project value of `year` of the listed indicators (per_project_indicators)
    over `projects`, in the roll-up's order (the indicators as given, then bureau and project):
    (indicator id, project name_ja, name_en, bureau id, kind, value) tuples streamed from one
    query, so that an export of every project holds only a chunk of them at a time."""
    listed = per_project_indicators(indicators)
    if not listed:
        return iter(())
    place = Case(
        *[When(indicator_id=pk, then=Value(n)) for n, pk in enumerate(listed)],
        output_field=IntegerField(),
    )
    return (
        settled_values(year, projects)
        .filter(indicator__in=listed)
        .order_by(place, "project__bureau__order", "project__order", "project_id")
        .values_list(
            "indicator_id",
            "project__name_ja",
            "project__name_en",
            "project__bureau_id",
            "kind",
            "value",
        )
        .iterator(chunk_size=KEPT_CHUNK)
    )


def yearly_totals(indicator: Indicator, projects, years) -> dict[int, Decimal]:
    """The settled total of an indicator over `projects` in each of `years` that has a number
    or a zero (one query). Only call it for an indicator that adds up."""
    years = list(years)
    return dict(
        MonitoredValue.objects.settled()
        .filter(
            indicator=indicator,
            project__in=projects,
            kind__in=KNOWN,
            fiscal_year__gte=years[0],
            fiscal_year__lte=years[-1],
        )
        .values("fiscal_year")
        .annotate(total=Sum("value"))
        .values_list("fiscal_year", "total")
    )


def kept_yearly_totals(
    indicator: Indicator, years, *, bureau_id: int | None = None, field_id: int | None = None
) -> dict[int, Decimal]:
    """yearly_totals read from the kept totals (IndicatorYearTotal), over every project of
    `bureau_id` and `field_id` (all where None): the sum of each of `years` that has a number
    or a zero. One query over a few rows per year, whatever the number of projects."""
    years = list(years)
    rows = IndicatorYearTotal.objects.filter(
        indicator=indicator,
        fiscal_year__gte=years[0],
        fiscal_year__lte=years[-1],
        reporting__gt=0,
    )
    if field_id is None:
        rows = rows.filter(field__isnull=True)
    else:
        rows = rows.filter(field_id=field_id, by_field_id=field_id)
    if bureau_id is not None:
        rows = rows.filter(bureau_id=bureau_id)
    return dict(
        rows.order_by()
        .values("fiscal_year")
        .annotate(sum=Sum("total"))
        .values_list("fiscal_year", "sum")
    )


def rollup_default_year() -> int:
    """The year the roll-up opens on: the latest Phase II year with a settled value, else the
    last finished fiscal year kept inside Phase II."""
    latest = (
        IndicatorYearTotal.objects.filter(
            fiscal_year__gte=PHASE_II[0], fiscal_year__lte=PHASE_II[1]
        )
        .order_by("-fiscal_year")
        .values_list("fiscal_year", flat=True)
        .first()
    )
    if latest:
        return latest
    return min(max(current_fiscal_year() - 1, PHASE_II[0]), PHASE_II[1])


def common_target_progress(year: int, lines: list[RollupLine], totals) -> dict | None:
    """The common target's national actual against the national target: for `year`, and
    summed over Phase II up to `year` against the phase target. None where the common target
    is not among the roll-up's `lines` (another category is chosen). `totals(indicator,
    years)` gives the settled total of each year (kept_rollup's `common_by_year`)."""
    indicator = next((line.indicator for line in lines if line.indicator.is_common_target), None)
    if indicator is None:
        return None
    by_year = totals(indicator, range(PHASE_II[0], year + 1))
    national = dict(
        NationalTarget.objects.filter(
            indicator=indicator,
            overall_plan__phase__first_fiscal_year__lte=year,
            overall_plan__phase__last_fiscal_year__gte=year,
        ).values_list("fiscal_year", "value")
    )
    actual = by_year.get(year)
    to_date = sum(by_year.values(), Decimal(0)) if by_year else None
    return {
        "indicator": indicator,
        "actual": actual,
        "target": national.get(year),
        "rate": achievement_rate(actual, national.get(year), indicator.direction),
        "to_date": to_date,
        "phase_target": national.get(None),
        "phase_rate": achievement_rate(to_date, national.get(None), indicator.direction),
    }


def breakdown_columns(lines: list[RollupLine], bureaus, fields) -> tuple[list, list]:
    """Every bureau of `bureaus` (all nine, in their order, with or without a value, unless
    the page is filtered to one: a fixed layout that compares year by year) and, of all
    `fields`, those that hold any value."""
    field_ids = {f for line in lines for f in line.by_field}
    return list(bureaus), [f for f in fields if f.pk in field_ids]


def breakdown_rows(lines: list[RollupLine], columns, attribute: str) -> list[tuple]:
    """For each indicator that adds up (by field: and has a value; by bureau: every one, so the
    table keeps its rows from year to year): its formatted total under each column (bureau or
    field; `attribute` is "by_bureau" or "by_field"), None where there is none."""
    rows = []
    for line in lines:
        if not line.indicator.adds_up:
            continue
        totals = getattr(line, attribute)
        cells = [
            line.indicator.format_number(totals[c.pk]) if totals.get(c.pk) is not None else None
            for c in columns
        ]
        if attribute == "by_bureau" or any(cell is not None for cell in cells):
            rows.append((line.indicator, cells))
    return rows


# The tables of the roll-up, each its own CSV (export_views.national_rollup_export)
ROLLUP_SECTIONS = ("totals", "bureau", "field", "common", "projects")


def _filtered_projects(user, bureau: str, field: str):
    """The projects of the bureau and field chosen (unknown codes are ignored), with the chosen
    codes and the choices of the filter form (two queries)."""
    choices = {"bureaus": list(Bureau.objects.all()), "fields": list(Field.objects.all())}
    projects = Project.objects.visible_to(user)
    if bureau in {b.code for b in choices["bureaus"]}:
        projects = projects.filter(bureau__code=bureau)
    else:
        bureau = ""
    if field in {f.code for f in choices["fields"]}:
        projects = projects.filter(fields__code=field)
    else:
        field = ""
    return projects, {"bureau": bureau, "field": field, **choices}


def rollup_context(
    user,
    *,
    year: int | None = None,
    bureau: str = "",
    field: str = "",
    category: str = "",
    page: str | None = None,
    preview: int | None = None,
) -> dict:
    """The roll-up of the year and filters asked for (the page and its exports); a year
    outside Phase II, an unknown bureau, field or category fall back to the defaults. The
    figures are read from the kept totals. The page passes `page` and `preview` (how many
    per-project values of an indicator without a total it lists) and gets `projects`, the
    page of projects with their common target value; the exports pass neither and get every
    per-project value (and no `projects`)."""
    year = chosen_year(year, rollup_default_year)
    if category not in Indicator.Category.values:
        category = ""
    projects, filters = _filtered_projects(user, bureau, field)
    chosen_ids = {
        "bureau_id": next((b.pk for b in filters["bureaus"] if b.code == filters["bureau"]), None),
        "field_id": next((f.pk for f in filters["fields"] if f.code == filters["field"]), None),
    }
    exported = page is None and preview is None
    rollup = kept_rollup(
        year,
        projects,
        category=category,
        preview=preview,
        per_project=not exported,
        bureaus=filters["bureaus"],
        **chosen_ids,
    )
    chosen = [b for b in filters["bureaus"] if filters["bureau"] in ("", b.code)]
    bureaus, fields = breakdown_columns(rollup["lines"], chosen, filters["fields"])
    common = common_target_progress(
        year, rollup["lines"], lambda _indicator, _years: rollup["common_by_year"]
    )
    project_rows = None
    if page is not None or preview is not None:
        project_rows = page_of(
            projects.select_related("bureau").order_by("bureau__order", "order"), page
        )
        shown = list(project_rows.object_list)
        common_values = {}
        if common:
            common_values = {
                value.project_id: value
                for value in settled_values(year, [p.pk for p in shown])
                .filter(indicator=common["indicator"])
                .select_related("indicator")
            }
        project_rows.object_list = [(p, common_values.get(p.pk)) for p in shown]
    return {
        "year": year,
        "years": phase_ii_years(),
        "lines": rollup["lines"],
        "bureau_columns": bureaus,
        "bureau_rows": breakdown_rows(rollup["lines"], bureaus, "by_bureau"),
        "field_columns": fields,
        "field_rows": breakdown_rows(rollup["lines"], fields, "by_field"),
        "common": common,
        "projects": project_rows,
        # the exports' per-project values, streamed when written (None on the page)
        "per_project_rows": (
            (lambda: per_project_rows(year, projects, [line.indicator for line in rollup["lines"]]))
            if exported
            else None
        ),
        "category": category,
        "categories": Indicator.Category.choices,
        "filtered": bool(filters["bureau"] or filters["field"]),
        **filters,
    }


# The columns of a value that one indicator across projects reads (across_context)
ACROSS_VALUE_FIELDS = (
    "project",
    "indicator",
    "fiscal_year",
    "kind",
    "value",
    "is_approximate",
    "report",
    "report__state",
)


def across_context(
    user,
    code: str,
    *,
    bureau: str = "",
    field: str = "",
    page: str | None = None,
    per_page: int | None = None,
    paged=False,
) -> dict:
    """One indicator's rows (the page, `paged`: the page of projects numbered `page`, of
    `per_page` projects if fewer than the default; its exports: every project); the totals row
    is over every project either way."""
    indicator = get_object_or_404(Indicator, code=code)
    projects, filters = _filtered_projects(user, bureau, field)
    years = tracked_years()
    # the projects' order (Project.Meta), code last so that a page never repeats a project
    shown = projects.select_related("bureau").order_by("bureau__order", "order", "code")
    page_rows = None
    if paged:
        page_rows = page_of(shown, page, per_page=per_page)
        shown = list(page_rows.object_list)
    values = {}
    visible = (
        # a page's projects: an evaluator's assignments among them alone (visible_to's among)
        MonitoredValue.objects.visible_to(user, among=[p.pk for p in shown])
        if paged
        else MonitoredValue.objects.visible_to(user).filter(project__in=projects)
    )
    for value in (
        visible.filter(
            indicator=indicator,
            # only the years of the columns (a project's values of other years are never shown)
            fiscal_year__gte=years[0],
            fiscal_year__lte=years[-1],
        )
        # what a cell shows (and its export): the value and whether its report is approved;
        # not the report's texts nor the times (issue 27: a page reads 5 values a project)
        .select_related("report")
        .only(*ACROSS_VALUE_FIELDS)
        .order_by()
    ):
        value.indicator = indicator  # the one indicator, loaded once rather than on every row
        values[value.project_id, value.fiscal_year] = value
    rows = []
    for project in shown:
        cells = []
        for year in years:
            value = values.get((project.pk, year))
            unsettled = bool(value and value.awaits_approval)
            cells.append({"value": value, "unsettled": unsettled})
        rows.append({"project": project, "cells": cells})
    totals, by_year = [], {}
    if indicator.adds_up and not projects.query.is_empty():
        by_year = kept_yearly_totals(
            indicator,
            years,
            bureau_id=next((b.pk for b in filters["bureaus"] if b.code == filters["bureau"]), None),
            field_id=next((f.pk for f in filters["fields"] if f.code == filters["field"]), None),
        )
        totals = [indicator.format_number(by_year[y]) if y in by_year else None for y in years]
    return {
        "indicator": indicator,
        "years": years,
        "rows": rows,
        "totals": totals,
        "total_values": by_year if indicator.adds_up else {},
        "page": page_rows,
        **filters,
    }
