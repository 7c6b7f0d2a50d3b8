"""Reads of the network registry (会員名簿): a project's member list and its counts, an
organisation's page, the member counts that become b) figures, and the national counts that count
an organisation once (実数) beside the sum over projects (延べ数).

Who reads what: an organisation's name and type, and every count, are read by every signed-in
user; the names of a project's members by its bureau's staff, managers, admins and the evaluators
assigned to the project (`Membership.objects.visible_to`); others see the counts only.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, Min, Q
from django.shortcuts import get_object_or_404

from evaluation.models import MemberCountChange
from projects.domain import fiscal_year_bounds, tracked_years
from projects.models import Membership, Organisation, OrganisationType, Project, Role, user_role
from projects.models.registry import year_end
from projects.selectors import get_project_for_user

# The b) indicators of the catalogue that are member counts, and the types each one counts.
MEMBER_COUNT_INDICATORS = {
    "participating-firms": [OrganisationType.FIRM],
    "participating-universities": [OrganisationType.UNIVERSITY, OrganisationType.RESEARCH],
    "participating-local-governments": [OrganisationType.GOVERNMENT, OrganisationType.CHAMBER],
    "participating-financial-institutions": [OrganisationType.FINANCE],
    "participating-support-organisations": [OrganisationType.SUPPORT],
    "participating-trading-companies": [OrganisationType.TRADING],
}


def may_read_members(user, project: Project) -> bool:
    """May the user read the names on the project's member list? (Counts: everyone.)"""
    role = user_role(user)
    if role in (Role.MANAGER, Role.ADMIN):
        return True
    if role == Role.STAFF:
        return user.bureau_id == project.bureau_id
    if role == Role.EVALUATOR:
        return Project.objects.filter(pk=project.pk, evaluations__evaluators=user).exists()
    return False


def _year_filter(year: int, prefix: str = "") -> Q:
    day = year_end(year)
    return Q(**{f"{prefix}joined__lte": day}) & (
        Q(**{f"{prefix}left__isnull": True}) | Q(**{f"{prefix}left__gte": day})
    )


def type_counts(memberships, years: list[int]) -> dict[str, dict[int, int]]:
    """Members at each year's end by type ({type: {year: count}}), in one query."""
    rows = memberships.values("organisation__type").annotate(
        **{f"y{year}": Count("pk", filter=_year_filter(year)) for year in years}
    )
    counts = {t: dict.fromkeys(years, 0) for t in OrganisationType.values}
    for row in rows:
        for year in years:
            counts[row["organisation__type"]][year] = row[f"y{year}"]
    return counts


def member_rows(user, project: Project, *, type: str = "", year=None, status: str = ""):
    """The project's memberships the user may read, filtered (type, members at a fiscal year's
    end, current or left), with their organisations: the page and its exports."""
    rows = (
        Membership.objects.visible_to(user)
        .filter(project=project)
        .select_related("organisation")
        .order_by("organisation__type", "organisation__normalised_name", "joined", "pk")
    )
    if type in OrganisationType.values:
        rows = rows.filter(organisation__type=type)
    if year is not None:
        rows = rows.at_year_end(year)
    if status == "current":
        rows = rows.filter(left__isnull=True)
    elif status == "left":
        rows = rows.filter(left__isnull=False)
    return rows


def member_list_page(user, code: str, *, type: str = "", year=None, status: str = "") -> dict:
    """The member list page: the counts by type and fiscal year (everyone), and the rows
    (those who may read names; None for the others)."""
    project = get_project_for_user(user, code)
    years = tracked_years()
    if year not in years:
        year = None
    counts = type_counts(Membership.objects.filter(project=project), years)
    readable = may_read_members(user, project)
    return {
        "project": project,
        "years": years,
        "count_rows": [
            (label, [counts[value][y] for y in years]) for value, label in OrganisationType.choices
        ],
        "totals": [sum(counts[t][y] for t in counts) for y in years],
        "can_read_names": readable,
        "can_import": project.is_editable_by(user),
        "rows": member_rows(user, project, type=type, year=year, status=status)
        if readable
        else None,
        "filters": {"type": type, "year": year, "status": status},
        "types": OrganisationType.choices,
    }


