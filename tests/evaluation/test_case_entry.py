"""The entry screens of collaboration cases and adoptions (issue 26): the project's list, a case
with partners and stages (the stage order rule), an adoption; scoped to the bureau, audited."""

import datetime
import re

import pytest
from django.urls import reverse

from projects.models import (
    Adoption,
    CollaborationCase,
    Membership,
    Organisation,
    OrganisationType,
    PolicyTool,
)
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def firms(project):
    made = []
    for name in ("株式会社東洋ボデー", "京都モノテック株式会社", "北海道大学"):
        firm = Organisation.objects.create(name=name, type=OrganisationType.FIRM)
        Membership.objects.create(
            organisation=firm, project=project, joined=datetime.date(2006, 4, 1)
        )
        made.append(firm)
    return made


@pytest.fixture
def tool(db):
    return PolicyTool.objects.create(
        code="regional-consortium-rnd", name_ja="地域新生コンソーシアム研究開発事業"
    )


def case_post(firms, **extra):
    data = {
        "title": "アルミ製超軽量トラックボディーの開発",
        "theme": "軽量化",
        "lead": firms[0].pk,
        "lead_label": "",
        "outcome_notes": "",
        "sales_yen": "１，２００，０００",
        "rd_year": "2006",
        "prototype_year": "2007",
        "product_year": "",
        "business_year": "",
        "partner_0": firms[1].pk,
        "partner_0_role": "共同研究先",
        "partner_1": "",
        "partner_1_role": "",
    }
    return data | extra


def test_staff_add_a_case_with_partners_and_stages(client, users, project, firms):
    client.force_login(users["staff"])
    url = reverse("case_create", args=[project.code])
    page = client.get(url)
    assert page.status_code == 200
    assert "2006年度" in page.content.decode()
    response = client.post(url, case_post(firms))
    assert response.status_code == 302, response.content.decode()[:3000]
    case = CollaborationCase.objects.get()
    assert case.project == project and case.lead == firms[0]
    assert case.sales_yen == 1_200_000
    assert [(p.organisation, p.role) for p in case.partners.all()] == [(firms[1], "共同研究先")]
    assert case.stage_reached == "prototype"
    history = case.history.get()
    assert history.history_user == users["staff"]
    listing = client.get(reverse("case_list", args=[project.code])).content.decode()
    assert "アルミ製超軽量トラックボディーの開発" in listing
    assert "京都モノテック株式会社" in listing and "共同研究先" in listing


def test_business_before_rd_is_refused_unless_skipped_with_a_reason(client, users, project, firms):
    client.force_login(users["staff"])
    url = reverse("case_create", args=[project.code])
    jump = case_post(firms, rd_year="", prototype_year="", business_year="2008")
    response = client.post(url, jump)
    assert response.status_code == 200
    assert "研究開発より前に到達できません" in response.content.decode()
    assert not CollaborationCase.objects.exists()
    skipped = jump | {
        "rd_skipped": "on",
        "rd_reason": "他社の研究成果を導入",
        "prototype_skipped": "on",
        "prototype_reason": "既存品の改良",
        "product_year": "2008",
    }
    assert client.post(url, skipped).status_code == 302
    case = CollaborationCase.objects.get()
    assert case.stage_reached == "business"
    assert case.stages.get(stage="rd").skip_reason == "他社の研究成果を導入"


def test_edit_replaces_partners_and_stages(client, users, project, firms):
    client.force_login(users["staff"])
    client.post(reverse("case_create", args=[project.code]), case_post(firms))
    case = CollaborationCase.objects.get()
    url = reverse("case_edit", args=[project.code, case.pk])
    page = client.get(url).content.decode()
    assert "共同研究先" in page  # the partner row is filled in
    data = case_post(
        firms,
        product_year="2008",
        partner_0=firms[2].pk,
        partner_0_role="販売先",
    )
    assert client.post(url, data).status_code == 302
    case.refresh_from_db()
    assert [p.organisation for p in case.partners.all()] == [firms[2]]
    assert case.stage_reached == "product"


def test_a_partner_chosen_twice_is_refused(client, users, project, firms):
    client.force_login(users["staff"])
    data = case_post(firms, partner_1=firms[1].pk)
    response = client.post(reverse("case_create", args=[project.code]), data)
    assert response.status_code == 200
    assert "同じ機関が二度選ばれています" in response.content.decode()
    assert not CollaborationCase.objects.exists()


def test_an_organisation_outside_the_registry_is_refused(client, users, project, firms):
    stranger = Organisation.objects.create(name="他地域の会社", type=OrganisationType.FIRM)
    client.force_login(users["staff"])
    data = case_post(firms, partner_0=stranger.pk)
    response = client.post(reverse("case_create", args=[project.code]), data)
    assert response.status_code == 200
    assert not CollaborationCase.objects.exists()


def test_staff_add_an_adoption_linked_to_a_case(client, users, project, firms, tool):
    client.force_login(users["staff"])
    client.post(reverse("case_create", args=[project.code]), case_post(firms))
    case = CollaborationCase.objects.get()
    url = reverse("adoption_create", args=[project.code])
    data = {
        "tool": tool.pk,
        "fiscal_year": "2007",
        "organisation": "",
        "consortium_name": "東洋ボデー連携体",
        "amount_yen": "60,000,000",
        "theme": "軽量化",
        "case": case.pk,
        "note": "",
    }
    assert client.post(url, data).status_code == 302
    adoption = Adoption.objects.get()
    assert (adoption.amount_yen, adoption.case, adoption.fiscal_year) == (60_000_000, case, 2007)
    assert adoption.history.get().history_user == users["staff"]
    sheet = client.get(reverse("tool_review_sheet", args=[tool.code])).content.decode()
    assert "60" in sheet
    edit = reverse("adoption_edit", args=[project.code, adoption.pk])
    assert client.post(edit, data | {"amount_yen": "-5"}).status_code == 200
    assert client.post(edit, data | {"consortium_name": ""}).status_code == 200
    adoption.refresh_from_db()
    assert adoption.amount_yen == 60_000_000 and adoption.consortium_name == "東洋ボデー連携体"


