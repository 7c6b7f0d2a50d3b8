"""Concurrent edits merge, never overwrite (DOMAIN.md, two rules of trust; issue 22, case 1).

Two people open the annual report at version 2. A changes 研究開発プロジェクト採択件数
36→40 and 研究会・交流会等の開催回数 212→300 and saves (version 3). B, still on version 2,
changes 参画企業数 to 1830 and 開催回数 to 250."""

from decimal import Decimal

import pytest
from django.urls import reverse

from evaluation.models import MonitoredValue, ValueKind
from evaluation.services.reports import (
    EditConflict,
    RowInput,
    annual_report_create,
    annual_report_save,
)
from tests.factories import IndicatorFactory, staff_of

pytestmark = pytest.mark.django_db

ADOPTED, MEETINGS, FIRMS = "rnd-projects-adopted", "meetings-held", "participating-firms"


@pytest.fixture
def catalogue(db):
    return {
        ADOPTED: IndicatorFactory(
            code=ADOPTED, name_ja="研究開発プロジェクト採択件数", category="a"
        ),
        MEETINGS: IndicatorFactory(
            code=MEETINGS, name_ja="研究会・交流会等の開催回数", category="c", unit="times"
        ),
        FIRMS: IndicatorFactory(code=FIRMS, name_ja="参画企業数", category="b", unit="firms"),
    }


@pytest.fixture
def people(project):
    return {
        "a": staff_of(project.bureau, username="staff-kanto"),
        "b": staff_of(project.bureau, username="staff-kanto-b"),
    }


def rows(catalogue, **numbers) -> list[RowInput]:
    return [
        RowInput(catalogue[code], ValueKind.NUMBER, Decimal(numbers[key]))
        for key, code in (("adopted", ADOPTED), ("meetings", MEETINGS), ("firms", FIRMS))
    ]


@pytest.fixture
def report(project, catalogue, people):
    """The report at version 2: 36 adopted, 212 meetings, 1,800 firms."""
    report = annual_report_create(project=project, fiscal_year=2007, by=people["a"])
    report = annual_report_save(
        report=report,
        expected_version=1,
        by=people["a"],
        rows=rows(catalogue, adopted=36, meetings=212, firms=1800),
        activity_results={},
    )
    assert report.version == 2
    return report


def stored() -> dict[str, Decimal]:
    return dict(MonitoredValue.objects.values_list("indicator__code", "value"))


def a_saves(report, catalogue, people):
    return annual_report_save(
        report=report,
        expected_version=2,
        by=people["a"],
        rows=rows(catalogue, adopted=40, meetings=300, firms=1800),
        activity_results={},
    )


def test_a_field_only_the_other_person_changed_keeps_their_value(report, catalogue, people):
    a_saves(report, catalogue, people)
    saved = annual_report_save(
        report=report,
        expected_version=2,
        by=people["b"],
        rows=rows(catalogue, adopted=36, meetings=212, firms=1830),  # B changed firms only
        activity_results={},
    )
    assert saved.version == 4
    assert stored() == {ADOPTED: 40, MEETINGS: 300, FIRMS: 1830}
    taken = {c.label: (c.before, c.after, c.user) for c in saved.merge.taken}
    assert taken == {
        "研究開発プロジェクト採択件数": ("36件", "40件", "staff-kanto"),
        "研究会・交流会等の開催回数": ("212回", "300回", "staff-kanto"),
    }
    assert saved.merge.conflicts == []


def test_fields_both_changed_are_a_conflict_and_nothing_is_written(report, catalogue, people):
    a_saves(report, catalogue, people)
    with pytest.raises(EditConflict) as told:
        annual_report_save(
            report=report,
            expected_version=2,
            by=people["b"],
            rows=rows(catalogue, adopted=36, meetings=250, firms=1830),
            activity_results={},
        )
    merge = told.value.merge
    assert [(c.label, c.original, c.theirs, c.mine, c.user) for c in merge.conflicts] == [
        ("研究会・交流会等の開催回数", "212回", "300回", "250回", "staff-kanto")
    ]
    # the notice names each value changed since, before → after
    assert [(c.label, c.before, c.after) for c in merge.changes] == [
        ("研究開発プロジェクト採択件数", "36件", "40件"),
        ("研究会・交流会等の開催回数", "212回", "300回"),
    ]
    assert all(c.at is not None for c in merge.changes)
    assert set(merge.mine_changed) == {f"value-{FIRMS}", f"value-{MEETINGS}"}
    assert stored() == {ADOPTED: 40, MEETINGS: 300, FIRMS: 1800}  # nothing of B's written
    report.refresh_from_db()
    assert report.version == 3


def test_the_workbook_keeps_conflicts_at_their_value_and_applies_the_rest(
    report, catalogue, people
):
    a_saves(report, catalogue, people)
    saved = annual_report_save(
        report=report,
        expected_version=2,
        by=people["b"],
        rows=rows(catalogue, adopted=36, meetings=250, firms=1830),
        activity_results={},
        on_conflict="keep",
    )
    assert stored() == {ADOPTED: 40, MEETINGS: 300, FIRMS: 1830}
    assert [(c.label, c.theirs, c.mine) for c in saved.merge.conflicts] == [
        ("研究会・交流会等の開催回数", "300回", "250回")
    ]


