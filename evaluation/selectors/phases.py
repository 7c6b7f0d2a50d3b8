"""The fiscal years the screens span, in one place.

The bounds are those of the Phase II record (`projects.models.Phase`, code "II", loaded from
fixtures/02_projects.json): FY2006–FY2010, with FY2005 (the last year of Phase I) as the
baseline the matrix and the cross-project view show before it. They are written here once,
not read from the database per request: the pages and the API endpoints that use them have
pinned query counts (tests/api/test_api.py pins exact counts) that an extra read would break,
and a process-wide cache would outlive the test database it was read from.
"""

PHASE_II = (2006, 2010)  # Phase("II").first_fiscal_year, .last_fiscal_year
BASELINE_YEAR = PHASE_II[0] - 1  # FY2005, Phase I's last year: the baseline of Phase II targets


def phase_ii_years() -> list[int]:
    """The fiscal years of Phase II, first to last."""
    return list(range(PHASE_II[0], PHASE_II[1] + 1))


def tracked_years() -> list[int]:
    """The baseline year and the years of Phase II: the span of the matrix and the
    cross-project view."""
    return list(range(BASELINE_YEAR, PHASE_II[1] + 1))


def in_phase_ii(year: int | None) -> bool:
    return year is not None and PHASE_II[0] <= year <= PHASE_II[1]
