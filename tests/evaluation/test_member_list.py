"""The member list, its exports and the organisation page: who sees names, who sees counts only,
the year-end rule on the screen, formula-like names exported as text, pinned query counts."""

import datetime

import pytest
from django.urls import reverse

from evaluation.services.evaluations import round_create
from projects.models import Membership, Organisation, OrganisationType
from tests.evaluation.test_exports import csv_table, download, xlsx_table
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def org(name, type=OrganisationType.FIRM, **kwargs):
    return Organisation.objects.create(name=name, type=type, normalised_name=name, **kwargs)


def member(organisation, project, joined, left=None):
    return Membership.objects.create(
        organisation=organisation, project=project, joined=joined, left=left
    )


@pytest.fixture
def members(project):
    """A firm from 1 April 2006, a university joined 31 March 2007, a firm joined 1 April 2007,
    a chamber that left on 30 September 2007."""
    return {
        "firm": member(org("株式会社多摩精機"), project, datetime.date(2006, 4, 1)),
        "university": member(
            org("東京農工大学", OrganisationType.UNIVERSITY), project, datetime.date(2007, 3, 31)
        ),
        "late": member(org("株式会社青葉"), project, datetime.date(2007, 4, 1)),
        "chamber": member(
            org("八王子商工会議所", OrganisationType.CHAMBER),
            project,
            datetime.date(2005, 4, 1),
            datetime.date(2007, 9, 30),
        ),
    }


def page(client, user, project, **params):
    client.force_login(user)
    response = client.get(reverse("member_list", args=[project.code]), params)
    assert response.status_code == 200
    return response


def names(response) -> list[str]:
    rows = response.context["rows"]
    return None if rows is None else [m.organisation.name for m in response.context["page"]]


@pytest.mark.parametrize("role", ["staff", "manager", "admin"])
def test_the_bureau_and_headquarters_read_the_names(client, users, project, members, role):
    assert len(names(page(client, users[role], project))) == 4


def test_another_bureau_sees_the_counts_only(client, users, project, members):
    response = page(client, users["other_staff"], project)
    assert response.context["rows"] is None
    text = response.content.decode()
    assert "株式会社多摩精機" not in text
    assert "会員数だけを表示しています" in text
    counts = dict(response.context["count_rows"])
    assert counts["企業"][response.context["years"].index(2007)] == 2
    url = reverse("member_list_export", args=[project.code, "csv"])
    assert client.get(url).status_code == 403


def test_an_evaluator_reads_the_names_of_assigned_projects_only(client, users, project, members):
    from evaluation.models import EvaluationCriterion

    assert page(client, users["evaluator"], project).context["rows"] is None
    criterion = EvaluationCriterion.objects.create(code="target-achievement", name_ja="目標")
    round_create(
        by=users["manager"],
        phase=project.phase,
        fiscal_year=2008,
        title="中間評価",
        criteria=[criterion],
        assignments={project: [users["evaluator"]]},
    )
    assert len(names(page(client, users["evaluator"], project))) == 4


def test_the_counts_are_taken_on_31_march(client, users, project, members):
    response = page(client, users["staff"], project)
    years = response.context["years"]
    totals = dict(zip(years, response.context["totals"], strict=True))
    # FY2005: the chamber; FY2006: + the firm and the university of 31 March 2007;
    # FY2007: + the firm of 1 April 2007, − the chamber that left in September 2007.
    assert (totals[2005], totals[2006], totals[2007]) == (1, 3, 3)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"year": "2006"}, {"株式会社多摩精機", "東京農工大学", "八王子商工会議所"}),
        ({"year": "2007", "type": "firm"}, {"株式会社多摩精機", "株式会社青葉"}),
        ({"status": "left"}, {"八王子商工会議所"}),
        ({"status": "current", "type": "university"}, {"東京農工大学"}),
        ({"year": "1999", "type": "nonsense"}, None),  # unreadable filters fall back to all
    ],
)
def test_the_filters(client, users, project, members, params, expected):
    found = set(names(page(client, users["staff"], project, **params)))
    assert found == (expected or {m.organisation.name for m in members.values()})


def test_the_exports_hold_the_filtered_list_with_formulas_as_text(client, users, project, members):
    member(org('=HYPERLINK("http://x")'), project, datetime.date(2006, 4, 1))
    kwargs = {"code": project.code}
    rows = csv_table(download(client, users["staff"], "member_list_export", "csv", **kwargs))
    assert rows[0][:3] == ["名称", "種別", "法人番号"]
    assert '\'=HYPERLINK("http://x")' in [row[0] for row in rows]
    table = xlsx_table(
        download(client, users["staff"], "member_list_export", "xlsx", {"type": "firm"}, **kwargs)
    )
    assert sorted(row[0] for row in table[1:]) == sorted(
        ['=HYPERLINK("http://x")', "株式会社多摩精機", "株式会社青葉"]
    )


def test_the_organisation_page_lists_its_projects_over_time(client, users, project, members):
    university = members["university"].organisation
    elsewhere = ProjectFactory(code="kinki-bio", phase=project.phase)  # another bureau
    member(university, elsewhere, datetime.date(2008, 4, 1))
    client.force_login(users["staff"])
    response = client.get(reverse("organisation_detail", args=[university.pk]))
    assert response.status_code == 200
    assert [m.project for m in response.context["memberships"]] == [project]
    assert response.context["hidden"] == 1
    client.force_login(users["manager"])
    response = client.get(reverse("organisation_detail", args=[university.pk]))
    assert [m.project for m in response.context["memberships"]] == [project, elsewhere]


def test_the_member_list_has_a_fixed_number_of_queries(
    client, users, project, django_assert_max_num_queries
):
    client.force_login(users["staff"])
    url = reverse("member_list", args=[project.code])
    for size in (3, 60):
        Membership.objects.all().delete()
        for index in range(size):
            member(org(f"株式会社テスト{size}-{index}"), project, datetime.date(2006, 4, 1))
        # session, user, groups, project, counts by type, page count, page rows
        with django_assert_max_num_queries(9):
            assert client.get(url).status_code == 200
        # the export: session, user, groups, project, counts, rows
        with django_assert_max_num_queries(8):
            body = b"".join(
                client.get(
                    reverse("member_list_export", args=[project.code, "csv"])
                ).streaming_content
            )
        assert body.count(b"\n") == size + 1
