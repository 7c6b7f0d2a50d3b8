"""The network view (issue 25): which projects share members at a fiscal year's end, counts only,
the same numbers in the table and the chart, in the same queries whatever the size."""

import datetime

import pytest
from django.urls import reverse

from evaluation.selectors.registry import network_page
from projects.models import OrganisationType
from tests.evaluation.test_registry_figures import join, org
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db
APRIL_2006 = datetime.date(2006, 4, 1)


@pytest.fixture
def three(project):
    """project shares two universities with A and one with B; A and B share one; a firm is in
    project only; a university joins B on 1 April 2007 (FY2007 onwards)."""
    a = ProjectFactory(code="project-a", phase=project.phase)
    b = ProjectFactory(code="project-b", phase=project.phase)
    u1 = org("北海道大学", OrganisationType.UNIVERSITY)
    u2 = org("東北大学", OrganisationType.UNIVERSITY)
    firm = org("テスト工業（架空）", OrganisationType.FIRM)
    for p in (project, a, b):
        join(u1, p, APRIL_2006)
    join(u2, project, APRIL_2006)
    join(u2, a, APRIL_2006)
    join(u2, b, datetime.date(2007, 4, 1))
    join(firm, project, APRIL_2006)
    return project, a, b


def shared(page):
    return {frozenset((p["first"].code, p["second"].code)): p["shared"] for p in page["pairs"]}


def test_pairs_count_the_organisations_two_projects_share_at_the_years_end(three):
    project, a, b = three
    fy2006 = network_page(year=2006)
    assert shared(fy2006) == {
        frozenset((project.code, a.code)): 2,
        frozenset((project.code, b.code)): 1,
        frozenset((a.code, b.code)): 1,
    }
    assert fy2006["pairs"][0]["shared"] == 2  # most first
    assert fy2006["shared_organisations"] == 2  # the firm is in one project only
    fy2007 = network_page(year=2007)  # 東北大学 joined B on 1 April 2007
    assert shared(fy2007)[frozenset((project.code, b.code))] == 2
    assert shared(fy2007)[frozenset((a.code, b.code))] == 2
    firms = network_page(year=2007, type=OrganisationType.FIRM)
    assert firms["pairs"] == [] and firms["shared_organisations"] == 0


def test_the_page_shows_counts_to_another_bureau_and_no_member_names(client, users, three):
    project, a, _b = three
    client.force_login(users["other_staff"])
    response = client.get(reverse("member_network"), {"year": 2006})
    assert response.status_code == 200
    page = response.content.decode()
    assert project.name in page and a.name in page
    assert "北海道大学" not in page and "東北大学" not in page  # counts only
    chart = response.context["chart"]
    # the chart's table holds the same numbers as the page's table
    assert [int(row[-1]) for row in chart.rows] == [p["shared"] for p in response.context["pairs"]]
    assert "<svg" in page


def test_an_unknown_year_or_type_falls_back(client, users, three):
    client.force_login(users["manager"])
    response = client.get(reverse("member_network"), {"year": "1999", "type": "nonsense"})
    assert response.status_code == 200
    assert response.context["year"] == response.context["years"][-1]
    assert response.context["filters"]["type"] == ""


@pytest.mark.parametrize("extra", [0, 12])
def test_the_network_page_costs_the_same_queries_at_two_sizes(
    client, users, three, extra, django_assert_max_num_queries
):
    project = three[0]
    university = org("京都大学", OrganisationType.UNIVERSITY)
    for n in range(extra):
        other = ProjectFactory(code=f"more-{n}", phase=project.phase)
        join(university, other, APRIL_2006)
    client.force_login(users["manager"])
    with django_assert_max_num_queries(7):  # session, user, pairs, summary, projects
        assert client.get(reverse("member_network"), {"year": 2006}).status_code == 200
