"""The date the app treats as today (settings.PDCA_TODAY through projects.times.today()):
deadlines, overdue marks and the current fiscal year follow it; audit stamps stay real; every
page says so in a banner."""

import datetime

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from evaluation.models import AnnualReport, ReportingDeadline, State
from evaluation.selectors.national import submission_summary
from evaluation.selectors.reports import board_context
from projects import times

DEMO_DAY = datetime.date(2009, 7, 1)


def test_today_is_the_real_date_when_unset():
    assert times.demo_today() is None
    assert times.today() == timezone.localdate()


@override_settings(PDCA_TODAY=DEMO_DAY)
def test_today_and_current_fiscal_year_follow_the_setting():
    assert times.today() == DEMO_DAY
    assert times.current_fiscal_year() == 2009


@override_settings(PDCA_TODAY=datetime.date(2010, 3, 31))
def test_the_fiscal_year_turns_on_the_first_of_april():
    assert times.current_fiscal_year() == 2009
    with override_settings(PDCA_TODAY=datetime.date(2010, 4, 1)):
        assert times.current_fiscal_year() == 2010


@pytest.mark.django_db
def test_overdue_is_counted_against_the_demo_date(project, users):
    ReportingDeadline.objects.create(fiscal_year=2008, due_date="2009-06-30")
    ReportingDeadline.objects.create(fiscal_year=2009, due_date="2010-06-30")
    with override_settings(PDCA_TODAY=DEMO_DAY):
        assert submission_summary([project], 2008, {})["late"] == 1
        assert submission_summary([project], 2009, {})["late"] == 0
        cells = board_context(users["manager"])["rows"][0]["cells"]
        overdue = {c["year"]: c["overdue"] for c in cells}
        assert overdue[2008] is True and overdue[2009] is False
    with override_settings(PDCA_TODAY=datetime.date(2009, 6, 30)):
        assert submission_summary([project], 2008, {})["late"] == 0


@pytest.mark.django_db
def test_a_submitted_report_is_not_overdue(project, users):
    ReportingDeadline.objects.create(fiscal_year=2008, due_date="2009-06-30")
    report = AnnualReport.objects.create(project=project, fiscal_year=2008, state=State.SUBMITTED)
    with override_settings(PDCA_TODAY=DEMO_DAY):
        assert submission_summary([project], 2008, {project.pk: report})["late"] == 0


@pytest.mark.django_db
def test_audit_stamps_stay_real_under_a_demo_date(plan, users):
    from tests.factories import walk_workflow

    with override_settings(PDCA_TODAY=DEMO_DAY):
        walk_workflow(plan, "submitted", users)
    event = plan.events().get()
    assert timezone.localtime(event.at).year == timezone.localdate().year
    assert timezone.localtime(event.at).year != 2009


@pytest.mark.django_db
def test_every_page_shows_the_demo_banner_when_set(client, users):
    client.force_login(users["manager"])
    with override_settings(PDCA_TODAY=DEMO_DAY):
        page = client.get(reverse("home")).content.decode()
        login = client.get(reverse("project_list")).content.decode()
    assert "デモ：2009年7月1日時点" in page and "デモ：2009年7月1日時点" in login


@pytest.mark.django_db
def test_no_banner_on_the_real_date(client, users):
    client.force_login(users["manager"])
    page = client.get(reverse("home")).content.decode()
    assert "デモ：" not in page and "demo-banner" not in page


def test_a_malformed_date_stops_start_up(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from config.settings.base import _env_date

    monkeypatch.setenv("PDCA_TODAY", "2009-13-01")
    with pytest.raises(ImproperlyConfigured):
        _env_date("PDCA_TODAY")
    monkeypatch.setenv("PDCA_TODAY", "2009-07-01")
    assert _env_date("PDCA_TODAY") == DEMO_DAY