def test_a_case_of_another_project_is_refused_on_an_adoption(client, users, project, firms, tool):
    other = ProjectFactory(bureau=project.bureau, phase=project.phase, code="other")
    foreign = CollaborationCase.objects.create(project=other, title="他のプロジェクトの事例")
    client.force_login(users["staff"])
    data = {
        "tool": tool.pk,
        "fiscal_year": "2007",
        "consortium_name": "連携体",
        "amount_yen": "1000",
        "case": foreign.pk,
    }
    response = client.post(reverse("adoption_create", args=[project.code]), data)
    assert response.status_code == 200
    assert not Adoption.objects.exists()


def test_another_bureau_gets_404_and_readers_403(client, users, project, firms, tool):
    case = CollaborationCase.objects.create(project=project, title="事例")
    adoption = Adoption.objects.create(
        tool=tool, fiscal_year=2007, project=project, consortium_name="連携体", amount_yen=1
    )
    urls = [
        reverse("case_list", args=[project.code]),
        reverse("case_create", args=[project.code]),
        reverse("case_edit", args=[project.code, case.pk]),
        reverse("adoption_create", args=[project.code]),
        reverse("adoption_edit", args=[project.code, adoption.pk]),
    ]
    client.force_login(users["other_staff"])
    assert [client.get(url).status_code for url in urls] == [404] * 5
    client.force_login(users["manager"])
    assert [client.get(url).status_code for url in urls] == [200, 403, 403, 403, 403]
    assert client.post(urls[2], {"title": "改ざん"}).status_code == 403
    case.refresh_from_db()
    assert case.title == "事例"


def test_a_case_id_under_another_projects_code_is_404(client, users, project, other_bureau):
    other = ProjectFactory(bureau=other_bureau, phase=project.phase, code="kinki-x")
    foreign = CollaborationCase.objects.create(project=other, title="近畿の事例")
    client.force_login(users["staff"])
    assert client.get(reverse("case_edit", args=[project.code, foreign.pk])).status_code == 404


def test_the_project_page_links_the_cases(client, users, project):
    client.force_login(users["staff"])
    page = client.get(reverse("project_detail", args=[project.code])).content.decode()
    assert reverse("case_list", args=[project.code]) in page
    client.force_login(users["other_staff"])
    page = client.get(reverse("project_detail", args=[project.code])).content.decode()
    assert reverse("case_list", args=[project.code]) not in page


def make_cases(project, tool, firms, staff, n):
    from evaluation.services.cases import PartnerInput, adoption_save, case_save
    from projects.cases import StageStep

    for i in range(n):
        case = case_save(
            case=CollaborationCase(project=project, title=f"事例{i}", lead=firms[0]),
            stages=[StageStep("rd", 2006), StageStep("prototype", 2007)],
            partners=[PartnerInput(firms[1].pk, "共同研究先"), PartnerInput(firms[2].pk, "")],
            by=staff,
        )
        adoption_save(
            adoption=Adoption(
                tool=tool,
                fiscal_year=2007,
                project=project,
                organisation=firms[0],
                amount_yen=1000 * i,
                case=case,
            ),
            by=staff,
        )


@pytest.mark.parametrize("size", [2, 12])
def test_case_list_query_count_is_flat(
    client, users, project, firms, tool, size, django_assert_max_num_queries
):
    make_cases(project, tool, firms, users["staff"], size)
    client.force_login(users["staff"])
    url = reverse("case_list", args=[project.code])
    # session, user, project (with bureau and phase), its fields, the user's groups, cases,
    # their stages, their partners, the partners' organisations, adoptions with tool,
    # organisation and case, the user's bureau (the menu): the same at both sizes
    with django_assert_max_num_queries(11):
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count("事例1") >= 1


def test_staff_mark_and_unmark_a_reference_case(client, users, project, firms):
    client.force_login(users["staff"])
    page = client.get(reverse("case_create", args=[project.code])).content.decode()
    assert 'name="reference"' in page and "代表事例" in page
    client.post(reverse("case_create", args=[project.code]), case_post(firms, reference="on"))
    case = CollaborationCase.objects.get()
    assert case.reference is True
    listing = client.get(reverse("case_list", args=[project.code])).content.decode()
    assert 'class="badge">代表事例' in listing
    url = reverse("case_edit", args=[project.code, case.pk])
    box = re.search(r'<input[^>]*name="reference"[^>]*>', client.get(url).content.decode())
    assert "checked" in box.group(0)  # the edit form shows the flag as kept
    assert client.post(url, case_post(firms)).status_code == 302  # the box left unticked
    case.refresh_from_db()
    assert case.reference is False
    assert [h.reference for h in case.history.order_by("history_date")] == [True, False]
    listing = client.get(reverse("case_list", args=[project.code])).content.decode()
    assert 'class="badge">代表事例' not in listing
