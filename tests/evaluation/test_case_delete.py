"""Issue 26: deleting a collaboration case or an adoption: a confirmation page, then a POST by
the staff of the project's bureau (another bureau 404, readers 403), audited, refused while an
approved annual report counts the record; the figures read from the lists follow at once."""

import datetime

import pytest
from django.urls import reverse

from evaluation.models import AnnualReport, State
from evaluation.selectors.cases import list_figures
from evaluation.services.cases import PartnerInput, adoption_save, case_save
from projects.cases import StageStep
from projects.models import (
    Adoption,
    CasePartner,
    CaseStage,
    CollaborationCase,
    Membership,
    Organisation,
    OrganisationType,
    PolicyTool,
)

pytestmark = pytest.mark.django_db

CONFIRM = {"confirm": "1"}  # what the confirmation page's form posts


@pytest.fixture
def listed(project, users):
    firms = []
    for name in ("株式会社東洋ボデー", "京都モノテック株式会社"):
        firm = Organisation.objects.create(name=name, type=OrganisationType.FIRM)
        Membership.objects.create(
            organisation=firm, project=project, joined=datetime.date(2006, 4, 1)
        )
        firms.append(firm)
    tool = PolicyTool.objects.create(code="rnd", name_ja="地域新生コンソーシアム研究開発事業")
    case = case_save(
        case=CollaborationCase(project=project, title="トラックボディーの開発", lead=firms[0]),
        stages=[
            StageStep("rd", 2006),
            StageStep("product", 2007, False),
            StageStep("prototype", 2007),
            StageStep("business", 2008),
        ],  # fmt: skip
        partners=[PartnerInput(firms[1].pk, "共同研究先")],
        by=users["staff"],
    )
    adoption = adoption_save(
        adoption=Adoption(
            tool=tool,
            fiscal_year=2007,
            project=project,
            consortium_name="東洋ボデー連携体",
            amount_yen=60_000_000,
            case=case,
        ),
        by=users["staff"],
    )
    return case, adoption


def approve(project, year):
    return AnnualReport.objects.create(project=project, fiscal_year=year, state=State.APPROVED)


def test_staff_delete_a_case_audited_and_its_figures_follow(client, users, project, listed):
    case, adoption = listed
    assert list_figures(project, [2008])[("success-cases", 2008)].value == 1
    client.force_login(users["staff"])
    url = reverse("case_delete", args=[project.code, case.pk])
    page = client.get(url).content.decode()
    assert "トラックボディーの開発" in page and "削除する" in page
    assert "採択は削除されず" in page  # the adoption that funded it is named
    response = client.post(url, CONFIRM)
    assert response.status_code == 302
    assert response["Location"] == reverse("case_list", args=[project.code])
    assert not CollaborationCase.objects.exists()
    assert not CaseStage.objects.exists() and not CasePartner.objects.exists()
    adoption.refresh_from_db()
    assert adoption.case is None  # kept, no longer linked
    deleted = CollaborationCase.history.filter(history_type="-").get()
    assert deleted.history_user == users["staff"] and deleted.history_change_reason
    assert CaseStage.history.filter(history_type="-", history_user=users["staff"]).count() == 4
    unlinked = adoption.history.first()
    assert unlinked.history_user == users["staff"] and unlinked.case_id is None
    assert list_figures(project, [2008])[("success-cases", 2008)].value == 0
    listing = client.get(reverse("case_list", args=[project.code])).content.decode()
    assert "を削除しました" in listing


def test_staff_delete_an_adoption(client, users, project, listed):
    _case, adoption = listed
    client.force_login(users["staff"])
    url = reverse("adoption_delete", args=[project.code, adoption.pk])
    page = client.get(url).content.decode()
    assert "東洋ボデー連携体" in page and "60,000,000" in page
    assert list_figures(project, [2007])[("policy-tools-used", 2007)].value == 1
    assert client.post(url, CONFIRM).status_code == 302
    assert not Adoption.objects.exists()
    deleted = Adoption.history.filter(history_type="-").get()
    assert deleted.history_user == users["staff"]
    assert list_figures(project, [2007])[("policy-tools-used", 2007)].value == 0


def test_a_year_in_an_approved_report_refuses_the_deletion(client, users, project, listed):
    case, adoption = listed
    approve(project, 2008)  # the case reached 事業化 in FY2008; the adoption is FY2007's
    client.force_login(users["staff"])
    case_url = reverse("case_delete", args=[project.code, case.pk])
    page = client.get(case_url).content.decode()
    assert 'id="delete-locked"' in page and "2008年度（平成20年度）" in page
    assert 'type="submit"' not in page.split("<main")[-1]
    response = client.post(case_url, CONFIRM)
    assert response.status_code == 409
    body = response.content.decode()
    assert "2008年度（平成20年度）の年度報告が承認済みのため、この連携事例は削除できません" in body
    assert CollaborationCase.objects.filter(pk=case.pk).exists()
    assert CaseStage.objects.filter(case=case).count() == 4
    # the adoption's own year is not approved: it may go
    adoption_url = reverse("adoption_delete", args=[project.code, adoption.pk])
    approve(project, 2007)
    response = client.post(adoption_url, CONFIRM)
    assert response.status_code == 409
    assert "この採択は削除できません" in response.content.decode()
    assert Adoption.objects.filter(pk=adoption.pk).exists()


def test_a_submitted_report_does_not_lock(client, users, project, listed):
    case, _adoption = listed
    AnnualReport.objects.create(project=project, fiscal_year=2008, state=State.SUBMITTED)
    client.force_login(users["staff"])
    url = reverse("case_delete", args=[project.code, case.pk])
    assert client.post(url, CONFIRM).status_code == 302


def test_another_bureau_gets_404_and_readers_403(client, users, project, listed):
    case, adoption = listed
    urls = [
        reverse("case_delete", args=[project.code, case.pk]),
        reverse("adoption_delete", args=[project.code, adoption.pk]),
    ]
    for role, answer in (("other_staff", 404), ("manager", 403), ("evaluator", 404)):
        client.force_login(users[role])
        assert [client.get(url).status_code for url in urls] == [answer] * 2, role
        assert [client.post(url, CONFIRM).status_code for url in urls] == [answer] * 2, role
    assert CollaborationCase.objects.exists() and Adoption.objects.exists()


def test_a_post_without_the_confirmation_deletes_nothing(client, users, project, listed):
    case, _adoption = listed
    client.force_login(users["staff"])
    response = client.post(reverse("case_delete", args=[project.code, case.pk]))
    assert response.status_code == 400
    assert "確認画面の「削除する」から削除してください" in response.content.decode()
    assert 'name="confirm"' in response.content.decode()
    assert CollaborationCase.objects.filter(pk=case.pk).exists()
