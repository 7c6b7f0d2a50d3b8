"""Annual reports: entry with the four kinds of value, full-width input, units, breakdowns,
row-by-row errors, the lock, achievement on the page, the submission board."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from evaluation.models import AnnualReport, MonitoredValue, State, ValueKind
from evaluation.services.editing import LockedError
from evaluation.services.monitoring import monitored_value_record
from evaluation.services.reports import RowInput, annual_report_create, annual_report_save
from evaluation.services.workflow import workflow_transition
from projects.models import SubRegion
from tests.factories import IndicatorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(db):
    return {
        "new": IndicatorFactory(
            code="new-businesses-started",
            name_ja="新事業開始件数",
            is_common_target=True,
            category="d",
        ),
        "sales": IndicatorFactory(
            code="sales", name_ja="売上高", unit="yen", category="e", entry_money_unit="million"
        ),
        "share": IndicatorFactory(code="share", name_ja="割合", unit="percent", category="c"),
    }


@pytest.fixture
def report(project, users, catalogue):
    return annual_report_create(project=project, fiscal_year=2007, by=users["staff"])


def save(report, user, rows, **kwargs):
    report.refresh_from_db()
    return annual_report_save(
        report=report,
        expected_version=report.version,
        by=user,
        rows=rows,
        activity_results=kwargs.pop("activity_results", {}),
        **kwargs,
    )


def test_the_four_kinds_of_value_are_stored_as_what_they_are(report, users, catalogue):
    save(
        report,
        users["staff"],
        [
            RowInput(catalogue["new"], ValueKind.NUMBER, Decimal(0)),
            RowInput(catalogue["sales"], ValueKind.NOT_APPLICABLE),
            RowInput(catalogue["share"], ValueKind.UNKNOWN),
        ],
    )
    kinds = dict(MonitoredValue.objects.values_list("indicator__code", "kind"))
    assert kinds == {
        "new-businesses-started": "zero",
        "sales": "not_applicable",
        "share": "unknown",
    }
    assert MonitoredValue.objects.get(indicator__code="new-businesses-started").value == 0
    assert MonitoredValue.objects.get(indicator__code="sales").value is None


def test_money_is_entered_in_the_rows_unit_and_stored_exactly_in_yen(report, users, catalogue):
    save(
        report, users["staff"], [RowInput(catalogue["sales"], ValueKind.NUMBER, Decimal("1234.5"))]
    )
    assert MonitoredValue.objects.get().value == Decimal(1_234_500_000)


@pytest.mark.parametrize(
    ("code", "value", "message"),
    [
        ("new", Decimal(-1), "0以上の整数"),
        ("new", Decimal("2.5"), "0以上の整数"),
        ("sales", Decimal("0.0000005"), "円単位"),
        ("share", Decimal(101), "0〜100"),
    ],
)
def test_bad_rows_are_refused_row_by_row_and_nothing_changes(
    report, users, catalogue, code, value, message
):
    rows = [
        RowInput(catalogue["new"], ValueKind.NUMBER, Decimal(5)),
        RowInput(catalogue[code], ValueKind.NUMBER, value),
    ]
    with pytest.raises(ValidationError) as error:
        save(report, users["staff"], rows)
    assert message in " ".join(error.value.message_dict[f"row-{catalogue[code].code}"])
    assert not MonitoredValue.objects.exists()  # all or nothing
    report.refresh_from_db()
    assert report.version == 1


def test_breakdown_by_sub_region_must_add_up(report, users, catalogue, project):
    tama = SubRegion.objects.create(project=project, name_ja="TAMA", order=1)
    chuo = SubRegion.objects.create(project=project, name_ja="中央道", order=2)
    row = RowInput(
        catalogue["new"],
        ValueKind.NUMBER,
        Decimal(10),
        breakdown={tama.pk: Decimal(6), chuo.pk: Decimal(3)},
    )
    with pytest.raises(ValidationError, match="一致しません"):
        save(report, users["staff"], [row])
    row.breakdown[chuo.pk] = Decimal(4)
    save(report, users["staff"], [row])
    value = MonitoredValue.objects.get()
    assert {b.sub_region.name_ja: b.amount for b in value.breakdown.all()} == {
        "TAMA": 6,
        "中央道": 4,
    }


def test_submitted_or_approved_report_refuses_every_change(report, users, catalogue):
    workflow_transition(obj=report, action="submit", by=users["staff"])
    with pytest.raises(LockedError):
        save(report, users["staff"], [RowInput(catalogue["new"], ValueKind.NUMBER, Decimal(5))])
    with pytest.raises(LockedError):
        monitored_value_record(
            project=report.project,
            indicator=catalogue["new"],
            fiscal_year=2007,
            kind="number",
            value=Decimal(5),
            by=users["staff"],
            report=report,
        )
    assert not MonitoredValue.objects.exists()


def test_change_after_return_needs_a_reason(report, users, catalogue):
    report = workflow_transition(obj=report, action="submit", by=users["staff"])
    report = workflow_transition(obj=report, action="return", by=users["manager"], comment="根拠")
    row = RowInput(catalogue["new"], ValueKind.NUMBER, Decimal(5))
    with pytest.raises(ValidationError) as error:
        save(report, users["staff"], [row])
    assert "reason" in error.value.message_dict
    save(report, users["staff"], [row], reason="根拠資料に基づき訂正")
    assert (
        MonitoredValue.objects.get().history.latest().history_change_reason
        == "根拠資料に基づき訂正"
    )


def test_only_own_bureau_staff_create_and_save(project, report, users, catalogue):
    for who in ["other_staff", "manager", "admin", "evaluator"]:
        with pytest.raises(PermissionDenied):
            annual_report_create(project=project, fiscal_year=2008, by=users[who])
        with pytest.raises(PermissionDenied):
            save(report, users[who], [RowInput(catalogue["new"], ValueKind.NUMBER, Decimal(1))])


def entry_data(report, **rows):
    data = {"version": report.version, "comment": ""}
    for code in ("new-businesses-started", "sales", "share"):
        data[f"kind-{code}"] = "unknown"
    for code, (kind, value) in rows.items():
        data[f"kind-{code}"] = kind
        data[f"value-{code}"] = value
    return data


def test_entry_screen_reads_full_width_digits(client, report, users):
    client.force_login(users["staff"])
    url = reverse("report_edit", args=[report.project.code, 2007])
    response = client.post(
        url, entry_data(report, **{"new-businesses-started": ("number", "１，２３４")})
    )
    assert response.status_code == 302
    assert MonitoredValue.objects.get(indicator__code="new-businesses-started").value == 1234


def test_entry_screen_keeps_everything_typed_on_an_error(client, report, users):
    client.force_login(users["staff"])
    url = reverse("report_edit", args=[report.project.code, 2007])
    data = entry_data(
        report, **{"new-businesses-started": ("number", "１２"), "share": ("number", "150")}
    )
    data["comment"] = "入力途中のコメント"
    response = client.post(url, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "１２" in page and "150" in page and "入力途中のコメント" in page
    assert "0〜100" in page and 'href="#row-share"' in page
    assert not MonitoredValue.objects.exists()


def test_value_far_from_last_year_gets_a_visible_non_blocking_warning(
    client, project, users, catalogue
):
    last = annual_report_create(project=project, fiscal_year=2006, by=users["staff"])
    save(last, users["staff"], [RowInput(catalogue["new"], ValueKind.NUMBER, Decimal(10))])
    last.refresh_from_db()
    last = workflow_transition(obj=last, action="submit", by=users["staff"])
    workflow_transition(obj=last, action="approve", by=users["manager"])
    this = annual_report_create(project=project, fiscal_year=2007, by=users["staff"])
    save(this, users["staff"], [RowInput(catalogue["new"], ValueKind.NUMBER, Decimal(100))])
    client.force_login(users["staff"])
    page = client.get(this.get_absolute_url()).content.decode()
    assert "大きく変わっています" in page
    assert MonitoredValue.objects.get(fiscal_year=2007).value == 100  # saved all the same


def test_report_page_shows_each_targets_achievement_and_rating(client, project, users, catalogue):
    from evaluation.services.plans import plan_create
    from evaluation.services.targets import target_set_values

    plan = plan_create(project=project, phase=project.phase, by=users["staff"])
    target = plan.targets.get(indicator__code="new-businesses-started")
    target_set_values(
        target=target,
        expected_version=plan.version,
        by=users["staff"],
        target_value=Decimal(200),
        target_fiscal_year=2010,
        baseline_value=Decimal(10),
        baseline_fiscal_year=2005,
        milestones={2007: Decimal(80)},
    )
    report = annual_report_create(project=project, fiscal_year=2007, by=users["staff"])
    save(report, users["staff"], [RowInput(catalogue["new"], ValueKind.NUMBER, Decimal(100))])
    client.force_login(users["staff"])
    page = client.get(report.get_absolute_url()).content.decode()
    assert "125.0%" in page  # 100 / 80
    assert "rating--exceeded" in page and "目標超過達成" in page
    assert "128.6%" in page  # (100 - 10) / (80 - 10)


def test_report_page_says_not_reporting_for_unknown(client, project, users, catalogue):
    from evaluation.services.plans import plan_create
    from evaluation.services.targets import target_set_values

    plan = plan_create(project=project, phase=project.phase, by=users["staff"])
    target = plan.targets.get(indicator__code="new-businesses-started")
    target_set_values(
        target=target,
        expected_version=plan.version,
        by=users["staff"],
        target_value=Decimal(200),
        target_fiscal_year=2010,
        milestones={},
    )
    report = annual_report_create(project=project, fiscal_year=2007, by=users["staff"])
    save(report, users["staff"], [RowInput(catalogue["new"], ValueKind.UNKNOWN)])
    client.force_login(users["staff"])
    page = client.get(report.get_absolute_url()).content.decode()
    assert "rating--not_reporting" in page and "0%" not in page


def test_other_bureau_reads_values_only_once_approved(project, report, users, catalogue):
    save(report, users["staff"], [RowInput(catalogue["new"], ValueKind.NUMBER, Decimal(5))])
    assert not MonitoredValue.objects.visible_to(users["other_staff"]).exists()
    report = workflow_transition(obj=report, action="submit", by=users["staff"])
    workflow_transition(obj=report, action="approve", by=users["manager"])
    assert MonitoredValue.objects.visible_to(users["other_staff"]).count() == 1


def test_board_shows_every_project_year_and_marks_overdue(
    client, project, report, users, other_bureau
):
    from evaluation.models import ReportingDeadline

    ReportingDeadline.objects.create(fiscal_year=2007, due_date="2008-06-30")
    client.force_login(users["manager"])
    page = client.get(reverse("submission_board")).content.decode()
    assert project.name_ja in page and "期限超過" in page
    page = client.get(reverse("submission_board"), {"bureau": "kinki"}).content.decode()
    assert project.name_ja not in page
    workflow_transition(obj=report, action="submit", by=users["staff"])
    page = client.get(reverse("submission_board"), {"state": "submitted"}).content.decode()
    assert project.name_ja in page and "期限超過" not in page.split(project.name_ja)[1][:400]


def test_board_query_count_is_flat(client, users, bureau, django_assert_max_num_queries):
    from tests.factories import ProjectFactory

    for _ in range(15):
        p = ProjectFactory(bureau=bureau)
        AnnualReport.objects.create(project=p, fiscal_year=2007, state=State.SUBMITTED)
    client.force_login(users["manager"])
    # session, user, groups, projects with bureaus, reports, deadlines, bureaus for the filter
    with django_assert_max_num_queries(8):
        response = client.get(reverse("submission_board"))
    assert response.status_code == 200


def test_entry_page_query_count_as_staff(
    client, report, users, catalogue, django_assert_max_num_queries
):
    for _ in range(20):
        IndicatorFactory(category="b")
    client.force_login(users["staff"])
    url = reverse("report_edit", args=[report.project.code, 2007])
    # session, user, groups, bureau, report, indicators, values (+breakdowns), last year's
    # values, plan, yearly plan, sub-regions, activity results
    with django_assert_max_num_queries(14):
        response = client.get(url)
    assert response.status_code == 200


def test_a_draft_of_another_year_never_moves_an_approved_reports_figures(
    client, project, users, catalogue
):
    """Cumulative and last-year figures are built on settled values only: the same for every
    reader, and unchanged when another year's draft is edited."""
    from evaluation.services.plans import plan_create
    from evaluation.services.targets import target_set_values

    plan = plan_create(project=project, phase=project.phase, by=users["staff"])
    target = plan.targets.get(indicator__code="new-businesses-started")
    target.cumulation = "cumulative"
    target.save()
    target_set_values(
        target=target,
        expected_version=plan.version,
        by=users["staff"],
        target_value=Decimal(100),
        target_fiscal_year=2010,
        baseline_value=Decimal(0),
        baseline_fiscal_year=2006,
        milestones={2008: Decimal(40)},
    )
    draft_2007 = annual_report_create(project=project, fiscal_year=2007, by=users["staff"])
    save(draft_2007, users["staff"], [RowInput(catalogue["new"], ValueKind.NUMBER, Decimal(30))])
    report_2008 = annual_report_create(project=project, fiscal_year=2008, by=users["staff"])
    save(report_2008, users["staff"], [RowInput(catalogue["new"], ValueKind.NUMBER, Decimal(20))])
    url = report_2008.get_absolute_url()
    client.force_login(users["manager"])
    before = client.get(url).content.decode()
    assert "rating--not_reporting" in before  # 2007 is not settled: no cumulative actual
    save(draft_2007, users["staff"], [RowInput(catalogue["new"], ValueKind.NUMBER, Decimal(90))])
    assert client.get(url).content.decode().count("rating--") == before.count("rating--")
    assert "rating--not_reporting" in client.get(url).content.decode()
    draft_2007.refresh_from_db()
    draft_2007 = workflow_transition(obj=draft_2007, action="submit", by=users["staff"])
    workflow_transition(obj=draft_2007, action="approve", by=users["manager"])
    after = client.get(url).content.decode()
    assert "110" in after and "275.0%" in after  # 90 + 20 against 40
    client.force_login(users["staff"])
    assert "275.0%" in client.get(url).content.decode()  # the same for another reader


