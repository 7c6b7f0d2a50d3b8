import random
from decimal import Decimal

from evaluation.models import MonitoredValue, ValueKind
from projects.models import Bureau, Project, Role, User

DEMO_PASSWORD = "cluster-demo-2006"


DEMO_FISCAL_YEARS = range(2005, 2009)


DEMO_PROJECTS = [
    "hokkaido-super-cluster",
    "tohoku-it-life-manufacturing",
    "kanto-regional-revitalisation",
    "chubu-tokai-monozukuri",
    "kinki-bio",
    "kyushu-silicon-cluster",
]


# indicator code → (typical value per participating firm per year, yearly growth)
DEMO_INDICATORS = {
    "participating-firms": (None, Decimal("0.06")),
    "participating-universities": (None, Decimal("0.03")),
    "meetings-held": (Decimal("0.12"), Decimal("0.05")),
    "new-collaborations": (Decimal("0.08"), Decimal("0.08")),
    "rnd-projects-adopted": (Decimal("0.02"), Decimal("0.04")),
    "new-businesses-started": (Decimal("0.25"), Decimal("0.10")),
    "ventures-created": (Decimal("0.01"), Decimal("0.05")),
    "second-foundings": (Decimal("0.04"), Decimal("0.05")),
    "university-ventures": (Decimal("0.005"), Decimal("0.00")),
    "employees": (Decimal("60"), Decimal("0.01")),
    "sales": (Decimal("1500000000"), Decimal("0.03")),
    "participating-trading-companies": (Decimal("0.01"), Decimal("0.00")),
}


def demo_accounts() -> list[tuple[str, Role, str | None]]:
    accounts = [
        ("admin", Role.ADMIN, None),
        ("manager", Role.MANAGER, None),
        ("evaluator", Role.EVALUATOR, None),
        ("evaluator-2", Role.EVALUATOR, None),
    ]
    accounts += [
        (f"staff-{code}", Role.STAFF, code)
        for code in Bureau.objects.order_by("order").values_list("code", flat=True)
    ]
    return accounts


def generated_values(project: Project, base_firms: int, base_universities: int):
    """Yield (indicator code, fiscal year, kind, value) for one project, reproducibly."""
    for code, (per_firm, growth) in DEMO_INDICATORS.items():
        rng = random.Random(f"{project.code}:{code}")
        for fiscal_year in DEMO_FISCAL_YEARS:
            step = fiscal_year - 2005
            factor = (1 + growth) ** step * Decimal(str(round(rng.uniform(0.85, 1.15), 3)))
            if code == "participating-firms":
                if fiscal_year == 2005:
                    continue  # the seed's reference value stands for FY2005
                amount = round(base_firms * (1 + growth) ** step * Decimal(rng.uniform(0.98, 1.03)))
            elif code == "participating-universities":
                if fiscal_year == 2005:
                    continue
                amount = round(base_universities * (1 + growth) ** step)
            elif code == "participating-trading-companies" and project.code.startswith("kyushu"):
                yield code, fiscal_year, ValueKind.NOT_APPLICABLE, None
                continue
            elif code in {"sales", "employees"} and fiscal_year == 2008:
                yield code, fiscal_year, ValueKind.UNKNOWN, None  # not yet surveyed
                continue
            else:
                amount = round(base_firms * per_firm * factor)
            if code == "sales":
                amount = amount // 1_000_000 * 1_000_000  # reported in 百万円
            if amount == 0:
                yield code, fiscal_year, ValueKind.ZERO, Decimal(0)
            else:
                yield code, fiscal_year, ValueKind.NUMBER, Decimal(amount)


# project code → the workflow path its demo plan has walked (each step: action, comment)
DEMO_PLAN_PATHS = {
    "kanto-regional-revitalisation": [("submit", ""), ("approve", "")],
    "hokkaido-super-cluster": [("submit", "")],
    "tohoku-it-life-manufacturing": [
        ("submit", ""),
        ("return", "目標の根拠となる地域経済の分析を補ってください。"),
    ],
    "chubu-tokai-monozukuri": [],
    "kinki-bio": [
        ("submit", ""),
        ("approve", ""),
        ("reopen", "中間評価に向けてシナリオを見直すため。"),
    ],
}


