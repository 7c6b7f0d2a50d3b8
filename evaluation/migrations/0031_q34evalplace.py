# The project evaluations' kept places in API 評価 (issue 27): copies of the round's fiscal year
# and of the project's order and code, filled here for the existing evaluations in one UPDATE
# (each column read from the round or the project by its key), then indexed in the list's order.

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    ProjectEvaluation = apps.get_model("evaluation", "ProjectEvaluation")
    EvaluationRound = apps.get_model("evaluation", "EvaluationRound")
    Project = apps.get_model("projects", "Project")
    project = Project.objects.filter(pk=OuterRef("project_id"))
    ProjectEvaluation.objects.using(schema_editor.connection.alias).update(
        round_fiscal_year=Subquery(
            EvaluationRound.objects.filter(pk=OuterRef("round_id")).values("fiscal_year")[:1]
        ),
        project_order=Subquery(project.values("order")[:1]),
        project_code=Subquery(project.values("code")[:1]),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("evaluation", "0030_q33year"),
        ("projects", "0006_q30api"),
    ]

    operations = [
        migrations.AddField(
            model_name="projectevaluation",
            name="round_fiscal_year",
            field=models.PositiveSmallIntegerField(
                default=0, editable=False, verbose_name="評価の年度（並び順の写し）"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="projectevaluation",
            name="project_order",
            field=models.PositiveSmallIntegerField(
                default=0, editable=False, verbose_name="プロジェクトの表示順（並び順の写し）"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="projectevaluation",
            name="project_code",
            field=models.CharField(
                default="",
                editable=False,
                max_length=60,
                verbose_name="プロジェクトのコード（並び順の写し）",
            ),
            preserve_default=False,
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="projectevaluation",
            index=models.Index(
                fields=["round_fiscal_year", "round", "project_order", "project_code"],
                name="evaluation_api_position",
            ),
        ),
    ]