def test_number_typed_into_a_row_left_unknown_is_saved_not_dropped(client, report, users):
    client.force_login(users["staff"])
    url = reverse("report_edit", args=[report.project.code, 2007])
    data = entry_data(report)
    data["value-new-businesses-started"] = "12"  # the kind select still says 未把握
    assert client.post(url, data).status_code == 302
    assert MonitoredValue.objects.get(indicator__code="new-businesses-started").value == 12


def test_number_with_not_applicable_is_a_contradiction_not_a_silent_drop(client, report, users):
    client.force_login(users["staff"])
    url = reverse("report_edit", args=[report.project.code, 2007])
    data = entry_data(report, **{"share": ("not_applicable", "40")})
    response = client.post(url, data)
    assert response.status_code == 200
    assert "空欄にしてください" in response.content.decode()
    assert not MonitoredValue.objects.exists()


def test_all_row_problems_are_reported_in_one_round(client, report, users):
    client.force_login(users["staff"])
    url = reverse("report_edit", args=[report.project.code, 2007])
    data = entry_data(
        report, **{"new-businesses-started": ("number", "-3"), "share": ("number", "")}
    )
    page = client.post(url, data).content.decode()
    assert "0以上の整数" in page and "数値を入力してください" in page


def test_missing_reason_after_return_is_listed_at_the_top(client, report, users):
    report = workflow_transition(obj=report, action="submit", by=users["staff"])
    report = workflow_transition(obj=report, action="return", by=users["manager"], comment="x")
    client.force_login(users["staff"])
    url = reverse("report_edit", args=[report.project.code, 2007])
    page = client.post(url, entry_data(report)).content.decode()
    summary = page.split('class="error-summary"')[1].split("</div>")[0]
    assert 'href="#id_reason"' in summary


