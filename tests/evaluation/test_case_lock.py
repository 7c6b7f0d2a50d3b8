"""Issue 26: approved means locked for cases and adoptions. Creating, editing and importing
follow the rule of the deletion (one function, AnnualReport.objects.approved_years_touched):
a change that adds, alters or removes a stage reached in an approved year, or changes an
adoption whose year (old or new) is approved, is refused and changes nothing; changes that
touch only unapproved years stay allowed."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from evaluation.models import AnnualReport, State
from evaluation.services.cases import PartnerInput, adoption_save, case_save
from projects.cases import StageStep, touched_years
from projects.models import (
    Adoption,
    CaseStage,
    CollaborationCase,
    Membership,
    Organisation,
    OrganisationType,
    PolicyTool,
)

pytestmark = pytest.mark.django_db


def test_touched_years_are_those_of_what_is_added_altered_or_removed():
    before = {("rd", 2006), ("prototype", 2007)}
    assert touched_years(before, before) == []
    assert touched_years(before, before | {("business", 2009)}) == [2009]
    assert touched_years(before, {("rd", 2006), ("prototype", 2008)}) == [2007, 2008]
    assert touched_years(before, set()) == [2006, 2007]  # a deletion
    assert touched_years(set(), before) == [2006, 2007]  # a creation


@pytest.fixture
def listed(project, users):
    firm = Organisation.objects.create(name="株式会社東洋ボデー", type=OrganisationType.FIRM)
    Membership.objects.create(organisation=firm, project=project, joined=datetime.date(2006, 4, 1))
    tool = PolicyTool.objects.create(code="rnd", name_ja="地域新生コンソーシアム研究開発事業")
    case = case_save(
        case=CollaborationCase(project=project, title="トラックボディーの開発", lead=firm),
        stages=[StageStep("rd", 2006), StageStep("prototype", 2007)],
        partners=[],
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
    return firm, tool, case, adoption


def approve(project, year):
    AnnualReport.objects.create(project=project, fiscal_year=year, state=State.APPROVED)


def case_post(firm, **extra):
    data = {
        "title": "トラックボディーの開発",
        "theme": "",
        "lead": firm.pk,
        "lead_label": "",
        "outcome_notes": "",
        "sales_yen": "",
        "rd_year": "2006",
        "prototype_year": "2007",
        "product_year": "",
        "business_year": "",
        "partner_0": "",
        "partner_0_role": "",
    }
    return data | extra


def adoption_post(tool, case, **extra):
    data = {
        "tool": tool.pk,
        "fiscal_year": "2007",
        "organisation": "",
        "consortium_name": "東洋ボデー連携体",
        "amount_yen": "60,000,000",
        "theme": "",
        "case": case.pk,
        "note": "",
    }
    return data | extra


def stages(case):
    return sorted(CaseStage.objects.filter(case=case).values_list("stage", "fiscal_year"))


def test_a_stage_in_an_approved_year_is_refused_and_nothing_changes(client, users, project, listed):
    firm, _tool, case, _adoption = listed
    approve(project, 2007)
    client.force_login(users["staff"])
    url = reverse("case_edit", args=[project.code, case.pk])
    page = client.get(url).content.decode()
    assert 'id="edit-locked"' in page and "2007年度（平成19年度）" in page
    before = stages(case)
    for change in ({"prototype_year": "2008"}, {"prototype_year": ""}, {"product_year": "2007"}):
        response = client.post(url, case_post(firm, title="改題", **change))
        body = response.content.decode()
        assert response.status_code == 200, change  # the form's error, as the other refusals
        assert "2007年度（平成19年度）の年度報告が承認済みのため" in body, change
        assert "本省評価担当に年度報告の再開を依頼してください" in body
        assert stages(case) == before
        case.refresh_from_db()
        assert case.title == "トラックボディーの開発"
    # a new case with a stage in the approved year is refused too
    with pytest.raises(ValidationError, match="承認済み"):
        case_save(
            case=CollaborationCase(project=project, title="新しい事例"),
            stages=[StageStep("rd", 2007)],
            partners=[PartnerInput(firm.pk)],
            by=users["staff"],
        )
    assert CollaborationCase.objects.count() == 1


def test_changes_in_unapproved_years_stay_allowed(client, users, project, listed):
    firm, _tool, case, _adoption = listed
    approve(project, 2006)  # rd reached in FY2006, kept as it is
    AnnualReport.objects.create(project=project, fiscal_year=2009, state=State.SUBMITTED)
    client.force_login(users["staff"])
    url = reverse("case_edit", args=[project.code, case.pk])
    data = case_post(firm, product_year="2008", business_year="2009", title="改題")
    assert client.post(url, data).status_code == 302
    assert stages(case) == [
        ("business", 2009),
        ("product", 2008),
        ("prototype", 2007),
        ("rd", 2006),
    ]
    case.refresh_from_db()
    assert case.title == "改題"


def test_an_adoption_of_an_approved_year_cannot_change(client, users, project, listed):
    _firm, tool, case, adoption = listed
    approve(project, 2008)
    client.force_login(users["staff"])
    url = reverse("adoption_edit", args=[project.code, adoption.pk])
    page = client.get(url).content.decode()
    assert 'id="edit-locked"' not in page  # FY2007 is not approved
    # moving it into the approved year is refused, as is adding one there
    response = client.post(url, adoption_post(tool, case, fiscal_year="2008"))
    assert response.status_code == 200
    assert "その年度の採択は追加・変更できません" in response.content.decode()
    create = reverse("adoption_create", args=[project.code])
    assert client.post(create, adoption_post(tool, case, fiscal_year="2008")).status_code == 200
    approve(project, 2007)
    page = client.get(url).content.decode()
    assert 'id="edit-locked"' in page and "2007年度（平成19年度）" in page
    assert 'type="submit"' not in page.split("<main")[-1]
    response = client.post(url, adoption_post(tool, case, amount_yen="1"))
    assert response.status_code == 200
    assert "2007年度（平成19年度）の年度報告が承認済みのため" in response.content.decode()
    adoption.refresh_from_db()
    assert (adoption.fiscal_year, adoption.amount_yen) == (2007, 60_000_000)
    assert Adoption.objects.count() == 1
    assert adoption.history.count() == 1  # nothing written


def test_an_import_row_of_an_approved_year_refuses_the_list(client, users, project, listed):
    approve(project, 2007)
    client.force_login(users["staff"])
    text = (
        "施策,採択年度,コンソーシアム名,採択額（円）\r\n"
        "rnd,2008,函館連携体,1000\r\n"
        "rnd,2007,札幌連携体,2000\r\n"
    )
    preview = client.post(
        reverse("adoption_import", args=[project.code]),
        {"file": SimpleUploadedFile("list.csv", text.encode())},
    )
    body = preview.content.decode()
    assert "2007年度（平成19年度）の年度報告が承認済みのため" in body
    assert not preview.context["preview"].applicable
    done = client.post(
        reverse("adoption_import_apply", args=[project.code]),
        {"token": preview.context["preview"].token, "source": "list.csv"},
    )
    assert done.status_code == 400
    assert "3行目" in done.content.decode()
    assert Adoption.objects.count() == 1  # all or nothing: FY2008's row is not added either