# fiscal year → the workflow path of the demo reports of that year (every state is shown);
# FY2007's path varies by project so that the board shows every state side by side.
DEMO_REPORT_PATHS = {
    2005: [("submit", ""), ("approve", "")],
    2006: [("submit", ""), ("approve", "")],
    2007: None,
    2008: [],
}


DEMO_2007_PATHS = [
    [("submit", "")],
    [("submit", ""), ("return", "新事業開始件数の根拠となる資料を添えてください。")],
    [("submit", ""), ("approve", ""), ("reopen", "売上高の集計方法の訂正のため。")],
]


def walk_demo_reports(reports, staff_by_bureau, manager) -> None:
    from evaluation.services.evaluations import report_self_check_save
    from evaluation.services.workflow import workflow_transition

    for index, report in enumerate(sorted(reports, key=lambda r: (r.project.order, r.fiscal_year))):
        path = DEMO_REPORT_PATHS[report.fiscal_year]
        if path is None:
            path = DEMO_2007_PATHS[index % len(DEMO_2007_PATHS)]
        staff = staff_by_bureau[report.project.bureau.code]
        if report.fiscal_year >= 2006:
            report = report_self_check_save(
                report=report,
                expected_version=report.version,
                by=staff,
                results="共同研究の立ち上げと交流会の定例化により、新事業の開始件数が伸びた。",
                problems="販路開拓の支援が不足し、試作品の事業化に時間がかかっている。",
                actions="商社・金融機関との商談会を年2回開催する。\n"
                "事業化支援のコーディネータを1名増員する。",
                rating=["achieved", "substantial", "limited"][index % 3],
            )
        for action, comment in path:
            actor = staff if action == "submit" else manager
            report = workflow_transition(obj=report, action=action, by=actor, comment=comment)


def load_demo_plans(staff_by_bureau, manager) -> int:
    """Phase II plans for several demo projects, in several workflow states. A project that has
    its Phase II plan already is left as it is."""
    from evaluation.services.plans import plan_create, plan_update_vision, scenario_revise
    from evaluation.services.workflow import workflow_transition
    from projects.models import Phase

    phase = Phase.objects.get(code="II")
    created = 0
    for project in Project.objects.filter(code__in=DEMO_PLAN_PATHS).select_related("bureau"):
        if project.plans.filter(phase=phase).exists():
            continue
        staff = staff_by_bureau[project.bureau.code]
        plan = plan_create(project=project, phase=phase, by=staff)
        plan = plan_update_vision(
            plan=plan,
            expected_version=plan.version,
            by=staff,
            industrial_resources=f"{project.name_ja}の地域には、関連する中堅・中小企業と大学が集積している。",
            regional_characteristics="広域的な産学官のネットワークが第I期に形成された。",
            development_outlook="第II期には具体的な事業の展開を進め、新事業の開始件数を伸ばす。",
            fits={"new-industry-creation-strategy": "新産業創造戦略の先端的新産業分野に対応する。"},
        )
        scenario_revise(
            plan=plan,
            expected_version=plan.version,
            by=staff,
            fiscal_year=2006,
            start_fiscal_year=2006,
            end_fiscal_year=2010,
            narrative="2006〜2007年度：ネットワークの拡大と共同研究の立ち上げ。\n"
            "2008年度：中間評価を踏まえ事業化を加速。\n2009〜2010年度：販路開拓と自立化の準備。",
            milestones={2007: "共同研究 20 件", 2008: "試作品 10 件", 2010: "事業化 30 件"},
            reason="当初のシナリオ",
        )
        plan.refresh_from_db()
        load_demo_targets_and_years(plan, staff)
        plan.refresh_from_db()
        for action, comment in DEMO_PLAN_PATHS[project.code]:
            actor = staff if action == "submit" else manager
            plan = workflow_transition(obj=plan, action=action, by=actor, comment=comment)
        created += 1
    return created


