"""お知らせ (issue 23, part 7): returned, approved, assigned, deadline within 14 days; created in
the transaction of the transition; e-mailed where the user has an address; the daily reminder
command is safe to run twice."""

import datetime
import io

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from evaluation.models import AnnualReport, EvaluationCriterion, Notification, ReportingDeadline
from evaluation.services.evaluations import round_create
from evaluation.services.workflow import workflow_transition
from tests.factories import walk_workflow

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(project):
    return AnnualReport.objects.create(project=project, fiscal_year=2008)


def test_a_return_tells_the_bureau_staff_with_the_reason(
    report, users, django_capture_on_commit_callbacks
):
    users["staff"].email = "staff@example.jp"
    users["staff"].save()
    with django_capture_on_commit_callbacks(execute=True):
        walk_workflow(report, "returned", users, comment="売上高の根拠を")
    [note] = Notification.objects.all()
    assert note.user == users["staff"] and note.kind == "returned"
    assert "売上高の根拠を" in note.text and note.url == report.get_absolute_url()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["staff@example.jp"]
    assert "売上高の根拠を" in mail.outbox[0].body
    assert Notification.objects.get().emailed


def test_no_mail_without_an_address_and_none_for_another_bureau(
    report, users, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        walk_workflow(report, "approved", users)
    assert list(Notification.objects.values_list("user__username", "kind")) == [
        ("staff-own", "approved")
    ]
    assert mail.outbox == []


def test_a_refused_transition_leaves_no_notification(report, users):
    report = walk_workflow(report, "submitted", users)
    with pytest.raises(ValidationError):
        workflow_transition(obj=report, action="return", by=users["manager"], comment="")
    assert not Notification.objects.exists()


def test_assigned_evaluators_are_told(project, users):
    criterion = EvaluationCriterion.objects.create(code="c", name_ja="観点")
    round_create(
        by=users["manager"],
        phase=project.phase,
        fiscal_year=2008,
        title="中間評価",
        criteria=[criterion],
        assignments={project: [users["evaluator"]]},
    )
    [note] = Notification.objects.all()
    assert note.user == users["evaluator"] and note.kind == "assigned"
    assert "中間評価" in note.text


def test_an_assignment_made_in_english_names_the_round_and_project_in_english(project, users):
    """Issue 24: the English names, where records have them, in an English notification."""
    criterion = EvaluationCriterion.objects.create(code="c", name_ja="観点")
    with translation.override("en"):
        round_create(
            by=users["manager"],
            phase=project.phase,
            fiscal_year=2008,
            title="中間評価",
            name_en="Mid-term evaluation",
            criteria=[criterion],
            assignments={project: [users["evaluator"]]},
        )
    [note] = Notification.objects.all()
    assert "Mid-term evaluation" in note.text_en and project.name_en in note.text_en, note.text_en
    assert "中間評価" not in note.text_en and project.name_ja not in note.text_en
    # the Japanese text is written too, whatever the manager was reading
    assert "中間評価" in note.text and project.name_ja in note.text, note.text


def test_each_reader_reads_a_notification_in_their_own_language(client, report, users):
    """A return made by a manager reading English reaches a staff user reading Japanese in
    Japanese, and the same notification reads in English once they switch."""
    with translation.override("en"):
        walk_workflow(report, "returned", users, comment="売上高の根拠を")
    [note] = Notification.objects.filter(kind="returned")
    client.force_login(users["staff"])
    page = client.get(reverse("notification_list")).content.decode()
    assert note.text in page and "差し戻されました" in page and "was returned" not in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("notification_list")).content.decode()
    assert note.text_en in page and "差し戻されました" not in page, note.text_en


@override_settings(PDCA_TODAY=datetime.date(2009, 6, 20))
def test_reminders_run_twice_send_once(project, users, django_capture_on_commit_callbacks):
    users["staff"].email = "staff@example.jp"
    users["staff"].save()
    ReportingDeadline.objects.create(fiscal_year=2008, due_date="2009-06-30")
    ReportingDeadline.objects.create(fiscal_year=2009, due_date="2010-06-30")  # too far
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", stdout=io.StringIO())
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", stdout=io.StringIO())
    [note] = Notification.objects.filter(kind="deadline")
    assert note.due_date == datetime.date(2009, 6, 30) and "2009-06-30" in note.text
    assert len(mail.outbox) == 1


@override_settings(PDCA_TODAY=datetime.date(2009, 6, 20))
def test_no_reminder_for_a_submitted_report(project, users):
    ReportingDeadline.objects.create(fiscal_year=2008, due_date="2009-06-30")
    walk_workflow(
        AnnualReport.objects.create(project=project, fiscal_year=2008), "submitted", users
    )
    call_command("send_reminders", stdout=io.StringIO())
    assert not Notification.objects.filter(kind="deadline").exists()


def test_the_list_shows_only_ones_own(client, report, users):
    walk_workflow(report, "returned", users, comment="直してください")
    client.force_login(users["staff"])
    page = client.get(reverse("notification_list")).content.decode()
    assert "直してください" in page and report.get_absolute_url() in page
    client.force_login(users["other_staff"])
    page = client.get(reverse("notification_list")).content.decode()
    assert "直してください" not in page and "お知らせはありません。" in page
