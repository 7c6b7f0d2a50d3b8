import pytest
from django.urls import reverse

from projects.models import Project
from tests.factories import FieldFactory, ProjectFactory

pytestmark = pytest.mark.django_db

URL = reverse("project_list")


@pytest.fixture
def many_projects(project, other_bureau):
    bio = FieldFactory(code="bio", name_ja="バイオ")
    project.fields.add(FieldFactory(code="manufacturing", name_ja="ものづくり"))
    for n in range(30):
        other = ProjectFactory(bureau=other_bureau, name_ja=f"近畿プロジェクト{n:02d}")
        other.fields.add(bio)
    return Project.objects.all()


def test_it_requires_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_lists_projects_paginated_with_a_count(client, users, many_projects):
    client.force_login(users["staff"])
    page = client.get(URL).content.decode()
    assert "31件" in page
    assert page.count('class="badge badge--active"') == 25
    second = client.get(URL, {"page": 2}).content.decode()
    assert second.count('class="badge badge--active"') == 6


def test_it_filters_by_bureau_field_and_name(client, users, many_projects):
    client.force_login(users["staff"])
    page = client.get(URL, {"bureau": "kanto"}).content.decode()
    assert "地域産業活性化プロジェクト" in page and "近畿プロジェクト00" not in page
    page = client.get(URL, {"fields": "bio"}).content.decode()
    assert "30件" in page
    page = client.get(URL, {"q": "プロジェクト07"}).content.decode()
    assert "近畿プロジェクト07" in page and "1件" in page


def test_unknown_filter_value_is_reported_not_crashed(client, users, many_projects):
    client.force_login(users["staff"])
    response = client.get(URL, {"bureau": "atlantis", "status": "lost"})
    assert response.status_code == 200
    assert 'class="errorlist"' in response.content.decode()


def test_it_sorts_by_name(client, users, many_projects):
    client.force_login(users["staff"])
    page = client.get(URL, {"sort": "-name", "bureau": "kinki"}).content.decode()
    assert page.index("近畿プロジェクト29") < page.index("近畿プロジェクト28")


def test_query_count_is_flat_as_a_staff_user(
    client, users, many_projects, django_assert_max_num_queries
):
    client.force_login(users["staff"])
    # session, user, groups (role), count, page of projects with bureau and phase,
    # fields prefetch, filter choices (bureaus, fields, phases)
    with django_assert_max_num_queries(10):
        response = client.get(URL)
    assert response.status_code == 200


def test_sorted_column_and_scroll_region_are_announced(client, users, many_projects):
    client.force_login(users["staff"])
    page = client.get(URL, {"sort": "-name", "page": 2}).content.decode()
    assert 'aria-sort="descending"' in page
    assert page.count("aria-sort=") == 1
    assert 'role="region" tabindex="0" aria-label="プロジェクト一覧"' in page
    assert 'aria-current="page">2</a>' in page
