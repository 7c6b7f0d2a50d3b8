"""Participating-firm surveys: shares against counts, entry rules, workflow, who sees what, the
bars' tables, and the pages' queries."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from evaluation.models import State, Survey, SurveyAnswer
from evaluation.services.editing import StaleEditError
from evaluation.services.surveys import survey_create, survey_save
from evaluation.services.workflow import workflow_transition
from evaluation.views.surveys import survey_charts
from tests.factories import walk_workflow

pytestmark = pytest.mark.django_db

FIELDS = {"population": 1000, "respondents": 400, "period_note": "12月"}


def save(survey, by, answers, **fields):
    return survey_save(
        survey=survey,
        expected_version=survey.version,
        by=by,
        fields={**FIELDS, **fields},
        answers=answers,
        reason=fields.pop("reason", "") if "reason" in fields else "",
    )


@pytest.fixture
def national(users):
    return survey_create(project=None, fiscal_year=2007, by=users["manager"])


@pytest.fixture
def own(users, project):
    return survey_create(project=project, fiscal_year=2007, by=users["staff"])


def test_shares_are_derived_from_counts(national, users):
    survey = save(
        national,
        users["manager"],
        {"new-business": (235, None), "second-founding": (None, D("18.9"))},
    )
    answers = {a.item: a for a in survey.answers.all()}
    assert answers["new-business"].share is None  # the count is kept, never the ratio
    assert answers["new-business"].share_value(survey.respondents) == D("58.8")
    assert answers["second-founding"].share_value(survey.respondents) == D("18.9")
    assert survey.response_rate_value == D("40.0")


def test_entered_response_rate_is_kept_when_counts_are_unknown(national, users):
    survey = save(
        national, users["manager"], {}, population=None, respondents=None, response_rate=D("40")
    )
    assert survey.response_rate_value == D("40")


def test_count_above_respondents_is_refused_and_changes_nothing(national, users):
    with pytest.raises(ValidationError) as error:
        save(national, users["manager"], {"new-business": (401, None)})
    assert "回答企業数を超えています" in str(error.value)
    national.refresh_from_db()
    assert national.version == 1 and national.respondents is None
    assert not SurveyAnswer.objects.exists()


@pytest.mark.parametrize(
    ("answers", "fields", "message"),
    [
        ({"new-business": (10, D("5"))}, {}, "どちらか一方"),
        ({"new-business": (10, None)}, {"respondents": None}, "回答企業数が必要"),
        ({}, {"respondents": 2000}, "対象企業数以下"),
        ({}, {"response_rate": D("40")}, "回収率を入力しないでください"),
    ],
)
def test_bad_input_gets_a_japanese_error(national, users, answers, fields, message):
    with pytest.raises(ValidationError) as error:
        save(national, users["manager"], answers, **fields)
    assert message in str(error.value)
    national.refresh_from_db()
    assert national.version == 1


def test_one_survey_per_scope_and_year(national, own, users, project):
    with pytest.raises(ValidationError):
        survey_create(project=None, fiscal_year=2007, by=users["manager"])
    with pytest.raises(ValidationError):
        survey_create(project=project, fiscal_year=2007, by=users["staff"])


@pytest.mark.parametrize("role", ["staff", "evaluator", "admin"])
def test_only_managers_write_national_surveys(users, role):
    with pytest.raises(PermissionDenied):
        survey_create(project=None, fiscal_year=2008, by=users[role])


def test_staff_cannot_edit_another_bureaus_survey(own, users):
    with pytest.raises(PermissionDenied):
        survey_create(project=own.project, fiscal_year=2008, by=users["other_staff"])
    with pytest.raises(PermissionDenied):
        save(own, users["other_staff"], {})
    with pytest.raises(PermissionDenied):
        save(own, users["manager"], {})


def test_national_workflow_is_the_managers(national, users):
    assert national.actions_for(users["staff"]) == []
    survey = workflow_transition(obj=national, action="submit", by=users["manager"])
    survey = workflow_transition(obj=survey, action="approve", by=users["manager"])
    assert survey.state == State.APPROVED
    with pytest.raises(ValidationError):
        save(survey, users["manager"], {})  # approved means locked
    survey = workflow_transition(obj=survey, action="reopen", by=users["manager"], comment="訂正")
    with pytest.raises(ValidationError) as error:
        save(survey, users["manager"], {})
    assert "理由" in str(error.value)


def test_project_survey_follows_the_report_workflow(own, users):
    approved = walk_workflow(own, State.APPROVED, users)
    assert approved.state == State.APPROVED


def test_stale_edit_is_refused(national, users):
    save(national, users["manager"], {})
    with pytest.raises(StaleEditError):
        survey_save(
            survey=national, expected_version=1, by=users["manager"], fields=FIELDS, answers={}
        )


def test_saves_are_audited(national, users):
    survey = save(national, users["manager"], {"new-business": (100, None)})
    assert survey.history.first().history_user == users["manager"]
    assert survey.answers.get().history.first().history_user == users["manager"]


def test_who_sees_a_national_survey(client, national, users):
    url = reverse("survey_detail", args=[national.pk])
    expected = {"staff": 404, "other_staff": 404, "evaluator": 404, "manager": 200, "admin": 200}
    for role, status in expected.items():
        client.force_login(users[role])
        assert client.get(url).status_code == status, role
    survey = walk_national(national, users)
    for role in expected:
        client.force_login(users[role])
        assert client.get(url).status_code == 200, role  # approved: everyone signed in
    assert survey.state == State.APPROVED


def walk_national(survey, users):
    survey = workflow_transition(obj=survey, action="submit", by=users["manager"])
    return workflow_transition(obj=survey, action="approve", by=users["manager"])


def test_bars_table_equals_the_shares(national, users):
    save(national, users["manager"], {"new-business": (200, None), "new-products": (None, D("22"))})
    other = survey_create(project=None, fiscal_year=2004, by=users["manager"])
    other = save(
        other,
        users["manager"],
        {"new-business": (None, D("58.7"))},
        population=None,
        respondents=None,
        response_rate=D("40"),
    )
    surveys = list(Survey.objects.filter(project=None).order_by("fiscal_year"))
    charts = survey_charts(surveys)
    headline = charts["headline"]
    assert headline.headers == ["項目（%）", "2004年度（未承認）", "2007年度（未承認）"]
    assert headline.rows[0] == ["新事業を開始した企業", "58.7", "50.0"]
    assert headline.rows[1] == ["新たに連携が始まった企業", "—", "—"]
    effects = charts["effects"]
    assert len(effects.rows) == 15
    assert effects.rows[8] == ["新製品・新商品を開発できた", "—", "22.0"]
    svg = str(headline.svg)
    assert 'role="img"' in svg and "新事業を開始した企業 58.7%" in svg


def test_entry_screen_saves_and_keeps_input_on_error(client, national, users):
    client.force_login(users["manager"])
    url = reverse("survey_edit", args=[national.pk])
    data = {"version": 1, "respondents": "４００", "population": "1,000"}
    response = client.post(url, {**data, "count_new-business": "401"})
    assert response.status_code == 200
    assert "回答企業数を超えています" in response.content.decode()
    assert 'value="401"' in response.content.decode()
    response = client.post(
        url, {**data, "count_new-business": "120", "share_second-founding": "18.9"}
    )
    assert response.status_code == 302
    national.refresh_from_db()
    assert national.respondents == 400 and national.version == 2
    response = client.post(url, {**data, "count_new-business": "1"})  # opened on version 1
    assert response.status_code == 409


def test_create_screen(client, users, project):
    client.force_login(users["staff"])
    response = client.post(reverse("survey_create"), {"scope": "", "fiscal_year": 2007})
    assert response.status_code == 200  # staff cannot make a national survey
    assert not Survey.objects.exists()
    response = client.post(reverse("survey_create"), {"scope": project.code, "fiscal_year": 2007})
    assert response.status_code == 302
    assert Survey.objects.get().project == project


def test_list_query_count_is_flat_in_the_number_of_surveys(
    client, users, django_assert_num_queries
):
    client.force_login(users["manager"])
    for year in (2004, 2005):
        survey = survey_create(project=None, fiscal_year=year, by=users["manager"])
        save(survey, users["manager"], {"new-business": (10, None)})
    # session, user, role, projects with surveys, surveys, answers
    with django_assert_num_queries(6):
        assert client.get(reverse("survey_list")).status_code == 200
    for year in range(2006, 2011):
        survey = survey_create(project=None, fiscal_year=year, by=users["manager"])
        save(survey, users["manager"], {"new-business": (10, None), "new-products": (1, None)})
    with django_assert_num_queries(6):
        client.get(reverse("survey_list"))


def test_detail_query_count(client, national, users, django_assert_num_queries):
    save(national, users["manager"], {"new-business": (10, None)})
    client.force_login(users["manager"])
    # session, user, role, survey, answers, workflow events (+ content type), history
    with django_assert_num_queries(8):
        assert client.get(reverse("survey_detail", args=[national.pk])).status_code == 200
