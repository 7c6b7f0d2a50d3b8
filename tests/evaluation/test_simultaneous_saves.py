"""Two people save the same record at once: one save wins, the other is told (409 on the screen,
StaleEditError in the service) and nothing is lost."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from evaluation.models import ProjectPlan
from evaluation.services.editing import StaleEditError
from evaluation.services.plans import plan_update_vision
from tests.factories import staff_of


def vision(text: str, version: int) -> dict:
    return {
        "version": version,
        "industrial_resources": text,
        "regional_characteristics": "",
        "development_outlook": "",
    }


@pytest.mark.django_db
def test_two_colleagues_save_the_same_plan_one_wins_the_other_is_told(plan, users):
    first, second = Client(), Client()
    colleague = staff_of(plan.project.bureau, username="staff-colleague")
    first.force_login(users["staff"])
    second.force_login(colleague)
    url = reverse("plan_vision_edit", args=[plan.project.code, plan.phase.code])
    # Both open the form on version 1 ...
    assert 'name="version" value="1"' in first.get(url).content.decode()
    assert 'name="version" value="1"' in second.get(url).content.decode()
    # ... and both save it.
    assert first.post(url, vision("先に保存した文章", 1)).status_code == 302
    told = second.post(url, vision("あとから保存した文章", 1))
    assert told.status_code == 409
    page = told.content.decode()
    assert "他の利用者が保存しています" in page and users["staff"].username in page
    assert "あとから保存した文章" in page  # what the second typed is kept
    plan.refresh_from_db()
    assert (plan.industrial_resources, plan.version) == ("先に保存した文章", 2)
    # Told, the second saves again on the current version: both texts are in the history.
    assert second.post(url, vision("あとから保存した文章", 2)).status_code == 302
    texts = set(plan.history.values_list("industrial_resources", flat=True))
    assert {"先に保存した文章", "あとから保存した文章"} <= texts


@pytest.mark.django_db(transaction=True)
def test_simultaneous_service_saves_are_serialised_by_the_row_lock(plan, users):
    """Two threads, two database connections, released at the same instant on the same version.
    Needs a server that runs transactions concurrently: PostgreSQL (CI runs the suite on it)."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one write transaction at a time; this race needs PostgreSQL")
    colleague = staff_of(plan.project.bureau, username="staff-colleague")
    for round_ in range(5):
        version = ProjectPlan.objects.get(pk=plan.pk).version
        start = threading.Barrier(2)
        outcomes = {}

        def save(user, text, version=version, start=start, outcomes=outcomes):
            try:
                start.wait(timeout=10)
                plan_update_vision(
                    plan=plan,
                    expected_version=version,
                    by=user,
                    industrial_resources=text,
                    regional_characteristics="",
                    development_outlook="",
                    fits={},
                )
                outcomes[text] = "saved"
            except StaleEditError:
                outcomes[text] = "told"
            finally:
                connection.close()

        threads = [
            threading.Thread(target=save, args=(users["staff"], f"A{round_}")),
            threading.Thread(target=save, args=(colleague, f"B{round_}")),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert sorted(outcomes.values()) == ["saved", "told"], outcomes
        winner = next(text for text, outcome in outcomes.items() if outcome == "saved")
        current = ProjectPlan.objects.get(pk=plan.pk)
        assert (current.industrial_resources, current.version) == (winner, version + 1)
        assert current.history.filter(version=version + 1).count() == 1
