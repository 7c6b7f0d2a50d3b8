"""Member counts as b) figures: the annual report takes the list's count at the year's end
(「名簿から」) where there is a list and the entered figure where there is none; the national
roll-up counts each organisation once (実数) beside the sum over projects (延べ数)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from evaluation.selectors.registry import (
    live_member_counts,
    national_member_counts,
    national_member_rows,
    registry_figures,
)
from evaluation.services.member_counts import member_counts_kept
from projects.models import Membership, Organisation, OrganisationType
from tests.evaluation.test_national import catalogue, report_with  # noqa: F401
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def org(name, type):
    return Organisation.objects.create(name=name, type=type, normalised_name=name)


def join(organisation, project, day):
    """A membership written as every writer does: the national member counts kept with it."""
    with member_counts_kept(organisation_ids=[organisation.pk]):
        return Membership.objects.create(organisation=organisation, project=project, joined=day)


def test_one_university_in_three_projects_is_three_memberships_and_one_university(project):
    university = org("北海道大学", OrganisationType.UNIVERSITY)
    institute = org("産業技術総合研究所", OrganisationType.RESEARCH)
    for code in ("a", "b"):
        other = ProjectFactory(code=f"project-{code}", phase=project.phase)
        join(university, other, datetime.date(2006, 4, 1))
    join(university, project, datetime.date(2006, 4, 1))
    join(institute, project, datetime.date(2007, 4, 1))  # counts from FY2007
    counts = {
        (c.indicator_code, c.fiscal_year): (c.total, c.distinct)
        for c in national_member_counts([2006, 2007])
    }
    assert counts["participating-universities", 2006] == (3, 1)
    assert counts["participating-universities", 2007] == (4, 2)
    assert counts["participating-firms", 2007] == (0, 0)


def test_the_national_page_labels_both_counts(client, users, project, catalogue):  # noqa: F811
    university = org("北海道大学", OrganisationType.UNIVERSITY)
    for code in ("a", "b"):
        join(university, ProjectFactory(code=f"p-{code}"), datetime.date(2006, 4, 1))
    join(university, project, datetime.date(2006, 4, 1))
    rows = {r["code"]: r for r in national_member_rows(2007, catalogue.values())}
    assert (
        rows["participating-universities"]["total"],
        rows["participating-universities"]["distinct"],
    ) == (3, 1)
    client.force_login(users["other_staff"])
    page = client.get(reverse("national_rollup"), {"year": 2007}).content.decode()
    assert "延べ数（プロジェクトの合計）" in page and "実数（重複を除く）" in page
    table = page.split('id="registry-national"')[1].split("</table>")[0]
    assert "参画大学数" in table and '<td class="num">3</td><td class="num">1</td>' in table


def test_a_year_before_the_list_began_keeps_the_entered_figure(project):
    join(org("株式会社多摩精機", OrganisationType.FIRM), project, datetime.date(2007, 3, 31))
    join(org("株式会社青葉", OrganisationType.FIRM), project, datetime.date(2007, 4, 1))
    figures = registry_figures(project, [2005, 2006, 2007])
    assert ("participating-firms", 2005) not in figures  # the list began in FY2006
    assert figures["participating-firms", 2006].value == 1  # joined 31 March 2007
    assert figures["participating-firms", 2007].value == 2  # joined 1 April 2007
    assert figures["participating-firms", 2006].as_of == datetime.date(2007, 3, 31)


def test_the_report_says_which_way_each_member_count_came(client, users, project, catalogue):  # noqa: F811
    c = catalogue
    report_with(
        project,
        2007,
        [(c["firms"], "number", Decimal(1550)), (c["universities"], "number", Decimal(58))],
        users,
        state="draft",
    )
    for index in range(3):
        join(
            org(f"株式会社テスト{index}", OrganisationType.FIRM), project, datetime.date(2006, 4, 1)
        )
    client.force_login(users["staff"])
    response = client.get(reverse("report_detail", args=[project.code, 2007]))
    rows = {r.indicator.code: r for r in response.context["registry_figures"]}
    assert (rows["participating-firms"].source, rows["participating-firms"].value) == ("list", 3)
    assert rows["participating-firms"].differs  # 1,550 was entered: not used
    # the list has started, so every member count of the year comes from it (0 universities)
    assert rows["participating-universities"].source == "list"
    page = response.content.decode()
    assert "名簿から（2008年3月31日時点）" in page
    assert reverse("member_list", args=[project.code]) + "?year=2007" in page
    edit = client.get(reverse("report_edit", args=[project.code, 2007])).content.decode()
    assert 'id="registry-figures"' in edit


def test_without_a_list_the_report_uses_the_entered_figure(client, users, project, catalogue):  # noqa: F811
    report_with(project, 2007, [(catalogue["firms"], "number", Decimal(1550))], users, "draft")
    client.force_login(users["staff"])
    response = client.get(reverse("report_detail", args=[project.code, 2007]))
    rows = {r.indicator.code: r for r in response.context["registry_figures"]}
    assert (rows["participating-firms"].source, rows["participating-firms"].value) == (
        "entered",
        Decimal(1550),
    )
    assert "入力値（名簿なし）" in response.content.decode()


def test_staff_write_the_lists_counts_into_the_report(client, users, project, catalogue):  # noqa: F811
    from evaluation.models import MonitoredValue

    c = catalogue
    report = report_with(project, 2007, [(c["firms"], "number", Decimal(1550))], users, "draft")
    for index in range(3):
        join(
            org(f"株式会社テスト{index}", OrganisationType.FIRM), project, datetime.date(2006, 4, 1)
        )
    client.force_login(users["staff"])
    url = reverse("report_member_counts", args=[project.code, 2007])
    detail = client.get(reverse("report_detail", args=[project.code, 2007])).content.decode()
    assert url in detail  # the report page offers it
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(url, {"version": report.version, "reason": ""})
    assert response.status_code == 302
    values = {
        v.indicator.code: v
        for v in MonitoredValue.objects.filter(report=report).select_related("indicator")
    }
    assert values["participating-firms"].value == 3
    assert values["participating-firms"].source_note == "会員名簿から（2008-03-31時点）"
    assert values["participating-universities"].value == 0
    entry = values["participating-firms"].history.latest()
    assert entry.history_user == users["staff"]
    # a second time on the old version merges with the save above (both wrote the same
    # counts, so nothing conflicts): nothing changes and no new history entry is written
    entries = values["participating-firms"].history.count()
    stale = client.post(url, {"version": report.version, "reason": ""})
    assert stale.status_code == 302
    again = MonitoredValue.objects.get(report=report, indicator__code="participating-firms")
    assert again.value == 3
    assert again.history.count() == entries


def test_without_a_list_nothing_is_written(client, users, project, catalogue):  # noqa: F811
    from evaluation.models import MonitoredValue

    report = report_with(
        project, 2007, [(catalogue["firms"], "number", Decimal(9))], users, "draft"
    )
    client.force_login(users["staff"])
    response = client.post(
        reverse("report_member_counts", args=[project.code, 2007]),
        {"version": report.version, "reason": ""},
    )
    assert response.status_code == 200
    assert "会員名簿がないため" in response.content.decode()
    assert MonitoredValue.objects.get(report=report).value == 9


def test_another_bureau_cannot_write_the_counts(client, users, project, catalogue):  # noqa: F811
    report = report_with(project, 2007, [], users, "draft")
    client.force_login(users["other_staff"])
    response = client.post(
        reverse("report_member_counts", args=[project.code, 2007]), {"version": report.version}
    )
    assert response.status_code == 404


# --- The kept national counts (issue 27) -------------------------------------------------------


@pytest.mark.parametrize(
    ("joined", "left", "years"),
    [
        ("2007-03-31", None, (2006, None)),  # joined on 31 March: that year counts it
        ("2007-04-01", None, (2007, None)),  # joined on 1 April: the next year
        ("2006-04-01", "2008-03-31", (2006, 2008)),  # the day one leaves still counts
        ("2006-04-01", "2008-03-30", (2006, 2007)),
        ("2006-04-01", "2007-03-30", None),  # left before its first 31 March: no year
        ("2007-03-31", "2007-03-31", (2006, 2007)),
    ],
)
def test_a_membership_counts_from_the_31_march_after_it_joins(joined, left, years):
    from evaluation.services.member_counts import counted_years

    day = datetime.date.fromisoformat
    assert counted_years(day(joined), left and day(left)) == years


def test_the_django_admin_keeps_the_national_counts(client, project):
    """The admin's own forms (an organisation's type and its inline memberships, a membership's
    dates, a deletion) change the kept counts in their transaction: the page's figures follow."""
    from django.contrib import admin

    from evaluation.admin import KeptMembershipAdmin, KeptOrganisationAdmin
    from tests.factories import UserFactory

    assert isinstance(admin.site._registry[Membership], KeptMembershipAdmin)
    assert isinstance(admin.site._registry[Organisation], KeptOrganisationAdmin)
    university = org("北海道大学", OrganisationType.UNIVERSITY)
    membership = join(university, project, datetime.date(2006, 4, 1))
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))

    def counted(code="participating-universities", year=2007):
        (count,) = [
            (c.total, c.distinct)
            for c in national_member_counts([year])
            if c.indicator_code == code
        ]
        return count

    assert counted() == (1, 1)
    inline = {
        "memberships-TOTAL_FORMS": "2",
        "memberships-INITIAL_FORMS": "1",
        "memberships-0-id": membership.pk,
        "memberships-0-organisation": university.pk,
        "memberships-0-project": project.pk,
        "memberships-0-joined": "2006-04-01",
        "memberships-0-role": "member",
        "memberships-1-organisation": university.pk,
        "memberships-1-project": project.pk,
        "memberships-1-joined": "2007-04-01",
        "memberships-1-role": "member",
    }
    change = reverse("admin:projects_organisation_change", args=[university.pk])
    response = client.post(change, {"name": "北海道大学", "type": "university", **inline})
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert counted() == (2, 1)  # a second membership from the inline, one organisation
    response = client.post(
        change,
        {
            "name": "北海道大学",
            "type": "firm",
            **inline,
            "memberships-TOTAL_FORMS": "1",
            "memberships-0-left": "2008-03-31",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert counted() == (0, 0)  # a firm now
    (firms,) = [
        c for c in national_member_counts([2007]) if c.indicator_code == "participating-firms"
    ]
    assert (firms.total, firms.distinct) == (2, 1)
    response = client.post(
        reverse("admin:projects_membership_change", args=[membership.pk]),
        {
            "organisation": university.pk,
            "project": project.pk,
            "joined": "2006-04-01",
            "left": "2007-03-30",
            "role": "member",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert national_member_counts([2007]) == live_member_counts([2007])
    assert national_member_counts([2006]) == live_member_counts([2006])
    response = client.post(
        reverse("admin:projects_membership_delete", args=[membership.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert national_member_counts([2006, 2007, 2008]) == live_member_counts([2006, 2007, 2008])
    assert [
        (c.total, c.distinct)
        for c in national_member_counts([2007])
        if c.indicator_code == "participating-firms"
    ] == [(1, 1)]
