"""The Django admin speaks Japanese (issue 24): every model on its index, the third-party ones
(django-axes, the API tokens) included, has a Japanese name; values read as on the screens."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

pytestmark = pytest.mark.django_db

LATIN_WORD = re.compile(r"[A-Za-z]{3,}")
NAMES_KEPT = ("PDCA",)  # the scheme's own name, written so in Japanese too


@pytest.fixture
def superuser_client(client):
    user = get_user_model().objects.create_superuser("root", "root@example.invalid", "x")
    client.force_login(user)
    return client


def index_names(page: str) -> list[str]:
    """The names of the apps and models the admin index lists."""
    captions = re.findall(r"<caption>\s*<a[^>]*>(.*?)</a>", page, re.S)
    models = re.findall(r'<th scope="row"[^>]*>\s*(?:<a[^>]*>)?(.*?)(?:</a>)?\s*</th>', page, re.S)
    return [re.sub(r"<[^>]+>", "", name).strip() for name in captions + models]


def test_the_japanese_admin_index_names_no_model_in_english(superuser_client):
    page = superuser_client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    names = index_names(page)
    assert len(names) > 20
    english = [name for name in names if LATIN_WORD.search(name) and name not in NAMES_KEPT]
    english = [n for n in english if LATIN_WORD.search(n.replace("PDCA", ""))]
    assert english == []
    assert "ログイン失敗の記録" in names  # django-axes, under its Japanese name


def test_the_axes_records_open_under_their_japanese_names(superuser_client):
    page = superuser_client.get(reverse("admin:projects_loginattempt_changelist"))
    assert page.status_code == 200 and "ログイン失敗の集計" in page.content.decode()


def test_admin_shows_values_as_the_screens_do(superuser_client):
    from decimal import Decimal

    from tests.factories import MonitoredValueFactory

    MonitoredValueFactory(value=Decimal("7.0000"))
    page = superuser_client.get(reverse("admin:evaluation_monitoredvalue_changelist")).content
    text = page.decode()
    assert "7.0000" not in text and ">7件<" in text, text[text.find("7") :][:200]