def load_demo_targets_and_years(plan, staff) -> None:
    """Targets (common, denominator, one optional) and yearly plans FY2006–FY2007 of a plan."""
    from evaluation.models import Indicator
    from evaluation.services.targets import target_add, target_set_values
    from evaluation.services.yearly import yearly_plan_create, yearly_plan_update

    firms = int(
        MonitoredValue.objects.get(
            project=plan.project, indicator__code="participating-firms", fiscal_year=2005
        ).value
    )
    years = range(2006, 2011)
    ventures = Indicator.objects.get(code="ventures-created")
    target_add(
        plan=plan,
        expected_version=plan.version,
        by=staff,
        indicator=ventures,
        cumulation="cumulative",
    )
    plan.refresh_from_db()
    plan_targets = {t.indicator.code: t for t in plan.targets.select_related("indicator")}
    series = {
        # indicator → (baseline, value by fiscal year)
        "new-businesses-started": (
            round(firms * 0.2),
            {y: round(firms * (0.22 + 0.02 * (y - 2006))) for y in years},
        ),
        "participating-firms": (firms, {y: round(firms * (1 + 0.05 * (y - 2005))) for y in years}),
        "ventures-created": (0, {y: max(1, round(firms * 0.01 * (y - 2005))) for y in years}),
    }
    for code, (baseline, by_year) in series.items():
        target_set_values(
            target=plan_targets[code],
            expected_version=plan.version,
            by=staff,
            target_value=Decimal(by_year[2010]),
            target_fiscal_year=2010,
            baseline_value=Decimal(baseline),
            baseline_fiscal_year=2005,
            milestones={y: Decimal(v) for y, v in by_year.items() if y < 2010},
        )
        plan.refresh_from_db()
    meetings = Indicator.objects.get(code="meetings-held")
    adopted = Indicator.objects.get(code="rnd-projects-adopted")
    first = yearly_plan_create(plan=plan, fiscal_year=2006, by=staff, copy_previous=False)
    yearly_plan_update(
        yearly_plan=first,
        expected_version=first.version,
        by=staff,
        summary="ネットワークの拡大と、共同研究の立ち上げに重点を置く。",
        activities=[
            {
                "heading": "network",
                "title": "研究会・交流会の開催",
                "output_indicator": meetings,
                "planned_output": Decimal(12),
                "budget_yen": 4_500_000,
                "partners": "推進組織",
            },
            {
                "heading": "joint_business",
                "title": "地域新生コンソーシアムへの提案支援",
                "output_indicator": adopted,
                "planned_output": Decimal(3),
                "budget_yen": 2_000_000,
                "partners": "大学・公設試験研究機関",
            },
            {
                "heading": "institutions",
                "title": "金融機関との連絡会",
                "budget_yen": 500_000,
                "partners": "地域金融機関",
            },
        ],
    )
    yearly_plan_create(plan=plan, fiscal_year=2007, by=staff, copy_previous=True)


DEMO_ROUND_FINISHED = 4  # of the demo projects in the FY2008 round, this many are finished


def load_demo_round(manager) -> int:
    """The FY2008 mid-term evaluation of the demo projects: two evaluators each rate them, the
    manager consolidates most of them (finished) and leaves the rest in progress. Made once."""
    from evaluation.models import EvaluationCriterion, EvaluationRound
    from evaluation.selectors.rounds import freeze_sheet
    from evaluation.services.evaluations import (
        evaluation_consolidate,
        rating_save,
        round_create,
    )
    from projects.models import Phase

    phase = Phase.objects.get(code="II")
    if EvaluationRound.objects.filter(phase=phase, fiscal_year=2008).exists():
        return 0
    evaluators = list(User.objects.filter(username__in=["evaluator", "evaluator-2"]))
    projects = list(
        Project.objects.filter(code__in=DEMO_PROJECTS).order_by("bureau__order", "order")
    )
    criteria = list(EvaluationCriterion.objects.all())
    evaluation_round = round_create(
        by=manager,
        phase=phase,
        fiscal_year=2008,
        title="第II期 中間評価（2008年度）",
        name_en="Phase II mid-term evaluation (FY2008)",
        criteria=criteria,
        assignments={project: evaluators for project in projects},
    )
    grades = ["A", "B", "A", "S", "C", "B"]
    for index, evaluation in enumerate(evaluation_round.evaluations.order_by("pk")):
        for offset, evaluator in enumerate(evaluators):
            if index == len(projects) - 1 and offset:
                continue  # the last project waits for its second evaluator
            grade = grades[(index + offset) % len(grades)]
            rating_save(
                evaluation=evaluation,
                by=evaluator,
                expected_version=0,
                overall_grade=grade,
                findings="ネットワークは拡大しているが、事業化の成果にはばらつきがある。",
                recommendations="販路開拓の支援を強化すること。\n第III期に向けた自主財源の確保策を示すこと。",
                grades={
                    c.pk: grades[(index + offset + k) % len(grades)] for k, c in enumerate(criteria)
                },
            )
        if index < DEMO_ROUND_FINISHED:
            evaluation_consolidate(
                evaluation=evaluation,
                by=manager,
                expected_version=evaluation.version,
                final_grade=grades[index],
                findings="中間評価として、目標の達成は概ね順調である。事業化の加速が課題である。",
                recommendations="販路開拓の支援を強化すること。\n"
                "第III期に向けた自主財源の確保策を2009年度の年度計画に盛り込むこと。",
                finish=True,
                freeze=freeze_sheet,
            )
    return 1


