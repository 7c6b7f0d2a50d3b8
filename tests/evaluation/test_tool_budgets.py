"""Policy tools' budgets per fiscal year of Phase II, kept by managers from the overall plan
(issue 26): audited; staff and evaluators read, never write."""

import pytest
from django.urls import reverse

from evaluation.models import OverallPlan
from projects.models import PolicyTool, PolicyToolBudget

pytestmark = pytest.mark.django_db


@pytest.fixture
def overall(project):
    return OverallPlan.objects.create(phase=project.phase, mid_term_fiscal_year=2008)


@pytest.fixture
def tools(db):
    rnd = PolicyTool.objects.create(
        code="regional-consortium-rnd", name_ja="地域新生コンソーシアム研究開発事業", order=1
    )
    network = PolicyTool.objects.create(code="network", name_ja="ネットワーク形成事業", order=2)
    PolicyToolBudget.objects.create(tool=rnd, fiscal_year=2006, amount_yen=13_720_000_000)
    PolicyToolBudget.objects.create(tool=network, fiscal_year=2007, amount_yen=5_000_000)
    return rnd, network


def grid(rnd, network, **values):
    data = {"tools": f"{rnd.pk},{network.pk}", "reason": "予算の確定"}
    for tool in (rnd, network):
        for year in range(2006, 2011):
            data[f"budget_{tool.pk}_{year}"] = ""
    return data | values


def test_manager_sets_changes_and_removes_budgets(client, users, overall, tools):
    rnd, network = tools
    client.force_login(users["manager"])
    url = reverse("tool_budgets", args=["II"])
    page = client.get(url).content.decode()
    assert 'value="13720"' in page  # 百万円
    data = grid(
        rnd,
        network,
        **{f"budget_{rnd.pk}_2006": "13,720", f"budget_{rnd.pk}_2007": "１２５００.５"},
    )
    assert client.post(url, data).status_code == 302
    budgets = {(b.tool_id, b.fiscal_year): b.amount_yen for b in PolicyToolBudget.objects.all()}
    assert budgets == {(rnd.pk, 2006): 13_720_000_000, (rnd.pk, 2007): 12_500_500_000}
    added = PolicyToolBudget.objects.get(tool=rnd, fiscal_year=2007).history.get()
    assert (added.history_user, added.history_change_reason) == (users["manager"], "予算の確定")
    removed = PolicyToolBudget.history.filter(tool_id=network.pk, history_type="-").get()
    assert removed.history_user == users["manager"]


def test_a_negative_or_fractional_budget_is_refused(client, users, overall, tools):
    rnd, network = tools
    client.force_login(users["manager"])
    url = reverse("tool_budgets", args=["II"])
    for bad in ("-1", "0.0000001", "abc"):
        response = client.post(url, grid(rnd, network, **{f"budget_{rnd.pk}_2008": bad}))
        assert response.status_code == 200
        assert "errorlist" in response.content.decode()
    assert PolicyToolBudget.objects.count() == 2


def test_an_empty_post_changes_nothing(client, users, overall, tools):
    client.force_login(users["manager"])
    response = client.post(reverse("tool_budgets", args=["II"]), {})
    assert response.status_code == 200
    assert PolicyToolBudget.objects.count() == 2


@pytest.mark.parametrize("role", ["staff", "evaluator", "admin"])
def test_others_read_but_cannot_write(client, users, overall, tools, role):
    rnd, network = tools
    client.force_login(users[role])
    url = reverse("tool_budgets", args=["II"])
    page = client.get(url)
    assert page.status_code == 200
    assert (
        "13,720" in page.content.decode()
        and "<input" not in page.content.decode().split('id="tool-budgets"')[1]
    )
    assert client.post(url, grid(rnd, network)).status_code == 403
    assert PolicyToolBudget.objects.count() == 2


def test_the_overall_plan_links_the_budgets(client, users, overall):
    from tests.factories import IndicatorFactory

    IndicatorFactory(code="new-businesses-started", is_common_target=True)
    client.force_login(users["staff"])
    page = client.get(overall.get_absolute_url()).content.decode()
    assert reverse("tool_budgets", args=["II"]) in page
