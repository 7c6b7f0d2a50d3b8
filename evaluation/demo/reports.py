"""Demo data of Reports 2/3 (called by `load_demo`, idempotent, fixed seeds): a panel of firms
for the demo projects with firms joining and leaving, the national series for FY2005–2008, the
seed's FY2004 survey (its headline shares and university ventures), and surveys with counts."""

import random
from decimal import Decimal

from simple_history.utils import bulk_update_with_history

from evaluation.models import EconomicFigure, Measure, PanelFigure, PanelFirm, Series, Survey
from evaluation.models.surveys import EFFECT_ITEMS, HEADLINE_ITEMS
from evaluation.services.economic import national_figures_save
from evaluation.services.surveys import survey_create, survey_save
from evaluation.services.workflow import workflow_transition

PANEL_YEARS = range(2005, 2009)
FIRMS_PER_PROJECT = 8
# National statistics (法人企業統計, adjusted) for the demo years, as an index to FY2005.
NATIONAL_DEMO = {
    2005: {"sales": "1.000", "employees": "1.000", "net_profit": "1.000"},
    2006: {"sales": "1.031", "employees": "1.004", "net_profit": "1.092"},
    2007: {"sales": "1.052", "employees": "1.006", "net_profit": "1.048"},
    2008: {"sales": "0.968", "employees": "0.997", "net_profit": "0.611"},
}
# Shares of the 15 effects in the demo surveys, in the seed's order (high for information and
# networks, low for finance and people, as the seed's slide describes).
EFFECT_SHARES = [62, 55, 48, 46, 44, 33, 31, 24, 22, 20, 16, 12, 9, 7, 6]


def load_demo_panel(projects) -> int:
    """Eight firms per demo project; the seventh joins in FY2006, the eighth leaves after
    FY2007, so the constant panel has six per project. Returns the firms created."""
    created = 0
    for project in projects:
        rng = random.Random(f"panel-{project.code}")
        for n in range(1, FIRMS_PER_PROJECT + 1):
            firm, new = PanelFirm.objects.get_or_create(
                project=project,
                code=f"demo-{n:02d}",
                defaults={"name": f"デモ企業{n:02d}", "is_demo": True},
            )
            created += new
            if not new:
                continue
            sales = rng.randint(300, 3000) * 1_000_000
            employees = rng.randint(20, 300)
            profit = rng.randint(-20, 120) * 1_000_000
            for fiscal_year in PANEL_YEARS:
                if (n == 7 and fiscal_year == 2005) or (n == 8 and fiscal_year == 2008):
                    continue
                growth = Decimal(1) + Decimal(rng.randint(-4, 9)) / 100
                sales = int(sales * growth)
                employees = max(
                    1, int(employees * (Decimal(1) + Decimal(rng.randint(-2, 4)) / 100))
                )
                profit = int(profit * growth) + rng.randint(-10, 15) * 1_000_000
                PanelFigure.objects.create(
                    firm=firm,
                    fiscal_year=fiscal_year,
                    sales_yen=sales,
                    employees=employees,
                    net_profit_yen=profit,
                )
    return created


def link_demo_panel(projects) -> int:
    """Link each demo panel firm not yet linked to one of its project's SME firm members of the
    demo registry (`demo/members.py`), in order of name, so the panel's size and industry come
    from the registry. Returns the firms linked."""
    from projects.models import Membership, OrganisationType

    linked = []
    for project in projects:
        members = [
            m.organisation
            for m in Membership.objects.filter(
                project=project, organisation__type=OrganisationType.FIRM
            )
            .select_related("organisation")
            .order_by("organisation__normalised_name")
        ]
        smes = iter(o for o in members if o.is_sme)
        for firm in PanelFirm.objects.filter(project=project, organisation=None).order_by("code"):
            organisation = next(smes, None)
            if organisation is None:
                break
            firm.organisation = organisation
            firm.name = organisation.name
            linked.append(firm)
    bulk_update_with_history(
        linked, PanelFirm, ["organisation", "name"], default_change_reason="デモデータの生成"
    )
    return len(linked)


