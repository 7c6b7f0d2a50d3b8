from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("プロジェクトとマスタデータ")

    def ready(self):
        from projects.roles import ensure_role_groups

        post_migrate.connect(ensure_role_groups, dispatch_uid="projects.ensure_role_groups")
