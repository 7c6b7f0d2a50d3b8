from decimal import Decimal

from django.contrib import admin
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from evaluation.models import (
    AnnualReport,
    Indicator,
    MonitoredValue,
    NationalIndustryFigure,
    NationalTarget,
    OverallPlan,
    ProjectPlan,
    RatingBand,
    ReportingDeadline,
    ScenarioRevision,
    TargetVersion,
    WorkflowEvent,
    YearlyPlan,
)
from evaluation.services.list_positions import list_positions_refill
from evaluation.services.member_counts import member_counts_kept
from projects.admin import BureauAdmin, MembershipAdmin, OrganisationAdmin, ProjectAdmin
from projects.models import Bureau, Membership, Organisation, Project


def plain(number) -> str:
    """A stored decimal as the screens write it: 7, 1,234.5 (not 7.0000); "—" for none."""
    if number is None:
        return "—"
    return f"{Decimal(number).normalize():,f}"


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
    # Once values or targets use an indicator, changing these would silently change how its
    # history is compared and rated.
    FROZEN_ONCE_USED = ["code", "unit", "measure", "direction", "is_common_target", "category"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and (obj.values.exists() or obj.targets.exists()):
            return self.FROZEN_ONCE_USED
        return []


class ReadOnlyAdmin(SimpleHistoryAdmin):
    """Records with a workflow state, a lock or an audit reason: visible, never changed here
    (their changes must pass through the services' rules)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(MonitoredValue)
class MonitoredValueAdmin(ReadOnlyAdmin):
    """Read-only: monitored values change only through the bureau's screens and their rules."""

    list_display = ["project", "indicator", "fiscal_year", "kind", "shown", "origin", "is_demo"]
    list_filter = ["origin", "kind", "fiscal_year", "indicator__category", "project__bureau"]
    list_select_related = ["project", "indicator"]
    search_fields = ["project__name_ja", "project__code", "indicator__name_ja", "indicator__code"]

    @admin.display(description=_("値"), ordering="value")
    def shown(self, obj):
        """As the screens show it: 「7 件」, 「1,234.5 百万円」, 「該当なし」 (not 7.0000)."""
        return obj.display_with_unit


@admin.register(ProjectPlan)
class ProjectPlanAdmin(ReadOnlyAdmin):
    list_display = ["project", "phase", "state", "version", "updated_at"]
    list_filter = ["state", "phase", "project__bureau"]
    list_select_related = ["project", "phase"]
    search_fields = ["project__name_ja", "project__code"]


@admin.register(ScenarioRevision)
class ScenarioRevisionAdmin(ReadOnlyAdmin):
    list_display = ["plan", "number", "fiscal_year", "author", "created_at"]
    list_select_related = ["plan__project", "plan__phase", "author"]
    search_fields = ["plan__project__name_ja", "reason"]


@admin.register(WorkflowEvent)
class WorkflowEventAdmin(ReadOnlyAdmin):
    list_display = ["subject", "action", "from_state", "to_state", "by", "at"]
    list_filter = ["action", "to_state"]
    list_select_related = ["by", "content_type"]


@admin.register(TargetVersion)
class TargetVersionAdmin(ReadOnlyAdmin):
    list_display = ["target", "number", "applies_from_fiscal_year", "shown_target", "author"]
    list_select_related = ["target__indicator", "target__plan__project", "author"]

    @admin.display(description=_("目標値"), ordering="target_value")
    def shown_target(self, obj):
        return plain(obj.target_value)


@admin.register(YearlyPlan)
class YearlyPlanAdmin(ReadOnlyAdmin):
    list_display = ["project", "fiscal_year", "state", "version"]
    list_filter = ["state", "fiscal_year", "project__bureau"]
    list_select_related = ["project"]


@admin.register(OverallPlan)
class OverallPlanAdmin(ReadOnlyAdmin):
    list_display = ["phase", "mid_term_fiscal_year", "version"]


@admin.register(NationalTarget)
class NationalTargetAdmin(ReadOnlyAdmin):
    list_display = ["overall_plan", "indicator", "fiscal_year", "shown_value"]
    list_select_related = ["overall_plan__phase", "indicator"]

    @admin.display(description=_("値"), ordering="value")
    def shown_value(self, obj):
        return plain(obj.value)


@admin.register(AnnualReport)
class AnnualReportAdmin(ReadOnlyAdmin):
    list_display = ["project", "fiscal_year", "state", "version"]
    list_filter = ["state", "fiscal_year", "project__bureau"]
    list_select_related = ["project"]


@admin.register(ReportingDeadline)
class ReportingDeadlineAdmin(SimpleHistoryAdmin):
    list_display = ["fiscal_year", "due_date"]


@admin.register(NationalIndustryFigure)
class NationalIndustryFigureAdmin(SimpleHistoryAdmin):
    """法人企業統計 by industry: kept by admins here and by managers on the national figures
    screen."""

    list_display = ["fiscal_year", "industry", "measure", "value"]
    list_filter = ["fiscal_year", "industry", "measure"]


@admin.register(RatingBand)
class RatingBandAdmin(admin.ModelAdmin):
    list_display = ["rating", "shown_minimum"]

    @admin.display(
        description=RatingBand._meta.get_field("minimum_percent").verbose_name,
        ordering="minimum_percent",
    )
    def shown_minimum(self, obj):
        return plain(obj.minimum_percent)


# --- The network registry (会員名簿): the national member counts ------------------------------
# The registry's admin lives in projects/admin.py, and projects never imports evaluation; the
# national member counts (services/member_counts.py) move with every membership and every
# organisation's type. So evaluation registers the same admin again (projects comes first in
# INSTALLED_APPS), each save and delete inside `member_counts_kept`, in the admin's transaction.


class KeptOrganisationAdmin(OrganisationAdmin):
    """An organisation's type (its memberships count under it) and its inline memberships."""

    def save_model(self, request, obj, form, change):
        with member_counts_kept(organisation_ids=[obj.pk]):
            super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        with member_counts_kept(organisation_ids=[form.instance.pk]):
            super().save_formset(request, form, formset, change)

    def delete_model(self, request, obj):
        with member_counts_kept(organisation_ids=[obj.pk]):
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with member_counts_kept(organisation_ids=queryset.values_list("pk", flat=True)):
            super().delete_queryset(request, queryset)


class KeptMembershipAdmin(MembershipAdmin):
    """A membership added, changed (its dates, or moved to another organisation: both count),
    reverted from its history or deleted."""

    def save_model(self, request, obj, form, change):
        with member_counts_kept(organisation_ids=[obj.organisation_id], membership_ids=[obj.pk]):
            super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        with member_counts_kept(organisation_ids=[obj.organisation_id]):
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with member_counts_kept(membership_ids=queryset.values_list("pk", flat=True)):
            super().delete_queryset(request, queryset)


class KeptProjectAdmin(ProjectAdmin):
    """A project's order, code or bureau (its action items keep copies of them, and of the
    bureau's order, and its evaluations of its order and code, to sort the lists by:
    services/list_positions.py), written again in the
    admin's transaction; an add, a change or a revert from the history."""

    def save_model(self, request, obj, form, change):
        # atomic here too: the history's revert view saves outside the admin's transaction
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            if change:
                list_positions_refill(projects=[obj.pk])


class KeptBureauAdmin(BureauAdmin):
    """A bureau's order, copied onto the action items of its projects (as KeptProjectAdmin)."""

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            if change:
                list_positions_refill(bureaus=[obj.pk])


for _model, _admin in (
    (Organisation, KeptOrganisationAdmin),
    (Membership, KeptMembershipAdmin),
    (Project, KeptProjectAdmin),
    (Bureau, KeptBureauAdmin),
):
    admin.site.unregister(_model)
    admin.site.register(_model, _admin)
