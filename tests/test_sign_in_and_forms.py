"""Login and session around forms: a wrong password signs nobody in; a POST without a CSRF
token or with another session's token changes nothing; a form sent after the session expired
is not lost: the user logs in again and finds the typed input on the form."""

import pytest
from django.test import Client
from django.urls import reverse

from evaluation.models import ProjectPlan

pytestmark = pytest.mark.django_db

PASSWORD = "test-pass-2006"


def vision_url(plan):
    return reverse("plan_vision_edit", args=[plan.project.code, plan.phase.code])


def test_a_wrong_password_signs_nobody_in(client, users):
    response = client.post(reverse("login"), {"username": "staff-own", "password": "wrong"})
    assert response.status_code == 200
    assert "利用者名またはパスワードが正しくありません。" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("home")).status_code == 302


def test_a_post_without_a_csrf_token_changes_nothing(users, plan):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(users["staff"])
    data = {"version": plan.version, "industrial_resources": "偽の送信"}
    assert browser.post(vision_url(plan), data).status_code == 403
    plan.refresh_from_db()
    assert plan.industrial_resources == "" and plan.version == 1


def test_a_post_with_another_sessions_token_changes_nothing(users, plan):
    other = Client(enforce_csrf_checks=True)
    other.get(reverse("login"))
    foreign = other.cookies["csrftoken"].value
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(users["staff"])
    browser.get(vision_url(plan))  # the browser's own cookie
    data = {
        "version": plan.version,
        "industrial_resources": "偽の送信",
        "csrfmiddlewaretoken": foreign,
    }
    assert browser.post(vision_url(plan), data).status_code == 403
    plan.refresh_from_db()
    assert plan.industrial_resources == ""


def test_input_sent_after_the_session_expired_comes_back_after_logging_in(users, plan):
    browser = Client()
    browser.force_login(users["staff"])
    url = vision_url(plan)
    assert browser.get(url).status_code == 200
    # The session expires while the user is typing.
    browser.session.flush()
    browser.cookies.pop("sessionid")
    typed = "地域の中堅企業と大学が集積している（長い文章）。"
    response = browser.post(url, {"version": plan.version, "industrial_resources": typed})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    plan.refresh_from_db()
    assert plan.industrial_resources == "" and plan.version == 1  # nothing saved
    page = browser.get(response["Location"]).content.decode()
    assert "ログインの有効期限が切れたため" in page

    response = browser.post(response["Location"], {"username": "staff-own", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == url
    page = browser.get(url).content.decode()
    assert typed in page and "前回入力した内容を戻しました" in page
    assert typed not in browser.get(url).content.decode()  # shown once, then the saved state
    response = browser.post(url, {"version": plan.version, "industrial_resources": typed})
    assert response.status_code == 302
    assert ProjectPlan.objects.get(pk=plan.pk).industrial_resources == typed


def test_kept_input_is_not_shown_on_another_page(users, plan, project):
    browser = Client()
    browser.post(vision_url(plan), {"version": 1, "industrial_resources": "ここだけ"})
    browser.force_login(users["staff"])
    other = reverse("plan_strategies_edit", args=[project.code, plan.phase.code])
    assert "ここだけ" not in browser.get(other).content.decode()
    assert "ここだけ" in browser.get(vision_url(plan)).content.decode()
