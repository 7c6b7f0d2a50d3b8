"""The shared workflow: allowed and forbidden transitions, the lock, comments, events, audit."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from evaluation.models import Action, ProjectPlan, State, WorkflowEvent
from evaluation.models.workflow import may_take
from evaluation.services.editing import LockedError
from evaluation.services.plans import plan_update_vision, scenario_revise, strategies_update
from evaluation.services.workflow import workflow_transition
from projects.models import Role

pytestmark = pytest.mark.django_db

ALLOWED = {
    # (action, state, role, own bureau)
    (Action.SUBMIT, State.DRAFT, Role.STAFF, True),
    (Action.SUBMIT, State.RETURNED, Role.STAFF, True),
    (Action.SUBMIT, State.REOPENED, Role.STAFF, True),
    (Action.RETURN, State.SUBMITTED, Role.MANAGER, False),
    (Action.APPROVE, State.SUBMITTED, Role.MANAGER, False),
    (Action.REOPEN, State.APPROVED, Role.MANAGER, False),
}


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("state", list(State))
@pytest.mark.parametrize("role", [*Role, None])
@pytest.mark.parametrize("own", [True, False])
def test_transition_table(action, state, role, own):
    expected = (action, state, role, own) in ALLOWED or (
        role == Role.MANAGER and (action, state, role, False) in ALLOWED
    )
    assert may_take(action, state=state, role=role, own_bureau=own) is expected


def test_full_cycle_records_every_transition(plan, users):
    plan = workflow_transition(obj=plan, action="submit", by=users["staff"])
    plan = workflow_transition(obj=plan, action="return", by=users["manager"], comment="根拠不足")
    assert plan.state == State.RETURNED
    plan = workflow_transition(obj=plan, action="submit", by=users["staff"])
    plan = workflow_transition(obj=plan, action="approve", by=users["manager"])
    plan = workflow_transition(obj=plan, action="reopen", by=users["manager"], comment="見直し")
    assert plan.state == State.REOPENED
    events = list(plan.events())
    assert [(e.action, e.from_state, e.to_state) for e in events] == [
        ("submit", "draft", "submitted"),
        ("return", "submitted", "returned"),
        ("submit", "returned", "submitted"),
        ("approve", "submitted", "approved"),
        ("reopen", "approved", "reopened"),
    ]
    assert events[1].by == users["manager"] and events[1].comment == "根拠不足"
    assert plan.version == 6
    reasons = list(
        plan.history.order_by("history_date").values_list("history_change_reason", flat=True)
    )
    assert "根拠不足" in reasons and "見直し" in reasons


@pytest.mark.parametrize("action", ["return", "reopen"])
def test_return_and_reopen_require_a_comment(plan_in_state, users, action):
    plan = plan_in_state(State.SUBMITTED if action == "return" else State.APPROVED)
    before = plan.state
    with pytest.raises(ValidationError) as error:
        workflow_transition(obj=plan, action=action, by=users["manager"], comment="   ")
    assert "comment" in error.value.message_dict
    plan.refresh_from_db()
    assert plan.state == before
    assert not WorkflowEvent.objects.filter(action=action).exists()


@pytest.mark.parametrize(
    ("who", "action", "state"),
    [
        ("other_staff", "submit", State.DRAFT),
        ("manager", "submit", State.DRAFT),
        ("staff", "approve", State.SUBMITTED),
        ("staff", "return", State.SUBMITTED),
        ("evaluator", "approve", State.SUBMITTED),
        ("admin", "approve", State.SUBMITTED),
        ("manager", "approve", State.DRAFT),
        ("manager", "approve", State.APPROVED),
        ("staff", "submit", State.SUBMITTED),
        ("staff", "submit", State.APPROVED),
        ("manager", "reopen", State.SUBMITTED),
    ],
)
def test_forbidden_transitions_change_nothing(plan_in_state, users, who, action, state):
    plan = plan_in_state(state)
    version = plan.version
    with pytest.raises(PermissionDenied):
        workflow_transition(obj=plan, action=action, by=users[who], comment="x")
    plan.refresh_from_db()
    assert (plan.state, plan.version) == (state, version)


def edit_calls(plan, user):
    """Every plan service, called as the owner with the current version."""
    return [
        lambda: plan_update_vision(
            plan=plan,
            expected_version=plan.version,
            by=user,
            industrial_resources="x",
            regional_characteristics="",
            development_outlook="",
            fits={},
            reason="理由",
        ),
        lambda: scenario_revise(
            plan=plan,
            expected_version=plan.version,
            by=user,
            fiscal_year=2006,
            start_fiscal_year=2006,
            end_fiscal_year=2010,
            narrative="x",
            milestones={},
            reason="理由",
        ),
        lambda: strategies_update(
            plan=plan, expected_version=plan.version, by=user, items=[], notes={}, reason="理由"
        ),
    ]


@pytest.mark.parametrize("state", [State.SUBMITTED, State.APPROVED])
@pytest.mark.parametrize("call", [0, 1, 2])
def test_locked_plan_refuses_every_change_at_the_service_layer(plan_in_state, users, state, call):
    plan = plan_in_state(state)
    with pytest.raises(LockedError):
        edit_calls(plan, users["staff"])[call]()
    plan.refresh_from_db()
    assert plan.state == state and plan.industrial_resources == ""
    assert not plan.scenario_revisions.exists()


@pytest.mark.parametrize("state", [State.RETURNED, State.REOPENED])
def test_change_after_return_or_reopen_needs_a_reason(plan_in_state, users, state):
    plan = plan_in_state(state)
    with pytest.raises(ValidationError) as error:
        plan_update_vision(
            plan=plan,
            expected_version=plan.version,
            by=users["staff"],
            industrial_resources="新",
            regional_characteristics="",
            development_outlook="",
            fits={},
            reason="",
        )
    assert "reason" in error.value.message_dict
    plan = plan_update_vision(
        plan=plan,
        expected_version=plan.version,
        by=users["staff"],
        industrial_resources="新",
        regional_characteristics="",
        development_outlook="",
        fits={},
        reason="指摘への対応",
    )
    latest = plan.history.latest()
    assert latest.industrial_resources == "新"
    assert latest.history_change_reason == "指摘への対応"
    assert latest.history_user == users["staff"]
    assert latest.prev_record.industrial_resources == ""


def test_draft_change_needs_no_reason(plan, users):
    plan = plan_update_vision(
        plan=plan,
        expected_version=1,
        by=users["staff"],
        industrial_resources="集積",
        regional_characteristics="",
        development_outlook="",
        fits={},
        reason="",
    )
    assert ProjectPlan.objects.get().industrial_resources == "集積"
