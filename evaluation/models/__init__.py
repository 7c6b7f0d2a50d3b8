from evaluation.models.catalogue import Indicator
from evaluation.models.monitoring import MonitoredValue, ValueKind
from evaluation.models.plans import (
    ProjectPlan,
    ScenarioMilestone,
    ScenarioRevision,
    StrategyItem,
    SupportAreaNote,
    VisionPolicyFit,
)
from evaluation.models.workflow import Action, State, WorkflowEvent

__all__ = [
    "Action",
    "Indicator",
    "MonitoredValue",
    "ProjectPlan",
    "ScenarioMilestone",
    "ScenarioRevision",
    "State",
    "StrategyItem",
    "SupportAreaNote",
    "ValueKind",
    "VisionPolicyFit",
    "WorkflowEvent",
]
