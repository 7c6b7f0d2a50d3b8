from evaluation.models.actions import ActionItem
from evaluation.models.catalogue import Indicator
from evaluation.models.economic import (
    EconomicFigure,
    Measure,
    NationalIndustryFigure,
    PanelFigure,
    PanelFirm,
    Series,
)
from evaluation.models.evaluations import (
    CriterionGrade,
    EvaluationCriterion,
    EvaluationRound,
    EvaluationSnapshot,
    EvaluatorRating,
    Grade,
    ProjectEvaluation,
)
from evaluation.models.monitoring import MonitoredValue, OwnTargetValue, ValueKind
from evaluation.models.notifications import Notification
from evaluation.models.overall import NationalTarget, OverallPlan
from evaluation.models.plans import (
    ProjectPlan,
    ScenarioMilestone,
    ScenarioRevision,
    StrategyItem,
    SupportAreaNote,
    VisionPolicyFit,
)
from evaluation.models.reports import (
    ActivityResult,
    AnnualReport,
    RatingBand,
    ReportingDeadline,
    ValueBreakdown,
)
from evaluation.models.summaries import ProjectYearSummary, TargetYearSummary
from evaluation.models.summaries_national import (
    CommonTargetTotal,
    IndicatorYearTotal,
    MemberCountChange,
)
from evaluation.models.surveys import Survey, SurveyAnswer
from evaluation.models.targets import Cumulation, Target, TargetMilestone, TargetVersion
from evaluation.models.workflow import Action, State, WorkflowEvent
from evaluation.models.yearly import Activity, YearlyPlan

__all__ = [
    "ProjectYearSummary",
    "TargetYearSummary",
    "Notification",
    "EconomicFigure",
    "Measure",
    "NationalIndustryFigure",
    "PanelFigure",
    "PanelFirm",
    "Series",
    "Survey",
    "SurveyAnswer",
    "ActionItem",
    "CriterionGrade",
    "EvaluationCriterion",
    "EvaluationRound",
    "EvaluationSnapshot",
    "EvaluatorRating",
    "Grade",
    "ProjectEvaluation",
    "Action",
    "Activity",
    "ActivityResult",
    "AnnualReport",
    "RatingBand",
    "ReportingDeadline",
    "ValueBreakdown",
    "Cumulation",
    "Target",
    "TargetMilestone",
    "TargetVersion",
    "YearlyPlan",
    "Indicator",
    "IndicatorYearTotal",
    "MemberCountChange",
    "CommonTargetTotal",
    "MonitoredValue",
    "OwnTargetValue",
    "NationalTarget",
    "OverallPlan",
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