@pytest.fixture
def published_2005(bureau, users):
    """FY2005 of kanto-bio-venture: 参画企業数 240 and 参画大学 19 published, a draft report of
    the year, and a row of the bureau's own (新事業開始件数)."""
    from tests.factories import MonitoredValueFactory, ProjectFactory

    project = ProjectFactory(code="kanto-bio-venture", name_ja="バイオベンチャー", bureau=bureau)
    indicators = {
        "companies": IndicatorFactory(code="companies", name_ja="参画企業数", category="a"),
        "universities": IndicatorFactory(code="universities", name_ja="参画大学", category="a"),
        "new": IndicatorFactory(code="new-businesses-started", name_ja="新事業開始件数"),
    }
    for key, value in (("companies", 240), ("universities", 19)):
        MonitoredValueFactory(
            project=project,
            indicator=indicators[key],
            fiscal_year=2005,
            value=value,
            origin=MonitoredValue.Origin.REFERENCE,
            source_note="平成17年度資料",
        )
    report = annual_report_create(project=project, fiscal_year=2005, by=users["staff"])
    return report, indicators


def published(code):
    return MonitoredValue.objects.get(indicator__code=code, fiscal_year=2005)


def test_published_figures_are_shown_read_only_on_the_entry_screen(client, published_2005, users):
    report, _ = published_2005
    client.force_login(users["staff"])
    page = client.get(reverse("report_edit", args=[report.project.code, 2005])).content.decode()
    row = page.split('id="row-companies"')[1].split("</tr>")[0]
    assert "240" in row and "公表値（平成17年度資料）" in row
    assert "公表資料の値のため、ここでは変更できません。" in row
    assert "<input" not in row and "<select" not in row
    for name in ("kind", "value", "note", "comment"):
        assert f'name="{name}-companies"' not in page
        assert f'name="{name}-universities"' not in page
    assert 'name="value-new-businesses-started"' in page


