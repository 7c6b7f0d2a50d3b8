"""Cases and adoptions: the stage order through the service, amounts ≥ 0, audit, bureau scope."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from evaluation.services.cases import PartnerInput, adoption_save, case_save
from projects.cases import StageStep
from projects.models import (
    Adoption,
    CaseStage,
    CollaborationCase,
    Organisation,
    OrganisationType,
    PolicyTool,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def firm():
    return Organisation.objects.create(name="株式会社東洋ボデー", type=OrganisationType.FIRM)


@pytest.fixture
def tool():
    return PolicyTool.objects.create(
        code="consortium-rd", name_ja="地域新生コンソーシアム研究開発事業"
    )


def new_case(project, firm):
    return CollaborationCase(
        project=project, title="アルミ製超軽量小型車用トラックボディーの開発", lead=firm
    )


def test_a_case_cannot_reach_business_before_research(project, users, firm):
    with pytest.raises(ValidationError) as error:
        case_save(
            case=new_case(project, firm),
            stages=[StageStep("business", 2007)],
            partners=[],
            by=users["staff"],
        )
    assert "stages" in error.value.message_dict
    assert not CollaborationCase.objects.exists()


def test_a_case_reaches_business_when_the_earlier_stages_are_skipped_with_reasons(
    project, users, firm
):
    steps = [
        StageStep("rd", skipped=True, reason="研究開発は前身の事業で実施"),
        StageStep("prototype", skipped=True, reason="同上"),
        StageStep("product", skipped=True, reason="同上"),
        StageStep("business", 2007),
    ]
    partner = Organisation.objects.create(name="東京都立大学", type=OrganisationType.UNIVERSITY)
    case = case_save(
        case=new_case(project, firm),
        stages=steps,
        partners=[PartnerInput(partner.pk, "共同研究")],
        by=users["staff"],
    )
    case = CollaborationCase.objects.with_related().get(pk=case.pk)
    assert case.stage_reached == "business" and case.stage_reached_label == "事業化"
    assert [p.organisation.name for p in case.partners.all()] == ["東京都立大学"]
    assert case.history.get().history_user == users["staff"]


def test_saving_again_replaces_stages_and_partners(project, users, firm):
    case = case_save(
        case=new_case(project, firm), stages=[StageStep("rd", 2006)], partners=[], by=users["staff"]
    )
    case_save(
        case=case,
        stages=[StageStep("rd", 2006), StageStep("prototype", 2007)],
        partners=[],
        by=users["staff"],
    )
    assert sorted(CaseStage.objects.values_list("stage", flat=True)) == ["prototype", "rd"]
    case_save(case=case, stages=[StageStep("rd", 2006)], partners=[], by=users["staff"])
    assert list(CaseStage.objects.values_list("stage", flat=True)) == ["rd"]


@pytest.mark.parametrize("who", ["other_staff", "manager", "evaluator"])
def test_only_the_bureaus_staff_write_cases_and_adoptions(project, users, firm, tool, who):
    with pytest.raises(PermissionDenied):
        case_save(case=new_case(project, firm), stages=[], partners=[], by=users[who])
    with pytest.raises(PermissionDenied):
        adoption_save(
            adoption=Adoption(
                tool=tool, fiscal_year=2006, project=project, organisation=firm, amount_yen=1
            ),
            by=users[who],
        )


def test_an_adoption_amount_is_not_negative(project, users, firm, tool):
    with pytest.raises(ValidationError) as error:
        adoption_save(
            adoption=Adoption(
                tool=tool, fiscal_year=2006, project=project, organisation=firm, amount_yen=-1
            ),
            by=users["staff"],
        )
    assert "amount_yen" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        Adoption.objects.create(
            tool=tool, fiscal_year=2006, project=project, organisation=firm, amount_yen=-1
        )


def test_an_adoption_names_an_organisation_or_a_consortium(project, users, tool):
    with pytest.raises(ValidationError):
        adoption_save(
            adoption=Adoption(tool=tool, fiscal_year=2006, project=project, amount_yen=0),
            by=users["staff"],
        )
    adoption = adoption_save(
        adoption=Adoption(
            tool=tool,
            fiscal_year=2006,
            project=project,
            consortium_name="札幌コンソーシアム",
            amount_yen=0,
        ),
        by=users["staff"],
    )
    assert adoption.grantee == "札幌コンソーシアム"
    assert adoption.history.get().history_user == users["staff"]


def test_cases_are_read_by_the_bureau_not_by_another(project, users, firm):
    case_save(case=new_case(project, firm), stages=[], partners=[], by=users["staff"])
    assert CollaborationCase.objects.visible_to(users["staff"]).count() == 1
    assert CollaborationCase.objects.visible_to(users["manager"]).count() == 1
    assert CollaborationCase.objects.visible_to(users["other_staff"]).count() == 0
    assert CollaborationCase.objects.visible_to(users["no_role"]).count() == 0


def test_a_stage_row_needs_a_year_or_a_reason(project, users, firm):
    case = case_save(case=new_case(project, firm), stages=[], partners=[], by=users["staff"])
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseStage.objects.create(case=case, stage="rd", skipped=True)
