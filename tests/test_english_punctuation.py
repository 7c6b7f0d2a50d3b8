"""The English frame reads as English (issue 24): no Japanese punctuation (、。・（）：「」, full-
width brackets and colons) in the English catalogue, nor in what the templates put between
translated words and data (`{% punct %}` gives each mark its English form)."""

import re
from html import unescape

import polib
import pytest
from django.conf import settings
from django.urls import reverse

from tests.evaluation.test_export_escaping import world  # noqa: F401

JAPANESE_PUNCTUATION = re.compile(
    r"[\u3000-\u303f\u30fb\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65]"
)
CATALOGUE = settings.BASE_DIR / "locale" / "en" / "LC_MESSAGES" / "django.po"


def test_no_english_entry_holds_japanese_punctuation():
    offending = [
        (entry.msgid, text)
        for entry in polib.pofile(str(CATALOGUE))
        for text in [entry.msgstr, *entry.msgstr_plural.values()]
        if JAPANESE_PUNCTUATION.search(text)
    ]
    assert offending == []


def main_text(page: str) -> str:
    """The visible text of <main>, without elements in another language (lang="ja")."""
    main = page.split("<main", 1)[1].split("</main>", 1)[0]
    main = re.sub(r'<(\w+)[^>]*\blang="ja"[^>]*>.*?</\1>', "", main, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", " ", main))


@pytest.mark.django_db
def test_english_pages_carry_no_japanese_punctuation(client, users, plan, world):  # noqa: F811
    """Pages whose templates join translated words and data, read in English by a manager.
    The world's data hold no Japanese punctuation, so any found is the frame's."""
    client.force_login(users["manager"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    project, report = world["project"], world["report"]
    pages = [
        reverse("project_detail", args=[project.code]),
        plan.get_absolute_url(),
        report.get_absolute_url(),
        world["yearly"].get_absolute_url(),
        world["item"].get_absolute_url(),
        reverse("action_item_list"),
        reverse("national_rollup"),
        reverse("round_detail", kwargs={"round_id": world["open"].round_id}),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        text = main_text(response.content.decode())
        found = {
            m.group(0): text[max(m.start() - 30, 0) : m.end() + 30]
            for m in JAPANESE_PUNCTUATION.finditer(text)
        }
        assert not found, (url, found)
