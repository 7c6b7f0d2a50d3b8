"""What the registry's screens accept: a member list file, the choices of its preview, and the
member list's filters."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from evaluation.forms.common import VersionedForm
from evaluation.forms.filters import QueryFilter, YearFilter
from projects.models import Membership, OrganisationType


class MemberListUploadForm(forms.Form):
    file = forms.FileField(
        label=_("会員名簿（.xlsxまたは.csv）"),
        help_text=_(
            "見出しの行に「名称」「種別」「参画日」（任意で「法人番号」「所在地」「よみがな」"
            "「役割」）を置きます。CSVの文字コードはUTF-8またはShift_JISです。"
        ),
    )


class MemberListApplyForm(forms.Form):
    """The preview's signed rows, and a choice for each row that waits for one (an organisation
    among its candidates, or "new")."""

    token = forms.CharField(widget=forms.HiddenInput, max_length=2_000_000)
    source = forms.CharField(widget=forms.HiddenInput, required=False, max_length=200)

    def __init__(self, *args, ambiguous=(), **kwargs):
        super().__init__(*args, **kwargs)
        for row in ambiguous:
            self.fields[f"choice-{row.line}"] = forms.ChoiceField(
                label=_("%(line)s行目「%(name)s」") % {"line": row.line, "name": row.row.name},
                choices=[(str(c.id), f"{c.name}（{c.note}）") for c in row.candidates]
                + [("new", _("新しい組織として登録する"))],
                widget=forms.RadioSelect,
                error_messages={"required": _("どの組織か選んでください。")},
            )

    def choices(self) -> dict[int, str]:
        return {
            int(name.removeprefix("choice-")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("choice-")
        }


class MemberListFilter(QueryFilter):
    """The member list's filters (?type=…&year=…&status=current|left); a value that is not a
    choice falls back to all."""

    type = django_filters.ChoiceFilter(choices=OrganisationType.choices, initial="")
    year = YearFilter()
    status = django_filters.ChoiceFilter(
        choices=[("current", _("参画中")), ("left", _("退会"))], initial=""
    )

    class Meta:
        model = Membership
        fields = []


class NetworkFilter(QueryFilter):
    """The network view's filters (?type=…&year=…); a value that is not a choice falls back to
    all types and the last tracked year."""

    type = django_filters.ChoiceFilter(choices=OrganisationType.choices, initial="")
    year = YearFilter()

    class Meta:
        model = Membership
        fields = []


class MemberCountsForm(VersionedForm):
    """Write the member list's counts into an annual report: the version the page was opened
    on, and the reason a change needs after a return or reopen."""
