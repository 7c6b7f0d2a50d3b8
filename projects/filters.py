import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from projects.models import Bureau, Field, Phase, Project

ALL = _("すべて")


class ProjectFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("名称・コード"), method="search")
    bureau = django_filters.ModelChoiceFilter(
        label=_("経済産業局"),
        queryset=Bureau.objects.all(),
        to_field_name="code",
        empty_label=ALL,
    )
    fields = django_filters.ModelChoiceFilter(
        label=_("分野"), queryset=Field.objects.all(), to_field_name="code", empty_label=ALL
    )
    phase = django_filters.ModelChoiceFilter(
        label=_("期"), queryset=Phase.objects.all(), to_field_name="code", empty_label=ALL
    )
    status = django_filters.ChoiceFilter(
        label=_("状態"), choices=Project.Status.choices, empty_label=ALL
    )

    class Meta:
        model = Project
        fields = ["q", "bureau", "fields", "phase", "status"]

    def search(self, queryset, name, value):
        value = value.strip()[:100]
        if not value:
            return queryset
        matches = Project.objects.filter(
            Q(name_ja__icontains=value)
            | Q(name_en__icontains=value)
            | Q(code__icontains=value)
            | Q(sub_regions__name_ja__icontains=value)
            | Q(sub_regions__name_en__icontains=value)
        )
        return queryset.filter(pk__in=matches.values("pk"))
