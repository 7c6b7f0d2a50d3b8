from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from projects.models import (
    Adoption,
    Bureau,
    CasePartner,
    CaseStage,
    CollaborationCase,
    Field,
    LoginAttempt,
    LoginFailure,
    LoginLog,
    Membership,
    Organisation,
    Phase,
    PolicyFramework,
    PolicyTool,
    PolicyToolBudget,
    Project,
    Role,
    SubRegion,
    User,
)


class ReferenceAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name_ja", "name_en", "order"]
    search_fields = ["code", "name_ja", "name_en"]
    ordering = ["order", "code"]


@admin.register(Bureau)
class BureauAdmin(ReferenceAdmin):
    pass


@admin.register(Field)
class FieldAdmin(ReferenceAdmin):
    pass


@admin.register(Phase)
class PhaseAdmin(ReferenceAdmin):
    list_display = ["code", "name_ja", "name_en", "first_fiscal_year", "last_fiscal_year"]
    ordering = ["first_fiscal_year"]


@admin.register(PolicyFramework)
class PolicyFrameworkAdmin(ReferenceAdmin):
    pass


class SubRegionInline(admin.TabularInline):
    model = SubRegion
    extra = 0
    fields = ["name_ja", "name_en", "order"]


@admin.register(Project)
class ProjectAdmin(ReferenceAdmin):
    list_display = ["code", "name_ja", "bureau", "phase", "status", "successor"]
    list_filter = ["bureau", "phase", "status", "fields"]
    list_select_related = ["bureau", "phase", "successor"]
    search_fields = ["code", "name_ja", "name_en", "promotion_organisation"]
    filter_horizontal = ["fields"]
    autocomplete_fields = ["successor"]
    inlines = [SubRegionInline]
    ordering = ["bureau__order", "order", "code"]


class PolicyToolBudgetInline(admin.TabularInline):
    model = PolicyToolBudget
    extra = 0
    fields = ["fiscal_year", "amount_yen", "note"]


@admin.register(PolicyTool)
class PolicyToolAdmin(ReferenceAdmin):
    list_display = ["code", "name_ja", "support_area", "parent", "order"]
    list_filter = ["support_area"]
    list_select_related = ["parent"]
    inlines = [PolicyToolBudgetInline]


class UserAdminForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User

    def clean(self):
        cleaned = super().clean()
        groups = cleaned.get("groups")
        names = {group.name for group in groups} if groups is not None else set()
        if Role.STAFF.value in names and not cleaned.get("bureau"):
            raise forms.ValidationError(_("局担当者には所属経済産業局を指定してください。"))
        return cleaned


@admin.register(User)
class ProjectUserAdmin(UserAdmin):
    form = UserAdminForm
    list_display = ["username", "last_name", "first_name", "bureau", "is_active", "is_staff"]
    list_filter = ["groups", "bureau", "is_active", "is_staff"]
    list_select_related = ["bureau"]
    fieldsets = [
        *UserAdmin.fieldsets,
        (_("所属"), {"fields": ["bureau"]}),
    ]


# django-axes's records under their Japanese names (projects.models: LoginAttempt, …): axes's
# own admin classes, registered for the proxies in place of axes's English-named models.
for _model, _proxy, _admin in (
    (AccessAttempt, LoginAttempt, AccessAttemptAdmin),
    (AccessLog, LoginLog, AccessLogAdmin),
    (AccessFailureLog, LoginFailure, AccessFailureLogAdmin),
):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
    admin.site.register(_proxy, _admin)
# --- The network registry (会員名簿) ---------------------------------------------------------


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["project", "joined", "left", "role", "source"]
    autocomplete_fields = ["project"]


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "type", "corporate_number", "prefecture", "municipality", "fictional"]
    list_filter = ["type", "prefecture", "industry", "fictional"]
    search_fields = ["name", "kana", "normalised_name", "corporate_number"]
    ordering = ["type", "normalised_name"]
    inlines = [MembershipInline]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        """The corporate number may be typed with full-width digits and hyphens (up to 30
        characters); the model stores it as 13 digits and checks it then."""
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "corporate_number":
            field.max_length = 30
            field.widget.attrs["maxlength"] = "30"
            field.validators = [
                v for v in field.validators if not isinstance(v, MaxLengthValidator)
            ]
        return field


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["organisation", "project", "role", "joined", "left"]
    list_filter = ["role", "project__bureau", "project"]
    list_select_related = ["organisation", "project"]
    search_fields = ["organisation__name", "organisation__normalised_name", "project__name_ja"]
    autocomplete_fields = ["organisation", "project"]
    date_hierarchy = "joined"


# --- Cases and adoptions (連携事例・採択一覧) ----------------------------------------------------


class CaseStageInline(admin.TabularInline):
    model = CaseStage
    extra = 0
    fields = ["stage", "fiscal_year", "skipped", "skip_reason"]


class CasePartnerInline(admin.TabularInline):
    model = CasePartner
    extra = 0
    fields = ["organisation", "role"]
    autocomplete_fields = ["organisation"]


class ReadOnlyAdmin(SimpleHistoryAdmin):
    """Kept on the bureau's screens (validated, scoped, audited there); the admin reads them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CollaborationCase)
class CollaborationCaseAdmin(ReadOnlyAdmin):
    list_display = ["title", "project", "lead", "reference"]
    list_filter = ["project__bureau", "project", "reference"]
    list_select_related = ["project", "lead"]
    search_fields = ["title", "theme", "lead_label"]
    inlines = [CaseStageInline, CasePartnerInline]


@admin.register(Adoption)
class AdoptionAdmin(ReadOnlyAdmin):
    list_display = [
        "tool",
        "fiscal_year",
        "project",
        "organisation",
        "consortium_name",
        "amount_yen",
    ]
    list_filter = ["tool", "fiscal_year", "project__bureau"]
    list_select_related = ["tool", "project", "organisation"]
    search_fields = ["consortium_name", "theme", "organisation__name"]
