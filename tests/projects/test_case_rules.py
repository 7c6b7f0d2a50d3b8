"""The stage order of a case and the unit cost, as plain values (no database)."""

from projects.cases import StageStep, UnitCost, highest_stage, stage_errors


def test_a_case_cannot_reach_business_before_research():
    assert stage_errors([StageStep("business", 2007)]) != []


def test_business_after_skipped_stages_with_reasons_is_accepted():
    steps = [
        StageStep("rd", 2005),
        StageStep("prototype", skipped=True, reason="既存製品の改良のため"),
        StageStep("product", skipped=True, reason="受託開発のため"),
        StageStep("business", 2007),
    ]
    assert stage_errors(steps) == []
    assert highest_stage(steps) == "business"


def test_a_skipped_stage_needs_a_reason():
    steps = [StageStep("rd", skipped=True, reason=" "), StageStep("prototype", 2006)]
    assert len(stage_errors(steps)) == 1


def test_a_later_stage_cannot_come_in_an_earlier_year():
    steps = [StageStep("rd", 2007), StageStep("prototype", 2006)]
    assert len(stage_errors(steps)) == 1


def test_the_stages_in_order_are_accepted():
    steps = [StageStep("rd", 2004), StageStep("prototype", 2005), StageStep("product", 2005)]
    assert stage_errors(steps) == [] and highest_stage(steps) == "product"


def test_the_unit_cost_keeps_numerator_and_denominator():
    assert UnitCost(100_000_000, 3).yen == 33_333_333
    assert UnitCost(100_000_000, 0).yen is None
