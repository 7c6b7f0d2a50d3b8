"""The English catalogue is complete, compiled and in step with the code."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

PO = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def test_every_entry_is_translated_and_none_is_fuzzy():
    catalogue = polib.pofile(str(PO))
    empty = [
        e.msgid
        for e in catalogue
        if not e.obsolete
        and (not e.msgstr if not e.msgid_plural else not all(e.msgstr_plural.values()))
    ]
    assert not empty, f"untranslated: {empty}"
    assert not catalogue.fuzzy_entries(), "fuzzy entries left in the catalogue"
    assert len(catalogue) > 100


def test_compiled_catalogue_matches_the_source():
    def entries(catalogue):
        return {
            (e.msgctxt, e.msgid): e.msgstr
            for e in catalogue
            if e.msgid and not e.msgid_plural and not e.obsolete
        }

    assert entries(polib.mofile(str(MO))) == entries(polib.pofile(str(PO))), "run `make messages`"


def test_catalogue_holds_every_string_of_the_code(tmp_path):
    """makemessages over the code must add no msgid to the committed catalogue."""
    if not shutil.which("xgettext"):
        reason = "GNU gettext (xgettext) is not installed: apt-get install gettext"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    backup = tmp_path / "django.po"
    shutil.copy(PO, backup)
    try:
        subprocess.run(
            [
                sys.executable,
                "manage.py",
                "makemessages",
                "-l",
                "en",
                "--no-location",
                "--ignore=.venv",
                "--ignore=tests",
                "--ignore=test-artifacts",
            ],
            cwd=settings.BASE_DIR,
            check=True,
            capture_output=True,
        )
        fresh = {e.msgid for e in polib.pofile(str(PO)) if not e.obsolete}
    finally:
        shutil.copy(backup, PO)
    committed = {e.msgid for e in polib.pofile(str(PO)) if not e.obsolete}
    assert fresh - committed == set(), "new strings: run `make messages` and translate them"


def test_english_is_served_when_chosen(client, users):
    client.force_login(users["staff"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("project_list")).content.decode()
    assert '<html lang="en">' in page
    assert "Skip to main content" in page and "Projects" in page


@override_settings(LANGUAGE_CODE="ja")
def test_japanese_is_the_default(client, users):
    client.force_login(users["staff"])
    page = client.get(reverse("project_list")).content.decode()
    assert '<html lang="ja">' in page and "本文へ移動" in page
    with translation.override("en"):
        assert translation.gettext("ホーム") == "Home"


def test_the_admin_history_screens_speak_japanese():
    """simple_history names its models 「historical …」 and ships no Japanese (review #79)."""
    from evaluation.models import AnnualReport

    historical = AnnualReport.history.model._meta
    with translation.override("ja"):
        assert str(historical.verbose_name) == "年度報告の変更履歴"
        assert translation.gettext("Change history: %s") % "年度報告" == "変更履歴：年度報告"
        assert translation.gettext("Changed by") == "操作者"
    with translation.override("en"):
        assert str(historical.verbose_name) == "Annual report history"