def test_a_posted_published_figure_is_refused_on_its_row_and_nothing_changes(
    client, published_2005, users
):
    """The FY2005 case of issue 22: 999 and 25 typed over 240 and 19 were dropped while the
    screen said 「保存しました」."""
    report, _ = published_2005
    client.force_login(users["staff"])
    url = reverse("report_edit", args=[report.project.code, 2005])
    data = {
        "version": report.version,
        "comment": "",
        "kind-new-businesses-started": "number",
        "value-new-businesses-started": "3",
        "kind-companies": "number",
        "value-companies": "999",
        "kind-universities": "number",
        "value-universities": "25",
    }
    response = client.post(url, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "保存しました" not in page
    assert "公表資料の値（240件）のため、ここでは変更できません。" in page
    assert "公表資料の値（19件）のため、ここでは変更できません。" in page
    summary = page.split('class="error-summary"')[1].split("</div>")[0]
    assert 'href="#row-companies"' in summary and 'href="#row-universities"' in summary
    assert published("companies").value == 240 and published("universities").value == 19
    assert not MonitoredValue.objects.filter(indicator__code="new-businesses-started").exists()
    report.refresh_from_db()
    assert report.version == 1

    for name in ("kind-companies", "value-companies", "kind-universities", "value-universities"):
        del data[name]
    response = client.post(url, data, follow=True)
    assert "年度報告を保存しました（下書き）。" in response.content.decode()
    assert published("new-businesses-started").value == 3
    assert published("companies").value == 240 and published("universities").value == 19
    assert published("companies").report is None


def test_even_an_empty_input_of_a_published_row_is_refused(client, published_2005, users):
    """A stale page (opened before the figure was published) posts the row left 未把握."""
    report, _ = published_2005
    client.force_login(users["staff"])
    url = reverse("report_edit", args=[report.project.code, 2005])
    data = {
        "version": report.version,
        "kind-new-businesses-started": "unknown",
        "kind-companies": "unknown",
        "note-companies": "",
    }
    page = client.post(url, data).content.decode()
    assert "公表資料の値（240件）のため" in page
    assert not MonitoredValue.objects.filter(indicator__code="new-businesses-started").exists()


def test_service_refuses_a_changed_published_figure_and_passes_one_repeated(published_2005, users):
    report, indicators = published_2005
    with pytest.raises(ValidationError) as error:
        save(
            report,
            users["staff"],
            [RowInput(indicators["companies"], ValueKind.NUMBER, Decimal(999))],
        )
    assert "公表資料の値（240件）" in error.value.message_dict["row-companies"][0]
    assert published("companies").value == 240
    same = RowInput(indicators["companies"], ValueKind.NUMBER, Decimal(240), "平成17年度資料")
    new = RowInput(indicators["new"], ValueKind.NUMBER, Decimal(4))
    save(report, users["staff"], [same, new])
    assert published("companies").value == 240 and published("companies").report is None
    assert published("new-businesses-started").value == 4
