"""The audit trail's model field: django-simple-history's `HistoricalRecords`, with the
historical models named in Japanese (「年度報告の変更履歴」, not 「historical 年度報告」: the
package names them in English and ships no Japanese catalogue; its admin screens' own words are
in locale/ja). Every audited model writes `history = HistoricalRecords()` from here."""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords as _HistoricalRecords


class HistoricalRecords(_HistoricalRecords):
    def get_meta_options(self, model):
        options = super().get_meta_options(model)
        if not self.user_set_verbose_name:
            options["verbose_name"] = format_lazy(_("{}の変更履歴"), model._meta.verbose_name)
        if not self.user_set_verbose_name_plural:
            options["verbose_name_plural"] = format_lazy(
                _("{}の変更履歴"), model._meta.verbose_name_plural
            )
        return options