def test_texts_merge_like_values(report, catalogue, people):
    first = rows(catalogue, adopted=36, meetings=212, firms=1800)
    first[0].source_note = "A の注記"
    annual_report_save(
        report=report,
        expected_version=2,
        by=people["a"],
        rows=first,
        activity_results={},
        comment="A の全体コメント",
    )
    second = rows(catalogue, adopted=36, meetings=212, firms=1800)
    second[1].comment = "B のコメント"
    saved = annual_report_save(
        report=report,
        expected_version=2,
        by=people["b"],
        rows=second,
        activity_results={},
        comment="",  # B's form still holds the old, empty comment
    )
    assert saved.comment == "A の全体コメント"
    notes = dict(MonitoredValue.objects.values_list("indicator__code", "source_note"))
    comments = dict(MonitoredValue.objects.values_list("indicator__code", "comment"))
    assert notes[ADOPTED] == "A の注記" and comments[MEETINGS] == "B のコメント"


# --- The screen -----------------------------------------------------------------------------


def screen_data(version: int, **numbers) -> dict:
    data = {"version": version, "comment": "", "reason": ""}
    for key, code in (("adopted", ADOPTED), ("meetings", MEETINGS), ("firms", FIRMS)):
        data |= {f"kind-{code}": "number", f"value-{code}": str(numbers[key])}
        data |= {f"note-{code}": "", f"comment-{code}": ""}
    return data


def test_the_screen_asks_only_about_the_conflict_and_saving_again_never_writes_36(
    client, report, catalogue, people
):
    url = reverse("report_edit", args=[report.project.code, report.fiscal_year])
    a_saves(report, catalogue, people)
    client.force_login(people["b"])
    response = client.post(url, screen_data(2, adopted=36, meetings=250, firms=1830))
    assert response.status_code == 409
    page = response.content.decode()
    # the notice: each value changed since, before → after, who
    assert "研究開発プロジェクト採択件数：36件 → 40件" in page
    assert "研究会・交流会等の開催回数：212回 → 300回" in page
    assert "staff-kanto" in page
    # the conflict, side by side, and only it
    form = response.context["form"]
    assert [c.label for c in form.conflicts] == ["研究会・交流会等の開催回数"]
    assert f"keep-value-{MEETINGS}" in form.fields and f"keep-value-{ADOPTED}" not in form.fields
    assert form[f"keep-value-{MEETINGS}"].value() == "mine"  # B's own value, until B chooses
    # the re-rendered form holds A's 40 (B did not touch it), B's 1830 and B's 250
    assert form[f"value-{ADOPTED}"].value() == "40"
    assert form[f"value-{FIRMS}"].value() == "1830"
    assert form[f"value-{MEETINGS}"].value() == "250"
    assert form["version"].value() == "3"
    # saving the re-rendered form again (keeping B's 250) never writes 36 back
    data = {name: form[name].value() or "" for name in form.fields}
    assert client.post(url, data).status_code == 302
    assert stored() == {ADOPTED: 40, MEETINGS: 250, FIRMS: 1830}


def test_the_screen_can_keep_the_other_persons_value(client, report, catalogue, people):
    url = reverse("report_edit", args=[report.project.code, report.fiscal_year])
    a_saves(report, catalogue, people)
    client.force_login(people["b"])
    response = client.post(url, screen_data(2, adopted=36, meetings=250, firms=1830))
    form = response.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data[f"keep-value-{MEETINGS}"] = "theirs"
    assert client.post(url, data).status_code == 302
    assert stored() == {ADOPTED: 40, MEETINGS: 300, FIRMS: 1830}


def test_a_merged_save_on_the_screen_says_what_was_taken(client, report, catalogue, people):
    url = reverse("report_edit", args=[report.project.code, report.fiscal_year])
    a_saves(report, catalogue, people)
    client.force_login(people["b"])
    response = client.post(url, screen_data(2, adopted=36, meetings=212, firms=1830), follow=True)
    text = " ".join(str(m) for m in response.context["messages"])
    assert "他の利用者の変更を取り込みました" in text
    assert "研究開発プロジェクト採択件数（36件 → 40件、staff-kanto）" in text
    assert stored() == {ADOPTED: 40, MEETINGS: 300, FIRMS: 1830}


def test_activity_results_merge_like_values(report, catalogue, people, project, plan):
    """The actual outputs of the year's activities are on the same form: merged the same way."""
    from evaluation.services.yearly import yearly_plan_create, yearly_plan_update

    yearly = yearly_plan_create(plan=plan, fiscal_year=2007, by=people["a"], copy_previous=False)
    yearly_plan_update(
        yearly_plan=yearly,
        expected_version=yearly.version,
        by=people["a"],
        summary="",
        activities=[
            {"heading": "network", "title": "研究会"},
            {"heading": "network", "title": "展示会"},
        ],
    )
    meetings, fair = (a.pk for a in yearly.activities.order_by("order", "pk"))
    same = rows(catalogue, adopted=36, meetings=212, firms=1800)
    a = annual_report_save(
        report=report,
        expected_version=2,
        by=people["a"],
        rows=same,
        activity_results={meetings: (Decimal(12), "A の備考"), fair: (None, "")},
    )
    assert a.version == 3
    with pytest.raises(EditConflict) as told:
        annual_report_save(
            report=report,
            expected_version=2,
            by=people["b"],
            rows=same,
            activity_results={meetings: (Decimal(10), ""), fair: (Decimal(3), "")},
        )
    [conflict] = told.value.merge.conflicts
    assert (conflict.label, conflict.original, conflict.theirs, conflict.mine) == (
        "研究会：実績値",
        "—",
        "12",
        "10",
    )
    saved = annual_report_save(
        report=report,
        expected_version=2,
        by=people["b"],
        rows=same,
        activity_results={meetings: (None, ""), fair: (Decimal(3), "")},
    )
    results = {r.activity.title: (r.actual_output, r.note) for r in saved.activity_results.all()}
    assert results == {"研究会": (Decimal(12), "A の備考"), "展示会": (Decimal(3), "")}