def load_demo_actions(staff_by_bureau, manager) -> int:
    """FY2009 yearly plans for the demo projects with a plan, and the FY2008 round's action
    items moved into every state: planned (linked to a FY2009 activity), done, verified,
    dismissed; the rest stay open. Made once."""
    from evaluation.models import ActionItem, Indicator, ProjectPlan, YearlyPlan
    from evaluation.services.actions import (
        action_item_dismiss,
        action_item_done,
        action_item_plan,
        action_item_verify,
    )
    from evaluation.services.yearly import yearly_plan_create, yearly_plan_update

    if YearlyPlan.objects.filter(fiscal_year=2009, project__code__in=DEMO_PROJECTS).exists():
        return 0
    meetings = Indicator.objects.get(code="meetings-held")
    activities = {}
    for plan in ProjectPlan.objects.filter(
        project__code__in=DEMO_PROJECTS, phase__code="II"
    ).select_related("project__bureau"):
        staff = staff_by_bureau[plan.project.bureau.code]
        yearly = yearly_plan_create(plan=plan, fiscal_year=2009, by=staff, copy_previous=False)
        yearly = yearly_plan_update(
            yearly_plan=yearly,
            expected_version=yearly.version,
            by=staff,
            summary="中間評価の提言を踏まえ、販路開拓と自立化の準備を進める。",
            activities=[
                {
                    "heading": "joint_business",
                    "title": "商社・金融機関との商談会の開催",
                    "output_indicator": meetings,
                    "planned_output": Decimal(2),
                    "budget_yen": 3_000_000,
                    "partners": "商社・地域金融機関",
                },
                {
                    "heading": "institutions",
                    "title": "推進組織の自主財源の検討会",
                    "budget_yen": 300_000,
                    "partners": "推進組織・自治体",
                },
            ],
        )
        activities[plan.project_id] = list(yearly.activities.order_by("order"))
    # project code → the moves of its two round items (first line, second line)
    script = {
        "kanto-regional-revitalisation": (["plan", "done", "verify"], ["plan"]),
        "hokkaido-super-cluster": (["plan", "done"], ["dismiss"]),
        "tohoku-it-life-manufacturing": (["plan"], []),
    }
    moved = 0
    for code, moves_by_line in script.items():
        items = list(
            ActionItem.objects.filter(
                project__code=code, source=ActionItem.Source.EVALUATION
            ).order_by("pk")
        )
        for item, moves in zip(items, moves_by_line, strict=False):
            staff = staff_by_bureau[item.project.bureau.code]
            for move in moves:
                if move == "plan":
                    linked = (
                        activities.get(item.project_id, [])[:1]
                        if "販路" in item.text
                        else (activities.get(item.project_id, [])[1:2])
                    )
                    item = action_item_plan(
                        item=item,
                        by=staff,
                        expected_version=item.version,
                        activity_ids=[a.pk for a in linked],
                        owner=staff,
                    )
                elif move == "done":
                    item = action_item_done(
                        item=item,
                        by=staff,
                        expected_version=item.version,
                        note="2009年度に商談会を2回開催し、12社が参加した。",
                    )
                elif move == "verify":
                    item = action_item_verify(
                        item=item, by=manager, expected_version=item.version, note="確認した。"
                    )
                else:
                    item = action_item_dismiss(
                        item=item,
                        by=manager,
                        expected_version=item.version,
                        note="第III期の検討は全体計画の見直しで扱うため。",
                    )
                moved += 1
    return moved
