from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from evaluation.models import Indicator, MonitoredValue


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    list_display = [
        "code",
        "name_ja",
        "category",
        "level",
        "unit",
        "measure",
        "direction",
        "additive",
        "is_common_target",
        "is_optional_target",
    ]
    list_filter = [
        "category",
        "level",
        "measure",
        "direction",
        "additive",
        "is_common_target",
        "is_optional_target",
    ]
    search_fields = ["code", "name_ja", "name_en", "definition_ja"]
    ordering = ["category", "order", "code"]


@admin.register(MonitoredValue)
class MonitoredValueAdmin(SimpleHistoryAdmin):
    """Read-only: monitored values change only through the bureau's screens and their rules."""

    list_display = ["project", "indicator", "fiscal_year", "kind", "value", "origin", "is_demo"]
    list_filter = ["origin", "kind", "fiscal_year", "indicator__category", "project__bureau"]
    list_select_related = ["project", "indicator"]
    search_fields = ["project__name_ja", "project__code", "indicator__name_ja", "indicator__code"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
