"""A screen reader names each table's download by the table (issue 24): the label of an export
link is the table's caption, never a Python object's repr ("<ProjectTable object at 0x…>").

The pages are the templates that include includes/export_buttons.html, found on disk: a page
with export links that has no case in PAGES fails `test_every_page_with_downloads_has_a_case`."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.evaluation.test_export_escaping import world  # noqa: F401

pytestmark = pytest.mark.django_db

INCLUDE = "includes/export_buttons.html"
# template → (URL name, kwargs from the world, who reads it)
PAGES = {
    "projects/project_list.html": ("project_list", lambda w: {}, "manager"),
    "evaluation/home_manager.html": ("home", lambda w: {}, "manager"),
    "evaluation/home_staff.html": ("home", lambda w: {}, "staff"),
    "evaluation/submission_board.html": ("submission_board", lambda w: {}, "manager"),
    "evaluation/national_rollup.html": ("national_rollup", lambda w: {}, "manager"),
    "evaluation/indicator_across_projects.html": (
        "indicator_across_projects",
        lambda w: {"code": w["common"].code},
        "manager",
    ),
    "evaluation/tracking_matrix.html": (
        "tracking_matrix",
        lambda w: {"code": w["project"].code},
        "manager",
    ),
    "evaluation/round_rollup.html": (
        "round_rollup",
        lambda w: {"round_id": w["done"].round_id},
        "manager",
    ),
    "evaluation/action_item_list.html": ("action_item_list", lambda w: {}, "manager"),
    "evaluation/survey_list.html": ("survey_list", lambda w: {}, "manager"),
    "evaluation/member_list.html": (
        "member_list",
        lambda w: {"code": w["project"].code},
        "manager",
    ),
    "evaluation/survey_detail.html": (
        "survey_detail",
        lambda w: {"survey_id": w["survey"].pk},
        "manager",
    ),
}
# Pages whose templates another part of the work keeps: their links carry no label yet, which
# is allowed (the link's own text is read); a label, where there is one, must be a caption.
UNLABELLED = {"evaluation/tracking_matrix.html", "evaluation/round_rollup.html"}
# The include's paragraph (a page may have other download links whose text names the file)
EXPORT_LINK = re.compile(r'<p class="export-links">この表をダウンロードする.*?</p>', re.DOTALL)
LABEL = re.compile(r'aria-label="([^"]*)"')


def templates_with_downloads() -> set[str]:
    root = Path(settings.BASE_DIR) / "templates"
    return {
        str(path.relative_to(root))
        for path in root.rglob("*.html")
        if INCLUDE in path.read_text(encoding="utf-8") and path.name != Path(INCLUDE).name
    }


def test_every_page_with_downloads_has_a_case():
    assert templates_with_downloads() == set(PAGES)


DOWNLOAD_SUFFIXES = ("をダウンロードする（CSV）", "をダウンロードする（Excel）")


def test_export_links_are_named_by_their_table(client, users, world):  # noqa: F811
    for template, (name, kwargs, who) in PAGES.items():
        client.force_login(users[who])
        response = client.get(reverse(name, kwargs=kwargs(world)))
        assert response.status_code == 200, template
        page = response.content.decode()
        blocks = EXPORT_LINK.findall(page)
        assert blocks, template
        for block in blocks:
            labels = LABEL.findall(block)
            assert all("object at 0x" not in label for label in labels), (template, labels)
            assert all("<" not in label and "&lt;" not in label for label in labels), labels
            if template not in UNLABELLED:
                assert labels and all(label.endswith(DOWNLOAD_SUFFIXES) for label in labels), (
                    template,
                    block,
                )


def test_the_project_list_download_says_project_list(client, users, world):  # noqa: F811
    client.force_login(users["manager"])
    page = client.get(reverse("project_list")).content.decode()
    assert 'aria-label="プロジェクト一覧をダウンロードする（CSV）"' in page
    assert "object at 0x" not in page