def organisation_page(user, organisation_id: int) -> dict:
    """An organisation (reference data, every signed-in user) and its memberships over time: the
    ones the user may read by project, and how many others there are."""
    organisation = get_object_or_404(Organisation.objects.visible_to(user), pk=organisation_id)
    memberships = list(
        Membership.objects.visible_to(user)
        .filter(organisation=organisation)
        .select_related("project__bureau")
        .order_by("joined", "pk")
    )
    hidden = (
        Membership.objects.filter(organisation=organisation)
        .exclude(pk__in=[m.pk for m in memberships])
        .count()
    )
    return {"organisation": organisation, "memberships": memberships, "hidden": hidden}


# --- b) figures from the registry --------------------------------------------------------------


@dataclass(frozen=True)
class RegistryFigure:
    indicator_code: str
    fiscal_year: int
    value: int
    as_of: datetime.date  # 31 March: the list as of that day


def registry_figures(project: Project, years: list[int]) -> dict[tuple[str, int], RegistryFigure]:
    """The member-count b) figures the list gives for each year: {(indicator code, year): figure}.
    A year has figures from the list when the project has a list that had started by the year's
    end (its earliest membership); other years keep the figures staff entered. One query."""
    rows = list(
        Membership.objects.filter(project=project)
        .values("organisation__type")
        .annotate(
            first=Min("joined"),
            **{f"y{year}": Count("pk", filter=_year_filter(year)) for year in years},
        )
    )
    if not rows:
        return {}
    first = min(row["first"] for row in rows)
    counts = {t: dict.fromkeys(years, 0) for t in OrganisationType.values}
    for row in rows:
        for year in years:
            counts[row["organisation__type"]][year] = row[f"y{year}"]
    return {
        (code, year): RegistryFigure(
            code, year, sum(counts[t][year] for t in types), fiscal_year_bounds(year)[1]
        )
        for code, types in MEMBER_COUNT_INDICATORS.items()
        for year in years
        if year_end(year) >= first
    }


@dataclass(frozen=True)
class NationalCount:
    indicator_code: str
    fiscal_year: int
    total: int  # 延べ数: the sum over projects
    distinct: int  # 実数: each organisation once


def national_member_counts(years: list[int]) -> list[NationalCount]:
    """For every member-count indicator and year: 延べ数 (memberships at the year's end, summed
    over projects) and 実数 (distinct organisations), read from the kept changes
    (MemberCountChange, services/member_counts.py): the count of a year is the sum of its
    type's changes up to that year, and an indicator's is the sum over its types (an
    organisation has one type). One query, whatever the number of memberships."""
    if not years:
        return []
    changes = MemberCountChange.objects.filter(fiscal_year__lte=max(years)).values_list(
        "organisation_type", "fiscal_year", "total", "distinct"
    )
    at = {(t, y): [0, 0] for t in OrganisationType.values for y in years}
    for type, year, total, distinct in changes:
        for wanted in years:
            if year <= wanted and (type, wanted) in at:
                cell = at[type, wanted]
                cell[0] += total
                cell[1] += distinct
    return [
        NationalCount(
            code,
            year,
            sum(at[t, year][0] for t in types),
            sum(at[t, year][1] for t in types),
        )
        for code, types in MEMBER_COUNT_INDICATORS.items()
        for year in years
    ]


def live_member_counts(years: list[int]) -> list[NationalCount]:
    """The same counts recomputed from every membership (one aggregate over all of them): what
    the kept changes must equal (tests), and what the page read before issue 27."""
    aggregates = {}
    for code, types in MEMBER_COUNT_INDICATORS.items():
        of_type = Q(organisation__type__in=types)
        for year in years:
            when = of_type & _year_filter(year)
            key = f"{code.replace('-', '_')}_{year}"
            aggregates[f"t_{key}"] = Count("pk", filter=when)
            aggregates[f"d_{key}"] = Count("organisation", filter=when, distinct=True)
    if not years:
        return []
    found = Membership.objects.aggregate(**aggregates)
    counts = []
    for code in MEMBER_COUNT_INDICATORS:
        for year in years:
            key = f"{code.replace('-', '_')}_{year}"
            counts.append(NationalCount(code, year, found[f"t_{key}"], found[f"d_{key}"]))
    return counts


