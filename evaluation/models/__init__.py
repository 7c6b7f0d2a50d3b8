from evaluation.models.catalogue import Indicator
from evaluation.models.monitoring import MonitoredValue, ValueKind

__all__ = ["Indicator", "MonitoredValue", "ValueKind"]
