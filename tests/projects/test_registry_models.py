"""Organisations and memberships: stored numbers, derived SME status, counts at the year's end."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from projects.models import Membership, Organisation, OrganisationType

pytestmark = pytest.mark.django_db


def organisation(**kwargs):
    fields = {"name": "株式会社多摩精機", "type": OrganisationType.FIRM} | kwargs
    org = Organisation(**fields)
    org.full_clean()
    org.save()
    return org


def test_a_corporate_number_typed_full_width_is_stored_as_13_digits():
    org = organisation(corporate_number="７０００－０１－２０５０００２")
    org.refresh_from_db()
    assert org.corporate_number == "7000012050002"


def test_a_bad_check_digit_is_refused_by_the_model():
    with pytest.raises(ValidationError) as error:
        organisation(corporate_number="7000012050003")
    assert "corporate_number" in error.value.message_dict
    assert not Organisation.objects.exists()


def test_a_corporate_number_is_unique_when_present_only():
    organisation(name="国税庁", type=OrganisationType.OTHER, corporate_number="7000012050002")
    organisation(name="甲")
    organisation(name="乙")  # two without a number are fine
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.create(
            name="別名", type=OrganisationType.OTHER, corporate_number="7000012050002"
        )


def test_the_normalised_name_is_kept_for_matching():
    assert organisation(name="㈱ 多摩精機 ").normalised_name == "株式会社多摩精機"


@pytest.mark.parametrize(
    ("fields", "sme"),
    [
        ({"industry": "E", "capital_yen": 300_000_000, "employees": 1_000}, True),
        ({"industry": "E", "capital_yen": 400_000_000, "employees": 301}, False),
        ({"industry": "I", "trade": "retail", "capital_yen": 60_000_000, "employees": 51}, False),
        ({"industry": "I", "trade": "wholesale", "capital_yen": 60_000_000, "employees": 51}, True),
        ({"industry": "I", "capital_yen": 60_000_000, "employees": 51}, None),
        ({"industry": "L", "capital_yen": 60_000_000, "employees": 101}, False),
        ({"type": OrganisationType.UNIVERSITY, "industry": "O", "employees": 10}, None),
    ],
)
def test_sme_status_is_derived_from_the_table(fields, sme):
    assert organisation(**fields).is_sme is sme


def test_a_trade_is_only_for_division_i():
    with pytest.raises(ValidationError) as error:
        organisation(industry="E", trade="retail")
    assert "trade" in error.value.message_dict


def test_the_count_of_a_fiscal_year_is_the_members_on_31_march(project):
    """FY2006 ends on 31 March 2007: joined that day counts for FY2006, joined 1 April 2007
    counts for FY2007; one who left on 31 March 2007 still counts for FY2006."""
    rows = [
        ("31日に参画", datetime.date(2007, 3, 31), None),
        ("1日に参画", datetime.date(2007, 4, 1), None),
        ("31日に退会", datetime.date(2005, 4, 1), datetime.date(2007, 3, 31)),
        ("30日に退会", datetime.date(2005, 4, 1), datetime.date(2007, 3, 30)),
    ]
    for name, joined, left in rows:
        Membership.objects.create(
            organisation=organisation(name=name), project=project, joined=joined, left=left
        )

    def members(year):
        names = Membership.objects.at_year_end(year).values_list("organisation__name", flat=True)
        return sorted(names)

    assert members(2005) == ["30日に退会", "31日に退会"]
    assert members(2006) == ["31日に参画", "31日に退会"]
    assert members(2007) == ["1日に参画", "31日に参画"]


def test_a_membership_cannot_end_before_it_starts(project):
    membership = Membership(
        organisation=organisation(),
        project=project,
        joined=datetime.date(2007, 4, 1),
        left=datetime.date(2007, 3, 31),
    )
    with pytest.raises(ValidationError):
        membership.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        membership.save()


def test_a_membership_is_audited(project):
    membership = Membership.objects.create(
        organisation=organisation(), project=project, joined=datetime.date(2006, 4, 1)
    )
    membership.left = datetime.date(2008, 3, 31)
    membership.save()
    assert membership.history.count() == 2


def test_admins_keep_organisations_and_only_read_memberships(client, project):
    from django.urls import reverse

    from projects.models import Role
    from tests.factories import UserFactory

    keeper = UserFactory(username="keeper", role=Role.ADMIN, is_staff=True)
    client.force_login(keeper)
    assert client.get(reverse("admin:projects_organisation_add")).status_code == 200
    add = client.post(
        reverse("admin:projects_organisation_add"),
        {
            "name": "国税庁",
            "type": "other",
            "corporate_number": "７０００－０１－２０５０００２",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert add.status_code == 302, add.context["adminform"].form.errors
    assert Organisation.objects.get().corporate_number == "7000012050002"
    assert client.get(reverse("admin:projects_membership_changelist")).status_code == 200
    assert client.get(reverse("admin:projects_membership_add")).status_code == 403
