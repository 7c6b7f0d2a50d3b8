import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from projects.models import Project


class ProjectTable(tables.Table):
    label = _("プロジェクト一覧")  # names the table's scroll region for screen readers
    name = tables.Column(
        verbose_name=_("プロジェクト"), accessor="name_ja", order_by=("name_ja",), linkify=False
    )
    bureau = tables.Column(verbose_name=_("経済産業局"), order_by=("bureau__order",))
    fields = tables.Column(verbose_name=_("分野"), orderable=False, empty_values=())
    phase = tables.Column(verbose_name=_("期"), order_by=("phase__first_fiscal_year",))
    status = tables.Column(verbose_name=_("状態"))

    class Meta:
        model = Project
        fields = ["name", "bureau", "fields", "phase", "status"]
        attrs = {"class": "table"}
        empty_text = _("条件に合うプロジェクトはありません。")
        per_page = 25

    def render_name(self, record):
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), record.name)

    def render_fields(self, record):
        return "、".join(field.name for field in record.fields.all())

    def render_status(self, record):
        return format_html(
            '<span class="badge badge--{}">{}</span>', record.status, record.get_status_display()
        )
