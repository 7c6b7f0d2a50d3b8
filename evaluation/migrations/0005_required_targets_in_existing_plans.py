from django.db import migrations


def add_required_targets(apps, schema_editor):
    """Plans made before targets existed get the common target and its denominator."""
    Indicator = apps.get_model("evaluation", "Indicator")
    ProjectPlan = apps.get_model("evaluation", "ProjectPlan")
    Target = apps.get_model("evaluation", "Target")
    required = list(Indicator.objects.filter(is_common_target=True)) + list(
        Indicator.objects.filter(code="participating-firms")
    )
    for plan in ProjectPlan.objects.all():
        for order, indicator in enumerate(required, start=1):
            Target.objects.get_or_create(
                plan=plan,
                indicator=indicator,
                defaults={
                    "cumulation": "stock" if indicator.measure == "stock" else "flow",
                    "order": order,
                },
            )


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0004_targets_and_yearly_plans")]

    operations = [migrations.RunPython(add_required_targets, migrations.RunPython.noop)]