@dataclass(frozen=True)
class ReportMemberFigure:
    """One member-count indicator of an annual report: the list's figure (None without a list
    for that year), the figure staff entered (a MonitoredValue or None), and which one the report
    takes: "list" (「名簿から」), "entered" (入力値, no list) or "none"."""

    indicator: object
    listed: RegistryFigure | None
    entered: object
    source: str

    @property
    def value(self):
        if self.source == "list":
            return self.listed.value
        return self.entered.value if self.entered is not None else None

    @property
    def differs(self) -> bool:
        """The list and an entered number disagree (the entered one is not used)."""
        return (
            self.listed is not None
            and self.entered is not None
            and self.entered.value is not None
            and self.entered.value != self.listed.value
        )


def report_member_figures(report, indicators, values) -> list[ReportMemberFigure]:
    """The member-count b) figures of an annual report, each with where it comes from: the
    project's member list at the year's end where the list covers the year, else the entered
    value (`values`: indicator id → MonitoredValue, as the report page reads them). One
    query."""
    figures = registry_figures(report.project, [report.fiscal_year])
    rows = []
    for indicator in indicators:
        if indicator.code not in MEMBER_COUNT_INDICATORS:
            continue
        listed = figures.get((indicator.code, report.fiscal_year))
        entered = values.get(indicator.pk)
        source = "list" if listed else ("entered" if entered is not None else "none")
        rows.append(ReportMemberFigure(indicator, listed, entered, source))
    return rows


def national_member_rows(year: int, indicators) -> list[dict]:
    """The national roll-up's member counts of a fiscal year from the projects' lists: for each
    member-count indicator among `indicators` (the roll-up's, so its category filter applies),
    延べ数 (summed over projects) and 実数 (each organisation once). One query."""
    shown = {i.code: i for i in indicators if i.code in MEMBER_COUNT_INDICATORS}
    if not shown:
        return []
    return [
        {
            "indicator": shown[count.indicator_code],
            "code": count.indicator_code,
            "total": count.total,
            "distinct": count.distinct,
        }
        for count in national_member_counts([year])
        if count.indicator_code in shown
    ]


NETWORK_PAIRS_SHOWN = 30


def network_page(*, type: str = "", year=None) -> dict:
    """Which projects share members (the network view; counts only, so every signed-in user):
    for the members at a fiscal year's end (of one type, or all), the pairs of projects with the
    number of organisations they share, most first (the first NETWORK_PAIRS_SHOWN), and the number
    of organisations in two projects or more. Three queries whatever the number of projects and
    members."""
    years = tracked_years()
    if year not in years:
        year = years[-1]
    other = "organisation__memberships__"
    shared = _year_filter(year) & _year_filter(year, other)
    shared &= Q(**{f"{other}project_id__gt": F("project_id")})
    if type in OrganisationType.values:
        shared &= Q(organisation__type=type)
    pairs = (
        Membership.objects.filter(shared)
        .values("project_id", f"{other}project_id")
        .annotate(shared=Count("organisation_id", distinct=True))
        .order_by("-shared", "project_id", f"{other}project_id")
    )
    rows = list(pairs[:NETWORK_PAIRS_SHOWN])
    summary = Membership.objects.filter(shared).aggregate(
        organisations=Count("organisation_id", distinct=True)
    )
    ids = {r["project_id"] for r in rows} | {r[f"{other}project_id"] for r in rows}
    titles = {p.pk: p for p in Project.objects.filter(pk__in=ids).select_related("bureau")}
    return {
        "year": year,
        "years": years,
        "types": OrganisationType.choices,
        "filters": {"type": type, "year": year},
        "pairs": [
            {
                "first": titles[r["project_id"]],
                "second": titles[r[f"{other}project_id"]],
                "shared": r["shared"],
            }
            for r in rows
        ],
        "shared_organisations": summary["organisations"],
        "shown": NETWORK_PAIRS_SHOWN,
    }