def load_demo_national(manager) -> int:
    written = 0
    for fiscal_year, values in NATIONAL_DEMO.items():
        if EconomicFigure.objects.filter(series=Series.NATIONAL, fiscal_year=fiscal_year).exists():
            continue
        national_figures_save(
            fiscal_year=fiscal_year,
            values={m: Decimal(values[m.value]) for m in Measure},
            source_note="デモデータ（法人企業統計の補正値を模したもの）",
            by=manager,
        )
        written += 1
    return written


def _survey(project, fiscal_year, by, fields, answers, approve_by=None):
    if Survey.objects.filter(project=project, fiscal_year=fiscal_year).exists():
        return 0
    survey = survey_create(project=project, fiscal_year=fiscal_year, by=by)
    survey = survey_save(
        survey=survey, expected_version=survey.version, by=by, fields=fields, answers=answers
    )
    Survey.objects.filter(pk=survey.pk).update(is_demo=fields.get("note", "").startswith("デモ"))
    if approve_by is not None:
        survey = workflow_transition(obj=survey, action="submit", by=by)
        workflow_transition(obj=survey, action="approve", by=approve_by)
    return 1


def load_demo_surveys(manager, staff, project) -> int:
    """The seed's FY2004 survey (shares only), national FY2007 (counts, approved) and FY2008
    (counts, in draft), and a project's FY2007 survey (submitted)."""
    seed = {
        "period_note": "2004年12月～2005年1月",
        "response_rate": Decimal("40.0"),
        "university_ventures": 133,
        "note": "出典：参画企業アンケート（産業クラスター計画 平成17年度資料）。回収率は約40％、"
        "回答企業数は資料にない。効果15項目の割合は資料の本文にない。",
    }
    seed_answers = {
        "new-business": (None, Decimal("58.7")),
        "new-collaboration": (None, Decimal("38.5")),
        "second-founding": (None, Decimal("18.9")),
    }
    made = _survey(None, 2004, manager, seed, seed_answers, approve_by=manager)
    for fiscal_year, respondents, population, shift, approve in (
        (2007, 2310, 5900, 0, True),
        (2008, 2480, 6100, 3, False),
    ):
        made += _survey(
            None,
            fiscal_year,
            manager,
            {
                "period_note": f"{fiscal_year}年12月～{fiscal_year + 1}年1月",
                "population": population,
                "respondents": respondents,
                "university_ventures": 133 + 40 * (fiscal_year - 2004),
                "note": "デモデータ",
            },
            _counts(respondents, shift),
            approve_by=manager if approve else None,
        )
    if project is not None and staff is not None:
        made += _survey(
            project,
            2007,
            staff,
            {"population": 330, "respondents": 150, "note": "デモデータ"},
            _counts(150, -2),
        )
        survey = Survey.objects.get(project=project, fiscal_year=2007)
        if survey.state == "draft":
            workflow_transition(obj=survey, action="submit", by=staff)
    return made


def _counts(respondents: int, shift: int) -> dict:
    shares = dict(zip([c for c, _ in HEADLINE_ITEMS], [60 + shift, 40 + shift, 19], strict=True))
    shares |= dict(
        zip([c for c, _ in EFFECT_ITEMS], [s + shift for s in EFFECT_SHARES], strict=True)
    )
    return {code: (respondents * share // 100, None) for code, share in shares.items()}


def load_demo_reports_2(projects, staff_by_bureau, manager) -> str:
    firms = load_demo_panel(projects)
    national = load_demo_national(manager)
    first = projects[0] if projects else None
    staff = staff_by_bureau.get(first.bureau.code) if first else None
    surveys = load_demo_surveys(manager, staff, first)
    return f"継続集計企業 {firms} 社、全国の値 {national} 年度、アンケート {surveys} 件"
