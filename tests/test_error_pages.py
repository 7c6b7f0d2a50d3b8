"""Error pages speak Japanese (or English) and lead back home."""

import pytest
from django.test import override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


@override_settings(DEBUG=False)
def test_404_page_is_in_japanese_with_a_way_home(client, users):
    client.force_login(users["staff"])
    response = client.get(reverse("project_detail", args=["no-such-project"]))
    page = response.content.decode()
    assert response.status_code == 404
    assert '<html lang="ja">' in page and "ページが見つかりません" in page
    assert f'href="{reverse("home")}"' in page


@override_settings(DEBUG=False)
def test_403_page_explains_why(client, users, project):
    client.force_login(users["manager"])
    response = client.get(reverse("plan_create", args=[project.code]))
    assert response.status_code == 403
    assert "この操作はできません" in response.content.decode()
