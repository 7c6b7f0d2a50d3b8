# The action items' kept places in the lists (issue 27): copies of the project's bureau's order,
# the project's order and code, filled here for the existing items in one UPDATE (each column
# read from the project by its key), then indexed in the lists' orders.

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    ActionItem = apps.get_model("evaluation", "ActionItem")
    Project = apps.get_model("projects", "Project")
    project = Project.objects.filter(pk=OuterRef("project_id"))
    ActionItem.objects.using(schema_editor.connection.alias).update(
        bureau_order=Subquery(project.values("bureau__order")[:1]),
        project_order=Subquery(project.values("order")[:1]),
        project_code=Subquery(project.values("code")[:1]),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("evaluation", "0028_q30api"),
        ("projects", "0006_q30api"),
    ]

    operations = [
        migrations.AddField(
            model_name="actionitem",
            name="bureau_order",
            field=models.PositiveSmallIntegerField(
                default=0, editable=False, verbose_name="局の表示順（並び順の写し）"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="actionitem",
            name="project_order",
            field=models.PositiveSmallIntegerField(
                default=0, editable=False, verbose_name="プロジェクトの表示順（並び順の写し）"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="actionitem",
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
        migrations.AlterModelOptions(
            name="actionitem",
            options={
                "ordering": ["due_fiscal_year", "bureau_order", "project_order", "pk"],
                "verbose_name": "改善事項",
                "verbose_name_plural": "改善事項",
            },
        ),
        migrations.AddIndex(
            model_name="actionitem",
            index=models.Index(
                fields=["due_fiscal_year", "bureau_order", "project_order", "id"],
                name="item_position",
            ),
        ),
        migrations.AddIndex(
            model_name="actionitem",
            index=models.Index(
                fields=["due_fiscal_year", "project_order", "project_code", "id"],
                name="item_api_position",
            ),
        ),
    ]
