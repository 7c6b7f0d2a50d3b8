"""The overall plan (全体計画) of a phase: national targets beside the projects' plans."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from evaluation.models.catalogue import Indicator
from projects.history import HistoricalRecords
from projects.models import Phase, Role, user_role


class OverallPlanQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Every signed-in user reads the overall plan (DOMAIN.md)."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        return self.all()

    def get_by_natural_key(self, phase_code):
        return self.get(phase__code=phase_code)


class OverallPlan(models.Model):
    phase = models.OneToOneField(
        Phase, on_delete=models.PROTECT, related_name="overall_plan", verbose_name=_("期")
    )
    mid_term_fiscal_year = models.PositiveSmallIntegerField(_("中間評価の年度"))
    description = models.TextField(_("概要"), blank=True)
    version = models.PositiveIntegerField(_("更新番号"), default=1)

    objects = OverallPlanQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("全体計画")
        verbose_name_plural = _("全体計画")
        ordering = ["phase__first_fiscal_year"]

    def __str__(self) -> str:
        return str(_("全体計画（%(phase)s）") % {"phase": self.phase})

    def natural_key(self):
        return (self.phase.code,)

    natural_key.dependencies = ["projects.phase"]

    def get_absolute_url(self) -> str:
        return reverse("overall_plan_detail", args=[self.phase.code])

    def clean(self):
        super().clean()
        if self.phase_id and not self.phase.contains(self.mid_term_fiscal_year):
            raise ValidationError(
                {"mid_term_fiscal_year": _("中間評価の年度は期間内の年度にしてください。")}
            )

    @staticmethod
    def is_editable_by(user) -> bool:
        return user_role(user) == Role.MANAGER


class NationalTargetQuerySet(models.QuerySet):
    def get_by_natural_key(self, phase_code, indicator_code, fiscal_year):
        return self.get(
            overall_plan__phase__code=phase_code,
            indicator__code=indicator_code,
            fiscal_year=fiscal_year,
        )


class NationalTarget(models.Model):
    """A national target for an indicator: for one fiscal year, or (no year) for the phase."""

    overall_plan = models.ForeignKey(
        OverallPlan,
        on_delete=models.CASCADE,
        related_name="national_targets",
        verbose_name=_("全体計画"),
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="+", verbose_name=_("指標")
    )
    fiscal_year = models.PositiveSmallIntegerField(
        _("年度"), null=True, blank=True, help_text=_("空欄は期全体（5年間）の目標です。")
    )
    value = models.DecimalField(_("目標値"), max_digits=20, decimal_places=4)
    source_note = models.CharField(_("出所・注記"), max_length=500, blank=True)

    objects = NationalTargetQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("全国目標")
        verbose_name_plural = _("全国目標")
        ordering = ["overall_plan", "indicator", "fiscal_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["overall_plan", "indicator"],
                condition=Q(fiscal_year__isnull=True),
                name="national_target_one_phase_total",
            ),
            models.UniqueConstraint(
                fields=["overall_plan", "indicator", "fiscal_year"],
                condition=Q(fiscal_year__isnull=False),
                name="national_target_one_per_year",
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="national_target_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.fiscal_year or ''}: {self.value}"

    def natural_key(self):
        return (self.overall_plan.phase.code, self.indicator.code, self.fiscal_year)

    natural_key.dependencies = ["evaluation.overallplan", "evaluation.indicator"]
